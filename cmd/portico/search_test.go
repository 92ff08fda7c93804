package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/samples"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// demoSampleDir copies a few of the repository's samples into a temporary directory.
func demoSampleDir(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "samples", "openapi")
	dir := t.TempDir()
	for _, name := range []string{"nexmo.com__sms__1.0.11.yaml", "xkcd.com__xkcd__1.0.0.yaml", "giphy.com__giphy-api__1.0.yaml", "personio.de__personnel__1.0.yaml"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatalf("read sample: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDemoThenReindex(t *testing.T) {
	samples := demoSampleDir(t)
	data := filepath.Join(t.TempDir(), "data")
	vars := map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_SEARCH_MEANING": "on"}
	ctx := context.Background()

	e, out, _ := testEnv(vars, "")
	if err := runEnv(ctx, []string{"demo", "--samples", samples, "--synthetic", "30", "--subscriptions", "40"}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{"published 4 sample APIs", "generated 30 synthetic APIs", "generated 40 subscriptions with ",
		"subscriptions: plans starter (auto) and business (manual) on giphy-api and xkcd; app storefront of commerce: active on giphy-api, a request waiting for media's approval", "indexed 34 APIs in", "Demo users share one password, shown once: ", "rita    org approver"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}

	if !strings.Contains(out.String(), "user name: admin") {
		t.Errorf("demo on a fresh data directory created no org admin:\n%s", out.String())
	}
	e, _, _ = testEnv(vars, "")
	err := runEnv(ctx, []string{"demo", "--samples", samples}, e)
	if err == nil || !strings.Contains(err.Error(), "has 34 APIs already") {
		t.Errorf("second demo: got %v, want a refusal naming the 34 APIs", err)
	}

	e, out, _ = testEnv(vars, "")
	if err := runEnv(ctx, []string{"reindex"}, e); err != nil {
		t.Fatalf("reindex: %v", err)
	}
	for _, want := range []string{"reindexing 34/34 [==============================] 100%", "indexed 34 APIs in "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("reindex output lacks %q:\n%s", want, out.String())
		}
	}

	s, err := store.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	xkcd, err := s.APIBySlug(ctx, "xkcd")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := s.Versions(ctx, xkcd.ID)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, v := range vs {
		states = append(states, v.Version+":"+v.State+">"+v.Successor)
	}
	if want := []string{"2.0.0:published>", "1.0.0:deprecated>2.0.0"}; !slices.Equal(states, want) {
		t.Errorf("xkcd versions: got %v, want %v", states, want)
	}
	personio, err := s.APIBySlug(ctx, "personio-personnel")
	if err != nil {
		t.Fatal(err)
	}
	if personio.Visibility != store.VisibilityTeam || personio.Team.Slug != "data" {
		t.Errorf("personio: got visibility %s team %s, want team-only in data", personio.Visibility, personio.Team.Slug)
	}

	// The demo and the reindex ranked by meaning (the default): the vectors of what the APIs say are in the data
	// directory, and a query none of whose words an API has finds it by meaning.
	if fi, err := os.Stat(filepath.Join(data, "search.vectors")); err != nil || fi.Size() < 100_000 {
		t.Errorf("search.vectors after the demo and a reindex: got %v, %v; want the vectors of 34 APIs' texts", fi, err)
	}
	m, err := search.OpenMeaning(filepath.Join(data, "search.vectors"), nil)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.OpenBleve(filepath.Join(data, "search.bleve"), search.WithMeaning(m))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	res, err := idx.Search(ctx, search.Query{Text: "send an SMS", Viewer: search.Viewer{Teams: []string{"media"}}, PerPage: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Slug != "nexmo-sms" {
		t.Errorf("search after demo: got %+v, want nexmo-sms first", res.Hits)
	}
	res, err = idx.Search(ctx, search.Query{Text: "text a phone", Viewer: search.Viewer{All: true}, PerPage: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Slug != "nexmo-sms" || !res.Hits[0].Related {
		t.Errorf("search for text a phone: got %+v, want nexmo-sms first, related by meaning", res.Hits)
	}
}

func TestDemoNeedsSamples(t *testing.T) {
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
	err := runEnv(context.Background(), []string{"demo", "--samples", filepath.Join(t.TempDir(), "missing")}, e)
	if err == nil || !strings.Contains(err.Error(), "pass --samples DIR") {
		t.Errorf("got %v, want an error telling to pass --samples", err)
	}
}

// TestDemoSubscriptionsWithoutSyntheticWritesNothing: --subscriptions
// generates subscriptions to the synthetic APIs, so without --synthetic 10
// or more demo refuses before it writes anything, and the same data
// directory takes the demo with the right flags afterwards (it used to
// publish the samples first, and then refuse to run on a portal with APIs).
func TestDemoSubscriptionsWithoutSyntheticWritesNothing(t *testing.T) {
	samples := demoSampleDir(t)
	data := t.TempDir()
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	err := runEnv(context.Background(), []string{"demo", "--samples", samples, "--subscriptions", "20"}, e)
	if err == nil || !strings.Contains(err.Error(), "--synthetic 10") {
		t.Fatalf("demo --subscriptions without --synthetic: got %v, want an error naming --synthetic 10\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "published") {
		t.Errorf("demo published before refusing:\n%s", out.String())
	}
	e, out, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"demo", "--samples", samples, "--synthetic", "10", "--subscriptions", "20"}, e); err != nil {
		t.Fatalf("demo again with --synthetic 10: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "generated 20 subscriptions") {
		t.Errorf("demo output lacks the subscriptions:\n%s", out.String())
	}
}

// TestDemoPublishesBuiltInSamples runs demo with no flags, as a user of a
// fresh clone does: the real descriptions built into the binary are
// published: every one is accepted (healthcare.gov with validation findings).
func TestDemoPublishesBuiltInSamples(t *testing.T) {
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
	if err := runEnv(context.Background(), []string{"demo"}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{"published 36 sample APIs from the built-in samples", "indexed 36 APIs in", "Demo users share one password",
		"First start: an org admin was created.", "user name: admin", "at the first login you choose your own", "Next: run the portal", "log in at http://localhost:8080/login as admin"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestIndexWithoutPositionIsBuiltAtStart(t *testing.T) {
	samples := demoSampleDir(t)
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(ctx, []string{"demo", "--samples", samples, "--synthetic", "5"}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if err := os.RemoveAll(filepath.Join(data, "search.bleve")); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	idx, err := search.OpenBleve(filepath.Join(data, "search.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	feed := catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	startSearch(ctx, s, feed, control.NewSource(s, nil), "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := catalog.Count(ctx, idx)
		if err != nil {
			t.Fatal(err)
		}
		// The demo's synthetic APIs are in the index log already, its
		// samples' outbox messages join it now: the index follows from the
		// head it read before building.
		head, err := s.IndexLogHeadFrom(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		st := feed.Status()
		if n == 9 && st.Ready() && st.Position == head.Head && head.Head == 9 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("index has %d documents 20s after start (status %+v, log head %d), want 9, ready, at the head of 9 entries", n, st, head.Head)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
}

func TestMeilisearchKeyIsNeverShown(t *testing.T) {
	const key = "super-secret-master-key"
	vars := map[string]string{"PORTICO_MEILISEARCH_KEY": key, "PORTICO_MEILISEARCH_URL": "http://user:pw@127.0.0.1:7700"}
	e, out, errOut := testEnv(vars, "")
	err := runEnv(context.Background(), []string{"reindex", "--no-such-flag"}, e)
	if err == nil {
		t.Fatal("bad flag: got nil error")
	}
	if printed := out.String() + errOut.String() + err.Error(); strings.Contains(printed, key) || strings.Contains(printed, "user:pw@") {
		t.Errorf("the refusal of a bad flag shows the Meilisearch key or URL password:\n%s", printed)
	}
	e, out, errOut = testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"reindex", "-h"}, e); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String()+errOut.String(), key) {
		t.Error("usage text shows the Meilisearch key")
	}
	if printed := out.String() + errOut.String(); strings.Contains(printed, "user:pw@") || !strings.Contains(printed, "-meilisearch-url") {
		t.Errorf("usage text shows the password of the Meilisearch URL:\n%s", printed)
	}
	c, err := parse("serve", []string{"--meilisearch-key", "from-flag"}, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.MeilisearchKey != "from-flag" {
		t.Errorf("flag: got key %q, want from-flag", c.MeilisearchKey)
	}
	c, err = parse("serve", nil, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.MeilisearchKey != key {
		t.Errorf("env: got key %q, want the environment's", c.MeilisearchKey)
	}
	if b := c.searchBackend(); strings.Contains(b, key) || strings.Contains(b, "pw") || !strings.Contains(b, "127.0.0.1:7700") {
		t.Errorf("backend description %q: want the host without credentials", b)
	}
	e, _, _ = testEnv(map[string]string{"PORTICO_MEILISEARCH_URL": "ftp://x"}, "")
	if err := runEnv(context.Background(), []string{"reindex"}, e); err == nil || !strings.Contains(err.Error(), "invalid PORTICO_MEILISEARCH_URL") {
		t.Errorf("bad url: got %v, want invalid PORTICO_MEILISEARCH_URL", err)
	}
}

func TestProgressBar(t *testing.T) {
	tests := []struct {
		done, total int
		want        string
	}{
		{0, 10, "reindexing 0/10 [>         ] 0%"},
		{1200, 10000, "reindexing 1200/10000 [=>        ] 12%"},
		{5, 10, "reindexing 5/10 [=====>    ] 50%"},
		{10, 10, "reindexing 10/10 [==========] 100%"},
		{0, 0, "reindexing 0/0 [==========] 100%"},
	}
	for _, tt := range tests {
		if got := progressBar(tt.done, tt.total, 10); got != tt.want {
			t.Errorf("progressBar(%d, %d): got %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
}

func TestSyntheticAPIs(t *testing.T) {
	g := newSynth()
	if a, b := g.api(7), g.api(7); !reflect.DeepEqual(a, b) {
		t.Error("synthetic API 7 differs between two runs: want a deterministic generator")
	}
	slugs := map[string]bool{}
	for i := range 50 {
		a := g.api(i)
		if slugs[a.slug] {
			t.Errorf("slug %s generated twice", a.slug)
		}
		slugs[a.slug] = true
		doc, err := spec.Parse([]byte(a.specJSON))
		if err != nil {
			t.Fatalf("synthetic spec %d is invalid: %v", i, err)
		}
		if got := len(doc.Operations()); got != 10 || a.operations != 10 {
			t.Errorf("api %d: %d operations (recorded %d), want 10", i, got, a.operations)
		}
	}
}

func TestSampleSlugAndVersion(t *testing.T) {
	slugs := []struct{ file, want string }{
		{"nexmo.com__sms__1.0.11.yaml", "nexmo-sms"},
		{"xkcd.com__xkcd__1.0.0.yaml", "xkcd"},
		{"stripe.com__stripe__2018-05-21.yaml", "stripe"},
		{"adyen.com__BinLookupService__50.yaml", "adyen-binlookupservice"},
		{"okta.local__users-okta-api__1.0.0.yaml", "users-okta-api"},
		{"exchangerate-api.com__exchangerate-api__4.yaml", "exchangerate-api"},
	}
	for _, tt := range slugs {
		if _, got := samples.Slug(tt.file); got != tt.want {
			t.Errorf("samples.Slug(%s): got %q, want %q", tt.file, got, tt.want)
		}
	}
	versions := []struct{ in, want string }{{"1.0.11", "1.0.11"}, {"v1", "1.0.0"}, {"2018-05-21", "2018.5.21"}, {"50", "50.0.0"}, {"nonsense", "1.0.0"}}
	for _, tt := range versions {
		if got := demoVersion(tt.in); got != tt.want {
			t.Errorf("demoVersion(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// sharedStandIn stands for a Meilisearch index: an index that keeps no
// position of its own (reindexWithProgress tells the embedded one by its type).
type sharedStandIn struct{ search.Index }

// waitWriter is the reindex's output, read while it runs: waiting is
// closed once it says it waits for the feed's lease.
type waitWriter struct {
	mu      sync.Mutex
	b       strings.Builder
	waiting chan struct{}
	once    sync.Once
}

func (w *waitWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if strings.Contains(w.b.String(), "waiting for the instance that feeds the shared search index") {
		w.once.Do(func() { close(w.waiting) })
	}
	return n, err
}

func (w *waitWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestReindexOfASharedIndexTakesTheFeedsLease: portico reindex of a
// Meilisearch index joins the database's instances (a reindex killed
// half-way is then found dead by its heartbeat), takes the feed's lease from
// the instance feeding the index, and leaves, giving it back.
func TestReindexOfASharedIndexTakesTheFeedsLease(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	team := &store.Team{Slug: "messaging", Name: "Messaging"}
	if err := s.CreateTeam(ctx, s.DB(), team); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPI(ctx, s.DB(), &store.API{TeamID: team.ID, Slug: "sms", Name: "SMS API", Visibility: store.VisibilityPublic}, time.Now()); err != nil {
		t.Fatal(err)
	}
	bleve, err := search.OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer bleve.Close()
	idx := sharedStandIn{bleve}
	c := &config{MeilisearchURL: "http://127.0.0.1:7700", MeilisearchIndex: "portico-apis"}
	if _, err := s.RegisterInstance(ctx, &store.Instance{Name: "portal", RunID: "run-a"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	holder := catalog.NewFeed(s, idx, catalog.FeedOptions{Shared: c.sharedFeedName(), Owner: "run-a", Logger: slog.New(slog.DiscardHandler)})
	if _, err := holder.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// The portal's heartbeat runs while the reindex does, and its feed
	// once the reindex says it waits for the lease: a feed round between
	// the reindex's request and its look at the holder would hand the
	// lease over before there is anything to wait for.
	out := &waitWriter{waiting: make(chan struct{})}
	rctx, stop := context.WithCancel(ctx)
	running := make(chan struct{})
	go func() {
		defer close(running)
		for rctx.Err() == nil {
			select {
			case <-out.waiting:
				holder.CatchUp(rctx) //nolint:errcheck // looked at below
			default:
			}
			s.HeartbeatInstance(rctx, "portal", "run-a", 0) //nolint:errcheck // looked at below
			time.Sleep(5 * time.Millisecond)
		}
	}()
	n, _, err := reindexWithProgress(ctx, s, idx, c, out)
	stop()
	<-running
	if err != nil || n != 1 {
		t.Fatalf("reindex: %d APIs, %v; want 1\n%s", n, err, out.String())
	}
	if !strings.Contains(out.String(), "waiting for the instance that feeds the shared search index to hand its lease over") || !strings.Contains(out.String(), "holder=run-a") {
		t.Errorf("the reindex did not say it asked the portal for the lease:\n%s", out.String())
	}
	instances, _, err := s.Instances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(instances) != 1 || instances[0].Name != "portal" {
		t.Errorf("instances after the reindex: %+v, want the portal alone", instances)
	}
	if l, h, err := s.IndexFeedLease(ctx, c.sharedFeedName()); err != nil || (l != "" && l != "run-a") || h != "" {
		t.Errorf("lease after the reindex: held by %q, asked for by %q (%v); want it given back", l, h, err)
	}
	if n, err := holder.CatchUp(ctx); err != nil || n != 0 || !holder.Status().Feeding {
		t.Errorf("the portal after the reindex: applied %d (%v), %+v; want nothing to apply, feeding", n, err, holder.Status())
	}
}
