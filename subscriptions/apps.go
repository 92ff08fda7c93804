package subscriptions

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/store"
)

// AppInput is an app as created or edited: the app form and the JSON body
// fill it alike.
type AppInput struct {
	Slug        string
	Name        string
	Description string
	Contact     string
}

func (in *AppInput) normalize(creating bool) map[string]string {
	errs := map[string]string{}
	in.Slug = slug.Normalize(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	in.Contact = strings.TrimSpace(in.Contact)
	if creating && !slug.Valid(in.Slug) {
		errs["slug"] = slug.Rule + " App slugs are unique in the organisation."
	}
	if in.Name == "" || !utf8.ValidString(in.Name) || utf8.RuneCountInString(in.Name) > MaxAppName {
		errs["name"] = fmt.Sprintf("Give the app a name of up to %d characters.", MaxAppName)
	} else {
		apperr.Line(errs, "name", in.Name, MaxAppName)
	}
	apperr.Text(errs, "description", in.Description, MaxAppDescription)
	if !utf8.ValidString(in.Contact) || utf8.RuneCountInString(in.Contact) > MaxContact || strings.ContainsAny(in.Contact, "\r\n") {
		errs["contact"] = fmt.Sprintf("Give a contact (an address, a channel or a person) of up to %d characters on one line.", MaxContact)
	}
	apperr.Secret(errs, "contact", in.Contact)
	return errs
}

func (s *Service) requireApps(ctx context.Context, actor *store.User, t *store.Team) error {
	return s.require(ctx, actor, t.Slug, "apps", "manage",
		fmt.Sprintf("Only developers and above of %s and org admins manage its apps and their subscriptions.", store.Isolate(t.Name)))
}

// CanManageApps reports whether u manages the apps of team t (and their
// subscriptions and keys).
func (s *Service) CanManageApps(ctx context.Context, u *store.User, t *store.Team) (bool, error) {
	return s.allowed(ctx, u, t.Slug, "apps", "manage")
}

// CreateApp creates an app in a team.
func (s *Service) CreateApp(ctx context.Context, actor *store.User, t *store.Team, in AppInput) (*store.App, error) {
	if err := s.requireApps(ctx, actor, t); err != nil {
		return nil, err
	}
	if err := apperr.Invalid(in.normalize(true)); err != nil {
		return nil, err
	}
	a := &store.App{TeamID: t.ID, Slug: in.Slug, Name: in.Name, Description: in.Description, Contact: in.Contact, CreatedBy: &actor.ID, Team: t}
	now := store.Stored(s.now())
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.createApp(ctx, tx, actor, a, now)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// createApp inserts an app with its audit record inside tx, both at at.
func (s *Service) createApp(ctx context.Context, tx bun.IDB, actor *store.User, a *store.App, at time.Time) error {
	if err := s.store.CreateApp(ctx, tx, a, at); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return apperr.Field("slug", "An app with this slug exists already; app slugs are unique across the organisation.")
		}
		return err
	}
	return s.audit(ctx, tx, actor, "app.create", "app", a.Slug, a.TeamID, 0, "", fmt.Sprintf("name=%q", a.Name), "", at)
}

// UpdateApp changes an app's name, description and contact.
func (s *Service) UpdateApp(ctx context.Context, actor *store.User, a *store.App, in AppInput) error {
	if err := s.requireApps(ctx, actor, a.Team); err != nil {
		return err
	}
	if err := apperr.Invalid(in.normalize(false)); err != nil {
		return err
	}
	before := fmt.Sprintf("name=%q contact=%q", a.Name, a.Contact)
	a.Name, a.Description, a.Contact = in.Name, in.Description, in.Contact
	now := store.Stored(s.now())
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.UpdateApp(ctx, tx, a, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "app.update", "app", a.Slug, a.TeamID, 0, before, fmt.Sprintf("name=%q contact=%q", a.Name, a.Contact), "", now)
	})
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("The app was changed by someone else meanwhile; reload it and apply your change again.")
	}
	return err
}

// AppRemovedReason is the reason a subscription cancelled by the removal
// of its app carries.
const AppRemovedReason = "The app was removed."

// DeleteApp removes app a ("apps manage" in its team, as editing it). In
// one transaction: every pending or active subscription of the app is
// cancelled (the consumer's cancel, with AppRemovedReason), every key of
// those subscriptions is revoked at once, without grace, the gateways are
// told (a gateway.changed message per API), the providers' maintainers and
// owners are notified as of a cancellation, and app.delete is audited with
// a subscription.cancel per subscription. The app's row stays, marked
// removed, so its subscriptions, keys, usage and audit events still read;
// it leaves every list and its slug is free again.
func (s *Service) DeleteApp(ctx context.Context, actor *store.User, a *store.App) error {
	if err := s.requireApps(ctx, actor, a.Team); err != nil {
		return err
	}
	now := store.Stored(s.now())
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		subs, from, err := s.store.DeleteApp(ctx, tx, a, AppRemovedReason, now)
		if err != nil {
			return err
		}
		changed := map[string]bool{}
		for i := range subs {
			sub := &subs[i]
			if err := s.audit(ctx, tx, actor, "subscription."+string(Cancel), "subscription", subjectOf(sub), sub.ProviderTeamID, sub.ConsumerTeamID, from[sub.ID], sub.State, AppRemovedReason, now); err != nil {
				return err
			}
			if err := s.notifyDecision(ctx, tx, actor, sub, Cancel, AppRemovedReason, now); err != nil {
				return err
			}
			if !changed[sub.API.Slug] {
				changed[sub.API.Slug] = true
				if err := s.gatewayChanged(ctx, tx, sub.API.Slug); err != nil {
					return err
				}
			}
		}
		return s.audit(ctx, tx, actor, "app.delete", "app", a.Slug, a.TeamID, 0, fmt.Sprintf("name=%q subscriptions_cancelled=%d", a.Name, len(subs)), "", "", now)
	})
	if errors.Is(err, store.ErrNotFound) {
		return apperr.Conflict(fmt.Sprintf("The app %s was removed by someone else meanwhile.", store.Isolate(a.Name)))
	}
	return err
}

// SeesApp reports whether u sees app a: the members of its team and org admins.
func (s *Service) SeesApp(ctx context.Context, u *store.User, a *store.App) (bool, error) {
	return s.allowed(ctx, u, a.Team.Slug, "apps", "read")
}

// App returns the app with slug when u sees it, else an error wrapping
// store.ErrNotFound.
func (s *Service) App(ctx context.Context, u *store.User, appSlug string) (*store.App, error) {
	a, err := s.store.AppBySlug(ctx, appSlug)
	if err != nil {
		return nil, err
	}
	ok, err := s.SeesApp(ctx, u, a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("app %q: %w", appSlug, store.ErrNotFound)
	}
	return a, nil
}

// AppsPage is a page of apps by name, and the cursor of the next page
// (empty on the last).
type AppsPage struct {
	Apps []store.App
	Next string
}

// DefaultAppsPage and MaxAppsPage bound a page of apps.
const (
	DefaultAppsPage = 50
	MaxAppsPage     = 200
)

// TeamApps returns a page of the apps of a team, after the cursor after
// (as a previous page returned it; empty for the first); the caller has
// checked "apps read".
func (s *Service) TeamApps(ctx context.Context, t *store.Team, after string, limit int) (AppsPage, error) {
	return s.appsPage(ctx, []int64{t.ID}, after, limit)
}

// MyApps returns a page of the apps of the teams u belongs to and may read
// the apps of, with the teams where u may create apps.
func (s *Service) MyApps(ctx context.Context, u *store.User, after string, limit int) (page AppsPage, creatable []store.Team, err error) {
	ms, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return AppsPage{}, nil, err
	}
	ids := []int64{}
	for _, m := range ms {
		ok, err := s.allowed(ctx, u, m.Team.Slug, "apps", "read")
		if err != nil {
			return AppsPage{}, nil, err
		}
		if ok {
			ids = append(ids, m.Team.ID)
		}
		if ok, err = s.allowed(ctx, u, m.Team.Slug, "apps", "manage"); err != nil {
			return AppsPage{}, nil, err
		} else if ok {
			creatable = append(creatable, m.Team)
		}
	}
	page, err = s.appsPage(ctx, ids, after, limit)
	return page, creatable, err
}

func (s *Service) appsPage(ctx context.Context, teamIDs []int64, after string, limit int) (AppsPage, error) {
	if limit <= 0 {
		limit = DefaultAppsPage
	}
	limit = min(limit, MaxAppsPage)
	cursor, ok := parseAppCursor(after)
	if !ok {
		return AppsPage{}, apperr.Invalid(map[string]string{"after": "Give the after cursor as the previous page returned it."})
	}
	apps, err := s.store.AppsOf(ctx, teamIDs, cursor, limit+1)
	if err != nil {
		return AppsPage{}, err
	}
	p := AppsPage{Apps: apps}
	if len(apps) > limit {
		p.Apps = apps[:limit]
		p.Next = appCursor(apps[limit-1])
	}
	return p, nil
}

// appCursor is the cursor of the page after a: its id and its sort key as
// stored (what the pages are ordered by, store.AppCursor),
// "<id>~<sort key in unpadded base64url>".
func appCursor(a store.App) string {
	c := store.AppCursorAfter(a)
	return strconv.FormatInt(c.ID, 10) + "~" + base64.RawURLEncoding.EncodeToString([]byte(c.Key))
}

// parseAppCursor reads a cursor appCursor wrote; empty is the first page.
// It also reads the cursors of the version before the sort keys,
// "<id>.<name in unpadded base64url>", whose key it computes from the
// name: a page asked for across an upgrade goes on where it was.
func parseAppCursor(s string) (store.AppCursor, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return store.AppCursor{}, true
	}
	// An id, the separator and the longest key of the longest name (4
	// bytes a character) in base64.
	if len(s) > 21+base64.RawURLEncoding.EncodedLen(store.SortKeyMax(4*MaxAppName)) {
		return store.AppCursor{}, false
	}
	id, key, ok := strings.Cut(s, "~")
	byName := false
	if !ok {
		if id, key, ok = strings.Cut(s, "."); !ok {
			return store.AppCursor{}, false
		}
		byName = true
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return store.AppCursor{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil || !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 || (byName && len(b) == 0) {
		return store.AppCursor{}, false
	}
	if byName {
		return store.AppCursor{Key: store.SortKey(string(b)), ID: n}, true
	}
	return store.AppCursor{Key: string(b), ID: n}, true
}
