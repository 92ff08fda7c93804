package search

import (
	"strings"
	"sync"

	"github.com/portico-dev/portico/search/meaning"
)

// Meaning matching: besides its words, a text query is matched by meaning. Each API has a vector of its text (name and
// tags, summary and description, operation summaries; see package meaning), computed when it is indexed and when the
// index is opened, and kept in its listing entry; the query has one of its words. Among the APIs Bleve matched, each
// scores its Bleve score over the best one's plus MeaningWeight times the cosine of the two vectors, so that of two
// APIs matching the query's words about as well, the one whose text is about what was asked ranks first, and an API
// matching a single common word of the query but about something else drops. APIs Bleve did not match are not added:
// hits, totals, facets and highlights are Bleve's, only their order changes.

// MeaningWeight is the weight of the cosine against the Bleve score over the best one (chosen on the dev split of the
// relevance evaluation, see search/releval).
const MeaningWeight = 2.0

// The weights of an API's fields in its vector.
const (
	meaningNameWeight = 1.0 // name and tags
	meaningTextWeight = 0.5 // summary and description
	meaningOpsWeight  = 1.0 // operation summaries
)

// meaningBlend is the word vectors and the weight of the cosine an index ranks with; a nil one does not blend.
type meaningBlend struct {
	model  *meaning.Model
	weight float64
}

var (
	defaultMeaningOnce sync.Once
	defaultMeaning     *meaningBlend
	defaultMeaningErr  error
)

// defaultBlend is the embedded word vectors with MeaningWeight.
func defaultBlend() (*meaningBlend, error) {
	defaultMeaningOnce.Do(func() {
		t, err := meaning.Default()
		if err != nil {
			defaultMeaningErr = err
			return
		}
		defaultMeaning = &meaningBlend{model: meaning.New(t, stopWords()), weight: MeaningWeight}
	})
	return defaultMeaning, defaultMeaningErr
}

// BleveOption changes how OpenBleve's index ranks.
type BleveOption func(*bleveOptions)

type bleveOptions struct {
	blend *meaningBlend
	set   bool
}

// WithMeaning ranks with the word vectors t and weight for the cosine instead of the embedded vectors and the default
// weight; a nil t or a weight of 0 ranks by Bleve's score alone. For the relevance evaluation (releval), which compares
// vectors and weights.
func WithMeaning(t *meaning.Table, weight float64) BleveOption {
	return func(o *bleveOptions) {
		o.set = true
		if t == nil || weight == 0 {
			o.blend = nil
			return
		}
		o.blend = &meaningBlend{model: meaning.New(t, stopWords()), weight: weight}
	}
}

// vector is the vector of an API's text: what its document holds, as loadListing reads it back.
func (m *meaningBlend) vector(name string, tags []string, summary, description string, opSummaries []string) []float32 {
	if m == nil {
		return nil
	}
	return m.model.Vector(
		meaning.Field{Weight: meaningNameWeight, Texts: append([]string{name}, tags...)},
		meaning.Field{Weight: meaningTextWeight, Texts: []string{summary, description}},
		meaning.Field{Weight: meaningOpsWeight, Texts: opSummaries},
	)
}

// documentVector is the vector of d.
func (m *meaningBlend) documentVector(d Document) []float32 {
	if m == nil {
		return nil
	}
	return m.vector(d.Name, compact(d.Tags), d.Summary, d.Description, operationSummaries(d.Operations))
}

// queryVector is the vector of a query's text, nil when the index does not blend.
func (m *meaningBlend) queryVector(text string) []float32 {
	if m == nil {
		return nil
	}
	return m.model.Vector(meaning.Field{Weight: 1, Texts: []string{text}})
}

// operationSummaries are the summaries of ops that have one (an operation without is summarised by its description's
// first sentence), as the en_ops field indexes them.
func operationSummaries(ops []Operation) []string {
	out := make([]string, 0, len(ops))
	for _, op := range ops {
		if s := operationSummary(op); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// joinLines and splitLines store the operation summaries in one field.
func joinLines(lines []string) string { return strings.Join(lines, "\n") }

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
