package handlers

import "testing"

// TestCatalogParamsEncodeIsValuesEncode: the catalog's links, built without
// url.Values, are exactly what url.Values encodes.
func TestCatalogParamsEncodeIsValuesEncode(t *testing.T) {
	for _, p := range []catalogParams{
		{},
		{Q: "send an sms", PerPage: 20, Page: 1},
		{Q: "a&b=c/d?é+%", Sort: "name", Page: 3, PerPage: 50},
		{Teams: []string{"payments", "b&c"}, Tags: []string{"z", "a b", "ü"}, States: []string{"retired", "published"}, Sort: "updated"},
		{Q: "x", Tags: []string{"one"}, Sort: "relevance", PerPage: 100, Page: 2},
		{States: []string{"deprecated"}, PerPage: 0, Page: 0},
	} {
		if got, want := p.encode(), p.values().Encode(); got != want {
			t.Errorf("encode(%+v) = %q, want %q", p, got, want)
		}
	}
}
