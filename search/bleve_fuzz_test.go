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

// FuzzBleveHighlight indexes an API whose name, summary, description and
// tag are arbitrary text, as its owners write them, and searches it with
// arbitrary text: the highlights, which pages show as HTML, have no markup
// but <mark>, and every <mark> is closed.
func FuzzBleveHighlight(f *testing.F) {
	idx, err := OpenBleve(filepath.Join(f.TempDir(), "index"))
	if err != nil {
		f.Fatalf("OpenBleve: %v", err)
	}
	f.Cleanup(func() { _ = idx.Close() })
	ctx := context.Background()
	if err := idx.Upsert(ctx, conformanceCorpus()...); err != nil {
		f.Fatalf("Upsert: %v", err)
	}
	for _, s := range [][5]string{
		{`<script>alert("x")</script> Toolbox & Co`, `Tools for <b>bold</b> people`, `Use <img src=x onerror=alert(1)> toolbox wisely.`, "<i>toolbox</i>", "toolbox"},
		{"Payments <mark>API</mark>", "Charge &amp; refund", "`code` **bold** [link](javascript:alert(1))", "pay&ments", "payments api"},
		{"a\"b'c<d>e", "x</mark><script>", "&lt;script&gt; &#60;", "t", "a b c d e script"},
		{"Ünïcödé Straße", "ﬁnance ｐａｙ", "İstanbul ΣΊΣΥΦΟΣ", "ß", "strasse finance"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, name, summary, description, tag, text string) {
		for _, s := range []string{name, summary, description, tag, text} {
			if !utf8.ValidString(s) || len(s) > 2000 {
				return
			}
		}
		if strings.TrimSpace(name) == "" {
			return
		}
		doc := Document{
			ID: "fuzz", Slug: "fuzz", Name: name, Summary: summary, Description: description,
			Tags: []string{tag}, Team: "t", State: "published", Visibility: VisibilityPublic,
			Operations: []Operation{{Method: "get", Path: "/" + tag, Summary: summary}},
		}
		if err := idx.Upsert(ctx, doc); err != nil {
			return // refused as a document (ErrInvalidDocument)
		}
		start := time.Now()
		res, err := idx.Search(ctx, Query{Text: text, Viewer: Viewer{All: true}, PerPage: 10})
		if took := time.Since(start); took > fuzzSearchSlow {
			t.Fatalf("Search(%q) took %v", text, took)
		}
		if err != nil {
			t.Fatalf("Search(%q): %v", text, err)
		}
		for _, h := range res.Hits {
			for _, hl := range h.Highlights {
				if strings.Count(hl, "<mark>") != strings.Count(hl, "</mark>") {
					t.Fatalf("Search(%q): highlight %q has unbalanced <mark>", text, hl)
				}
				if stripped := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl); strings.ContainsAny(stripped, "<>\"") {
					t.Fatalf("Search(%q): highlight %q of %q has markup other than <mark>", text, hl, name)
				}
			}
		}
	})
}
