package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"
	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
)

// TopicSearchIndex is the outbox topic asking to re-index one API.
//
// The rule of every outbox topic applies (see store.TopicGatewayChanged):
// once a landed version writes it, the next version keeps its handler.
const TopicSearchIndex = store.TopicSearchIndex

// SearchIndexMessage is the payload of TopicSearchIndex.
type SearchIndexMessage struct {
	APIID int64 `json:"api_id"`
}

// Authorizer answers permission questions; *policy.Enforcer implements it.
type Authorizer interface {
	Allowed(ctx context.Context, userID int64, domain, obj, act string) (bool, error)
	// Teams says where (every team, or which teams) the user holds act on obj.
	Teams(ctx context.Context, userID int64, obj, act string) (policy.Scope, error)
}

// Options configures the service.
type Options struct {
	// MinSunsetNotice is the shortest time between deprecation and sunset.
	MinSunsetNotice time.Duration
	// Now returns the current time; nil means store.Now (the time to the
	// microsecond, as the database keeps it).
	Now func() time.Time
	// Specs parses descriptions for the process (bounded in memory and
	// concurrency, cached); nil makes one with the defaults.
	Specs *spec.Cache
	// SpecValidation is ValidationWarn (the default) or ValidationBlock.
	SpecValidation string
}

// reviewCacheBytes is how much memory the decoded review reports the
// service keeps may take (some 100,000 changes and findings).
const reviewCacheBytes = 40 << 20

// Service applies the lifecycle.
type Service struct {
	store      *store.Store
	auth       Authorizer
	minNotice  time.Duration
	now        func() time.Time
	specs      *spec.Cache
	validation string
	reports    *reportCache
}

// New returns a Service.
func New(s *store.Store, auth Authorizer, opts Options) *Service {
	svc := &Service{store: s, auth: auth, minNotice: opts.MinSunsetNotice, now: opts.Now, specs: opts.Specs, validation: opts.SpecValidation}
	svc.reports = newReportCache(reviewCacheBytes)
	if svc.validation == "" {
		svc.validation = ValidationWarn
	}
	if svc.now == nil {
		svc.now = store.Now
	}
	if svc.specs == nil {
		svc.specs = spec.NewCache(spec.CacheOptions{})
	}
	return svc
}

// StoredSpec returns the parsed description of a stored version (its source
// as uploaded), from a cache shared by the pages and the API: the document
// is shared, read it only. v must have been read with its spec.
func (s *Service) StoredSpec(ctx context.Context, v *store.APIVersion) (*spec.Document, error) {
	doc, err := s.specs.Parse(ctx, []byte(v.SpecRaw))
	if err != nil {
		return nil, fmt.Errorf("parse stored spec of version %s: %w", v.Version, err)
	}
	return doc, nil
}

// Specs is the process's parser of descriptions, for others that read
// stored descriptions (the search indexer) to share its cache and bounds.
func (s *Service) Specs() *spec.Cache { return s.specs }

// MinSunsetNotice is the configured minimum notice for a sunset.
func (s *Service) MinSunsetNotice() time.Duration { return s.minNotice }

// EarliestSunset is the first day (midnight UTC) that gives the minimum
// notice from now. Deprecate refuses a sunset before now plus the notice, so
// for a date (midnight UTC), as the pages send, this day is exactly the
// first one it accepts: forms show it as their earliest date and Deprecate
// names it when it refuses one.
func (s *Service) EarliestSunset() time.Time {
	return earliestSunset(s.now().UTC(), s.minNotice)
}

func earliestSunset(now time.Time, notice time.Duration) time.Time {
	earliest := now.UTC().Add(notice)
	day := time.Date(earliest.Year(), earliest.Month(), earliest.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(earliest) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

var tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9 ._-]{0,39}$`)

// APIInput is an API as created or edited.
type APIInput struct {
	Slug        string
	Name        string
	Summary     string
	Description string
	Tags        []string
	Visibility  string
	Upstreams   []string
}

// normalize trims the input and returns its field errors.
func (in *APIInput) normalize(creating bool) map[string]string {
	in.Slug = slug.Normalize(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	in.Summary = strings.TrimSpace(in.Summary)
	in.Description = strings.TrimSpace(in.Description)
	in.Visibility = strings.TrimSpace(in.Visibility)
	errs := map[string]string{}
	if creating && !slug.Valid(in.Slug) {
		errs["slug"] = slug.Rule + " It appears in gateway URLs."
	}
	if !utf8.ValidString(in.Name) || in.Name == "" || utf8.RuneCountInString(in.Name) > MaxAPIName {
		errs["name"] = fmt.Sprintf("Give the API a name of up to %d characters.", MaxAPIName)
	} else {
		apperr.Line(errs, "name", in.Name, MaxAPIName)
	}
	apperr.Line(errs, "summary", in.Summary, MaxSummary)
	apperr.Text(errs, "description", in.Description, MaxDescription)
	if in.Visibility == "" {
		in.Visibility = store.VisibilityPublic
	}
	if in.Visibility != store.VisibilityPublic && in.Visibility != store.VisibilityTeam {
		errs["visibility"] = "Choose public (the whole organisation) or team (members of the team only)."
	}
	tags := []string{}
	seen := map[string]bool{}
	for _, t := range in.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || seen[t] {
			continue
		}
		if !tagPattern.MatchString(t) {
			errs["tags"] = fmt.Sprintf("Tag %s: use up to 40 lowercase letters, digits, spaces, dots, dashes or underscores.", store.Echo(t, 60))
			continue
		}
		seen[t] = true
		tags = append(tags, t)
	}
	if len(tags) > 20 {
		errs["tags"] = "Use at most 20 tags."
	}
	in.Tags = tags
	ups := []string{}
	for _, u := range in.Upstreams {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if msg := upstreamProblem(u); msg != "" {
			errs["upstreams"] = msg
			continue
		}
		ups = append(ups, u)
	}
	if len(ups) > 20 {
		errs["upstreams"] = "Use at most 20 upstream URLs."
	}
	in.Upstreams = ups
	return errs
}

// upstreamProblem says what is wrong with an upstream URL, "" when nothing
// is. An API's upstream URLs are the gateway targets of its major versions
// that have no gateway settings, so they follow the targets' one rule
// (gateway.ParseNewTarget), as the gateway settings do: a URL the gateway
// would pass over, or one at an address every node refuses by default, is
// refused here with its reason, and a password in one
// (which the gateway never sends) is stored nowhere, not even in the audit
// log.
func upstreamProblem(u string) string {
	if len(u) > MaxUpstreamURL || !utf8.ValidString(u) || strings.ContainsAny(u, " \t\r\n") {
		return fmt.Sprintf("Upstream %s: use an absolute http:// or https:// URL of up to %d characters.", store.Echo(u, 100), MaxUpstreamURL)
	}
	_, err := gateway.ParseNewTarget(u)
	if errors.Is(err, gateway.ErrTargetDenied) {
		return fmt.Sprintf("Upstream %s: %s. Point it at the service's own address or host name.", store.Echo(u, 100), err)
	}
	if err != nil {
		return fmt.Sprintf("Upstream %s: %s. Use an absolute http:// or https:// URL such as http://orders.internal:8080/v1.", store.Echo(u, 100), err)
	}
	return ""
}

// CreateAPI creates an API in a team.
func (s *Service) CreateAPI(ctx context.Context, actor *store.User, team *store.Team, in APIInput) (*store.API, error) {
	if err := s.require(ctx, actor, team.Slug, "create"); err != nil {
		return nil, err
	}
	if errs := in.normalize(true); len(errs) > 0 {
		return nil, &apperr.InputError{Fields: errs}
	}
	a := &store.API{TeamID: team.ID, Slug: in.Slug, Name: in.Name, Summary: in.Summary, Description: in.Description,
		Tags: in.Tags, Visibility: in.Visibility, Upstreams: in.Upstreams, Team: team}
	now := store.Stored(s.now())
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.CreateAPI(ctx, tx, a, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "api.create", a, "", "", a.Name, "", now); err != nil {
			return err
		}
		return s.reindex(ctx, tx, a.ID)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Field("slug", "An API with this slug exists already; slugs are unique across the organisation.")
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateAPI changes an API's catalog entry. a must be as read, with its lock version.
func (s *Service) UpdateAPI(ctx context.Context, actor *store.User, a *store.API, in APIInput) error {
	if err := s.require(ctx, actor, a.Team.Slug, "edit"); err != nil {
		return err
	}
	if errs := in.normalize(false); len(errs) > 0 {
		return &apperr.InputError{Fields: errs}
	}
	before, after := summarizeAPI(a), ""
	// The summary and the description are named only when they change
	// (the description, long, as changed).
	if in.Summary != a.Summary {
		before += fmt.Sprintf(" summary=%q", a.Summary)
		after += fmt.Sprintf(" summary=%q", in.Summary)
	}
	if in.Description != a.Description {
		after += " description changed"
	}
	a.Name, a.Summary, a.Description, a.Tags, a.Visibility, a.Upstreams = in.Name, in.Summary, in.Description, in.Tags, in.Visibility, in.Upstreams
	after = summarizeAPI(a) + after
	now := store.Stored(s.now())
	return s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.UpdateAPI(ctx, tx, a, now); err != nil {
			return err
		}
		if a.Visibility == store.VisibilityTeam {
			if err := s.noSubscribersOutside(ctx, tx, a); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, tx, actor, "api.update", a, "", before, after, "", now); err != nil {
			return err
		}
		if err := s.store.GatewayChanged(ctx, tx, a.Slug); err != nil { // the upstream URLs serve routes without gateway settings
			return err
		}
		return s.reindex(ctx, tx, a.ID)
	})
}

// noSubscribersOutside refuses to make an API team-only while apps of other
// teams hold pending or active subscriptions to it: a team-only API is
// neither visible nor subscribable outside its team, so those teams would
// keep working keys to an API they may no longer see. The subscriptions
// are ended first (by their teams, or by the API's team revoking them).
// Read after the API's row is updated in tx, which orders it with a
// subscription being written (subscriptions.create reads the visibility
// under lock).
func (s *Service) noSubscribersOutside(ctx context.Context, tx bun.IDB, a *store.API) error {
	n, list, err := s.subscribersOutside(ctx, tx, a)
	if err != nil || n == 0 {
		return err
	}
	return apperr.Field("visibility", fmt.Sprintf("%d app(s) of other teams subscribe to this API: %s. A team-only API is not available outside its team: end those subscriptions before making it team-only.", n, list))
}

// subscribersOutside counts the apps of teams other than a's with pending
// or active subscriptions to a, and names the first of them.
func (s *Service) subscribersOutside(ctx context.Context, tx bun.IDB, a *store.API) (int, string, error) {
	subs, n, err := s.store.LiveSubscriptionsOutside(ctx, tx, a.ID, a.TeamID, maxNamed)
	if err != nil || n == 0 {
		return 0, "", err
	}
	names := make([]string, 0, len(subs))
	for _, sub := range subs {
		if sub.App != nil && sub.ConsumerTeam != nil {
			names = append(names, fmt.Sprintf("%s (%s)", store.Isolate(sub.App.Name), store.Isolate(sub.ConsumerTeam.Name)))
		}
	}
	list := strings.Join(names, ", ")
	if n > len(names) {
		list += fmt.Sprintf(" and %d more", n-len(names))
	}
	return n, list, nil
}

func summarizeAPI(a *store.API) string {
	return fmt.Sprintf("name=%q visibility=%s tags=%s upstreams=%s", a.Name, a.Visibility, strings.Join(a.Tags, ","), strings.Join(a.Upstreams, ","))
}

// ParseVersion checks a semver version number.
func ParseVersion(v string) (*semver.Version, error) {
	v = strings.TrimSpace(v)
	if err := apperr.CheckLine("version", v, MaxVersionLength); err != nil {
		return nil, err
	}
	sv, err := semver.StrictNewVersion(v)
	if err != nil {
		return nil, apperr.Field("version", fmt.Sprintf("%s is not a semantic version: use MAJOR.MINOR.PATCH, e.g. 1.4.0 or 2.0.0-beta.1.", store.Echo(v, store.MaxEcho)))
	}
	return sv, nil
}

// parseSpec validates a spec for storage, through the process's parser (so
// that uploads share its bounds on concurrency and time).
func (s *Service) parseSpec(ctx context.Context, data []byte) (*spec.Document, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, apperr.Field("spec", "Upload or paste an OpenAPI description (YAML or JSON).")
	}
	doc, err := s.specs.Parse(ctx, data)
	if err != nil {
		var ve *spec.ValidationError
		if errors.As(err, &ve) {
			return nil, apperr.Field("spec", ve.Error())
		}
		return nil, err
	}
	// The description is kept and, once published, read by everyone: a
	// key or token in it (a curl example with a working key) is refused as
	// in every stored text, naming its line and quoting nothing of it.
	if line := secretLine(doc.Source); line > 0 {
		return nil, apperr.Field("spec", fmt.Sprintf("Line %d: %s", line, apperr.SecretMessage))
	}
	return doc, nil
}

// secretLine returns the number of the first line of src that holds a
// Portico key or token (apperr.HoldsSecret), or 0.
func secretLine(src []byte) int {
	if !apperr.HoldsSecret(string(src)) {
		return 0
	}
	for n, line := range strings.Split(string(src), "\n") {
		if apperr.HoldsSecret(line) {
			return n + 1
		}
	}
	return 0
}

// maxVersionTitle is the most of a description's info.title a version
// keeps as its title (api_versions.title, VARCHAR(500)), in characters.
const maxVersionTitle = 500

// setSpec stores doc on v: the source as uploaded (in UTF-8), never an
// expansion of it. The normalised JSON is derived from it when served.
// The title, unbounded in the description, is cut to the column's length:
// PostgreSQL refused a longer one (SQLite stores any length).
func setSpec(v *store.APIVersion, doc *spec.Document) {
	v.SpecRaw, v.SpecJSON, v.SpecFormat, v.Title, v.Operations = string(doc.Source), "", doc.Format, cutRunes(doc.Title, maxVersionTitle), len(doc.Operations())
}

// cutRunes returns the first n characters of s.
func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// CreateVersion adds a draft version to an API. With no spec, it starts as a
// copy of the API's latest version.
func (s *Service) CreateVersion(ctx context.Context, actor *store.User, a *store.API, version string, specData []byte) (*store.APIVersion, error) {
	if err := s.require(ctx, actor, a.Team.Slug, "draft"); err != nil {
		return nil, err
	}
	sv, err := ParseVersion(version)
	if err != nil {
		return nil, err
	}
	v := &store.APIVersion{APIID: a.ID, Version: sv.Original(), Major: int(sv.Major()), Minor: int(sv.Minor()), Patch: int(sv.Patch()),
		Prerelease: sv.Prerelease(), State: string(Draft), CreatedBy: &actor.ID}
	// Parse before the transaction: a large description may wait for the
	// parser, and no write transaction may wait with it.
	var doc *spec.Document
	if len(specData) > 0 {
		if doc, err = s.parseSpec(ctx, specData); err != nil {
			return nil, err
		}
	}
	now := store.Stored(s.now())
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if len(specData) == 0 {
			latest, err := s.store.LatestVersion(ctx, tx, a.ID)
			if errors.Is(err, store.ErrNotFound) {
				return apperr.Field("spec", "This is the API's first version: upload or paste its OpenAPI description.")
			}
			if err != nil {
				return err
			}
			v.SpecRaw, v.SpecFormat, v.Title, v.Operations = latest.SpecRaw, latest.SpecFormat, latest.Title, latest.Operations
		} else {
			setSpec(v, doc)
		}
		if err := s.store.CreateVersion(ctx, tx, v, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "version.create", a, v.Version, "", string(Draft), "", now); err != nil {
			return err
		}
		if err := s.store.TouchAPI(ctx, tx, a, now); errors.Is(err, store.ErrConflict) {
			return apperr.Conflict(fmt.Sprintf("%s was moved to another team meanwhile; reload the page and try again.", store.Isolate(a.Name)))
		} else if err != nil {
			return err
		}
		return s.reindex(ctx, tx, a.ID)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Field("version", fmt.Sprintf("Version %s exists already.", v.Version))
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Editable refuses to edit a version that is not a draft, in the words
// that the edit form and UpdateDraft use alike; nil for a draft.
func Editable(v *store.APIVersion) error {
	if State(v.State) != Draft {
		return &TransitionError{From: State(v.State), Reason: fmt.Sprintf("Only drafts can be edited; version %s is %s. Create a new version instead.", v.Version, State(v.State).Label())}
	}
	return nil
}

// UpdateDraft replaces the spec of a draft. Published specs never change.
func (s *Service) UpdateDraft(ctx context.Context, actor *store.User, a *store.API, v *store.APIVersion, specData []byte) error {
	if err := s.require(ctx, actor, a.Team.Slug, "draft"); err != nil {
		return err
	}
	if err := Editable(v); err != nil {
		return err
	}
	doc, err := s.parseSpec(ctx, specData)
	if err != nil {
		return err
	}
	setSpec(v, doc)
	now := store.Stored(s.now())
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.UpdateDraftSpec(ctx, tx, v); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "version.update", a, v.Version, "", "spec replaced", "", now); err != nil {
			return err
		}
		return s.reindex(ctx, tx, a.ID)
	})
	return conflictMessage(err, v)
}

func conflictMessage(err error, v *store.APIVersion) error {
	if errors.Is(err, store.ErrConflict) {
		return &TransitionError{From: State(v.State), Reason: fmt.Sprintf("Version %s was changed by someone else meanwhile; reload the page and try again.", v.Version)}
	}
	return err
}

// Submit opens a publication request for a draft and notifies its reviewers
// (org approvers and admins, and the API's team reviewers), except the requester.
func (s *Service) Submit(ctx context.Context, actor *store.User, a *store.API, v *store.APIVersion, note string) (*store.PublicationRequest, error) {
	note = strings.TrimSpace(note)
	if err := apperr.CheckText("note", note, MaxNote); err != nil {
		return nil, err
	}
	t, err := s.check(ctx, actor, a, v, Submit)
	if err != nil {
		return nil, err
	}
	// Validation, lint and the diff are computed once, here, and stored
	// with the request: the review reads them.
	report, base, err := s.computeReport(ctx, v)
	if err != nil {
		var ve *spec.ValidationError
		if errors.As(err, &ve) {
			return nil, &TransitionError{Action: Submit, From: Draft, Reason: "The draft's description cannot be read; replace it before submitting: " + store.Isolate(ve.Error())}
		}
		return nil, err
	}
	r := &store.PublicationRequest{APIID: a.ID, VersionID: v.ID, RequesterID: actor.ID, Note: note}
	var remember func()
	now := store.Stored(s.now())
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.move(ctx, tx, actor, a, v, t, "", now); err != nil {
			return err
		}
		if err := s.store.CreateRequest(ctx, tx, r, now); err != nil {
			return err
		}
		var err error
		if remember, err = s.saveReport(ctx, tx, r.ID, report, base); err != nil {
			return err
		}
		reviewers, err := s.store.Reviewers(ctx, tx, a.TeamID)
		if err != nil {
			return err
		}
		var ids []int64
		for _, u := range reviewers {
			if u.ID != actor.ID {
				ids = append(ids, u.ID)
			}
		}
		msg := fmt.Sprintf("%s asks to publish %s %s.", store.Isolate(actor.Username), store.Isolate(a.Name), store.Isolate(v.Version))
		return s.store.Notify(ctx, tx, ids, "review.requested", msg, fmt.Sprintf("/reviews/%d", r.ID), now)
	})
	if err != nil {
		return nil, conflictMessage(err, v)
	}
	remember()
	return r, nil
}

// Withdraw takes back an open request: only its requester (or an org admin).
func (s *Service) Withdraw(ctx context.Context, actor *store.User, r *store.PublicationRequest) error {
	a, v, err := s.requestSubjects(ctx, r)
	if err != nil {
		return err
	}
	t, err := s.check(ctx, actor, a, v, Withdraw)
	if err != nil {
		return err
	}
	d, err := s.decisions(ctx, actor, a.Team.Slug, r)
	if err != nil {
		return err
	}
	if !d.Withdraw {
		return apperr.Denied("Only the requester can withdraw a publication request; reviewers reject it with a reason.")
	}
	now := store.Stored(s.now())
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.DecideRequest(ctx, tx, r, store.RequestWithdrawn, &actor.ID, "", false, now); err != nil {
			return err
		}
		return s.move(ctx, tx, actor, a, v, t, "withdrawn", now)
	})
	return conflictMessage(err, v)
}

// Reject sends a version back to draft with a required reason.
func (s *Service) Reject(ctx context.Context, actor *store.User, r *store.PublicationRequest, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return apperr.Field("reason", "Say why the request is rejected, so the team knows what to change.")
	}
	if err := apperr.CheckText("reason", reason, MaxReason); err != nil {
		return err
	}
	a, v, err := s.requestSubjects(ctx, r)
	if err != nil {
		return err
	}
	t, err := s.check(ctx, actor, a, v, Reject)
	if err != nil {
		return err
	}
	told, err := s.requester(ctx, r, a)
	if err != nil {
		return err
	}
	now := store.Stored(s.now())
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.DecideRequest(ctx, tx, r, store.RequestRejected, &actor.ID, reason, false, now); err != nil {
			return err
		}
		if err := s.move(ctx, tx, actor, a, v, t, reason, now); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s rejected %s %s: %s", store.Isolate(actor.Username), store.Isolate(a.Name), store.Isolate(v.Version), store.Isolate(reason))
		return s.store.Notify(ctx, tx, told, "review.rejected", msg, fmt.Sprintf("/reviews/%d", r.ID), now)
	})
	return conflictMessage(err, v)
}

// Approve publishes a version. A reviewer may not approve their own request
// unless they are an org admin who overrides, which is recorded. A version
// with breaking changes against the latest live version of the same major
// is refused.
func (s *Service) Approve(ctx context.Context, actor *store.User, r *store.PublicationRequest, comment string, override bool) error {
	comment = strings.TrimSpace(comment)
	if err := apperr.CheckText("comment", comment, MaxComment); err != nil {
		return err
	}
	a, v, err := s.requestSubjects(ctx, r)
	if err != nil {
		return err
	}
	t, err := s.check(ctx, actor, a, v, Approve)
	if err != nil {
		return err
	}
	overridden := false
	if r.RequesterID == actor.ID {
		d, err := s.decisions(ctx, actor, a.Team.Slug, r)
		if err != nil {
			return err
		}
		if !d.Override || !override {
			return apperr.Denied("You cannot approve your own publication request: another reviewer must (four eyes). Org admins may override, which is recorded.")
		}
		overridden = true
	}
	rv, err := s.Review(ctx, r)
	if err != nil {
		return err
	}
	if rv.Blocked {
		items, total := rv.blockingItems()
		return &TransitionError{Action: Approve, From: InReview, Reason: rv.BlockReason, Blocking: items, BlockingTotal: total}
	}
	told, err := s.requester(ctx, r, a)
	if err != nil {
		return err
	}
	now := store.Stored(s.now())
	v.PublishedAt = &now
	reason := strings.TrimSpace(comment)
	if overridden {
		reason = strings.TrimSpace("four-eyes override by org admin. " + reason)
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// The review compared v with the API's latest live version before
		// this transaction; another version may have been published since
		// (two approvals at once). Touching the API first orders approvals
		// of one API (its row's lock on PostgreSQL; SQLite's transaction
		// holds the write lock from its start), so the second one sees the
		// first: if the version v is compared with is no longer the one
		// reviewed, the review is refused, to be read again.
		if err := s.store.TouchAPI(ctx, tx, a, now); err != nil {
			return err
		}
		base, err := s.baseIn(ctx, tx, v)
		if err != nil {
			return err
		}
		if !sameVersion(base, rv.Base) {
			return &TransitionError{Action: Approve, From: InReview, Reason: fmt.Sprintf("The version that %s is compared with changed while it was reviewed (it is now %s, after another decision): read the review again before deciding.", v.Version, versionName(base))}
		}
		if err := s.store.DecideRequest(ctx, tx, r, store.RequestApproved, &actor.ID, strings.TrimSpace(comment), overridden, now); err != nil {
			return err
		}
		if err := s.move(ctx, tx, actor, a, v, t, reason, now); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s approved %s %s: it is published.", store.Isolate(actor.Username), store.Isolate(a.Name), store.Isolate(v.Version))
		return s.store.Notify(ctx, tx, told, "review.approved", msg, fmt.Sprintf("/apis/%s/versions/%s", a.Slug, v.Version), now)
	})
	return conflictMessage(err, v)
}

// Deprecate announces a version's sunset, optionally naming its successor.
func (s *Service) Deprecate(ctx context.Context, actor *store.User, a *store.API, v *store.APIVersion, sunset time.Time, successor string) error {
	t, err := s.check(ctx, actor, a, v, Deprecate)
	if err != nil {
		return err
	}
	now := store.Stored(s.now())
	if sunset.IsZero() {
		return apperr.Field("sunset", "Choose the sunset date, when the version will be retired.")
	}
	// Kept to the microsecond, as the database keeps it: the answer gives
	// the sunset a later read gives.
	sunset = store.Stored(sunset)
	if sunset.Before(now.Add(s.minNotice)) {
		return apperr.Field("sunset", fmt.Sprintf("The sunset must give at least %s of notice: %s (UTC) or later.", humanDuration(s.minNotice), earliestSunset(now, s.minNotice).Format("2006-01-02")))
	}
	if sunset.UTC().Year() > 9999 {
		// A later time has no RFC 3339 or JSON form: the version could be
		// neither shown nor sent to the gateway.
		return apperr.Field("sunset", "The sunset must be on 9999-12-31 (UTC) or before.")
	}
	successor = strings.TrimSpace(successor)
	if err := apperr.CheckLine("successor", successor, MaxVersionLength); err != nil {
		return err
	}
	if successor != "" {
		if successor == v.Version {
			return apperr.Field("successor", "A version cannot succeed itself.")
		}
		sv, err := s.store.Version(ctx, a.ID, successor)
		if errors.Is(err, store.ErrNotFound) {
			return apperr.Field("successor", fmt.Sprintf("%s has no version %s.", store.Isolate(a.Name), successor))
		}
		if err != nil {
			return err
		}
		if State(sv.State) != Published {
			return apperr.Field("successor", fmt.Sprintf("The successor must be published; %s is %s.", successor, State(sv.State).Label()))
		}
	}
	v.DeprecatedAt, v.SunsetAt, v.Successor = &now, &sunset, successor
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.move(ctx, tx, actor, a, v, t, "sunset "+sunset.Format("2006-01-02")+successorNote(successor), now)
	})
	return conflictMessage(err, v)
}

func successorNote(successor string) string {
	if successor == "" {
		return ""
	}
	return ", successor " + successor
}

// Undeprecate returns a deprecated version to published before its sunset.
func (s *Service) Undeprecate(ctx context.Context, actor *store.User, a *store.API, v *store.APIVersion) error {
	t, err := s.check(ctx, actor, a, v, Undeprecate)
	if err != nil {
		return err
	}
	now := store.Stored(s.now())
	if v.SunsetAt != nil && !now.Before(*v.SunsetAt) {
		return &TransitionError{Action: Undeprecate, From: Deprecated, Reason: "The sunset date has passed; the version can only be retired."}
	}
	v.DeprecatedAt, v.SunsetAt, v.Successor = nil, nil, ""
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.move(ctx, tx, actor, a, v, t, "", now)
	})
	return conflictMessage(err, v)
}

// Retire ends a version. Nothing is deleted.
func (s *Service) Retire(ctx context.Context, actor *store.User, a *store.API, v *store.APIVersion) error {
	t, err := s.check(ctx, actor, a, v, Retire)
	if err != nil {
		return err
	}
	now := store.Stored(s.now())
	v.RetiredAt = &now
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.move(ctx, tx, actor, a, v, t, "", now)
	})
	return conflictMessage(err, v)
}

// Import publishes a draft without review, for bringing an existing catalog
// in: org admins only, recorded in the audit log as an import.
func (s *Service) Import(ctx context.Context, actor *store.User, a *store.API, v *store.APIVersion) error {
	t, err := s.check(ctx, actor, a, v, Import)
	if err != nil {
		return err
	}
	if s.validation == ValidationBlock {
		errs, err := s.specErrors(ctx, v)
		if err != nil {
			return err
		}
		if errs > 0 {
			return &TransitionError{Action: Import, From: Draft, Reason: fmt.Sprintf("Version %s has %d validation or lint error(s), and this portal publishes no description with errors (--spec-validation=block).", v.Version, errs)}
		}
	}
	now := store.Stored(s.now())
	v.PublishedAt = &now
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.move(ctx, tx, actor, a, v, t, "imported without review", now)
	})
	return conflictMessage(err, v)
}

// VersionFindings returns the validation and lint findings of a stored
// version judged by the org's rule set (rules set to off left out), for
// its author.
func (s *Service) VersionFindings(ctx context.Context, v *store.APIVersion) (*spec.Judgement, error) {
	doc, err := s.StoredSpec(ctx, v)
	if err != nil {
		return nil, err
	}
	return s.JudgeFindings(ctx, VersionReport(doc))
}

// VersionReport is the validation and lint report of a stored version's
// parsed description, before the org's rule set judges it: it depends on
// the description alone, so a page may keep it with the version.
func VersionReport(doc *spec.Document) *spec.Report {
	return &spec.Report{Validation: doc.Validation, Lint: spec.Lint(doc)}
}

// JudgeFindings judges a version's report (VersionReport) by the org's
// rule set as it is now: VersionFindings without reading the description.
func (s *Service) JudgeFindings(ctx context.Context, r *spec.Report) (*spec.Judgement, error) {
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	return spec.Judge(r, rules, nil), nil
}

// specErrors counts a version's validation and lint findings of severity error.
func (s *Service) specErrors(ctx context.Context, v *store.APIVersion) (int, error) {
	j, err := s.VersionFindings(ctx, v)
	if err != nil {
		return 0, err
	}
	return j.Errors, nil
}

// RetireDue retires deprecated versions whose sunset has passed, as the
// system. It returns how many it retired. "Passed" is by the store's clock
// (the database server's on PostgreSQL), the one every instance shares:
// an instance whose own clock runs fast must not retire a version before
// the sunset its pages promise. A version whose retirement fails is named
// in the error returned, which joins every such failure, and the others are
// retired; the run ends at the first failure only when its context ends or
// the database is unavailable.
func (s *Service) RetireDue(ctx context.Context) (int, error) {
	now, err := s.store.ClockNow(ctx)
	if err != nil {
		return 0, err
	}
	t, _ := Find(Retire, Deprecated)
	n := 0
	var failed []error
	// Page by id: versions whose retirement fails stay due, and a page
	// that began at the first due version again would hold them, and only
	// them, once there are as many as a page.
	var after int64
	for {
		due, err := s.store.DueForRetirement(ctx, now, after, retirePage)
		if err != nil {
			return n, errors.Join(append(failed, err)...)
		}
		for i := range due {
			v := &due[i]
			after = v.ID
			switch err := s.retireOne(ctx, v, t, now); {
			case errors.Is(err, store.ErrConflict):
				continue // someone acted on it meanwhile
			case err == nil:
				n++
			case ctx.Err() != nil || store.Unavailable(err):
				// Every retirement after it would fail alike.
				return n, errors.Join(append(failed, err)...)
			default:
				// One version that cannot be retired (a row its
				// transaction cannot write) keeps none after it
				// served past its sunset; it is tried again at the
				// next run.
				failed = append(failed, fmt.Errorf("retire version %d (%s of API %d): %w", v.ID, v.Version, v.APIID, err))
			}
		}
		if len(due) < retirePage {
			return n, errors.Join(failed...)
		}
	}
}

// retirePage is how many due versions RetireDue reads at a time.
var retirePage = 500

// retireOne retires v, due at now, by transition t.
func (s *Service) retireOne(ctx context.Context, v *store.APIVersion, t Transition, now time.Time) error {
	a, err := s.store.APIByID(ctx, v.APIID)
	if err != nil {
		return err
	}
	v.RetiredAt = &now
	return s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.move(ctx, tx, nil, a, v, t, "sunset reached", now)
	})
}

// check finds the transition for action from the version's state and checks
// the actor's permission for it in the API's team.
func (s *Service) check(ctx context.Context, actor *store.User, a *store.API, v *store.APIVersion, action Action) (Transition, error) {
	if err := s.require(ctx, actor, a.Team.Slug, Permission(action)); err != nil {
		return Transition{}, err
	}
	t, ok := Find(action, State(v.State))
	if !ok {
		return Transition{}, notAllowed(action, State(v.State))
	}
	return t, nil
}

// require checks that actor holds the policy action on APIs of a team.
func (s *Service) require(ctx context.Context, actor *store.User, team, act string) error {
	if actor == nil {
		return apperr.Denied("An actor is required.")
	}
	ok, err := s.auth.Allowed(ctx, actor.ID, policy.TeamDomain(team), "api", act)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Denied(fmt.Sprintf("You do not have the %q permission on %s's APIs.", act, team))
	}
	return nil
}

// move applies a transition inside tx at at: the state change under
// optimistic lock, the audit record, the subscriptions' effect and the
// API's update time, all at that one instant, and the search re-index.
func (s *Service) move(ctx context.Context, tx bun.Tx, actor *store.User, a *store.API, v *store.APIVersion, t Transition, reason string, at time.Time) (err error) {
	from, lock := v.State, v.LockVersion
	defer func() {
		if err != nil { // rolled back: v's state and lock version are as read
			v.State, v.LockVersion = from, lock
		}
	}()
	v.State = string(t.To)
	if err := s.store.TransitionVersion(ctx, tx, v, from, at); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, actor, "version."+string(t.Action), a, v.Version, from, v.State, reason, at); err != nil {
		return err
	}
	if err := s.subscriptionEffect(ctx, tx, actor, a, v, t, at); err != nil {
		return err
	}
	if err := s.store.TouchAPI(ctx, tx, a, at); err != nil {
		return err
	}
	if servedByGateway(State(from)) || servedByGateway(t.To) {
		if err := s.store.Enqueue(ctx, tx, store.TopicGatewayChanged, store.GatewayChange{API: a.Slug}); err != nil {
			return err
		}
	}
	return s.reindex(ctx, tx, a.ID)
}

// servedByGateway reports whether the gateways know versions in state st.
func servedByGateway(st State) bool { return st == Published || st == Deprecated || st == Retired }

func (s *Service) requestSubjects(ctx context.Context, r *store.PublicationRequest) (*store.API, *store.APIVersion, error) {
	a, err := s.store.APIByID(ctx, r.APIID)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.store.VersionByID(ctx, r.VersionID)
	if err != nil {
		return nil, nil, err
	}
	// Read the request again after the version: a decision taken since the
	// caller loaded it is then reported as such, not as a wrong state.
	fresh, err := s.store.Request(ctx, r.ID)
	if err != nil {
		return nil, nil, err
	}
	if fresh.State != store.RequestOpen {
		return nil, nil, &TransitionError{From: State(v.State), Reason: fmt.Sprintf("This publication request is %s already.", fresh.State)}
	}
	return a, v, nil
}

// requester returns whom to tell of a decision on r: its requester, unless
// they may no longer read a's team's APIs (they left the team since they
// asked), since the message names the API, the version and the reviewer's
// words. Asked before the decision's transaction.
func (s *Service) requester(ctx context.Context, r *store.PublicationRequest, a *store.API) ([]int64, error) {
	ok, err := s.ReadsTeamAPIs(ctx, &store.User{ID: r.RequesterID}, a)
	if err != nil || !ok {
		return nil, err
	}
	return []int64{r.RequesterID}, nil
}

// audit appends, inside tx, the audit event of an action on a or its
// version taken at at, the instant of the action's other rows.
func (s *Service) audit(ctx context.Context, tx bun.IDB, actor *store.User, action string, a *store.API, version, before, after, reason string, at time.Time) error {
	objID := a.Slug
	objType := "api"
	if version != "" {
		objID, objType = a.Slug+"@"+version, "version"
	}
	e := &store.AuditEvent{Action: action, ObjectType: objType, ObjectID: objID, TeamID: &a.TeamID, Before: before, After: after, Reason: reason}
	if actor != nil {
		e.ActorID, e.Actor = &actor.ID, actor.Username
	} else {
		e.Actor = "system"
	}
	return s.store.Audit(ctx, tx, e, at)
}

func (s *Service) reindex(ctx context.Context, tx bun.IDB, apiID int64) error {
	return s.store.Enqueue(ctx, tx, TopicSearchIndex, SearchIndexMessage{APIID: apiID})
}

func humanDuration(d time.Duration) string {
	days := int(d.Hours() / 24)
	switch {
	case d <= 0:
		return "no time"
	case days == 1:
		return "1 day"
	case days > 1:
		return fmt.Sprintf("%d days", days)
	}
	return d.String()
}
