// Package gateway holds the Gateway pages: the org admins' page of nodes
// and their states, and an API's gateway settings per major version.
package gateway

import (
	"strconv"
	"strings"
	"time"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/views/components"
)

// View is the Gateway page.
type View struct {
	Overview *control.Overview
	// Portal is this portal's URL, for the command that starts a node.
	Portal string
	Form   NodeForm
	// NewNode and NewToken are shown once, right after a registration.
	NewNode, NewToken string
}

// NodeForm registers a node.
type NodeForm struct {
	Name   string
	Errors components.FieldErrors
}

// SettingsView is an API's gateway settings page.
type SettingsView struct {
	API, Name string
	Routes    []control.RouteSettings
	// FormMajor is the major whose form was refused (-1: none), with the
	// values submitted and their errors.
	FormMajor int
	Form      SettingsForm
	// RollbackMajor is the major whose rollback was refused (-1: none),
	// with the errors shown beside its deployments.
	RollbackMajor  int
	RollbackErrors components.FieldErrors
}

// SettingsForm is the settings form of one major version as submitted.
type SettingsForm struct {
	Targets, ConnectTimeoutMS, ResponseTimeoutMS, CORSOrigins, Note string
	Errors                                                          components.FieldErrors
}

func stateLabel(s string) string {
	switch s {
	case "in_sync":
		return "in sync"
	case "behind":
		return "behind"
	case "rejecting":
		return "rejecting"
	}
	return "unreachable"
}

func stateBadge(s string) string {
	switch s {
	case "in_sync":
		return "badge badge-green"
	case "behind":
		return "badge badge-yellow"
	case "rejecting":
		return "badge badge-red"
	}
	return "badge badge-gray"
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	if h == "" {
		return "—"
	}
	return h
}

func ago(now time.Time, t *time.Time) string {
	if t == nil {
		return "never"
	}
	d := now.Sub(*t).Round(time.Second)
	if d < time.Second {
		return "just now"
	}
	return d.String() + " ago"
}

func timeout(ms int) string {
	if ms == 0 {
		return "default"
	}
	return strconv.Itoa(ms)
}

// currentOrigins are the CORS origins in force, one per line.
func currentOrigins(r control.RouteSettings) string {
	if r.Current == nil {
		return ""
	}
	return strings.Join(r.Current.CORSOrigins, "\n")
}

func currentTimeout(r control.RouteSettings, connect bool) string {
	if r.Current == nil {
		return ""
	}
	ms := r.Current.ResponseTimeoutMS
	if connect {
		ms = r.Current.ConnectTimeoutMS
	}
	if ms == 0 {
		return ""
	}
	return strconv.Itoa(ms)
}
