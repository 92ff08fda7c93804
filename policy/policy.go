// Package policy decides who may do what. It wraps a Casbin enforcer whose
// model and role permissions are embedded, and whose role assignments (org
// roles and team memberships) come from the database through a small adapter.
package policy

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/portico-dev/portico/store"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// Org roles.
const (
	RoleAdmin    = "admin"
	RoleApprover = "approver"
	RoleMember   = "member"
)

// Team roles, from most to least powerful.
const (
	RoleOwner      = "owner"
	RoleMaintainer = "maintainer"
	RoleDeveloper  = "developer"
	RoleViewer     = "viewer"
)

// OrgRoles lists the org roles in display order.
func OrgRoles() []string { return []string{RoleMember, RoleApprover, RoleAdmin} }

// TeamRoles lists the team roles in display order.
func TeamRoles() []string { return []string{RoleOwner, RoleMaintainer, RoleDeveloper, RoleViewer} }

// ValidOrgRole reports whether role is an org role.
func ValidOrgRole(role string) bool { return contains(OrgRoles(), role) }

// ValidTeamRole reports whether role is a team role.
func ValidTeamRole(role string) bool { return contains(TeamRoles(), role) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// OrgDomain is the domain of org-wide objects.
const OrgDomain = "org"

// TeamDomain returns the domain of a team.
func TeamDomain(slug string) string { return "team:" + slug }

// EveryTeam is a domain no team has (a slug never contains '*'). Only rules
// whose domain pattern covers every team match it, so a permission allowed
// in EveryTeam holds in every team, present and future.
const EveryTeam = "team:*"

// Scope is where a user holds a permission: in every team, or in some.
type Scope struct {
	// All is set when the permission holds in every team.
	All bool
	// Teams are the slugs of the teams where it holds, sorted, when not All.
	Teams []string
}

// None reports whether the permission holds in no team.
func (sc Scope) None() bool { return !sc.All && len(sc.Teams) == 0 }

// Subject returns the Casbin subject of a user.
func Subject(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// RoleSource supplies role assignments and a version that changes whenever
// they do. *store.Store implements it.
type RoleSource interface {
	RoleAssignments(ctx context.Context) ([]store.RoleAssignment, error)
	PolicyVersion(ctx context.Context) (int64, error)
}

// Enforcer answers authorization questions. It reloads role assignments
// from its source when their version changes, so a membership change made
// by any portal instance takes effect at the next request.
type Enforcer struct {
	source RoleSource

	mu      sync.RWMutex
	e       *casbin.Enforcer
	version int64
	// scopes keeps Teams' answers (by user, object and action) for the
	// loaded role assignments: asking Casbin for a user's domains walks
	// every domain (every team), on each page's navigation. refresh
	// empties it with each reload, under mu.
	scopes map[scopeKey]Scope
	// decisions keeps Allowed's answers the same way (a page asks eight or
	// so): a map keyed by the question's parts, where Casbin's own cached
	// enforcer joins them into a string and takes a lock on every call.
	decisions map[decisionKey]bool
}

type decisionKey struct {
	user             int64
	domain, obj, act string
}

type scopeKey struct {
	user     int64
	obj, act string
}

// maxScopes bounds the kept Teams answers: when full, they are dropped and
// the next requests ask Casbin again.
const maxScopes = 20000

// maxDecisions bounds the kept Allowed answers likewise.
const maxDecisions = 100_000

// New builds an Enforcer from the embedded model and policy and loads the
// current role assignments.
func New(ctx context.Context, source RoleSource) (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policy model: %w", err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("policy enforcer: %w", err)
	}
	e.EnableAutoSave(false)
	pe := &Enforcer{source: source, e: e, version: -1, scopes: map[scopeKey]Scope{}, decisions: map[decisionKey]bool{}}
	if err := pe.refresh(ctx); err != nil {
		return nil, err
	}
	return pe, nil
}

// Allowed reports whether user may perform act on obj in domain.
func (pe *Enforcer) Allowed(ctx context.Context, userID int64, domain, obj, act string) (bool, error) {
	if err := pe.refresh(ctx); err != nil {
		return false, err
	}
	key := decisionKey{userID, domain, obj, act}
	pe.mu.RLock()
	ok, kept := pe.decisions[key]
	version := pe.version
	var err error
	if !kept {
		ok, err = pe.e.Enforce(Subject(userID), domain, obj, act)
	}
	pe.mu.RUnlock()
	if kept {
		return ok, nil
	}
	if err != nil {
		return false, fmt.Errorf("enforce: %w", err)
	}
	pe.mu.Lock()
	// As in Teams: never stored under role assignments newer than those
	// it was computed from.
	if pe.version == version {
		if len(pe.decisions) >= maxDecisions {
			pe.decisions = map[decisionKey]bool{}
		}
		pe.decisions[key] = ok
	}
	pe.mu.Unlock()
	return ok, nil
}

// Teams returns where user may perform act on obj in team domains: every
// team when a rule grants it in every domain (an org role's "*"), else the
// teams in whose domain the user holds a role that grants it. The answer
// comes from the loaded role assignments: no query besides the version check.
func (pe *Enforcer) Teams(ctx context.Context, userID int64, obj, act string) (Scope, error) {
	if err := pe.refresh(ctx); err != nil {
		return Scope{}, err
	}
	key := scopeKey{userID, obj, act}
	pe.mu.RLock()
	sc, ok := pe.scopes[key]
	version := pe.version
	pe.mu.RUnlock()
	if ok {
		return Scope{All: sc.All, Teams: slices.Clone(sc.Teams)}, nil
	}
	sc, err := pe.teams(userID, obj, act)
	if err != nil {
		return Scope{}, err
	}
	pe.mu.Lock()
	// Kept only if no reload happened meanwhile: an answer computed from
	// older role assignments is never stored under newer ones.
	if pe.version == version {
		if len(pe.scopes) >= maxScopes {
			pe.scopes = map[scopeKey]Scope{}
		}
		pe.scopes[key] = Scope{All: sc.All, Teams: slices.Clone(sc.Teams)}
	}
	pe.mu.Unlock()
	return sc, nil
}

// teams computes Teams' answer from the loaded role assignments.
func (pe *Enforcer) teams(userID int64, obj, act string) (Scope, error) {
	pe.mu.RLock()
	defer pe.mu.RUnlock()
	sub := Subject(userID)
	all, err := pe.e.Enforce(sub, EveryTeam, obj, act)
	if err != nil {
		return Scope{}, fmt.Errorf("enforce: %w", err)
	}
	if all {
		return Scope{All: true}, nil
	}
	domains, err := pe.e.GetDomainsForUser(sub)
	if err != nil {
		return Scope{}, fmt.Errorf("domains of %s: %w", sub, err)
	}
	var teams []string
	for _, d := range domains {
		team, ok := strings.CutPrefix(d, "team:")
		if !ok || slices.Contains(teams, team) {
			continue
		}
		ok, err := pe.e.Enforce(sub, d, obj, act)
		if err != nil {
			return Scope{}, fmt.Errorf("enforce: %w", err)
		}
		if ok {
			teams = append(teams, team)
		}
	}
	slices.Sort(teams)
	return Scope{Teams: teams}, nil
}

// RoleAllows reports whether an org role, by itself, grants act on obj in
// domain: for rules about what a change of role would leave someone with.
func (pe *Enforcer) RoleAllows(ctx context.Context, role, domain, obj, act string) (bool, error) {
	if err := pe.refresh(ctx); err != nil {
		return false, err
	}
	if !ValidOrgRole(role) {
		return false, nil
	}
	pe.mu.RLock()
	defer pe.mu.RUnlock()
	ok, err := pe.e.Enforce(role, domain, obj, act)
	if err != nil {
		return false, fmt.Errorf("enforce: %w", err)
	}
	return ok, nil
}

// refresh reloads role assignments when their version has changed.
func (pe *Enforcer) refresh(ctx context.Context) error {
	v, err := pe.source.PolicyVersion(ctx)
	if err != nil {
		return err
	}
	pe.mu.RLock()
	current := pe.version
	pe.mu.RUnlock()
	if v == current {
		return nil
	}
	assignments, err := pe.source.RoleAssignments(ctx)
	if err != nil {
		return err
	}
	pe.mu.Lock()
	defer pe.mu.Unlock()
	if pe.version == v {
		return nil
	}
	pe.e.SetAdapter(&adapter{assignments: assignments})
	pe.scopes = map[scopeKey]Scope{}
	pe.decisions = map[decisionKey]bool{}
	if err := pe.e.LoadPolicy(); err != nil {
		return fmt.Errorf("load policy: %w", err)
	}
	pe.version = v
	return nil
}

// adapter is a read-only Casbin adapter: permissions come from the embedded
// policy.csv and role assignments from the database snapshot it was given.
// Role assignments are changed through the store, never through Casbin.
type adapter struct {
	assignments []store.RoleAssignment
}

var errReadOnly = errors.New("policy adapter is read-only: change role assignments through the store")

func (a *adapter) LoadPolicy(m model.Model) error {
	for _, line := range strings.Split(policyText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := persist.LoadPolicyLine(line, m); err != nil {
			return fmt.Errorf("policy line %q: %w", line, err)
		}
	}
	for _, ra := range a.assignments {
		domain := OrgDomain
		if ra.Team != "" {
			domain = TeamDomain(ra.Team)
		}
		if err := persist.LoadPolicyArray([]string{"g", Subject(ra.UserID), ra.Role, domain}, m); err != nil {
			return fmt.Errorf("role assignment: %w", err)
		}
	}
	return nil
}

func (a *adapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (a *adapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (a *adapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (a *adapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }
