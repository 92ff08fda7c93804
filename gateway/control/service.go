// Package control is the portal's side of its gateway nodes (the control
// plane): the domain service for node registration and for the gateway
// settings of API major versions with their deployments and rollbacks; the
// compile of the configuration from the database into a change log with
// checkpoints (Source, which the push hub serves); and the node
// authenticator and status recorder the hub uses.
//
// The service has the shape of every Portico domain service (see package
// people): pages, JSON API and CLI call it; it checks the permission through
// the Authorizer, validates, and writes the change with its audit record and
// its outbox message (store.TopicGatewayChanged) in one transaction.
package control

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// Authorizer answers permission questions; *policy.Enforcer implements it.
type Authorizer interface {
	Allowed(ctx context.Context, userID int64, domain, obj, act string) (bool, error)
}

// Permissions: nodes are the org admins' ("gateway" "manage" in the org
// domain); an API's gateway settings are its team maintainers' ("api"
// "gateway" in the team domain).
const (
	ObjGateway      = "gateway"
	ActManage       = "manage"
	ActAPIGateway   = "gateway"
	NodeTokenPrefix = "pgn_"
	// MaxTargets bounds the upstream targets of one API major version.
	MaxTargets = 16
	// MaxTimeoutMS bounds the connect and response timeouts (10 minutes).
	MaxTimeoutMS = 600_000
	// Length limits of the free texts of gateway settings, in characters
	// (runes; the text must also be valid UTF-8).
	MaxTargetURL = 500
	MaxNote      = 500 // the note of a deployment
)

// Options configures the service (nothing yet).
type Options struct{}

// Service applies the rules about gateway nodes and gateway settings.
type Service struct {
	store *store.Store
	auth  Authorizer
	src   *Source
	hub   *push.Hub
}

// New returns a Service. src gives the newest configuration head (for node
// states); hub, when not nil, is this instance's push hub, whose held
// requests of a revoked node end at once.
func New(s *store.Store, authz Authorizer, src *Source, hub *push.Hub, opts Options) *Service {
	return &Service{store: s, auth: authz, src: src, hub: hub}
}

// actor is who asks: a user, whose permissions apply, or the console.
type actor = policy.Actor

// Console is the operator at the server's console (the CLI): it skips the
// permission checks, never the validation, and the audit log names it.
type Console struct {
	s *Service
	a actor
}

// Console returns the console acting under name.
func (s *Service) Console(name string) *Console { return &Console{s: s, a: actor{Console: name}} }

func (s *Service) require(ctx context.Context, a actor, domain, obj, act, denied string) error {
	return a.Require(ctx, s.auth, domain, obj, act, denied)
}

func (s *Service) audit(ctx context.Context, tx bun.IDB, a actor, action, objType, objID string, teamID *int64, before, after, reason string) error {
	e := &store.AuditEvent{Action: action, ObjectType: objType, ObjectID: objID, TeamID: teamID, Before: before, After: after, Reason: reason}
	a.Stamp(e)
	return s.store.Audit(ctx, tx, e, store.Now())
}

// ---- Nodes ----

var nodeName = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,62}[a-z0-9])?$`)

// NodeInput is a node as registered: the page's form, the JSON body and the
// CLI's --name fill it alike.
type NodeInput struct {
	Name string
}

func (in *NodeInput) normalize() error {
	// A token's letters are in both cases: judged before lowercasing.
	if apperr.HoldsSecret(in.Name) {
		return apperr.Field("name", apperr.SecretMessage)
	}
	in.Name = strings.ToLower(strings.TrimSpace(in.Name))
	if !nodeName.MatchString(in.Name) {
		return apperr.Field("name", "Name the node with 1 to 64 lowercase letters, digits, dots or hyphens (starting and ending with a letter or digit), e.g. edge-eu-1.")
	}
	return nil
}

// RegisterNode registers a node and returns it with its token, to be shown
// once: only the token's SHA-256 is stored.
func (s *Service) RegisterNode(ctx context.Context, u *store.User, in NodeInput) (*store.GatewayNode, string, error) {
	return s.registerNode(ctx, actor{User: u}, in)
}

// RegisterNode registers a node for the operator.
func (c *Console) RegisterNode(ctx context.Context, in NodeInput) (*store.GatewayNode, string, error) {
	return c.s.registerNode(ctx, c.a, in)
}

func (s *Service) registerNode(ctx context.Context, a actor, in NodeInput) (*store.GatewayNode, string, error) {
	if err := s.require(ctx, a, policy.OrgDomain, ObjGateway, ActManage, "Only org admins register gateway nodes."); err != nil {
		return nil, "", err
	}
	if err := in.normalize(); err != nil {
		return nil, "", err
	}
	token := NodeTokenPrefix + auth.RandomToken(32)
	n := &store.GatewayNode{Name: in.Name, TokenHash: auth.HashToken(token), TokenPrefix: token[:len(NodeTokenPrefix)+6]}
	if a.User != nil {
		n.CreatedBy = &a.User.ID
	}
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.CreateGatewayNode(ctx, tx, n); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, "gateway.node.register", "gateway_node", n.Name, nil, "", n.TokenPrefix+"…", ""); err != nil {
			return err
		}
		return s.store.GatewayChanged(ctx, tx, "")
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, "", apperr.Field("name", fmt.Sprintf("A node named %s is registered already; revoke it first or choose another name.", store.Echo(in.Name, store.MaxEcho)))
	}
	if err != nil {
		return nil, "", err
	}
	return n, token, nil
}

// RevokeNode revokes a node's registration: its token stops working and its
// held requests end, on every portal instance.
func (s *Service) RevokeNode(ctx context.Context, u *store.User, name string) error {
	a := actor{User: u}
	if err := s.require(ctx, a, policy.OrgDomain, ObjGateway, ActManage, "Only org admins revoke gateway nodes."); err != nil {
		return err
	}
	name = nodeNameOf(name)
	var revoked *store.GatewayNode
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := s.store.ActiveGatewayNode(ctx, tx, name)
		if err != nil {
			return err
		}
		revoked = n
		if err := s.store.RevokeGatewayNode(ctx, tx, n.ID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, "gateway.node.revoke", "gateway_node", n.Name, nil, n.TokenPrefix+"…", "revoked", ""); err != nil {
			return err
		}
		return s.store.Wake(ctx, tx, store.WakeGateway)
	})
	if errors.Is(err, store.ErrNotFound) {
		return noSuchNode(name)
	}
	if err != nil {
		return err
	}
	if s.hub != nil {
		s.hub.Forget(push.Node{Name: revoked.Name, ID: revoked.ID})
	}
	return nil
}

// NodeView is a node as the Gateway page and GET /api/v1/gateway/nodes show it.
type NodeView struct {
	Name           string     `json:"name"`
	State          string     `json:"state"`
	AppliedVersion uint64     `json:"applied_version"`
	AppliedHash    string     `json:"applied_hash"`
	LastSeenAt     *time.Time `json:"last_seen_at"`
	LastError      string     `json:"last_error"`
	Agent          string     `json:"agent"`
	TokenPrefix    string     `json:"token_prefix"`
	CreatedAt      time.Time  `json:"created_at"`
}

// Overview is the Gateway page: the newest configuration and every node.
type Overview struct {
	Head    gateway.Head
	Routes  int
	Plans   int
	Keys    int
	Skipped []string
	Nodes   []NodeView
	// UnreachableAfter is how long a silent node stays in its state.
	UnreachableAfter time.Duration
	// Now is the database's time the nodes' last contacts (stamped by
	// the database) were measured against: how long ago a node was heard
	// is Now minus its LastSeenAt, whatever this instance's clock says.
	Now time.Time
}

// nodeNameOf reads a node's name as given to look it up: its names are
// lowercase.
func nodeNameOf(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// noSuchNode is the refusal naming a node that is not registered.
func noSuchNode(name string) error {
	return apperr.NotFound(fmt.Sprintf("There is no registered gateway node %s.", store.Echo(name, store.MaxEcho)))
}

// Node returns the registered node named name with its state, as Overview
// lists it; a name is read as RevokeNode reads it, and one that is not
// registered is refused in the same words.
func (s *Service) Node(ctx context.Context, u *store.User, name string) (*NodeView, error) {
	o, err := s.Overview(ctx, u)
	if err != nil {
		return nil, err
	}
	name = nodeNameOf(name)
	for i := range o.Nodes {
		if o.Nodes[i].Name == name {
			return &o.Nodes[i], nil
		}
	}
	return nil, noSuchNode(name)
}

// Overview returns the configuration head and the nodes with their states.
func (s *Service) Overview(ctx context.Context, u *store.User) (*Overview, error) {
	if err := s.require(ctx, actor{User: u}, policy.OrgDomain, ObjGateway, ActManage, "Only org admins see the gateway nodes."); err != nil {
		return nil, err
	}
	return s.Fleet(ctx)
}

// Fleet is Overview without the authorization, for the portal's metrics
// (whose own token guards them): the nodes get the states the Gateway
// page and GET /api/v1/gateway/nodes show. It reads the active nodes and
// the database's clock.
func (s *Service) Fleet(ctx context.Context) (*Overview, error) {
	head, _ := s.src.Current(ctx)
	// How long a node may be silent before it is shown as unreachable: the
	// hub's, from the longest it holds a request; without a hub (the CLI),
	// the default's.
	unreachableAfter := push.UnreachableAfter(0)
	if s.hub != nil {
		unreachableAfter = s.hub.UnreachableAfter()
	}
	o := &Overview{Head: head, Skipped: s.src.Skipped(), UnreachableAfter: unreachableAfter}
	if st := s.src.State(); st != nil {
		o.Routes, o.Plans, o.Keys = st.Counts()
	}
	ns, err := s.store.GatewayNodes(ctx)
	if err != nil {
		return nil, err
	}
	// The last contacts were stamped by the database's clock: they are
	// compared with it, not with this instance's.
	now, err := s.store.ClockNow(ctx)
	if err != nil {
		return nil, err
	}
	o.Now = now
	o.Nodes = make([]NodeView, 0, len(ns))
	for _, n := range ns {
		st := push.NodeStatus{Name: n.Name, Applied: gateway.Head{Version: uint64(n.AppliedVersion), Hash: n.AppliedHash}, LastError: n.LastError}
		if n.LastSeenAt != nil {
			st.LastSeen = *n.LastSeenAt
		}
		if n.RejectedVersion > 0 || n.RejectedHash != "" {
			st.Rejected = &gateway.Rejection{Version: uint64(n.RejectedVersion), Hash: n.RejectedHash}
		}
		o.Nodes = append(o.Nodes, NodeView{
			Name: n.Name, State: push.Classify(st, head, now, unreachableAfter),
			AppliedVersion: uint64(n.AppliedVersion), AppliedHash: n.AppliedHash, LastSeenAt: n.LastSeenAt,
			LastError: n.LastError, Agent: n.Agent, TokenPrefix: n.TokenPrefix, CreatedAt: n.CreatedAt,
		})
	}
	return o, nil
}

// ---- Gateway settings of API major versions ----

// SettingsInput is an API major version's gateway settings as typed: the
// form, the JSON body and the CLI fill it alike. Timeouts are milliseconds,
// empty or 0 for the node's default.
type SettingsInput struct {
	Targets           []string
	ConnectTimeoutMS  string
	ResponseTimeoutMS string
	// CORSOrigins are the browser origins allowed to call the version
	// (https://app.example.com), or "*" alone; none for no CORS.
	CORSOrigins []string
	Note        string
}

type settings struct {
	targets           []string
	connect, response int
	origins           []string
}

func (in *SettingsInput) normalize() (settings, error) {
	errs := map[string]string{}
	var out settings
	var scheme, path string
	hosts := map[string]bool{}
	for _, t := range in.Targets {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !apperr.Text(errs, "targets", t, MaxTargetURL) {
			break
		}
		u, err := gateway.ParseNewTarget(t)
		switch {
		case errors.Is(err, gateway.ErrTargetDenied):
			errs["targets"] = fmt.Sprintf("Target %s: %s. Point it at the service's own address or host name.", store.Echo(t, 100), err)
		case err != nil:
			errs["targets"] = fmt.Sprintf("Target %s: %s. Use an absolute http:// or https:// URL such as http://orders.internal:8080/v1.", store.Echo(t, 100), err)
		case len(out.targets) > 0 && (u.Scheme != scheme || u.Path != path):
			errs["targets"] = "Targets are replicas of one service: give them the same scheme and path, differing in host or port."
		case hosts[u.Host]:
			errs["targets"] = fmt.Sprintf("Target host %s is listed twice.", store.Echo(u.Host, store.MaxEcho))
		}
		if err != nil || errs["targets"] != "" {
			break
		}
		if len(out.targets) == 0 {
			scheme, path = u.Scheme, u.Path
		}
		hosts[u.Host] = true
		out.targets = append(out.targets, t)
	}
	if len(out.targets) == 0 && errs["targets"] == "" {
		errs["targets"] = "Give at least one upstream target: an absolute http:// or https:// URL."
	}
	if len(out.targets) > MaxTargets {
		errs["targets"] = fmt.Sprintf("Give at most %d targets.", MaxTargets)
	}
	var err error
	if out.connect, err = timeoutMS(in.ConnectTimeoutMS); err != nil {
		errs["connect_timeout_ms"] = err.Error()
	}
	if out.response, err = timeoutMS(in.ResponseTimeoutMS); err != nil {
		errs["response_timeout_ms"] = err.Error()
	}
	if out.origins, err = corsOrigins(in.CORSOrigins); err != nil {
		errs["cors_origins"] = err.Error()
	}
	in.Note = strings.TrimSpace(in.Note)
	apperr.Text(errs, "note", in.Note, MaxNote)
	if len(errs) > 0 {
		return out, apperr.Invalid(errs)
	}
	return out, nil
}

func timeoutMS(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxTimeoutMS {
		//lint:ignore ST1005 the form shows it under the field, as a sentence
		return 0, fmt.Errorf("Enter milliseconds from 1 to %d, or 0 (or nothing) for the node's default.", MaxTimeoutMS)
	}
	return n, nil
}

// corsOrigins checks and normalises the allowed origins as typed (blank
// lines skipped, repeats dropped): nil for none. At most MaxCORSOrigins
// are given, counted as given (blank and repeated ones too), as the JSON
// API documents it (maxItems) and before any is parsed.
func corsOrigins(in []string) ([]string, error) {
	if len(in) > gateway.MaxCORSOrigins {
		//lint:ignore ST1005 the form shows it under the field, as a sentence
		return nil, fmt.Errorf("Give at most %d origins (%d given).", gateway.MaxCORSOrigins, len(in))
	}
	var out []string
	for _, o := range in {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == gateway.AnyOrigin {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
			continue
		}
		n, err := gateway.ParseOrigin(o)
		if err != nil {
			//lint:ignore ST1005 the form shows it under the field, as a sentence
			return nil, fmt.Errorf("Origin %s: %s. Give origins such as https://app.example.com (scheme, host and port; no path), one per line, or * for any.", store.Echo(o, 100), err)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) > 1 && slices.Contains(out, gateway.AnyOrigin) {
		//lint:ignore ST1005 the form shows it under the field, as a sentence
		return nil, errors.New("* allows every origin: give it alone, or list the origins without it.")
	}
	return out, nil
}

// RouteSettings is one API major version's gateway settings.
type RouteSettings struct {
	Major int
	// Versions are the major's versions with their states, newest first.
	Versions []string
	// Current is the deployment in force; nil when the API's catalog
	// upstream URLs serve as targets.
	Current *store.GatewayDeployment
	// Deployments are the newest deployments, newest first.
	Deployments []store.GatewayDeployment
	// Reach is how many gateway nodes serve the settings in force; nil
	// when the major has no published or deprecated version or no
	// upstream target in force (the gateway has no route consumers call).
	Reach *Reach
	// upstreams are the API's catalog upstream URLs.
	upstreams []string
	live      bool
}

// Targets returns the targets in force, by the rule the routes compiled
// for the nodes follow (targetsInForce).
func (r *RouteSettings) Targets() []string {
	return targetsInForce(r.Current, r.upstreams)
}

// maxDeploymentsShown bounds the history listed per major.
const maxDeploymentsShown = 20

func (s *Service) requireSettings(ctx context.Context, u *store.User, a *store.API) error {
	return s.require(ctx, actor{User: u}, policy.TeamDomain(a.Team.Slug), "api", ActAPIGateway,
		fmt.Sprintf("You do not have the %q permission on %s's APIs: team maintainers and owners set gateway settings.", ActAPIGateway, a.Team.Slug))
}

// Settings returns the gateway settings of every major version of an API.
func (s *Service) Settings(ctx context.Context, u *store.User, a *store.API) ([]RouteSettings, error) {
	if err := s.requireSettings(ctx, u, a); err != nil {
		return nil, err
	}
	vs, err := s.store.Versions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	var out []RouteSettings
	for _, v := range vs {
		if len(out) == 0 || out[len(out)-1].Major != v.Major {
			out = append(out, RouteSettings{Major: v.Major, upstreams: a.Upstreams})
		}
		r := &out[len(out)-1]
		r.Versions = append(r.Versions, v.Version+" ("+strings.ReplaceAll(v.State, "_", " ")+")")
		r.live = r.live || v.State == gateway.StatePublished || v.State == gateway.StateDeprecated
	}
	var (
		reaches *Reaches
		served  Served
	)
	for i := range out {
		ds, err := s.store.GatewayDeployments(ctx, a.ID, out[i].Major, maxDeploymentsShown)
		if err != nil {
			return nil, err
		}
		out[i].Deployments = ds
		if len(ds) > 0 {
			out[i].Current = &ds[0]
		}
		if !out[i].live || len(out[i].Targets()) == 0 {
			continue
		}
		if reaches == nil {
			if reaches, err = s.Reaches(ctx); err != nil {
				return nil, err
			}
			if served, err = ServedRoutes(ctx, s.store, []int64{a.ID}); err != nil {
				return nil, err
			}
		}
		r := reaches.OfServed(served, a.ID, out[i].Major)
		out[i].Reach = &r
	}
	return out, nil
}

// checkMajor makes sure the API has a version of major.
func (s *Service) checkMajor(ctx context.Context, a *store.API, major int) error {
	vs, err := s.store.Versions(ctx, a.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(vs, func(v store.APIVersion) bool { return v.Major == major }) {
		return apperr.NotFound(fmt.Sprintf("%s has no version with major %d.", store.Isolate(a.Name), major))
	}
	return nil
}

func describeSettings(d *store.GatewayDeployment) string {
	s := fmt.Sprintf("targets=%s connect_timeout_ms=%d response_timeout_ms=%d", strings.Join(d.Targets, ","), d.ConnectTimeoutMS, d.ResponseTimeoutMS)
	if len(d.CORSOrigins) > 0 {
		s += " cors_origins=" + strings.Join(d.CORSOrigins, ",")
	}
	return s
}

// Deploy makes new gateway settings of an API major version: a new
// deployment, audited and pushed to the nodes, and true. Settings equal to
// those in force (targets in order and timeouts; the note is no setting)
// change nothing: Deploy returns the deployment in force and false, with
// no new deployment, audit entry or push, so that an identical PUT is a
// no-op.
func (s *Service) Deploy(ctx context.Context, u *store.User, a *store.API, major int, in SettingsInput) (*store.GatewayDeployment, bool, error) {
	if err := s.requireSettings(ctx, u, a); err != nil {
		return nil, false, err
	}
	set, err := in.normalize()
	if err != nil {
		return nil, false, err
	}
	if err := s.checkMajor(ctx, a, major); err != nil {
		return nil, false, err
	}
	var (
		d       *store.GatewayDeployment
		created bool
	)
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Of two identical deployments at once (a double click, a
		// retried PUT), the second sees the first's.
		prev, err := s.settingsInForce(ctx, tx, a, major)
		if err != nil {
			return err
		}
		next := &store.GatewayDeployment{APIID: a.ID, Major: major, Targets: set.targets, ConnectTimeoutMS: set.connect, ResponseTimeoutMS: set.response,
			CORSOrigins: set.origins, Note: in.Note, CreatedBy: &u.ID}
		if sameSettings(prev, next) {
			d = prev
			return nil
		}
		d = next
		created = true
		return s.deployIn(ctx, tx, u, a, prev, d, "gateway.deploy", in.Note)
	})
	if err != nil {
		return nil, false, err
	}
	return d, created, nil
}

// Rollback restores the settings of an earlier deployment of the same API
// major version, as a new deployment. Keys and subscriptions are not
// touched: they are no part of the settings. A rollback to the settings in
// force (to the deployment in force, or to one with the same settings)
// would change nothing: it is refused as a field error, with no new
// deployment, audit entry or push.
func (s *Service) Rollback(ctx context.Context, u *store.User, a *store.API, major int, deploymentID int64) (*store.GatewayDeployment, error) {
	if err := s.requireSettings(ctx, u, a); err != nil {
		return nil, err
	}
	if deploymentID <= 0 {
		return nil, apperr.Field("deployment", "Choose the deployment to roll back to: its id, as the list of deployments gives it.")
	}
	old, err := s.store.GatewayDeployment(ctx, a.ID, deploymentID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && old.Major != major) {
		return nil, apperr.Field("deployment", fmt.Sprintf("%s v%d has no deployment %d: choose one from the list of deployments.", store.Isolate(a.Name), major, deploymentID))
	}
	if err != nil {
		return nil, err
	}
	d := &store.GatewayDeployment{APIID: a.ID, Major: major, Targets: old.Targets, ConnectTimeoutMS: old.ConnectTimeoutMS,
		ResponseTimeoutMS: old.ResponseTimeoutMS, CORSOrigins: old.CORSOrigins, RollbackOf: &old.ID, Note: fmt.Sprintf("rollback to deployment %d", old.ID), CreatedBy: &u.ID}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Of two rollbacks to one deployment at once, the second finds
		// its settings in force.
		prev, err := s.settingsInForce(ctx, tx, a, major)
		if err != nil {
			return err
		}
		if sameSettings(prev, d) {
			in := ""
			if prev.ID != old.ID {
				in = fmt.Sprintf(" (deployment %d has them)", prev.ID)
			}
			return apperr.Field("deployment", fmt.Sprintf("The settings of deployment %d are already in force%s: rolling back to it would change nothing. Choose another deployment.", old.ID, in))
		}
		return s.deployIn(ctx, tx, u, a, prev, d, "gateway.rollback", d.Note)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// settingsInForce reads, inside tx and under the API's lock (a lock, not
// a write: the API itself does not change), the deployment in force of the
// API's major version; nil when none was made and the catalog's upstream
// URLs serve. A deployment or rollback decided on it is not raced by
// another one of the same API.
func (s *Service) settingsInForce(ctx context.Context, tx bun.Tx, a *store.API, major int) (*store.GatewayDeployment, error) {
	if err := s.store.LockAPIInTeam(ctx, tx, a); errors.Is(err, store.ErrConflict) {
		return nil, apperr.Conflict(fmt.Sprintf("%s was moved to another team meanwhile; reload the page and try again.", store.Isolate(a.Name)))
	} else if err != nil {
		return nil, err
	}
	prev, err := s.store.LatestGatewayDeployment(ctx, tx, a.ID, major)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return prev, err
}

// sameSettings reports whether d would change nothing after prev, the
// deployment in force (nil: none).
func sameSettings(prev, d *store.GatewayDeployment) bool {
	return prev != nil && slices.Equal(prev.Targets, d.Targets) &&
		prev.ConnectTimeoutMS == d.ConnectTimeoutMS && prev.ResponseTimeoutMS == d.ResponseTimeoutMS &&
		slices.Equal(prev.CORSOrigins, d.CORSOrigins)
}

// deployIn stores d, which follows prev (nil: the catalog's upstreams),
// audited and pushed to the nodes, inside tx.
func (s *Service) deployIn(ctx context.Context, tx bun.IDB, u *store.User, a *store.API, prev, d *store.GatewayDeployment, action, reason string) error {
	before := "catalog upstreams"
	if prev != nil {
		before = describeSettings(prev)
	}
	if err := s.store.CreateGatewayDeployment(ctx, tx, d); err != nil {
		return err
	}
	after := describeSettings(d)
	objID := fmt.Sprintf("%s/v%d", a.Slug, d.Major)
	if err := s.audit(ctx, tx, actor{User: u}, action, "gateway_route", objID, &a.TeamID, before, after, reason); err != nil {
		return err
	}
	return s.store.GatewayChanged(ctx, tx, a.Slug)
}
