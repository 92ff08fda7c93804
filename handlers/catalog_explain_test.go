package handlers_test

import (
	"strings"
	"testing"
)

// TestCatalogExplainsWeakResults: a search that finds little says which words matched nothing the viewer may see,
// offers the typo correction and the filter value that finds more, and never names what a team-only API holds.
func TestCatalogExplainsWeakResults(t *testing.T) {
	e, _ := leakFixture(t)
	b := e.browser()
	b.login("outsider")

	d := doc(t, b.get("/catalog?q=ledger+zzyzx"))
	if got := d.Find(`[data-testid="unmatched"] strong`).Text(); got != "zzyzx" {
		t.Errorf("unmatched words of %q: got %q, want zzyzx", "ledger zzyzx", got)
	}

	d = doc(t, b.get("/catalog?q=legder"))
	if got := d.Find(`[data-testid="hit"]`).Length(); got == 0 {
		t.Fatalf("legder: no hits, want the ledger by typo")
	}
	link := d.Find(`[data-testid="did-you-mean"] a`)
	if href, _ := link.Attr("href"); link.Text() != "ledger" || !strings.Contains(href, "q=ledger") {
		t.Errorf("did you mean: got %q (%s), want ledger", link.Text(), href)
	}

	// "quantum" is only in a team-only API of another team: nothing says it exists.
	d = doc(t, b.get("/catalog?q=quantum"))
	if d.Find(`[data-testid="hit"]`).Length() != 0 || d.Find(`[data-testid="did-you-mean"]`).Length() != 0 {
		t.Fatal("quantum: a hit or a suggestion from a team-only API")
	}
	if got := d.Find(`[data-testid="unmatched"] strong`).Text(); got != "quantum" {
		t.Errorf("unmatched of quantum: got %q, want quantum", got)
	}

	// A filter that hides matches: the facet value that finds more is offered.
	d = doc(t, b.get("/catalog?q=cards&tag=ledger"))
	hint := d.Find(`[data-testid="facet-hint"] a`)
	if href, _ := hint.Attr("href"); !strings.Contains(hint.Text(), "finance") || !strings.Contains(href, "tag=finance") {
		t.Errorf("facet hint: got %q (%s), want the tag finance", hint.Text(), href)
	}

	// A query whose words all match needs no explaining.
	d = doc(t, b.get("/catalog?q=ledger"))
	if d.Find(`[data-testid="search-explain"]`).Length() != 0 {
		t.Error("ledger: an explanation of a result that needs none")
	}
}
