package search

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	indexapi "github.com/blevesearch/bleve_index_api"
)

// fullRanking is the reference the bounded ranking must agree with: Bleve's own collector scores and returns every
// match the viewer may see, and they are filtered and sorted in full.
func fullRanking(t *testing.T, b *Bleve, q Query, text func(queryPlan) query.Query) []string {
	ids, _ := fullRankingScores(t, b, q, text)
	return ids
}

// fullRankingScores is fullRanking with each document's score.
func fullRankingScores(t *testing.T, b *Bleve, q Query, text func(queryPlan) query.Query) ([]string, map[string]float64) {
	t.Helper()
	q, err := normalize(q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.plan(q.Text)
	if err != nil {
		t.Fatal(err)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(text(p))
	bq.AddFilter(filterQuery(q))
	sr, err := b.idx.Search(bleve.NewSearchRequestOptions(bq, 100000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	in := func(filter []string, values ...string) bool {
		if len(filter) == 0 {
			return true
		}
		for _, v := range values {
			if slices.Contains(filter, v) {
				return true
			}
		}
		return false
	}
	var ms []match
	for _, dm := range sr.Hits {
		e := b.list.byID[dm.ID]
		if in(q.Teams, e.team) && in(q.Tags, e.tags...) && in(q.States, e.states...) {
			ms = append(ms, match{e: e, score: dm.Score})
		}
	}
	sort.Slice(ms, func(i, j int) bool { return before(q.Sort, ms[i], ms[j]) })
	ids := make([]string, len(ms))
	scores := make(map[string]float64, len(ms))
	for i, m := range ms {
		ids[i] = m.e.id
		scores[m.e.id] = m.score
	}
	return ids, scores
}

// sameScores reports whether got and want hold documents of the same
// scores in the same order: documents of equal scores may come in any order
// among themselves (equal to a millionth: two query shapes that score alike
// may sum the same terms in another order and differ in the last bits).
func sameScores(got, want []string, scores map[string]float64) bool {
	if len(got) != len(want) {
		return false
	}
	q := func(id string) float64 { return math.Round(scores[id] * 1e6) }
	for i := range got {
		if q(got[i]) != q(want[i]) {
			return false
		}
	}
	return true
}

// sameRanking reports whether got ranks the documents of want in want's
// order, ties aside (see sameScores).
func sameRanking(got, want []string, scores map[string]float64) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w) && sameScores(got, want, scores)
}

func TestBleveBoundedRankingMatchesFullRanking(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.SetSynonyms(ctx, DefaultSynonyms()); err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, benchCorpus(300, 4)...); err != nil {
		t.Fatal(err)
	}
	// One segment, merged before comparing: searches before and during a merge may score a last bit apart.
	if err := b.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	viewer := Viewer{Teams: []string{"team-07", "team-21"}}
	texts := []string{"send sms", "invoice", "send an invoice to a customer by email", "track the parcel of a shipment",
		"/v2/orders/{payment_id}", "custmer", "warehou", "refund a payment", "e-mail the receipt"}
	for _, text := range texts {
		for _, q := range []Query{
			{Text: text, Viewer: viewer},
			{Text: text, Viewer: Viewer{All: true}, Sort: SortName},
			{Text: text, Viewer: viewer, Sort: SortUpdated},
			{Text: text, Viewer: viewer, Tags: []string{"global", "secure", "open"}, States: []string{"published"}},
		} {
			t.Run(fmt.Sprintf("%s/%s/%v", text, q.Sort, q.Tags), func(t *testing.T) {
				want := fullRanking(t, b, q, textQuery)
				if len(want) == 0 && len(q.Tags) == 0 {
					t.Fatalf("the reference finds nothing: pick a query that matches")
				}
				var got []string
				for page := 1; page == 1 || len(got) < len(want) && page < 100; page++ {
					q.Page, q.PerPage = page, 7
					res := mustSearch(t, b, q)
					if res.Total != len(want) {
						t.Fatalf("page %d: Total: got %d, want %d", page, res.Total, len(want))
					}
					if len(res.Hits) == 0 {
						break
					}
					got = append(got, hitIDs(res)...)
				}
				if !slices.Equal(got, want) {
					t.Errorf("pages of 7: got %v, want %v", head(got), head(want))
				}
			})
		}
	}
}

// everyWord is the query of the plan in which every word matches, common or not: the reference of the ranking.
func everyWord(p queryPlan) query.Query {
	p.common = make([]bool, len(p.terms))
	p.altCommon = make([]bool, len(p.alts))
	return textQuery(p)
}

// rareWords matches the documents that have a word of the plan that is not common, or a synonym that is not.
func rareWords(p queryPlan) query.Query {
	var qs []query.Query
	for i := range p.terms {
		if !p.common[i] {
			qs = append(qs, termQuery(p, i, 1))
		}
	}
	for i, alt := range p.alts {
		if !p.altCommon[i] {
			qs = append(qs, synonymQuery(p, alt, 1))
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func TestBleveCommonWordsOnlyRank(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.SetSynonyms(ctx, DefaultSynonyms()); err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, benchCorpus(2*minCommonDocs, 3)...); err != nil {
		t.Fatal(err)
	}
	// One segment, merged before comparing: searches before and during a merge may score a last bit apart.
	if err := b.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	viewer := Viewer{Teams: []string{"team-07", "team-21"}}
	for _, text := range []string{"send sms", "send an invoice to a customer by email", "get a ticket",
		"list the refunds of a payment", "track the parcel of a shipment"} {
		t.Run(text, func(t *testing.T) {
			p, err := b.plan(text)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(p.common, true) || !slices.Contains(p.common, false) {
				t.Fatalf("common words of %q: got %v, want some common and some not", text, p.common)
			}
			q := Query{Text: text, Viewer: viewer}
			all, scores := fullRankingScores(t, b, q, everyWord)
			rare := map[string]bool{}
			for _, id := range fullRanking(t, b, q, rareWords) {
				rare[id] = true
			}
			var want []string
			for _, id := range all {
				if rare[id] {
					want = append(want, id)
				}
			}
			if len(want) >= len(all) {
				t.Fatalf("the rare words match %d of the %d documents: pick a query with a common word that matters", len(want), len(all))
			}
			var got []string
			for page := 1; page == 1 || len(got) < len(want) && page < 200; page++ {
				q.Page, q.PerPage = page, 20
				res := mustSearch(t, b, q)
				if res.Total != len(want) {
					t.Fatalf("page %d: Total: got %d, want %d (of %d matching any word)", page, res.Total, len(want), len(all))
				}
				if len(res.Hits) == 0 {
					break
				}
				got = append(got, hitIDs(res)...)
			}
			// The same order as when every word matches, less the documents with common words only; and the first
			// ten are those of the full ranking (further down, an API that has only common words, in its name say,
			// may be left out).
			if !sameRanking(got, want, scores) {
				t.Errorf("ranking: got %v, want %v; %s", head(got), head(want), firstDiff(got, want))
			}
			if n := min(10, len(got)); !sameScores(got[:n], all[:n], scores) {
				t.Errorf("first ten: got %v, want those of every word matching, %v; %s", head(got[:n]), head(all[:n]), firstDiff(got[:n], all[:n]))
			}
		})
	}
}

// firstDiff describes where two rankings first differ.
func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d: got %s, want %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths: got %d, want %d", len(got), len(want))
}

func head(ids []string) string {
	if len(ids) > 12 {
		return strings.Join(ids[:12], " ") + fmt.Sprintf(" … (%d)", len(ids))
	}
	return strings.Join(ids, " ")
}

func TestBleveSearchSeesChangesAfterSearching(t *testing.T) {
	ctx := context.Background()
	idx := loadCorpus(t, openTestBleve)
	q := Query{Text: "geocoder", Viewer: admin()}
	if got := hitIDs(mustSearch(t, idx, q)); !slices.Equal(got, []string{"api-3"}) {
		t.Fatalf("hits: got %v, want [api-3]", got)
	}
	// Renamed: the table of entries built by the first search must not show the old name.
	var doc Document
	for _, d := range conformanceCorpus() {
		if d.ID == "api-3" {
			doc = d
		}
	}
	doc.Name = "Geocoder Deluxe"
	if err := idx.Upsert(ctx, doc); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, idx, q)
	if len(res.Hits) != 1 || res.Hits[0].Name != "Geocoder Deluxe" {
		t.Errorf("hits after renaming: got %+v, want api-3 named Geocoder Deluxe", res.Hits)
	}
	if err := idx.Delete(ctx, "api-3"); err != nil {
		t.Fatal(err)
	}
	if res := mustSearch(t, idx, q); res.Total != 0 || len(res.Hits) != 0 {
		t.Errorf("after deleting: got total %d, hits %v, want none", res.Total, hitIDs(res))
	}
}

func TestPlanBoundsQueryWords(t *testing.T) {
	b, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var words []string
	for i := range 3 * maxQueryTerms {
		words = append(words, fmt.Sprintf("word%d", i))
	}
	p, err := b.plan(strings.Join(words, " "))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.terms) != maxQueryTerms || len(p.stems) != maxQueryTerms || len(p.pairs) > maxQueryTerms-1 {
		t.Errorf("plan of %d words: got %d terms, %d stems, %d pairs, want at most %d terms", len(words), len(p.terms), len(p.stems), len(p.pairs), maxQueryTerms)
	}
}

func TestHighlightsTyposOnlyOfUnknownWords(t *testing.T) {
	h := newHighlighter(queryPlan{terms: []string{"ledger", "custmer"}, known: []bool{true, false}})
	got := h.highlights(map[string]interface{}{
		fOps: "GET /ledgrs list the ledgr entries\nGET /customers/{id} read a customer ledger",
	})
	want := []string{"GET /customers/{id} read a <mark>customer</mark> <mark>ledger</mark>"}
	if !slices.Equal(got, want) {
		t.Errorf("highlights: got %q, want %q", got, want)
	}
	// A word the index has is matched as typed: its typo readings are not searched, so not highlighted.
	got = h.highlights(map[string]interface{}{fOps: "GET /ledgrs list the ledgr entries"})
	if len(got) != 0 {
		t.Errorf("highlights of typo readings of a known word: got %q, want none", got)
	}
}

func TestHighlightsAfterNonASCIIText(t *testing.T) {
	tests := []struct {
		terms []string
		ops   string
		want  string
	}{
		// ASCII terms: the text is lowered by its ASCII letters; the marks keep their places after wider characters.
		{[]string{"send", "sms"}, "POST /messages · Envoyer — SEND an SMS · Ünïcödé", "POST /messages · Envoyer — <mark>SEND</mark> an <mark>SMS</mark> · Ünïcödé"},
		// A term with other letters: the text is lowered in full.
		{[]string{"café"}, "GET /menus · CAFÉ menus", "GET /menus · <mark>CAFÉ</mark> menus"},
	}
	for _, tt := range tests {
		h := newHighlighter(queryPlan{terms: tt.terms, known: make([]bool, len(tt.terms))})
		got := h.highlights(map[string]interface{}{fOps: tt.ops})
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("highlights of %v in %q: got %q, want [%q]", tt.terms, tt.ops, got, tt.want)
		}
	}
}

// TestOpsHighlightFromOccurrences checks the operations' highlight found from the terms' occurrences (opsSnippet)
// against the general path, which reads every word of the lines with a term: words around non-ASCII letters,
// apostrophes and invalid bytes, prefixes, short words, typos, lines in either order.
func TestOpsHighlightFromOccurrences(t *testing.T) {
	lines := []string{
		"POST /v1/invoices send an invoice to a customer",
		"GET /v1/über-invoice/{invoiceId} Send über-invoice to Émail customerÉ, sendinvoice, re-send",
		"GET /éinvoice Invoice_ID INVOICES ñsend send\u00a0email emailing e-mail",
		"PUT /x customer’s 顧客invoice invoice顧客 send \xffsend invoice\xfe email",
		"DELETE /id v1 id",
	}
	reversed := slices.Clone(lines)
	slices.Reverse(reversed)
	for _, ops := range []string{strings.Join(lines, "\n"), strings.Join(reversed, "\n")} {
		for _, terms := range [][]string{{"send", "invoice", "customer", "email"}, {"invoices"}, {"v1", "id"},
			{"id"}, {"custmer", "invoice"}, {"emai"}, {"nothing"}, {"sendinvoices"}} {
			for _, known := range []bool{true, false} {
				p := queryPlan{terms: terms, known: make([]bool, len(terms))}
				for i := range p.known {
					p.known[i] = known
				}
				h := newHighlighter(p)
				var want []string
				lower := h.lower(ops)
				if contains := h.contains(lower); contains || h.typo {
					var spans []span
					if contains {
						spans = h.lineSpans(ops, lower, true)
					}
					if len(spans) == 0 {
						spans = h.spans(ops, lower, 0, true)
					}
					if s := fieldHighlight(fOps, []string{ops}, map[int][]span{0: spans}); s != "" {
						want = []string{s}
					}
				}
				if got := h.highlights(map[string]interface{}{fOps: ops}); !slices.Equal(got, want) {
					t.Errorf("highlights of %v (known %v): got %q, want %q", terms, known, got, want)
				}
			}
		}
	}
}

// TestStoredFieldsByNumber reads documents by their numbers from the segments of an index of several segments, with
// documents replaced and deleted, as highlights do: the fields of the live document of each ID, as the snapshot's
// Document gives them; a replaced document's old number, a deleted document's and another ID's are refused. The index
// is in memory, where scorch neither persists nor merges: each batch stays a segment and keeps its deleted documents.
func TestStoredFieldsByNumber(t *testing.T) {
	m, err := bleveMapping()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	index := func(docs ...Document) {
		batch := idx.NewBatch()
		for _, d := range docs {
			if err := batch.Index(d.ID, bleveDoc(d)); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(batch); err != nil {
			t.Fatal(err)
		}
	}
	docs := benchCorpus(60, 3)
	for i := 0; i < len(docs); i += 20 { // one segment a batch
		index(docs[i : i+20]...)
	}
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	reader := func() indexapi.IndexReader {
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	numOf := func(r indexapi.IndexReader, id string) uint64 {
		iid, err := r.InternalID(id)
		if err != nil || len(iid) != 8 {
			t.Fatalf("internal ID of %s: %v, %v", id, iid, err)
		}
		return binary.BigEndian.Uint64(iid)
	}
	before := reader()
	replaced, deleted := docs[5], docs[47]
	oldNum, deletedNum := numOf(before, replaced.ID), numOf(before, deleted.ID)
	replaced.Name = "Renamed " + replaced.Name
	index(replaced)
	batch := idx.NewBatch()
	batch.Delete(deleted.ID)
	if err := idx.Batch(batch); err != nil {
		t.Fatal(err)
	}
	r := reader()
	s := newStoredFields(r)
	if len(s.segments) < 4 {
		t.Fatalf("segments: got %d, want 4 or more", len(s.segments))
	}
	read := func(num uint64, id string) (map[string][]string, bool) {
		got := map[string][]string{}
		ok := s.visit(num, id, func(name string, value []byte) { got[name] = append(got[name], string(value)) })
		return got, ok
	}
	for _, d := range docs {
		if d.ID == deleted.ID {
			continue
		}
		got, ok := read(numOf(r, d.ID), d.ID)
		if !ok {
			t.Fatalf("%s: not read by its number", d.ID)
		}
		doc, err := r.Document(d.ID)
		if err != nil || doc == nil {
			t.Fatalf("Document(%s): %v, %v", d.ID, doc, err)
		}
		want := map[string][]string{}
		doc.VisitFields(func(f indexapi.Field) { want[f.Name()] = append(want[f.Name()], string(f.Value())) })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", d.ID, got, want)
		}
	}
	if got, ok := read(numOf(r, replaced.ID), replaced.ID); !ok || !slices.Contains(got[fName], replaced.Name) {
		t.Errorf("replaced %s: got %v (%v), want its new name", replaced.ID, got[fName], ok)
	}
	if _, ok := read(oldNum, replaced.ID); ok {
		t.Errorf("the replaced document's old number %d was read", oldNum)
	}
	if _, ok := read(deletedNum, deleted.ID); ok {
		t.Errorf("the deleted document's number %d was read", deletedNum)
	}
	if _, ok := read(numOf(r, docs[0].ID), docs[1].ID); ok {
		t.Errorf("%s's number was read as %s", docs[0].ID, docs[1].ID)
	}
	if _, ok := read(noNum, docs[0].ID); ok {
		t.Errorf("noNum was read")
	}
}

// TestBleveSearchesWhileIndexing searches from several goroutines while documents are replaced and deleted: run
// with -race, it checks the table of entries by snapshot and the listing's locking.
func TestBleveSearchesWhileIndexing(t *testing.T) {
	ctx := context.Background()
	idx := loadCorpus(t, openTestBleve)
	docs := conformanceCorpus()
	done := make(chan struct{})
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			texts := []string{"payments", "geocoder", "send sms", "weather forecast"}
			for i := 0; ; i++ {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				res, err := idx.Search(ctx, Query{Text: texts[(g+i)%len(texts)], Viewer: admin(), PerPage: 3})
				if err != nil {
					errs <- err
					return
				}
				if len(res.Hits) > res.Total {
					errs <- fmt.Errorf("%d hits of a total of %d", len(res.Hits), res.Total)
					return
				}
			}
		}()
	}
	for round := range 30 {
		d := docs[round%len(docs)]
		if round%3 == 2 {
			if err := idx.Delete(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		} else {
			d.Name = fmt.Sprintf("%s %d", d.Name, round)
			if err := idx.Upsert(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	// Everything back as it was: the searches see the final state.
	if err := idx.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "geocoder", Viewer: admin()})); !slices.Equal(got, []string{"api-3"}) {
		t.Errorf("after the changes: got %v, want [api-3]", got)
	}
}
