package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/store"
)

// SubscribeInput is a subscription request: the subscribe form and the
// JSON body fill it alike. Major empty means the API's default version's.
type SubscribeInput struct {
	API     string
	Plan    string
	Major   string
	Purpose string
}

// Offer is what an API offers a user who sees it: its open plans and the
// majors that accept new subscriptions (with a published version), the
// default one first.
type Offer struct {
	Plans        []store.Plan
	Majors       []int
	DefaultMajor int
	// Why says why nothing can be subscribed to, when Plans or Majors is empty.
	Why string
}

// Offer returns what a offers. The caller has checked that u sees a.
func (s *Service) Offer(ctx context.Context, u *store.User, a *store.API) (Offer, error) {
	var o Offer
	plans, err := s.store.Plans(ctx, a.ID)
	if err != nil {
		return o, err
	}
	for _, p := range plans {
		if p.Open {
			o.Plans = append(o.Plans, p)
		}
	}
	vs, err := s.life.VisibleVersions(ctx, u, a)
	if err != nil {
		return o, err
	}
	seen := map[int]bool{}
	if d := lifecycle.Default(vs); d != nil && lifecycle.State(d.State) == lifecycle.Published {
		o.DefaultMajor = d.Major
		o.Majors = append(o.Majors, d.Major)
		seen[d.Major] = true
	}
	for _, v := range vs {
		if lifecycle.State(v.State) == lifecycle.Published && !seen[v.Major] {
			seen[v.Major] = true
			o.Majors = append(o.Majors, v.Major)
		}
	}
	if len(o.Majors) > 0 && !seen[o.DefaultMajor] {
		o.DefaultMajor = o.Majors[0]
	}
	switch {
	case len(plans) == 0:
		o.Why = store.Isolate(a.Name) + " offers no plan yet, so it cannot be subscribed to."
	case len(o.Plans) == 0:
		o.Why = "Every plan of " + store.Isolate(a.Name) + " is closed to new subscriptions."
	case len(o.Majors) == 0:
		o.Why = store.Isolate(a.Name) + " has no published version that accepts new subscriptions (deprecated versions accept none)."
	}
	return o, nil
}

// Subscribe subscribes an app to an API's major on a plan: active at once
// on an auto plan, pending the API team's approval on a manual one. The
// actor manages the app's team's apps and sees the API.
func (s *Service) Subscribe(ctx context.Context, actor *store.User, app *store.App, in SubscribeInput) (*store.Subscription, error) {
	if err := s.requireApps(ctx, actor, app.Team); err != nil {
		return nil, err
	}
	sub, err := s.prepare(ctx, actor, app, in, map[string]string{})
	if err != nil {
		return nil, err
	}
	if err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.create(ctx, tx, actor, sub, store.Stored(s.now()))
	}); err != nil {
		return nil, err
	}
	return sub, nil
}

// SubscribeNewApp creates an app in team t and subscribes it, in one
// transaction: the subscribe page's "new app" choice. Field errors of the
// app are prefixed "app_" (app_slug, app_name).
func (s *Service) SubscribeNewApp(ctx context.Context, actor *store.User, t *store.Team, app AppInput, in SubscribeInput) (*store.Subscription, error) {
	if err := s.requireApps(ctx, actor, t); err != nil {
		return nil, err
	}
	errs := map[string]string{}
	for k, v := range app.normalize(true) {
		errs["app_"+k] = v
	}
	a := &store.App{TeamID: t.ID, Slug: app.Slug, Name: app.Name, Description: app.Description, Contact: app.Contact, CreatedBy: &actor.ID, Team: t}
	sub, err := s.prepare(ctx, actor, a, in, errs)
	if err != nil {
		return nil, err
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// One instant for the app and its subscription.
		now := store.Stored(s.now())
		if err := s.createApp(ctx, tx, actor, a, now); err != nil {
			var ie *apperr.InputError
			if errors.As(err, &ie) {
				return apperr.Field("app_slug", ie.Fields["slug"])
			}
			return err
		}
		sub.AppID = a.ID
		return s.create(ctx, tx, actor, sub, now)
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// prepare validates a subscription request of app (errs holds field errors
// found before) and returns the subscription to create.
func (s *Service) prepare(ctx context.Context, actor *store.User, app *store.App, in SubscribeInput, errs map[string]string) (*store.Subscription, error) {
	in.API, in.Plan = slug.Normalize(in.API), slug.Normalize(in.Plan)
	in.Major, in.Purpose = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(in.Major), "v")), strings.TrimSpace(in.Purpose)
	apperr.Line(errs, "major", in.Major, MaxShortField)
	if in.Purpose == "" || !utf8.ValidString(in.Purpose) || utf8.RuneCountInString(in.Purpose) > MaxPurpose {
		errs["purpose"] = fmt.Sprintf("Say in up to %d characters what the app will use the API for: the team that approves reads it.", MaxPurpose)
	}
	apperr.Secret(errs, "purpose", in.Purpose)
	if in.API == "" {
		errs["api"] = "Name the API to subscribe to (its slug)."
		return nil, apperr.Invalid(errs)
	}
	a, err := s.life.VisibleAPI(ctx, actor, in.API)
	if errors.Is(err, store.ErrNotFound) {
		errs["api"] = fmt.Sprintf("There is no API %s.", store.Echo(in.API, store.MaxEcho))
		return nil, apperr.Invalid(errs)
	}
	if err != nil {
		return nil, err
	}
	if a.Visibility == store.VisibilityTeam && a.TeamID != app.TeamID {
		// The actor sees it (a member of its team too, an org approver or
		// admin); the app's team does not.
		team := "its team"
		if a.Team != nil {
			team = a.Team.Name
		}
		errs["api"] = fmt.Sprintf("%s is team-only: only the apps of %s may subscribe to it.", store.Isolate(a.Name), store.Isolate(team))
		return nil, apperr.Invalid(errs)
	}
	offer, err := s.Offer(ctx, actor, a)
	if err != nil {
		return nil, err
	}
	var plan *store.Plan
	if in.Plan == "" {
		errs["plan"] = "Choose a plan."
	} else if p, err := s.store.PlanBySlug(ctx, a.ID, in.Plan); errors.Is(err, store.ErrNotFound) {
		errs["plan"] = fmt.Sprintf("%s has no plan %s.", store.Isolate(a.Name), store.Echo(in.Plan, store.MaxEcho))
	} else if err != nil {
		return nil, err
	} else if !p.Open {
		errs["plan"] = fmt.Sprintf("The plan %s is closed to new subscriptions.", store.Isolate(p.Name))
	} else {
		plan = p
	}
	major := offer.DefaultMajor
	if in.Major != "" && errs["major"] == "" { // a too long one was refused above
		m, err := strconv.Atoi(in.Major)
		if err != nil || m < 0 || m > gateway.MaxMajor {
			errs["major"] = fmt.Sprintf("%s is not a major version: give a whole number from 0 to %d, such as 1, 2 or 20210109.", store.Echo(in.Major, store.MaxEcho), gateway.MaxMajor)
		}
		major = m
	}
	if errs["major"] == "" && !contains(offer.Majors, major) {
		errs["major"] = s.majorRefusal(ctx, actor, a, major, in.Major == "", offer)
	}
	if err := apperr.Invalid(errs); err != nil {
		return nil, err
	}
	sub := &store.Subscription{AppID: app.ID, ConsumerTeamID: app.TeamID, APIID: a.ID, ProviderTeamID: a.TeamID, Major: major,
		PlanID: plan.ID, State: string(Pending), Purpose: in.Purpose, RequestedBy: &actor.ID,
		App: app, API: a, Plan: plan, ConsumerTeam: app.Team, ProviderTeam: a.Team, Requester: actor}
	return sub, nil
}

// create writes a prepared subscription inside tx with its audit record,
// notifications and gateway change, all at at. Its state (active, or
// pending approval) is the plan's approval as read under lock here.
func (s *Service) create(ctx context.Context, tx bun.IDB, actor *store.User, sub *store.Subscription, at time.Time) error {
	app, a, plan, major := sub.App, sub.API, sub.Plan, sub.Major
	err := func() error {
		// The app may have been removed since it was read (DeleteApp): its
		// row, locked here, says so, and a removal waits for this.
		if err := s.store.LockLiveApp(ctx, tx, app.ID); errors.Is(err, store.ErrNotFound) {
			return apperr.Conflict(fmt.Sprintf("The app %s was removed meanwhile.", store.Isolate(app.Name)))
		} else if err != nil {
			return err
		}
		// prepare saw a published version of the major; it may have been
		// retired or deprecated since. Look again under lock, so that the
		// retirement refuses (or ends) this subscription, or this refuses.
		if n, err := s.store.LockPublishedInMajor(ctx, tx, a.ID, major); err != nil {
			return err
		} else if n == 0 {
			return apperr.Field("major", fmt.Sprintf("%s has no published version %d.x to subscribe to any more: it was deprecated or retired meanwhile.", store.Isolate(a.Name), major))
		}
		// Likewise the API may have been made team-only since prepare.
		// Or moved to another team (lifecycle.Service.Transfer), whose
		// maintainers now decide its subscriptions.
		if vis, team, err := s.store.LockAPIVisibility(ctx, tx, a.ID); err != nil {
			return err
		} else if team != a.TeamID {
			return apperr.Conflict(fmt.Sprintf("%s was moved to another team meanwhile: subscribe again.", store.Isolate(a.Name)))
		} else if vis == store.VisibilityTeam && a.TeamID != app.TeamID {
			return apperr.Field("api", fmt.Sprintf("%s was made team-only meanwhile: only the apps of its own team may subscribe to it.", store.Isolate(a.Name)))
		}
		// And the plan may have been closed, or switched between auto and
		// manual approval: the subscription follows the plan as it is now.
		locked, err := s.store.LockPlan(ctx, tx, plan.ID)
		if err != nil {
			return err
		}
		if !locked.Open {
			return apperr.Field("plan", fmt.Sprintf("The plan %s was closed to new subscriptions meanwhile.", store.Isolate(locked.Name)))
		}
		*plan = *locked
		// The operation's one instant for the whole write: an
		// auto-approved subscription is decided when it is created.
		sub.State, sub.DecidedAt = string(Pending), nil
		if plan.Approval == ApprovalAuto {
			sub.State, sub.DecidedAt = string(Active), &at
		}
		if err := s.store.CreateSubscription(ctx, tx, sub, at); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "subscription.create", "subscription", subjectOf(sub), a.TeamID, app.TeamID, "", sub.State, sub.Purpose, at); err != nil {
			return err
		}
		deciders, err := s.store.TeamUsersWithRoles(ctx, tx, a.TeamID, policy.RoleOwner, policy.RoleMaintainer)
		if err != nil {
			return err
		}
		if sub.State == string(Pending) {
			msg := fmt.Sprintf("%s asks to subscribe the app %s (%s) to %s v%d on the plan %s.", store.Isolate(actor.Username), store.Isolate(app.Name), store.Isolate(app.Team.Name), store.Isolate(a.Name), major, store.Isolate(plan.Name))
			return s.notify(ctx, tx, actor, deciders, "subscription.requested", msg, "/subscriptions/requests", at)
		}
		msg := fmt.Sprintf("The app %s (%s) subscribed to %s v%d on the plan %s.", store.Isolate(app.Name), store.Isolate(app.Team.Name), store.Isolate(a.Name), major, store.Isolate(plan.Name))
		if err := s.notify(ctx, tx, actor, deciders, "subscription.created", msg, "/apis/"+a.Slug+"/subscribers", at); err != nil {
			return err
		}
		return s.gatewayChanged(ctx, tx, a.Slug)
	}()
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict(fmt.Sprintf("The app %s has a pending or active subscription to %s v%d already.", store.Isolate(app.Name), store.Isolate(a.Name), major))
	}
	return err
}

// majorRefusal says why major accepts no new subscription.
func (s *Service) majorRefusal(ctx context.Context, u *store.User, a *store.API, major int, defaulted bool, offer Offer) string {
	if defaulted && len(offer.Majors) == 0 {
		return offer.Why
	}
	vs, err := s.life.VisibleVersions(ctx, u, a)
	if err == nil {
		for _, v := range vs {
			if v.Major == major && lifecycle.State(v.State) == lifecycle.Deprecated {
				msg := fmt.Sprintf("Version %s is deprecated", v.Version)
				if v.SunsetAt != nil {
					msg += " (sunset " + v.SunsetAt.UTC().Format("2006-01-02") + ")"
				}
				msg += " and accepts no new subscription."
				if v.Successor != "" {
					msg += " Subscribe to its successor " + v.Successor + "."
				}
				return msg
			}
		}
	}
	return fmt.Sprintf("%s has no published version %d.x to subscribe to.", store.Isolate(a.Name), major)
}

func contains(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

// subjectOf names a subscription in the audit log.
func subjectOf(sub *store.Subscription) string {
	return fmt.Sprintf("%d %s→%s/v%d", sub.ID, sub.App.Slug, sub.API.Slug, sub.Major)
}

// Sees reports whether u sees sub: the members of the app's team ("apps
// read") and of the API's team ("subscribers read"), and org admins.
func (s *Service) Sees(ctx context.Context, u *store.User, sub *store.Subscription) (bool, error) {
	if ok, err := s.allowed(ctx, u, sub.ConsumerTeam.Slug, "apps", "read"); err != nil || ok {
		return ok, err
	}
	return s.allowed(ctx, u, sub.ProviderTeam.Slug, "subscribers", "read")
}

// SeesKeys reports whether u sees the keys of sub (their prefixes, never
// their secrets): the members of the app's team and org admins.
func (s *Service) SeesKeys(ctx context.Context, u *store.User, sub *store.Subscription) (bool, error) {
	return s.allowed(ctx, u, sub.ConsumerTeam.Slug, "apps", "read")
}

// Subscription returns the subscription with id when u sees it, else an
// error wrapping store.ErrNotFound.
func (s *Service) Subscription(ctx context.Context, u *store.User, id int64) (*store.Subscription, error) {
	sub, err := s.store.SubscriptionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.Sees(ctx, u, sub)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("subscription %d: %w", id, store.ErrNotFound)
	}
	return sub, nil
}

// Can reports whether u may take action on sub now (its state allows it
// and u holds the side's permission), so that a page offers exactly the
// actions that would be accepted.
func (s *Service) Can(ctx context.Context, u *store.User, sub *store.Subscription, action Action) bool {
	return s.Rights(u).Can(ctx, sub, action)
}

// Rights answers Can for one user over the many subscriptions of a listed
// page, asking the policy once per team and side rather than per row and
// action.
type Rights struct {
	s    *Service
	u    *store.User
	memo map[rightKey]bool
}

type rightKey struct {
	team string
	side Side
}

// Rights returns an empty Rights of u, for one request.
func (s *Service) Rights(u *store.User) *Rights {
	return &Rights{s: s, u: u, memo: map[rightKey]bool{}}
}

// Can reports what Service.Can reports.
func (r *Rights) Can(ctx context.Context, sub *store.Subscription, action Action) bool {
	t, ok := Find(action, State(sub.State))
	if !ok || t.Side == System {
		return false
	}
	k := rightKey{sub.ConsumerTeam.Slug, t.Side}
	if t.Side == Provider {
		k.team = sub.ProviderTeam.Slug
	}
	if v, ok := r.memo[k]; ok {
		return v
	}
	allowed, err := r.s.sideAllowed(ctx, r.u, sub, t.Side)
	if err != nil {
		return false
	}
	r.memo[k] = allowed
	return allowed
}

func (s *Service) sideAllowed(ctx context.Context, u *store.User, sub *store.Subscription, side Side) (bool, error) {
	if side == Provider {
		return s.allowed(ctx, u, sub.ProviderTeam.Slug, "subscriptions", "decide")
	}
	return s.allowed(ctx, u, sub.ConsumerTeam.Slug, "apps", "manage")
}

// Approve activates a pending subscription.
func (s *Service) Approve(ctx context.Context, actor *store.User, sub *store.Subscription) error {
	return s.decide(ctx, actor, sub, Approve, "")
}

// Reject refuses a pending subscription with a reason.
func (s *Service) Reject(ctx context.Context, actor *store.User, sub *store.Subscription, reason string) error {
	return s.decide(ctx, actor, sub, Reject, reason)
}

// Cancel ends a subscription (or withdraws a request) on the consumer's side.
func (s *Service) Cancel(ctx context.Context, actor *store.User, sub *store.Subscription) error {
	return s.decide(ctx, actor, sub, Cancel, "")
}

// Revoke ends an active subscription on the provider's side, with a reason.
func (s *Service) Revoke(ctx context.Context, actor *store.User, sub *store.Subscription, reason string) error {
	return s.decide(ctx, actor, sub, Revoke, reason)
}

// decide applies a user's action to a subscription: permission, reason,
// transition under optimistic lock, keys revoked when it ends, audit,
// notification of the other side, gateway change.
func (s *Service) decide(ctx context.Context, actor *store.User, sub *store.Subscription, action Action, reason string) error {
	side := SideOf(action)
	ok, err := s.sideAllowed(ctx, actor, sub, side)
	if err != nil {
		return err
	}
	if !ok {
		if side == Provider {
			return apperr.Denied(fmt.Sprintf("Only maintainers and owners of %s and org admins decide subscriptions to its APIs.", store.Isolate(sub.ProviderTeam.Name)))
		}
		return apperr.Denied(fmt.Sprintf("Only developers and above of %s and org admins manage its apps' subscriptions.", store.Isolate(sub.ConsumerTeam.Name)))
	}
	reason = strings.TrimSpace(reason)
	t, found := Find(action, State(sub.State))
	needsReason := action == Reject || action == Revoke
	if found {
		needsReason = t.Reason
	}
	if (needsReason && reason == "") || !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxReason {
		return apperr.Field("reason", fmt.Sprintf("Give the reason (up to %d characters): the app's team reads it.", MaxReason))
	}
	if apperr.HoldsSecret(reason) {
		return apperr.Field("reason", apperr.SecretMessage)
	}
	if !found {
		return notAllowed(action, State(sub.State))
	}
	from := sub.State
	// A failed decision leaves the caller's copy as it was, all of it: the
	// state, who decided and when, the end, the reason and the version.
	saved := *sub
	now := store.Stored(s.now())
	sub.State = string(t.To)
	if needsReason {
		sub.Reason = reason
	}
	switch action {
	case Approve, Reject:
		sub.DecidedBy, sub.DecidedAt = &actor.ID, &now
	default:
		sub.EndedAt = &now
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.TransitionSubscription(ctx, tx, sub, from, now); err != nil {
			return err
		}
		if t.To != Active {
			if _, err := s.store.RevokeSubscriptionKeys(ctx, tx, sub.ID, now); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, tx, actor, "subscription."+string(action), "subscription", subjectOf(sub), sub.ProviderTeamID, sub.ConsumerTeamID, from, sub.State, reason, now); err != nil {
			return err
		}
		if err := s.notifyDecision(ctx, tx, actor, sub, action, reason, now); err != nil {
			return err
		}
		return s.gatewayChanged(ctx, tx, sub.API.Slug)
	})
	if err != nil {
		*sub = saved
	}
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("The subscription was changed by someone else meanwhile; reload it to see where it stands.")
	}
	return err
}

func (s *Service) notifyDecision(ctx context.Context, tx bun.IDB, actor *store.User, sub *store.Subscription, action Action, reason string, at time.Time) error {
	what := fmt.Sprintf("the subscription of %s to %s v%d (plan %s)", store.Isolate(sub.App.Name), store.Isolate(sub.API.Name), sub.Major, store.Isolate(sub.Plan.Name))
	if action == Cancel {
		deciders, err := s.store.TeamUsersWithRoles(ctx, tx, sub.ProviderTeamID, policy.RoleOwner, policy.RoleMaintainer)
		if err != nil {
			return err
		}
		return s.notify(ctx, tx, actor, deciders, "subscription.cancelled", fmt.Sprintf("%s cancelled %s.", store.Isolate(actor.Username), what), "/apis/"+sub.API.Slug+"/subscribers", at)
	}
	consumers, err := s.store.TeamUsersWithRoles(ctx, tx, sub.ConsumerTeamID, policy.RoleOwner, policy.RoleMaintainer, policy.RoleDeveloper)
	if err != nil {
		return err
	}
	var msg string
	switch action {
	case Approve:
		msg = fmt.Sprintf("%s approved %s: create a key on the app's page.", store.Isolate(actor.Username), what)
	case Reject:
		msg = fmt.Sprintf("%s rejected %s: %s", store.Isolate(actor.Username), what, store.Isolate(reason))
	case Revoke:
		msg = fmt.Sprintf("%s revoked %s; its keys no longer work: %s", store.Isolate(actor.Username), what, store.Isolate(reason))
	}
	return s.notify(ctx, tx, actor, consumers, "subscription."+string(action), msg, "/apps/"+sub.App.Slug, at)
}

// ListInput narrows a listing: the JSON API's query and the pages fill it.
type ListInput struct {
	// Role is "consumer" (the subscriptions of the user's teams' apps, the
	// default) or "provider" (those to the user's teams' APIs).
	Role  string
	State string
	// Before is the id the previous page ended at ("" for the first page).
	Before string
	Limit  int
	App    *store.App
	API    *store.API
}

// Page is one page of subscriptions, newest first; Next is the Before of
// the next page ("" on the last).
type Page struct {
	Subscriptions []store.Subscription
	Next          string
}

// List returns the subscriptions u sees on one side, one page at a time.
func (s *Service) List(ctx context.Context, u *store.User, in ListInput) (Page, error) {
	f := store.SubscriptionFilter{Limit: in.Limit}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	errs := map[string]string{}
	var err error
	switch strings.TrimSpace(in.Role) {
	case "", "consumer":
		f.ConsumerTeams, err = s.teamsWhere(ctx, u, "apps", "read")
	case "provider":
		f.ProviderTeams, err = s.teamsWhere(ctx, u, "subscribers", "read")
	default:
		errs["role"] = "Choose consumer (your teams' apps) or provider (your teams' APIs)."
	}
	if err != nil {
		return Page{}, err
	}
	if st := strings.TrimSpace(in.State); st != "" {
		if !ValidState(st) {
			errs["state"] = "Choose pending, active, rejected, cancelled, revoked or ended."
		}
		f.States = []string{st}
	}
	if b := strings.TrimSpace(in.Before); b != "" {
		if f.BeforeID, err = strconv.ParseInt(b, 10, 64); err != nil || f.BeforeID <= 0 {
			errs["before"] = "Give the before cursor as the previous page returned it."
		}
	}
	if err := apperr.Invalid(errs); err != nil {
		return Page{}, err
	}
	if in.App != nil {
		f.AppID = in.App.ID
	}
	if in.API != nil {
		f.APIID = in.API.ID
	}
	want := f.Limit
	f.Limit++
	subs, err := s.store.Subscriptions(ctx, f)
	if err != nil {
		return Page{}, err
	}
	p := Page{Subscriptions: subs}
	if len(subs) > want {
		p.Subscriptions = subs[:want]
		p.Next = strconv.FormatInt(subs[want-1].ID, 10)
	}
	return p, nil
}

// Inbox returns the pending requests u may decide, oldest first, after the
// id after (0 for the first page), at most limit, and how many there are.
func (s *Service) Inbox(ctx context.Context, u *store.User, after int64, limit int) ([]store.Subscription, int, error) {
	teams, err := s.teamsWhere(ctx, u, "subscriptions", "decide")
	if err != nil {
		return nil, 0, err
	}
	f := store.SubscriptionFilter{ProviderTeams: teams, States: []string{string(Pending)}, Oldest: true, AfterID: after, Limit: limit}
	subs, err := s.store.Subscriptions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.PendingCount(ctx, u)
	return subs, n, err
}

// PendingCount counts the pending requests u may decide (the navigation's
// badge).
func (s *Service) PendingCount(ctx context.Context, u *store.User) (int, error) {
	teams, err := s.teamsWhere(ctx, u, "subscriptions", "decide")
	if err != nil {
		return 0, err
	}
	return s.store.CountSubscriptions(ctx, store.SubscriptionFilter{ProviderTeams: teams, States: []string{string(Pending)}})
}

// RequestsWaiting says whether u decides subscriptions to any team's APIs
// and how many requests wait for it: the navigation's link and badge.
func (s *Service) RequestsWaiting(ctx context.Context, u *store.User) (decides bool, pending int, err error) {
	teams, err := s.teamsWhere(ctx, u, "subscriptions", "decide")
	if err != nil || (teams != nil && len(teams) == 0) {
		return false, 0, err
	}
	n, err := s.store.CountSubscriptions(ctx, store.SubscriptionFilter{ProviderTeams: teams, States: []string{string(Pending)}})
	return true, n, err
}
