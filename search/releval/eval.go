package main

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/samples"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/spec"
)

// Case is one judged query: the text as a user types it and the APIs that do what was asked (sample keys,
// "provider__name" of samples/openapi), any of which counts as a hit.
type Case struct {
	Text     string
	Relevant []string
}

// Miss is a case whose first relevant API is not in the top five.
type Miss struct {
	Case Case
	Rank int      // 0 when no relevant API was returned at all
	Top  []string // the keys of the first five hits
}

// Report holds the figures of one evaluation.
type Report struct {
	Queries             int
	HitAt5, HitAt1, MRR float64
	Misses              []Miss // first relevant API not first (rank > 1 or absent)
}

// sampleKey is the key of a sample file: "nexmo.com__sms" of "nexmo.com__sms__1.0.11.yaml".
func sampleKey(file string) string {
	parts := strings.Split(strings.TrimSuffix(path.Base(file), ".yaml"), "__")
	if len(parts) < 2 {
		return parts[0]
	}
	return parts[0] + "__" + parts[1]
}

// Documents parses every sample description of fsys and returns its search document, built as the portal builds
// one for a sample published by `portico demo`: the spec's title as name, its description's first sentence as summary,
// the description as plain text, the spec's own tags (up to five) and every operation, under the demo's slug
// (samples.Slug). Every API is public and belongs to a team named after its provider's organisation ("okta" of
// okta.local, the domain suffix left out, as no team is named so). The document id is the sample key.
func Documents(fsys fs.FS) ([]search.Document, error) {
	docs, _, err := documents(fsys, false)
	return docs, err
}

// documents is Documents; when lenient, a description that does not parse or is too large is skipped and counted
// instead of failing the evaluation (other catalogs' files, indexed as APIs no query is judged against).
func documents(fsys fs.FS, lenient bool) (docs []search.Document, skipped int, err error) {
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, 0, err
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		if info, err := e.Info(); lenient && (err != nil || info.Size() > spec.MaxSize) {
			skipped++
			continue
		}
		raw, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, 0, err
		}
		doc, err := spec.Parse(raw)
		if err != nil && lenient {
			skipped++
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("parse %s: %w", e.Name(), err)
		}
		key := sampleKey(e.Name())
		provider, slug := samples.Slug(e.Name())
		plain := markdown.PlainText(doc.Description)
		d := search.Document{
			ID: key, Slug: slug,
			Name: doc.Title, Summary: markdown.FirstSentence(plain), Description: plain,
			Team: strings.ReplaceAll(provider, ".", "-"), TeamName: samples.Organisation(provider),
			State: "published", Visibility: search.VisibilityPublic,
			Versions: []string{doc.Version}, DefaultVersion: doc.Version,
			UpdatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		}
		for _, t := range doc.Tags() {
			if len(d.Tags) == 5 {
				break
			}
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" && utf8.RuneCountInString(t) <= 40 && !slices.Contains(d.Tags, t) {
				d.Tags = append(d.Tags, t)
			}
		}
		d.Operations = catalog.Operations(doc)
		docs = append(docs, d)
	}
	return docs, skipped, nil
}

// Evaluate runs every case against idx as a viewer who sees everything and computes hit@5 (a relevant API in the
// top five), hit@1 (one first) and the mean reciprocal rank of the first relevant API (0 when it is not in the first
// page of 20).
func Evaluate(ctx context.Context, idx search.Index, cases []Case) (Report, error) {
	return evaluateRanking(ctx, func(ctx context.Context, text string) ([]string, error) {
		res, err := idx.Search(ctx, search.Query{Text: text, Viewer: search.Viewer{All: true}, PerPage: 20})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}, cases)
}

// ranking answers a query text with the sample keys of its first page (20), best first.
type ranking func(ctx context.Context, text string) ([]string, error)

// evaluateRanking computes Evaluate's figures for any ranking (Portico's or a baseline).
func evaluateRanking(ctx context.Context, rank ranking, cases []Case) (Report, error) {
	r := Report{Queries: len(cases)}
	for _, c := range cases {
		ids, err := rank(ctx, c.Text)
		if err != nil {
			return Report{}, fmt.Errorf("search %q: %w", c.Text, err)
		}
		at := 0
		var top []string
		for i, id := range ids[:min(len(ids), 20)] {
			if i < 5 {
				top = append(top, id)
			}
			if at == 0 && slices.Contains(c.Relevant, id) {
				at = i + 1
			}
		}
		if at > 0 {
			r.MRR += 1 / float64(at)
		}
		if at >= 1 && at <= 5 {
			r.HitAt5++
		}
		if at == 1 {
			r.HitAt1++
		} else {
			r.Misses = append(r.Misses, Miss{Case: c, Rank: at, Top: top})
		}
	}
	if n := float64(len(cases)); n > 0 {
		r.HitAt5 /= n
		r.HitAt1 /= n
		r.MRR /= n
	}
	return r, nil
}
