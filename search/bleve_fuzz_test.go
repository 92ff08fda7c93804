package search

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzSearchSlow is how long one search of the six-API corpus may take: far
// above the milliseconds it takes, so that only runaway work fails it.
const fuzzSearchSlow = 5 * time.Second

// FuzzBleveSearch runs arbitrary search text (at most MaxQueryLength
// characters, as the catalog, the JSON API and the MCP tools allow) and a
// tag filter against the conformance corpus with the default synonyms: no
// error, no panic, bounded time, hits within the page, and highlights whose
// only markup is <mark>.
func FuzzBleveSearch(f *testing.F) {
	idx, err := OpenBleve(filepath.Join(f.TempDir(), "index"))
	if err != nil {
		f.Fatalf("OpenBleve: %v", err)
	}
	f.Cleanup(func() { _ = idx.Close() })
	ctx := context.Background()
	if err := idx.Upsert(ctx, conformanceCorpus()...); err != nil {
		f.Fatalf("Upsert: %v", err)
	}
	if err := idx.SetSynonyms(ctx, DefaultSynonyms()); err != nil {
		f.Fatalf("SetSynonyms: %v", err)
	}
	for _, s := range []struct {
		text, tag string
		page      int
	}{
		{"", "", 1},
		{"payments", "", 1},
		{"paymnets gatway", "", 1},
		{"send sms", "messaging", 1},
		{"log in", "", 2},
		{"\"charge\" -refund OR cards*", "payments", 1},
		{"title:maps AND geo~2 ^3 +x", "", 1},
		{"/v1/charges/{charge_id}", "", 1},
		{"createCharge getCharge", "", 1},
		{"<script>alert(1)</script> toolbox & co", "<i>", 1},
		{"the a of and", "", 1},
		{strings.Repeat("payment ", 25), "", 1},
		{"ｐａｙｍｅｎｔｓ ledger-entries secret_ledger", "", 1},
		{"weather rain wind → 天気", "weather", 3},
	} {
		f.Add(s.text, s.tag, s.page)
	}
	f.Fuzz(func(t *testing.T, text, tag string, page int) {
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > 200 || len(tag) > 100 {
			return // refused by catalog.CheckSearch
		}
		q := Query{Text: text, Viewer: Viewer{All: true}, Page: page%5 + 1, PerPage: 2}
		if tag != "" {
			q.Tags = []string{tag}
		}
		start := time.Now()
		res, err := idx.Search(ctx, q)
		if took := time.Since(start); took > fuzzSearchSlow {
			t.Fatalf("Search(%q) took %v", text, took)
		}
		if err != nil {
			t.Fatalf("Search(%q, tag %q): %v", text, tag, err)
		}
		if len(res.Hits) > q.PerPage {
			t.Fatalf("Search(%q): %d hits on a page of %d", text, len(res.Hits), q.PerPage)
		}
		for _, h := range res.Hits {
			for _, hl := range h.Highlights {
				if stripped := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl); strings.ContainsAny(stripped, "<>\"") {
					t.Fatalf("Search(%q): highlight %q has markup other than <mark>", text, hl)
				}
			}
		}
	})
}
