package search

import (
	"context"
	"slices"
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
