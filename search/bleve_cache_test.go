package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func cacheDocs() []Document {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []Document{
		{ID: "1", Slug: "sms", Name: "SMS Gateway", Summary: "Send text messages", Tags: []string{"messaging"}, Team: "comms",
			TeamName: "Comms", State: "published", Visibility: VisibilityPublic, DefaultVersion: "1.0.0", UpdatedAt: at},
		{ID: "2", Slug: "ledger", Name: "Secret Ledger", Summary: "Send ledger entries", Tags: []string{"finance"}, Team: "payments",
			TeamName: "Payments", State: "published", Visibility: VisibilityTeam, DefaultVersion: "2.0.0", UpdatedAt: at},
		{ID: "3", Slug: "mail", Name: "Mail Relay", Summary: "Send email", Tags: []string{"messaging"}, Team: "comms",
			TeamName: "Comms", State: "published", Visibility: VisibilityPublic, DefaultVersion: "1.1.0", UpdatedAt: at},
	}
}

func slugs(res Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Slug)
	}
	slices.Sort(out)
	return out
}

func facetHas(vs []FacetValue, value string) bool {
	return slices.ContainsFunc(vs, func(v FacetValue) bool { return v.Value == value })
}

// A result cached for a viewer who may see a team's APIs is never served to
// one who may not: with or without text, in the hits, the total and the
// facets. Each search is asked twice, so the second comes from the cache.
func TestBleveCachedResultsKeepVisibility(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(ctx, cacheDocs()...); err != nil {
		t.Fatal(err)
	}
	insider := Viewer{Teams: []string{"payments"}}
	outsiders := []Viewer{{}, {Teams: []string{"comms"}}, {Teams: []string{"pay"}}, {Teams: []string{"payments-eu"}}}
	for _, text := range []string{"", "send", "ledger"} {
		for round := 0; round < 2; round++ {
			for _, v := range []Viewer{insider, {All: true}} {
				res, err := b.Search(ctx, Query{Text: text, Viewer: v})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(slugs(res), "ledger") || !facetHas(res.Facets.Teams, "payments") {
					t.Fatalf("%q as %+v (round %d): got %v, facets %v; want the team's private API", text, v, round, slugs(res), res.Facets.Teams)
				}
			}
			for _, v := range outsiders {
				res, err := b.Search(ctx, Query{Text: text, Viewer: v})
				if err != nil {
					t.Fatal(err)
				}
				if slices.Contains(slugs(res), "ledger") || facetHas(res.Facets.Teams, "payments") || facetHas(res.Facets.Tags, "finance") {
					t.Fatalf("%q as %+v (round %d): got %v, facets %v; the private API leaked", text, v, round, slugs(res), res.Facets)
				}
				if _, ok := res.TeamNames["payments"]; ok {
					t.Fatalf("%q as %+v: team names %v name the private API's team", text, v, res.TeamNames)
				}
			}
		}
	}
	if n, bytes := b.results.size(); n == 0 || bytes <= 0 {
		t.Fatalf("result cache holds %d results (%d bytes); want the searches above", n, bytes)
	}
}

// Every change of the index or of the synonyms is seen by the next search,
// though the same search was cached just before.
func TestBleveCachedResultsFollowChanges(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	docs := cacheDocs()
	if err := b.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	all := Viewer{All: true}
	search := func(q Query) Result {
		t.Helper()
		q.Viewer = all
		res, err := b.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	listing, text := Query{}, Query{Text: "relay"}
	if got := slugs(search(listing)); !slices.Equal(got, []string{"ledger", "mail", "sms"}) {
		t.Fatalf("listing: got %v", got)
	}
	if got := slugs(search(text)); !slices.Equal(got, []string{"mail"}) {
		t.Fatalf("relay: got %v", got)
	}

	// An edit (renamed, deprecated): the listing and the text search see it.
	edited := docs[2]
	edited.Name, edited.State, edited.States = "Mail Courier", "deprecated", []string{"deprecated"}
	if err := b.Upsert(ctx, edited); err != nil {
		t.Fatal(err)
	}
	res := search(listing)
	if i := slices.IndexFunc(res.Hits, func(h Hit) bool { return h.Slug == "mail" }); i < 0 || res.Hits[i].Name != "Mail Courier" || res.Hits[i].State != "deprecated" {
		t.Fatalf("listing after the edit: got %+v", res.Hits)
	}
	if got := slugs(search(text)); len(got) != 0 {
		t.Fatalf("relay after the rename: got %v, want nothing", got)
	}
	if got := slugs(search(Query{Text: "courier"})); !slices.Equal(got, []string{"mail"}) {
		t.Fatalf("courier after the rename: got %v", got)
	}
	if !facetHas(search(listing).Facets.States, "deprecated") {
		t.Fatalf("state facet after the deprecation: got %v", search(listing).Facets.States)
	}

	// Synonyms: a word that found nothing finds its synonym's API.
	if got := slugs(search(Query{Text: "postman"})); len(got) != 0 {
		t.Fatalf("postman before the synonyms: got %v", got)
	}
	if err := b.SetSynonyms(ctx, Synonyms{{"postman", "courier"}}); err != nil {
		t.Fatal(err)
	}
	if got := slugs(search(Query{Text: "postman"})); !slices.Equal(got, []string{"mail"}) {
		t.Fatalf("postman after the synonyms: got %v", got)
	}

	// Removed (Delete) and applied from the log (Apply): gone from both.
	if err := b.Delete(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if got := slugs(search(listing)); !slices.Equal(got, []string{"ledger", "mail"}) {
		t.Fatalf("listing after the delete: got %v", got)
	}
	if err := b.Apply(ctx, LogPosition{Entry: 7}, nil, []string{"3"}); err != nil {
		t.Fatal(err)
	}
	if got := slugs(search(Query{Text: "courier"})); len(got) != 0 {
		t.Fatalf("courier after the apply: got %v", got)
	}
	if got := slugs(search(listing)); !slices.Equal(got, []string{"ledger"}) {
		t.Fatalf("listing after the apply: got %v", got)
	}
	if err := b.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if got := search(listing); got.Total != 0 {
		t.Fatalf("listing after the reset: got %v", slugs(got))
	}
}

// A caller that changes the result it was given does not change what the
// next caller is served.
func TestBleveCachedResultsAreCopies(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(ctx, cacheDocs()...); err != nil {
		t.Fatal(err)
	}
	q := Query{Text: "send", Viewer: Viewer{All: true}}
	first, err := b.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want := slugs(first)
	first.Hits[0].Slug, first.Hits[0].Tags = "changed", append(first.Hits[0].Tags[:0], "changed")
	first.Facets.Teams[0].Value = "changed"
	for k := range first.TeamNames {
		first.TeamNames[k] = "changed"
	}
	again, err := b.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := slugs(again); !slices.Equal(got, want) || slices.Contains(again.Hits[0].Tags, "changed") ||
		again.Facets.Teams[0].Value == "changed" {
		t.Fatalf("second search: got %+v, want the first result unchanged", again)
	}
	for _, n := range again.TeamNames {
		if n == "changed" {
			t.Fatalf("second search: team names %v were changed by the first caller", again.TeamNames)
		}
	}
}

func TestResultCacheStaysWithinItsBytes(t *testing.T) {
	c := newResultCache(64<<10, 1000)
	res := Result{Hits: []Hit{{ID: "1", Slug: "a", Name: string(make([]byte, 4000))}}}
	for i := range 100 {
		c.put(resultKey(uint64(i), Query{}), res)
	}
	n, bytes := c.size()
	if bytes > 64<<10 || n == 0 || n >= 100 {
		t.Fatalf("cache holds %d results, %d bytes; want some, within 65536 bytes", n, bytes)
	}
	if _, ok := c.get(resultKey(99, Query{})); !ok {
		t.Fatalf("the last result put was evicted")
	}
	if _, ok := c.get(resultKey(0, Query{})); ok {
		t.Fatalf("the first result put is still held")
	}
}
