package search

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestBleveHint: a weak result names the words that matched nothing the viewer may see and suggests the closest
// indexed words, never from APIs the viewer may not see.
func TestBleveHint(t *testing.T) {
	idx := openTestBleve(t)
	ctx := context.Background()
	docs := []Document{
		{ID: "1", Slug: "weather", Name: "Weather", Summary: "Forecasts for a city.", Visibility: VisibilityPublic, State: "published"},
		{ID: "2", Slug: "payroll", Name: "Payroll", Summary: "Salaries of the staff.", Visibility: VisibilityTeam, Team: "hr", State: "published"},
	}
	if err := idx.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	outsider := Viewer{Teams: []string{"other"}}
	res := mustSearch(t, idx, Query{Text: "wether zzyzx", Viewer: outsider})
	if res.Hint == nil || !slices.Equal(res.Hint.Unmatched, []string{"zzyzx"}) {
		t.Errorf("hint of %q: got %+v, want zzyzx unmatched (wether matches by typo)", "wether zzyzx", res.Hint)
	}
	res = mustSearch(t, idx, Query{Text: "forcasts qqq", Viewer: outsider})
	if res.Hint == nil || !slices.Contains(res.Hint.Unmatched, "qqq") {
		t.Errorf("hint of %q: got %+v, want qqq unmatched", "forcasts qqq", res.Hint)
	}
	res = mustSearch(t, idx, Query{Text: "salarys", Viewer: outsider})
	if res.Total != 0 || res.Hint == nil || !slices.Equal(res.Hint.Unmatched, []string{"salarys"}) || res.Hint.DidYouMean != "" {
		t.Errorf("hint of a word only a hidden API has: got %d hits, %+v; want it unmatched and no suggestion", res.Total, res.Hint)
	}
	res = mustSearch(t, idx, Query{Text: "salarys", Viewer: Viewer{Teams: []string{"hr"}}})
	if res.Total != 1 {
		t.Errorf("salarys for the team: got %d hits, want the payroll API by typo", res.Total)
	}
	if err := idx.Upsert(ctx, Document{ID: "3", Slug: "geo", Name: "Geocoder", Summary: "Forward geocoding.", Visibility: VisibilityPublic, State: "published"}); err != nil {
		t.Fatal(err)
	}
	res = mustSearch(t, idx, Query{Text: "gecoder", Viewer: outsider})
	if res.Total == 0 {
		t.Fatalf("gecoder: no hits, want the geocoder by typo")
	}
	res = mustSearch(t, idx, Query{Text: "forecasts", Viewer: outsider})
	if res.Hint != nil && len(res.Hint.Unmatched) != 0 {
		t.Errorf("hint of a query whose words all match: got %+v, want none unmatched", res.Hint)
	}
}

func TestClosestWord(t *testing.T) {
	idx := openTestBleve(t).(*Bleve)
	if err := idx.Upsert(context.Background(), Document{ID: "1", Slug: "ship", Name: "Shipment tracking", Visibility: VisibilityPublic, State: "published"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want string }{{"shipmnt", "shipment"}, {"trackign", "tracking"}, {"zz", ""}, {"qqqqqq", ""}} {
		if got, err := idx.closestWord(tt.in); err != nil || got != tt.want {
			t.Errorf("closestWord(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestCloseWordsAsTheAutomaton: the words two edits from a long word, read from the words of its letter, are those
// the index's Levenshtein automaton finds, at the same distances (a transposition one edit), with their counts.
func TestCloseWordsAsTheAutomaton(t *testing.T) {
	idx := openTestBleve(t).(*Bleve)
	docs := []Document{
		{ID: "1", Slug: "a", Name: "Subscription notifications", Tags: []string{"subscriptions", "notification"}, Visibility: VisibilityPublic, State: "published"},
		{ID: "2", Slug: "b", Name: "Subscriber notifier", Tags: []string{"substitution", "nutrition"}, Visibility: VisibilityPublic, State: "published"},
		{ID: "3", Slug: "c", Name: "Subscription résumé", Tags: []string{"résumés", "notificación"}, Visibility: VisibilityPublic, State: "published"},
	}
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	adv, err := idx.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	byTerm := func(ws []word) []word {
		ws = slices.Clone(ws)
		slices.SortFunc(ws, func(a, b word) int { return strings.Compare(a.term, b.term) })
		return ws
	}
	for _, q := range []string{"subscripton", "subsrciption", "notificaiton", "notifcations", "subscriptionss", "nutritoin", "notificacion", "zzzzzzzzzz"} {
		want, err := fuzzyWords(r, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := closeWords(r, q, fuzziness(q))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(byTerm(got), byTerm(want)) {
			t.Errorf("closeWords(%q): got %v, want the automaton's %v", q, byTerm(got), byTerm(want))
		}
		if q != "zzzzzzzzzz" && len(want) == 0 {
			t.Errorf("fuzzyWords(%q): no word, want the test to compare some", q)
		}
	}
}
