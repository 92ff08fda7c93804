package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/search/encoder"
)

// The -meaning measurement: the catalog search's ranking blended with the cosine of sentence vectors
// (search/encoder, Universal Sentence Encoder Lite) of the query and of each API, as the experiment of 4 December
// chose it on dev (docs/search-relevance.md): an API's meaning score is half the cosine with its own text (name,
// summary, the description's first sentences, tags) and half the best cosine with one of its operations' summaries;
// the blend is Bleve's score over the first hit's plus weight × that cosine. It runs beside the ranking, not in it:
// the catalog does not use the encoder yet.

// meaningVectors are the sentence vectors of one API: its own text and each distinct operation summary.
type meaningVectors struct {
	text []float32
	ops  [][]float32
}

var camelWords = regexp.MustCompile(`([a-z0-9])([A-Z])`)

// meaningTexts is what is encoded of d: its own text, and its operations' summaries (or descriptions' first
// sentences, or operation ids split into words), each once.
func meaningTexts(d search.Document) (string, []string) {
	text := d.Name + ". " + d.Summary
	if desc := leadSentences(d.Description, 3, 600); desc != "" && !strings.HasPrefix(desc, d.Summary) {
		text += " " + desc
	} else if desc != "" {
		text = d.Name + ". " + desc
	}
	if len(d.Tags) > 0 {
		text += " Tags: " + strings.Join(d.Tags, ", ") + "."
	}
	var ops []string
	seen := map[string]bool{}
	for _, op := range d.Operations {
		t := strings.TrimSpace(op.Summary)
		if t == "" {
			t = firstSentence(op.Description)
		}
		if t == "" && op.OperationID != "" {
			t = strings.ToLower(strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(camelWords.ReplaceAllString(op.OperationID, "$1 $2")))
		}
		if k := strings.ToLower(t); t != "" && !seen[k] {
			seen[k] = true
			ops = append(ops, t)
		}
	}
	return text, ops
}

// leadSentences is the first n sentences of text, at most max runes.
func leadSentences(text string, n, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	end := 0
	for range n {
		j := strings.Index(text[end:], ". ")
		if j < 0 {
			end = len(text)
			break
		}
		end += j + 2
	}
	if r := []rune(strings.TrimSpace(text[:end])); len(r) > max {
		return string(r[:max])
	}
	return strings.TrimSpace(text[:end])
}

// encodeAll encodes texts on every core.
func encodeAll(m *encoder.Model, texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = m.Encode(texts[i])
			}
		}()
	}
	for i := range texts {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// meaningScore is the cosine of q with an API: half its text's, half its best operation's.
func meaningScore(q []float32, v meaningVectors) float64 {
	if len(v.ops) == 0 {
		return cosine(q, v.text)
	}
	best := -1.0
	for _, o := range v.ops {
		best = max(best, cosine(q, o))
	}
	return 0.5*cosine(q, v.text) + 0.5*best
}

// blendFigures are the figures of the ranking alone and blended with the encoder's cosine.
type blendFigures struct {
	alone, matched, every Report
	encoded               int             // texts of the APIs
	encoding              time.Duration   // their encoding
	took                  []time.Duration // encoding each distinct query, sorted
}

// runMeaning prints the figures of the ranking alone and blended with the encoder's cosine (weight), over the
// APIs the words matched and over every API, and the encoder's time per query.
func runMeaning(ctx context.Context, w io.Writer, cases []Case, weight float64) error {
	f, err := meaningFigures(ctx, cases, weight)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "encoded %d texts of the APIs in %s\n", f.encoded, f.encoding.Round(time.Millisecond))
	for _, v := range []struct {
		name string
		r    Report
	}{{"words alone", f.alone}, {fmt.Sprintf("blended (× %g), the APIs the words matched", weight), f.matched}, {fmt.Sprintf("blended (× %g), every API", weight), f.every}} {
		fmt.Fprintf(w, "%-50s hit@5 %.3f  hit@1 %.3f  MRR %.3f\n", v.name, v.r.HitAt5, v.r.HitAt1, v.r.MRR)
	}
	fmt.Fprintf(w, "encoding a query: median %s, p95 %s (%d queries)\n", f.took[len(f.took)/2].Round(10*time.Microsecond), f.took[len(f.took)*95/100].Round(10*time.Microsecond), len(f.took))
	return nil
}

// meaningFigures measures the blend of weight over cases.
func meaningFigures(ctx context.Context, cases []Case, weight float64) (blendFigures, error) {
	var f blendFigures
	m, err := encoder.Load()
	if err != nil {
		return f, err
	}
	docs, err := corpus()
	if err != nil {
		return f, err
	}
	var texts []string
	spans := make([][2]int, len(docs))
	for i, d := range docs {
		text, ops := meaningTexts(d)
		spans[i] = [2]int{len(texts), len(texts) + 1 + len(ops)}
		texts = append(append(texts, text), ops...)
	}
	start := time.Now()
	enc := encodeAll(m, texts)
	f.encoded, f.encoding = len(texts), time.Since(start)
	vecs := map[string]meaningVectors{}
	for i, d := range docs {
		vecs[d.ID] = meaningVectors{text: enc[spans[i][0]], ops: enc[spans[i][0]+1 : spans[i][1]]}
	}

	dir, err := os.MkdirTemp("", "releval-")
	if err != nil {
		return f, err
	}
	defer os.RemoveAll(dir)
	idx, err := search.OpenBleve(filepath.Join(dir, "index"))
	if err != nil {
		return f, err
	}
	defer idx.Close()
	if err := idx.SetSynonyms(ctx, search.DefaultSynonyms()); err != nil {
		return f, err
	}
	if err := idx.Upsert(ctx, docs...); err != nil {
		return f, err
	}

	type run struct {
		ids    []string
		scores []float64
		cos    map[string]float64
	}
	runs := map[string]run{}
	for _, c := range cases {
		if _, ok := runs[c.Text]; ok {
			continue
		}
		res, err := idx.Search(ctx, search.Query{Text: c.Text, Viewer: search.Viewer{All: true}, PerPage: 100})
		if err != nil {
			return f, err
		}
		r := run{scores: res.Scores(), cos: map[string]float64{}}
		for _, h := range res.Hits {
			r.ids = append(r.ids, h.ID)
		}
		t0 := time.Now()
		q := m.Encode(c.Text)
		f.took = append(f.took, time.Since(t0))
		for id, v := range vecs {
			r.cos[id] = meaningScore(q, v)
		}
		runs[c.Text] = r
	}
	blend := func(every bool) ranking {
		return func(_ context.Context, text string) ([]string, error) {
			r := runs[text]
			score := map[string]float64{}
			for i, id := range r.ids {
				s := 0.0
				if len(r.scores) == len(r.ids) && r.scores[0] > 0 {
					s = r.scores[i] / r.scores[0]
				}
				score[id] = s + weight*r.cos[id]
			}
			if every {
				for id, c := range r.cos {
					if _, ok := score[id]; !ok {
						score[id] = weight * c
					}
				}
			}
			ids := make([]string, 0, len(score))
			for id := range score {
				ids = append(ids, id)
			}
			sort.Slice(ids, func(i, j int) bool {
				if score[ids[i]] != score[ids[j]] {
					return score[ids[i]] > score[ids[j]]
				}
				return ids[i] < ids[j]
			})
			return ids, nil
		}
	}
	alone := func(_ context.Context, text string) ([]string, error) { return runs[text].ids, nil }
	slices.Sort(f.took)
	if f.alone, err = evaluateRanking(ctx, alone, cases); err != nil {
		return f, err
	}
	if f.matched, err = evaluateRanking(ctx, blend(false), cases); err != nil {
		return f, err
	}
	f.every, err = evaluateRanking(ctx, blend(true), cases)
	return f, err
}
