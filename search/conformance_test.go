package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/sortkey"
)

// opener gives a new, empty index for one test; the index is closed by the test's cleanup.
type opener func(t *testing.T) Index

// conformanceCorpus has public and team-only APIs in four teams. Tags "internal" and "secret-ledger" and the team
// "ledger" appear only on team-only APIs, so that any leak shows in the facets.
func conformanceCorpus() []Document {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	return []Document{
		{
			ID: "api-1", Slug: "payments-gateway", Name: "Payments Gateway", Summary: "Charge cards and wallets",
			Description: "Accept card payments from customers in forty currencies.",
			Tags:        []string{"payments", "cards"}, Team: "payments", TeamName: "Payments", State: "published",
			States:     []string{"published", "deprecated"},
			Visibility: VisibilityPublic, Versions: []string{"1.0.0", "1.1.0"}, DefaultVersion: "1.1.0",
			Operations: []Operation{
				{Method: "post", Path: "/v1/charges", OperationID: "createCharge", Summary: "Create a charge"},
				{Method: "get", Path: "/v1/charges/{charge_id}", OperationID: "getCharge", Summary: "Retrieve a charge"},
			},
			UpdatedAt: base.Add(5 * time.Hour),
		},
		{
			ID: "api-2", Slug: "refunds", Name: "Refunds Service", Summary: "Refund captured payments",
			Description: "Internal refunds workflow.",
			Tags:        []string{"payments", "internal"}, Team: "payments", TeamName: "Payments", State: "draft",
			Visibility: VisibilityTeam, Versions: []string{"0.1.0"}, DefaultVersion: "0.1.0",
			Operations: []Operation{{Method: "post", Path: "/v1/refunds", OperationID: "createRefund", Summary: "Refund a charge"}},
			UpdatedAt:  base.Add(6 * time.Hour),
		},
		{
			ID: "api-3", Slug: "maps-geocoder", Name: "Maps Geocoder", Summary: "Addresses to coordinates",
			Description: "Forward and reverse geocoding for street addresses.",
			Tags:        []string{"geo", "maps"}, Team: "maps", TeamName: "Maps", State: "published",
			Visibility: VisibilityPublic, Versions: []string{"2.0.0"}, DefaultVersion: "2.0.0",
			Operations: []Operation{{Method: "get", Path: "/geocode/forward", OperationID: "forwardGeocode", Summary: "Forward geocoding"}},
			UpdatedAt:  base.Add(1 * time.Hour),
		},
		{
			ID: "api-4", Slug: "secret-ledger", Name: "Secret Ledger", Summary: "General ledger entries",
			Description: "Double-entry bookkeeping for the finance team.",
			Tags:        []string{"payments", "secret-ledger"}, Team: "ledger", TeamName: "Ledger", State: "in_review",
			Visibility: VisibilityTeam, Versions: []string{"1.0.0"}, DefaultVersion: "1.0.0",
			Operations: []Operation{{Method: "get", Path: "/ledger/entries", OperationID: "listEntries", Summary: "List ledger entries"}},
			UpdatedAt:  base.Add(9 * time.Hour),
		},
		{
			ID: "api-5", Slug: "weather-now", Name: "Weather Now", Summary: "Current conditions",
			Description: "Temperature, wind and rain for any place.",
			Tags:        []string{"weather"}, Team: "maps", TeamName: "Maps", State: "deprecated",
			Visibility: VisibilityPublic, Versions: []string{"1.0.0"}, DefaultVersion: "1.0.0",
			Operations: []Operation{{Method: "get", Path: "/current", OperationID: "getCurrent", Summary: "Current weather"}},
			UpdatedAt:  base.Add(3 * time.Hour),
		},
		{
			ID: "api-6", Slug: "zebra-messaging", Name: "Zebra Messaging", Summary: "Text messages to phones",
			Description: "Deliver text messages worldwide.",
			Tags:        []string{"messaging"}, Team: "comms", TeamName: "Communications", State: "published",
			Visibility: VisibilityPublic, Versions: []string{"3.0.0"}, DefaultVersion: "3.0.0",
			Operations: []Operation{{Method: "post", Path: "/v1/sms", OperationID: "sendMessage", Summary: "Deliver a message"}},
			UpdatedAt:  base.Add(2 * time.Hour),
		},
	}
}

func loadCorpus(t *testing.T, open opener) Index {
	t.Helper()
	idx := open(t)
	if err := idx.Upsert(context.Background(), conformanceCorpus()...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	return idx
}

func mustSearch(t *testing.T, idx Index, q Query) Result {
	t.Helper()
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): got error %v, want nil", q, err)
	}
	return res
}

func hitIDs(res Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func sortedIDs(res Result) []string {
	ids := hitIDs(res)
	slices.Sort(ids)
	return ids
}

func facetMap(vs []FacetValue) map[string]int {
	m := make(map[string]int, len(vs))
	for _, v := range vs {
		m[v.Value] = v.Count
	}
	return m
}

func admin() Viewer { return Viewer{All: true} }

// runConformance runs the behaviour every backend must have. The queries use whole words and prefixes that every
// engine treats alike; ranking quality is tested apart.
func runConformance(t *testing.T, open opener) {
	t.Run("UpsertSearchDelete", func(t *testing.T) { testUpsertSearchDelete(t, open) })
	t.Run("VisibilityNeverLeaks", func(t *testing.T) { testVisibility(t, open) })
	t.Run("Facets", func(t *testing.T) { testFacets(t, open) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, open) })
	t.Run("HitFields", func(t *testing.T) { testHitFields(t, open) })
	t.Run("Sort", func(t *testing.T) { testSort(t, open) })
	t.Run("SortByNameAsLists", func(t *testing.T) { testSortByNameAsLists(t, open) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, open) })
	t.Run("Reset", func(t *testing.T) { testReset(t, open) })
	t.Run("HighlightsEscapeHTML", func(t *testing.T) { testHighlightEscaping(t, open) })
	t.Run("InvalidInput", func(t *testing.T) { testInvalidInput(t, open) })
}

func testUpsertSearchDelete(t *testing.T, open opener) {
	ctx := context.Background()
	idx := loadCorpus(t, open)

	tests := []struct {
		name string
		text string
		want string
	}{
		{"name word", "ledger", "api-4"},
		{"operation summary", "geocoding", "api-3"},
		{"operation path word", "sms", "api-6"},
		{"prefix as you type", "geoc", "api-3"},
		{"tag", "weather", "api-5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, idx, Query{Text: tt.text, Viewer: admin()})
			if len(res.Hits) == 0 || res.Hits[0].ID != tt.want {
				t.Fatalf("Search(%q) hits: got %v, want %s first", tt.text, hitIDs(res), tt.want)
			}
			h := res.Hits[0]
			want := conformanceCorpus()[idFromHit(t, h.ID)]
			if h.Name != want.Name || h.Slug != want.Slug || h.Summary != want.Summary || h.Team != want.Team || h.State != want.State {
				t.Errorf("hit: got %+v, want the fields of %s", h, want.ID)
			}
			if len(h.Highlights) == 0 || !strings.Contains(strings.Join(h.Highlights, " "), "<mark>") {
				t.Errorf("Search(%q) highlights: got %q, want a <mark>", tt.text, h.Highlights)
			}
		})
	}

	// Upsert replaces a document with the same ID.
	changed := conformanceCorpus()[2]
	changed.Name = "Atlas Addresses"
	if err := idx.Upsert(ctx, changed); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if res := mustSearch(t, idx, Query{Text: "atlas", Viewer: admin()}); !slices.Equal(hitIDs(res), []string{"api-3"}) {
		t.Errorf("Search(atlas) after rename: got %v, want [api-3]", hitIDs(res))
	}
	if res := mustSearch(t, idx, Query{Viewer: admin()}); res.Total != 6 {
		t.Errorf("Total after replacing a document: got %d, want 6", res.Total)
	}

	if err := idx.Delete(ctx, "api-3", "no-such-api"); err != nil {
		t.Fatalf("Delete: got error %v, want nil", err)
	}
	if res := mustSearch(t, idx, Query{Text: "atlas", Viewer: admin()}); res.Total != 0 {
		t.Errorf("Search(atlas) after delete: got %v (total %d), want none", hitIDs(res), res.Total)
	}
	if res := mustSearch(t, idx, Query{Viewer: admin()}); res.Total != 5 {
		t.Errorf("Total after delete: got %d, want 5", res.Total)
	}
}

func idFromHit(t *testing.T, id string) int {
	t.Helper()
	for i, d := range conformanceCorpus() {
		if d.ID == id {
			return i
		}
	}
	t.Fatalf("unknown hit id %q", id)
	return 0
}

func testVisibility(t *testing.T, open opener) {
	idx := loadCorpus(t, open)
	outsider := Viewer{Teams: []string{"maps"}}
	privateIDs := []string{"api-2", "api-4"}
	privateTags := []string{"internal", "secret-ledger"}

	tests := []struct {
		name       string
		q          Query
		wantIDs    []string
		wantTotal  int
		wantTeams  map[string]int
		wantTags   map[string]int
		wantStates map[string]int
	}{
		{
			name: "outsider lists everything", q: Query{Viewer: outsider},
			wantIDs: []string{"api-1", "api-3", "api-5", "api-6"}, wantTotal: 4,
			wantTeams:  map[string]int{"payments": 1, "maps": 2, "comms": 1},
			wantTags:   map[string]int{"payments": 1, "cards": 1, "geo": 1, "maps": 1, "weather": 1, "messaging": 1},
			wantStates: map[string]int{"published": 3, "deprecated": 2},
		},
		{
			name: "outsider searches a private name", q: Query{Text: "ledger", Viewer: outsider},
			wantTotal: 0, wantTeams: map[string]int{}, wantTags: map[string]int{}, wantStates: map[string]int{},
		},
		{
			name: "outsider searches a private tag", q: Query{Text: "internal", Viewer: outsider},
			wantTotal: 0, wantTeams: map[string]int{}, wantTags: map[string]int{}, wantStates: map[string]int{},
		},
		{
			// The team facet counts as if its own filter were off: the
			// teams the viewer may see, never the private one.
			name: "outsider filters on a private team", q: Query{Teams: []string{"ledger"}, Viewer: outsider},
			wantTotal: 0, wantTeams: map[string]int{"payments": 1, "maps": 2, "comms": 1}, wantTags: map[string]int{}, wantStates: map[string]int{},
		},
		{
			name: "outsider searches a word of public and private APIs", q: Query{Text: "payments", Viewer: outsider},
			wantIDs: []string{"api-1"}, wantTotal: 1,
			wantTeams: map[string]int{"payments": 1}, wantTags: map[string]int{"payments": 1, "cards": 1},
			wantStates: map[string]int{"published": 1, "deprecated": 1},
		},
		{
			name: "member of the team sees its private API", q: Query{Text: "payments", Viewer: Viewer{Teams: []string{"payments"}}},
			wantIDs: []string{"api-1", "api-2"}, wantTotal: 2,
			wantTeams: map[string]int{"payments": 2}, wantTags: map[string]int{"payments": 2, "cards": 1, "internal": 1},
			wantStates: map[string]int{"published": 1, "draft": 1, "deprecated": 1},
		},
		{
			name: "viewer without teams", q: Query{Tags: []string{"payments"}},
			wantIDs: []string{"api-1"}, wantTotal: 1,
			wantTeams:  map[string]int{"payments": 1},
			wantTags:   map[string]int{"payments": 1, "cards": 1, "geo": 1, "maps": 1, "weather": 1, "messaging": 1},
			wantStates: map[string]int{"published": 1, "deprecated": 1},
		},
		{
			name: "admin sees everything", q: Query{Tags: []string{"payments"}, Viewer: admin()},
			wantIDs: []string{"api-1", "api-2", "api-4"}, wantTotal: 3,
			wantTeams: map[string]int{"payments": 2, "ledger": 1},
			wantTags: map[string]int{"payments": 3, "cards": 1, "internal": 1, "secret-ledger": 1,
				"geo": 1, "maps": 1, "weather": 1, "messaging": 1},
			wantStates: map[string]int{"published": 1, "draft": 1, "in_review": 1, "deprecated": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, idx, tt.q)
			if got := sortedIDs(res); !slices.Equal(got, tt.wantIDs) && !(len(got) == 0 && len(tt.wantIDs) == 0) {
				t.Errorf("hits: got %v, want %v", got, tt.wantIDs)
			}
			if res.Total != tt.wantTotal {
				t.Errorf("Total: got %d, want %d", res.Total, tt.wantTotal)
			}
			checkFacet(t, "Teams", res.Facets.Teams, tt.wantTeams)
			checkFacet(t, "Tags", res.Facets.Tags, tt.wantTags)
			checkFacet(t, "States", res.Facets.States, tt.wantStates)
			if tt.q.Viewer.All || slices.Contains(tt.q.Viewer.Teams, "payments") {
				return
			}
			for _, h := range res.Hits {
				if slices.Contains(privateIDs, h.ID) {
					t.Errorf("hit %s is private to a team the viewer is not in", h.ID)
				}
			}
			for _, tag := range privateTags {
				if n, ok := facetMap(res.Facets.Tags)[tag]; ok {
					t.Errorf("tag facet %q: got count %d, want absent", tag, n)
				}
			}
			if n, ok := facetMap(res.Facets.Teams)["ledger"]; ok {
				t.Errorf("team facet ledger: got count %d, want absent", n)
			}
		})
	}
}

func checkFacet(t *testing.T, name string, got []FacetValue, want map[string]int) {
	t.Helper()
	gm := facetMap(got)
	if len(gm) != len(want) {
		t.Errorf("%s facet: got %v, want %v", name, gm, want)
		return
	}
	for v, n := range want {
		if gm[v] != n {
			t.Errorf("%s facet %q: got %d, want %d (all: %v)", name, v, gm[v], n, gm)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i].Count > got[i-1].Count || (got[i].Count == got[i-1].Count && got[i].Value < got[i-1].Value) {
			t.Errorf("%s facet order: got %v, want most frequent first, then by value", name, got)
			break
		}
	}
}

func testFacets(t *testing.T, open opener) {
	idx := loadCorpus(t, open)
	res := mustSearch(t, idx, Query{Viewer: admin()})
	if res.Total != 6 {
		t.Fatalf("Total: got %d, want 6", res.Total)
	}
	checkFacet(t, "Teams", res.Facets.Teams, map[string]int{"payments": 2, "maps": 2, "ledger": 1, "comms": 1})
	// An API counts once per state of its versions (api-1 has a deprecated one).
	checkFacet(t, "States", res.Facets.States, map[string]int{"published": 3, "draft": 1, "in_review": 1, "deprecated": 2})
	checkFacet(t, "Tags", res.Facets.Tags, map[string]int{
		"payments": 3, "cards": 1, "internal": 1, "geo": 1, "maps": 1, "secret-ledger": 1, "weather": 1, "messaging": 1,
	})
	wantTeams := []FacetValue{{"maps", 2}, {"payments", 2}, {"comms", 1}, {"ledger", 1}}
	if !slices.Equal(res.Facets.Teams, wantTeams) {
		t.Errorf("Teams facet: got %v, want %v", res.Facets.Teams, wantTeams)
	}

	// Facets count the filtered result set, each as if its own filter were
	// off: picking a team leaves the other teams' counts in view.
	res = mustSearch(t, idx, Query{Teams: []string{"maps"}, Viewer: admin()})
	checkFacet(t, "Teams", res.Facets.Teams, map[string]int{"payments": 2, "maps": 2, "ledger": 1, "comms": 1})
	checkFacet(t, "States", res.Facets.States, map[string]int{"published": 1, "deprecated": 1})
	checkFacet(t, "Tags", res.Facets.Tags, map[string]int{"geo": 1, "maps": 1, "weather": 1})

	// With filters on several facets, each facet counts under the others'.
	res = mustSearch(t, idx, Query{Teams: []string{"payments"}, States: []string{"deprecated"}, Viewer: admin()})
	if got := sortedIDs(res); !slices.Equal(got, []string{"api-1"}) {
		t.Errorf("payments AND deprecated: got %v, want [api-1]", got)
	}
	checkFacet(t, "Teams", res.Facets.Teams, map[string]int{"payments": 1, "maps": 1})
	checkFacet(t, "States", res.Facets.States, map[string]int{"published": 1, "draft": 1, "deprecated": 1})
	checkFacet(t, "Tags", res.Facets.Tags, map[string]int{"payments": 1, "cards": 1})

	// A limit keeps the most frequent values.
	res = mustSearch(t, idx, Query{Viewer: admin(), FacetLimit: 2})
	if want := []FacetValue{{"payments", 3}, {"cards", 1}}; !slices.Equal(res.Facets.Tags, want) {
		t.Errorf("Tags facet with limit 2: got %v, want %v", res.Facets.Tags, want)
	}
}

// testHitFields checks that a hit carries what a result card shows, so that
// a listing needs no other read.
func testHitFields(t *testing.T, open opener) {
	idx := loadCorpus(t, open)
	for _, q := range []Query{{Viewer: admin(), Teams: []string{"payments"}}, {Text: "gateway", Viewer: admin()}} {
		res := mustSearch(t, idx, q)
		var got *Hit
		for i := range res.Hits {
			if res.Hits[i].ID == "api-1" {
				got = &res.Hits[i]
			}
		}
		if got == nil {
			t.Fatalf("query %+v: api-1 not found in %v", q, hitIDs(res))
		}
		want := Hit{ID: "api-1", Slug: "payments-gateway", Name: "Payments Gateway", Summary: "Charge cards and wallets",
			Team: "payments", TeamName: "Payments", State: "published", DefaultVersion: "1.1.0", Tags: []string{"payments", "cards"}}
		if got.Slug != want.Slug || got.Name != want.Name || got.Summary != want.Summary || got.Team != want.Team ||
			got.TeamName != want.TeamName || got.State != want.State || got.DefaultVersion != want.DefaultVersion ||
			!slices.Equal(got.Tags, want.Tags) {
			t.Errorf("query %q: hit got %+v, want %+v", q.Text, *got, want)
		}
	}
}

func testFilters(t *testing.T, open opener) {
	idx := loadCorpus(t, open)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"one team", Query{Teams: []string{"maps"}}, []string{"api-3", "api-5"}},
		{"two teams OR", Query{Teams: []string{"maps", "comms"}}, []string{"api-3", "api-5", "api-6"}},
		{"one tag", Query{Tags: []string{"payments"}}, []string{"api-1", "api-2", "api-4"}},
		{"two tags OR", Query{Tags: []string{"geo", "weather"}}, []string{"api-3", "api-5"}},
		{"states OR", Query{States: []string{"draft", "deprecated"}}, []string{"api-1", "api-2", "api-5"}},
		{"state of any version", Query{States: []string{"deprecated"}}, []string{"api-1", "api-5"}},
		{"team AND state", Query{Teams: []string{"maps"}, States: []string{"published"}}, []string{"api-3"}},
		{"team AND tag AND state", Query{Teams: []string{"payments"}, Tags: []string{"payments"}, States: []string{"draft"}}, []string{"api-2"}},
		{"text AND filter", Query{Text: "payments", States: []string{"published"}}, []string{"api-1"}},
		{"no match", Query{Teams: []string{"maps"}, Tags: []string{"payments"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Viewer = admin()
			res := mustSearch(t, idx, tt.q)
			if got := sortedIDs(res); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("hits: got %v, want %v", got, tt.want)
			}
			if res.Total != len(tt.want) {
				t.Errorf("Total: got %d, want %d", res.Total, len(tt.want))
			}
		})
	}
}

func testSort(t *testing.T, open opener) {
	idx := loadCorpus(t, open)
	byName := []string{"api-3", "api-1", "api-2", "api-4", "api-5", "api-6"}
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"name", Query{Sort: SortName}, byName},
		{"relevance without text is by name", Query{}, byName},
		{"updated, newest first", Query{Sort: SortUpdated}, []string{"api-4", "api-2", "api-1", "api-5", "api-6", "api-3"}},
		{"name with text", Query{Text: "payments", Sort: SortName}, []string{"api-1", "api-2", "api-4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Viewer = admin()
			if got := hitIDs(mustSearch(t, idx, tt.q)); !slices.Equal(got, tt.want) {
				t.Errorf("order: got %v, want %v", got, tt.want)
			}
		})
	}
}

// testSortByNameAsLists: the catalog sorted by name comes in the order of every other list of names (sortkey.Of):
// case and accents ignored, punctuation before letters, numbers by their value; with and without text.
func testSortByNameAsLists(t *testing.T, open opener) {
	want := []string{"_underscore", "alpha", "api 2", "api 10", "Beta", "eagle", "Emile", "Émile", "zeta", "Zulu"}
	if got := slices.SortedFunc(slices.Values(want), func(a, b string) int { return strings.Compare(sortkey.Of(a), sortkey.Of(b)) }); !slices.Equal(got, want) {
		t.Fatalf("by sortkey.Of: got %q, want %q", got, want)
	}
	idx := open(t)
	var docs []Document
	for _, i := range []int{7, 2, 9, 0, 5, 3, 8, 1, 6, 4} { // ids in neither order
		docs = append(docs, Document{ID: fmt.Sprintf("api-%d", i), Slug: fmt.Sprintf("s%d", i), Name: want[i],
			Summary: "Sorting catalog", Team: "t", State: "published", Visibility: VisibilityPublic,
			UpdatedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)})
	}
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	names := func(res Result) []string {
		out := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			out[i] = h.Name
		}
		return out
	}
	for _, q := range []Query{{Sort: SortName}, {Text: "catalog", Sort: SortName}, {Sort: SortUpdated}} {
		q.Viewer = admin()
		if got := names(mustSearch(t, idx, q)); !slices.Equal(got, want) {
			t.Errorf("Search(text %q, sort %q): got %q, want %q", q.Text, q.Sort, got, want)
		}
	}
}

func testPagination(t *testing.T, open opener) {
	idx := loadCorpus(t, open)
	all := []string{"api-3", "api-1", "api-2", "api-4", "api-5", "api-6"}
	tests := []struct {
		page, perPage int
		want          []string
	}{
		{1, 2, all[0:2]},
		{2, 2, all[2:4]},
		{3, 2, all[4:6]},
		{4, 2, nil},
		{2, 4, all[4:6]},
		{0, 0, all},    // defaults: page 1, 20 per page
		{1, 1000, all}, // capped at 100 per page
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("page %d of %d", tt.page, tt.perPage), func(t *testing.T) {
			res := mustSearch(t, idx, Query{Sort: SortName, Page: tt.page, PerPage: tt.perPage, Viewer: admin()})
			if got := hitIDs(res); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("hits: got %v, want %v", got, tt.want)
			}
			if res.Total != 6 {
				t.Errorf("Total: got %d, want 6", res.Total)
			}
		})
	}
}

func testReset(t *testing.T, open opener) {
	ctx := context.Background()
	idx := loadCorpus(t, open)
	if err := idx.Reset(ctx); err != nil {
		t.Fatalf("Reset: got error %v, want nil", err)
	}
	res := mustSearch(t, idx, Query{Viewer: admin()})
	if res.Total != 0 || len(res.Hits) != 0 || len(res.Facets.Teams) != 0 || len(res.Facets.Tags) != 0 || len(res.Facets.States) != 0 {
		t.Errorf("after Reset: got %+v, want an empty result", res)
	}
	if err := idx.Upsert(ctx, conformanceCorpus()[0]); err != nil {
		t.Fatalf("Upsert after Reset: got error %v, want nil", err)
	}
	if res := mustSearch(t, idx, Query{Text: "gateway", Viewer: admin()}); !slices.Equal(hitIDs(res), []string{"api-1"}) {
		t.Errorf("Search after Reset and Upsert: got %v, want [api-1]", hitIDs(res))
	}
}

func testHighlightEscaping(t *testing.T, open opener) {
	idx := open(t)
	doc := Document{
		ID: "xss", Slug: "xss", Name: `<script>alert("x")</script> Toolbox & Co`, Summary: `Tools for <b>bold</b> people`,
		Description: `Use <img src=x onerror=alert(1)> toolbox wisely.`, Tags: []string{"<i>toolbox</i>"},
		Team: "t", State: "published", Visibility: VisibilityPublic,
		Operations: []Operation{{Method: "get", Path: "/toolbox/{id}", Summary: `Get a "toolbox" <now>`}},
	}
	if err := idx.Upsert(context.Background(), doc); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	res := mustSearch(t, idx, Query{Text: "toolbox", Viewer: admin()})
	if len(res.Hits) != 1 {
		t.Fatalf("hits: got %v, want [xss]", hitIDs(res))
	}
	h := res.Hits[0]
	if h.Name != doc.Name {
		t.Errorf("Name: got %q, want the raw name %q (escaping is the snippets' job)", h.Name, doc.Name)
	}
	if len(h.Highlights) == 0 {
		t.Fatalf("Highlights: got none, want snippets")
	}
	joined := strings.Join(h.Highlights, "\n")
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "<now>", `"x"`} {
		if strings.Contains(joined, bad) {
			t.Errorf("Highlights contain %q unescaped: %q", bad, h.Highlights)
		}
	}
	if !strings.Contains(h.Highlights[0], "&lt;script&gt;") || !strings.Contains(h.Highlights[0], "<mark>Toolbox</mark>") {
		t.Errorf("Highlights[0]: got %q, want the escaped name with <mark>Toolbox</mark>", h.Highlights[0])
	}
	stripped := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(joined)
	if strings.ContainsAny(stripped, "<>") {
		t.Errorf("Highlights have tags other than <mark>: %q", h.Highlights)
	}
}

func testInvalidInput(t *testing.T, open opener) {
	idx := open(t)
	ctx := context.Background()
	if _, err := idx.Search(ctx, Query{Sort: "popularity"}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("Search with unknown sort: got error %v, want ErrInvalidQuery", err)
	}
	for _, d := range []Document{
		{Name: "No ID", Visibility: VisibilityPublic},
		{ID: "x", Name: "Odd visibility", Visibility: "everyone"},
	} {
		if err := idx.Upsert(ctx, d); !errors.Is(err, ErrInvalidDocument) {
			t.Errorf("Upsert(%q): got error %v, want ErrInvalidDocument", d.Name, err)
		}
	}
}
