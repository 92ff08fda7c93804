package lifecycle

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
)

// maxNamed is how many subscriptions a refusal names.
const maxNamed = 10

// subscriptionEffect applies, inside the transition's transaction, what the
// transition table says the move does to the subscriptions of v's major.
// A major served by another live version (published or deprecated) is not
// affected by the retirement of one of its versions, and its subscribers are
// not told of a deprecation while a published version remains.
func (s *Service) subscriptionEffect(ctx context.Context, tx bun.Tx, actor *store.User, a *store.API, v *store.APIVersion, t Transition, at time.Time) error {
	switch t.Subscriptions {
	case NotifySubscribers:
		others, err := s.store.OtherVersionsInMajor(ctx, tx, a.ID, v.Major, v.ID, string(Published))
		if err != nil || others > 0 {
			return err
		}
		users, err := s.store.SubscriberUsers(ctx, tx, a.ID, v.Major)
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("%s %s, which your apps subscribe to, is deprecated", store.Isolate(a.Name), store.Isolate(v.Version))
		if v.SunsetAt != nil {
			msg += fmt.Sprintf(": it will be retired on %s", v.SunsetAt.Format("2006-01-02"))
		}
		if v.Successor != "" {
			msg += fmt.Sprintf("; move to its successor %s", store.Isolate(v.Successor))
		}
		return s.store.Notify(ctx, tx, users, "subscription.deprecated", msg+".", fmt.Sprintf("/apis/%s/versions/%s", a.Slug, v.Version), at)
	case RefuseIfSubscribed, EndSubscriptions:
		others, err := s.store.OtherVersionsInMajor(ctx, tx, a.ID, v.Major, v.ID, string(Published), string(Deprecated))
		if err != nil || others > 0 {
			return err
		}
		if t.Subscriptions == RefuseIfSubscribed {
			return s.refuseIfSubscribed(ctx, tx, a, v, t)
		}
		ended, err := s.store.EndSubscriptions(ctx, tx, a.ID, v.Major, fmt.Sprintf("version %s was retired", v.Version), at)
		if err != nil || len(ended) == 0 {
			return err
		}
		// Those told are the teams of the subscriptions this retirement
		// ended, as the update returned them: a subscription cancelled or
		// revoked meanwhile (its team told of that) is not among them.
		var teams []int64
		seen := map[int64]bool{}
		for i := range ended {
			sub := &ended[i]
			if !seen[sub.ConsumerTeamID] {
				seen[sub.ConsumerTeamID] = true
				teams = append(teams, sub.ConsumerTeamID)
			}
			e := &store.AuditEvent{Action: "subscription.end", ObjectType: "subscription",
				ObjectID: fmt.Sprintf("%d %s→%s/v%d", sub.ID, sub.App.Slug, a.Slug, sub.Major), TeamID: &a.TeamID,
				After: "ended", Reason: sub.Reason, Actor: "system"}
			if sub.ConsumerTeamID != a.TeamID {
				// Filed under the app's team too (store.AuditEvent.OtherTeamID).
				e.OtherTeamID = &sub.ConsumerTeamID
			}
			if actor != nil {
				e.ActorID, e.Actor = &actor.ID, actor.Username
			}
			if err := s.store.Audit(ctx, tx, e, at); err != nil {
				return err
			}
		}
		users, err := s.store.AppManagers(ctx, tx, teams)
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("%s %s is retired: your subscriptions to v%d have ended and their keys no longer work.", store.Isolate(a.Name), store.Isolate(v.Version), v.Major)
		return s.store.Notify(ctx, tx, users, "subscription.ended", msg, "/apps", at)
	}
	return nil
}

// refuseIfSubscribed refuses to retire the last live version of a major
// that has pending or active subscriptions, naming them.
func (s *Service) refuseIfSubscribed(ctx context.Context, tx bun.Tx, a *store.API, v *store.APIVersion, t Transition) error {
	subs, n, err := s.store.LiveSubscriptionsOf(ctx, tx, a.ID, v.Major, maxNamed)
	if err != nil || n == 0 {
		return err
	}
	names := make([]string, 0, len(subs))
	for _, sub := range subs {
		names = append(names, fmt.Sprintf("%s of %s (%s, #%d)", sub.App.Slug, sub.ConsumerTeam.Slug, sub.State, sub.ID))
	}
	list := strings.Join(names, ", ")
	if n > len(subs) {
		list += fmt.Sprintf(" and %d more", n-len(subs))
	}
	return &TransitionError{Action: t.Action, From: t.From, Reason: fmt.Sprintf(
		"Version %s cannot be retired while v%d has %d pending or active subscription(s): %s. Deprecate it first (its subscribers are told the sunset), or have the subscriptions ended.",
		v.Version, v.Major, n, list)}
}

// RetireImpact is what retiring a version would do, as the transition
// table and subscriptionEffect apply it, for a confirmation to name.
type RetireImpact struct {
	// Major is the version's major; OtherLive counts the other published
	// or deprecated versions of that major. While one remains, it serves
	// the major: subscriptions and the gateway's route are not affected.
	Major     int
	OtherLive int
	// Subscriptions counts the major's pending or active subscriptions;
	// Named lists up to ten of them ("app of team (state)").
	Subscriptions int
	Named         []string
	// Refused says the retirement would be refused: a published version,
	// the last live one of its major, with subscriptions (deprecate first).
	Refused bool
	// EndsSubscriptions says the retirement ends the Subscriptions (their
	// keys revoked, their teams notified); GatewayGone that the gateway
	// then answers 410 Gone on the major's route.
	EndsSubscriptions bool
	GatewayGone       bool
}

// RetireImpact says what retiring v of a would do now, without doing it.
func (s *Service) RetireImpact(ctx context.Context, a *store.API, v *store.APIVersion) (RetireImpact, error) {
	imp := RetireImpact{Major: v.Major}
	t, ok := Find(Retire, State(v.State))
	if !ok {
		return imp, nil
	}
	others, err := s.store.OtherVersionsInMajorNow(ctx, a.ID, v.Major, v.ID, string(Published), string(Deprecated))
	if err != nil {
		return imp, err
	}
	imp.OtherLive = others
	subs, n, err := s.store.LiveSubscriptionsNow(ctx, a.ID, v.Major, maxNamed)
	if err != nil {
		return imp, err
	}
	imp.Subscriptions = n
	for _, sub := range subs {
		imp.Named = append(imp.Named, fmt.Sprintf("%s of %s (%s)", sub.App.Slug, sub.ConsumerTeam.Slug, sub.State))
	}
	if others > 0 {
		return imp, nil
	}
	imp.GatewayGone = true
	switch t.Subscriptions {
	case RefuseIfSubscribed:
		imp.Refused = n > 0
		imp.GatewayGone = n == 0
	case EndSubscriptions:
		imp.EndsSubscriptions = n > 0
	}
	return imp, nil
}
