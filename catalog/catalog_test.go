package catalog_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

const smsV1 = `openapi: 3.0.3
info: {title: SMS, version: 1.0.0}
paths:
  /sms:
    post:
      operationId: sendSms
      summary: Send an SMS
      responses: {"200": {description: ok}}
`

const smsV2 = `openapi: 3.0.3
info: {title: SMS, version: 2.0.0}
paths:
  /v2/messages:
    post:
      operationId: sendMessage
      summary: Send a text message
      description: '<p>Sends a message to a <a href="#phones">phone</a> number.</p>'
      responses: {"200": {description: ok}}
  /v2/messages/{id}:
    get:
      operationId: getMessage
      summary: Get a **message**
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

const smsV21 = `openapi: 3.0.3
info: {title: SMS, version: 2.1.0}
paths:
  /v2/drafts:
    get:
      operationId: listDrafts
      responses: {"200": {description: ok}}
`

type fixture struct {
	s     *store.Store
	svc   *lifecycle.Service
	admin *store.User
	team  *store.Team
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: s}
	f.team = &store.Team{Slug: "messaging", Name: "Messaging"}
	if err := s.CreateTeam(ctx, s.DB(), f.team); err != nil {
		t.Fatal(err)
	}
	f.admin = &store.User{Username: "admin", OrgRole: policy.RoleAdmin}
	if err := s.CreateUser(ctx, s.DB(), f.admin); err != nil {
		t.Fatal(err)
	}
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = lifecycle.New(s, p, lifecycle.Options{})
	return f
}

func (f *fixture) api(t *testing.T, slug, name, visibility string) *store.API {
	t.Helper()
	a, err := f.svc.CreateAPI(context.Background(), f.admin, f.team, lifecycle.APIInput{
		Slug: slug, Name: name, Summary: "Text messages to phones.", Visibility: visibility,
		Description: "# Messaging\n\nSend **SMS** with [our gateway](https://example.com).\n\n```\ncurl -X POST /sms\n```",
		Tags:        []string{"messaging", "sms"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// publish creates a version and imports it (published without review).
func (f *fixture) publish(t *testing.T, a *store.API, version, specText string) *store.APIVersion {
	t.Helper()
	ctx := context.Background()
	v, err := f.svc.CreateVersion(ctx, f.admin, a, version, []byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Import(ctx, f.admin, a, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBuildDocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t, "sms", "SMS API", store.VisibilityTeam)
		old := f.publish(t, a, "0.9.0", smsV1)
		if err := f.svc.Retire(ctx, f.admin, a, old); err != nil {
			t.Fatal(err)
		}
		v1 := f.publish(t, a, "1.0.0", smsV1)
		f.publish(t, a, "2.0.0", smsV2)
		if err := f.svc.Deprecate(ctx, f.admin, a, v1, time.Now().Add(48*time.Hour), "2.0.0"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateVersion(ctx, f.admin, a, "2.1.0", []byte(smsV21)); err != nil {
			t.Fatal(err)
		}

		d, err := catalog.BuildDocument(ctx, s, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		checks := []struct {
			name      string
			got, want any
		}{
			{"id", d.ID, catalog.DocumentID(a.ID)},
			{"slug", d.Slug, "sms"},
			{"name", d.Name, "SMS API"},
			{"summary", d.Summary, "Text messages to phones."},
			{"description", d.Description, "Messaging\nSend SMS with our gateway.\ncurl -X POST /sms"},
			{"tags", d.Tags, []string{"messaging", "sms"}},
			{"team", d.Team, "messaging"},
			{"team name", d.TeamName, "Messaging"},
			{"visibility", d.Visibility, "team"},
			{"state", d.State, "published"},
			{"default version", d.DefaultVersion, "2.0.0"},
			{"versions", d.Versions, []string{"2.0.0", "1.0.0"}}, // live ones only: 2.1.0 is a draft
			// The catalog state, then those of the released versions (the draft is the team's business).
			{"states", d.States, []string{"published", "deprecated", "retired"}},
			{"operations", d.Operations, []search.Operation{
				{Method: "POST", Path: "/v2/messages", OperationID: "sendMessage", Summary: "Send a text message", Description: "Sends a message to a phone number."},
				{Method: "GET", Path: "/v2/messages/{id}", OperationID: "getMessage", Summary: "Get a message"},
			}},
		}
		for _, c := range checks {
			if !equal(c.got, c.want) {
				t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
			}
		}
	})
}

func equal(a, b any) bool {
	switch a := a.(type) {
	case []string:
		return slices.Equal(a, b.([]string))
	case []search.Operation:
		return slices.Equal(a, b.([]search.Operation))
	}
	return a == b
}

func TestBuildDocumentStates(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	f := newFixture(t, s)

	empty := f.api(t, "empty", "Empty", store.VisibilityPublic)
	draftOnly := f.api(t, "drafty", "Drafty", store.VisibilityPublic)
	if _, err := f.svc.CreateVersion(ctx, f.admin, draftOnly, "0.1.0", []byte(smsV1)); err != nil {
		t.Fatal(err)
	}
	gone := f.api(t, "gone", "Gone", store.VisibilityPublic)
	v := f.publish(t, gone, "1.0.0", smsV1)
	if err := f.svc.Retire(ctx, f.admin, gone, v); err != nil {
		t.Fatal(err)
	}

	// Until a first release, an API is its team's work in progress: only
	// the team finds it.
	tests := []struct {
		api            *store.API
		state, defVer  string
		visibility     string
		versions       []string
		operationPaths []string
	}{
		{empty, "draft", "", store.VisibilityTeam, nil, nil},
		{draftOnly, "draft", "", store.VisibilityTeam, nil, []string{"/sms"}},
		{gone, "retired", "", store.VisibilityPublic, nil, []string{"/sms"}},
	}
	for _, tt := range tests {
		t.Run(tt.api.Slug, func(t *testing.T) {
			d, err := catalog.BuildDocument(ctx, s, tt.api.ID)
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, op := range d.Operations {
				paths = append(paths, op.Path)
			}
			if d.State != tt.state || d.DefaultVersion != tt.defVer || d.Visibility != tt.visibility || !slices.Equal(d.Versions, tt.versions) || !slices.Equal(paths, tt.operationPaths) {
				t.Errorf("got state %q default %q visibility %q versions %v paths %v, want %q %q %q %v %v",
					d.State, d.DefaultVersion, d.Visibility, d.Versions, paths, tt.state, tt.defVer, tt.visibility, tt.versions, tt.operationPaths)
			}
		})
	}

	if _, err := catalog.BuildDocument(ctx, s, 99999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing api: got %v, want ErrNotFound", err)
	}
}

func openIndex(t *testing.T) *search.Bleve {
	t.Helper()
	idx, err := search.OpenBleve(t.TempDir() + "/index")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

// flakyIndex is a search backend that is down for its first failures writes.
type flakyIndex struct {
	search.Index
	failures atomic.Int32
	calls    atomic.Int32
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func (f *flakyIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	if f.calls.Add(1) <= f.failures.Load() {
		return errors.New("search engine unreachable")
	}
	return f.Index.Upsert(ctx, docs...)
}

func names(t *testing.T, idx search.Index, text string) []string {
	t.Helper()
	res, err := idx.Search(context.Background(), search.Query{Text: text, Viewer: search.Viewer{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Name)
	}
	return out
}

func TestFeedRecoversWhenTheIndexComesBack(t *testing.T) {
	s := storetest.New(t)
	f := newFixture(t, s)
	ctx := context.Background()
	idx := &flakyIndex{Index: openIndex(t)}
	feed := catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: quiet()})
	w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: feed.Handle},
		outbox.Options{Logger: quiet(), BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	if _, err := feed.CatchUp(ctx); err != nil { // builds the empty index
		t.Fatal(err)
	}
	idx.failures.Store(idx.calls.Load() + 4)

	a := f.api(t, "sms", "SMS API", store.VisibilityPublic)
	f.publish(t, a, "1.0.0", smsV1)
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// The messages are in the index log now; the index is down.
	if stats, err := s.OutboxStats(ctx); err != nil || stats[lifecycle.TopicSearchIndex] != 0 {
		t.Fatalf("outbox after draining: %v, %v; want nothing pending", stats, err)
	}
	failures := 0
	for {
		_, err := feed.CatchUp(ctx)
		if err == nil {
			break
		}
		if failures++; failures > 10 {
			t.Fatalf("catch-up still failing after %d tries: %v", failures, err)
		}
		if st := feed.Status(); st.Err == "" || st.Position != 0 {
			t.Errorf("status while failing: %+v, want the error and position 0", st)
		}
	}
	if failures != 4 {
		t.Errorf("failed catch-ups: got %d, want 4", failures)
	}
	if st := feed.Status(); st.Err != "" || st.Behind() != 0 || st.State != catalog.FeedFollowing {
		t.Errorf("status after recovery: %+v, want following, nothing behind, no error", st)
	}
	if got := names(t, idx, "send sms"); !slices.Equal(got, []string{"SMS API"}) {
		t.Errorf("search after recovery: got %v, want [SMS API]", got)
	}
	d, err := idx.Search(ctx, search.Query{Text: "sms", Viewer: search.Viewer{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Hits) != 1 || d.Hits[0].State != "published" {
		t.Errorf("indexed state: got %+v, want one published hit", d.Hits)
	}
}

func TestFeedDeletesMissingAPI(t *testing.T) {
	s := storetest.New(t)
	idx := openIndex(t)
	ctx := context.Background()
	feed := catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: quiet()})
	if _, err := feed.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(ctx, search.Document{ID: catalog.DocumentID(424242), Name: "Ghost", Visibility: "public", State: "published"}); err != nil {
		t.Fatal(err)
	}
	if err := feed.Handle(ctx, []byte(`{"api_id":424242}`)); err != nil {
		t.Fatal(err)
	}
	if n, err := feed.CatchUp(ctx); err != nil || n != 1 {
		t.Fatalf("catch-up: applied %d, %v, want 1", n, err)
	}
	if n, err := catalog.Count(ctx, idx); err != nil || n != 0 {
		t.Errorf("documents after deleting the missing api: got %d, %v, want 0", n, err)
	}
	for _, payload := range []string{`{"api_id":`, `{}`} {
		if err := feed.Handle(ctx, []byte(payload)); err == nil {
			t.Errorf("payload %s: got nil error, want one", payload)
		}
	}
}

func TestReindex(t *testing.T) {
	s := storetest.New(t)
	f := newFixture(t, s)
	ctx := context.Background()
	idx := openIndex(t)
	if err := idx.Upsert(ctx, search.Document{ID: "stale", Name: "Stale", Visibility: "public", State: "published"}); err != nil {
		t.Fatal(err)
	}
	sms := f.api(t, "sms", "SMS API", store.VisibilityPublic)
	f.publish(t, sms, "2.0.0", smsV2)
	f.api(t, "private", "Private Ledger", store.VisibilityTeam)
	f.api(t, "empty", "Empty", store.VisibilityPublic)

	var calls [][2]int
	n, err := catalog.Reindex(ctx, s, idx, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("indexed: got %d, want 3", n)
	}
	if want := [][2]int{{0, 3}, {3, 3}}; !slices.Equal(calls, want) {
		t.Errorf("progress: got %v, want %v", calls, want)
	}
	if c, err := catalog.Count(ctx, idx); err != nil || c != 3 {
		t.Errorf("count: got %d, %v, want 3", c, err)
	}
	if got := names(t, idx, "stale"); len(got) != 0 {
		t.Errorf("stale document after reindex: got %v, want none", got)
	}
	if got := names(t, idx, "getMessage"); !slices.Equal(got, []string{"SMS API"}) {
		t.Errorf("operation id search: got %v, want [SMS API]", got)
	}
	res, err := idx.Search(ctx, search.Query{Text: "ledger", Viewer: search.Viewer{Teams: []string{"other"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("team-only API visible to another team after reindex: total %d", res.Total)
	}
}

func TestReindexBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("creates more than one batch of APIs")
	}
	s := storetest.New(t)
	f := newFixture(t, s)
	ctx := context.Background()
	const n = catalog.BatchSize + 5
	for i := range n {
		a := &store.API{TeamID: f.team.ID, Slug: "api-" + catalog.DocumentID(int64(i)), Name: "API", Visibility: "public"}
		if err := s.CreateAPI(ctx, s.DB(), a, store.Now()); err != nil {
			t.Fatal(err)
		}
	}
	var last [2]int
	calls := 0
	got, err := catalog.Reindex(ctx, s, openIndex(t), func(done, total int) { last = [2]int{done, total}; calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if got != n || last != [2]int{n, n} || calls != 3 {
		t.Errorf("got %d indexed, last progress %v after %d calls, want %d, [%d %d], 3 calls", got, last, calls, n, n, n)
	}
}

// The webhooks of an OpenAPI 3.1 description and the callbacks of its operations are indexed with its operations,
// marked.
func TestBuildDocumentIndexesWebhooks(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	f := newFixture(t, s)
	a := f.api(t, "orders", "Orders", store.VisibilityPublic)
	f.publish(t, a, "1.0.0", `openapi: 3.1.0
info: {title: Orders, version: "1.0.0"}
paths:
  /orders:
    post:
      operationId: placeOrder
      summary: Place an order
      callbacks:
        paid:
          "{$request.body#/notifyUrl}":
            post:
              summary: The order was paid
              responses: {"200": {description: received}}
      responses: {"201": {description: placed}}
webhooks:
  orderShipped:
    post:
      operationId: onOrderShipped
      summary: An order was **shipped**
      responses: {"200": {description: received}}
`)
	d, err := catalog.BuildDocument(ctx, s, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Operation{
		{Method: "POST", Path: "/orders", OperationID: "placeOrder", Summary: "Place an order"},
		{Method: "POST", Path: "{$request.body#/notifyUrl}", Summary: "The order was paid", Callback: "paid"},
		{Method: "POST", Path: "orderShipped", OperationID: "onOrderShipped", Summary: "An order was shipped", Webhook: true},
	}
	if !slices.Equal(d.Operations, want) {
		t.Errorf("operations: got %#v, want %#v", d.Operations, want)
	}
}
