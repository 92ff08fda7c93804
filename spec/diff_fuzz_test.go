package spec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzDiffMaxInput is the longest description FuzzDiff and FuzzLint parse.
const fuzzDiffMaxInput = 16 << 10

// fuzzDiffSlow is how long the diff of two descriptions of at most
// fuzzDiffMaxInput bytes each may take: far above what a real pair takes
// (milliseconds), so that only runaway work fails it.
const fuzzDiffSlow = 10 * time.Second

// fuzzPairs are the pairs of testdata/pairs whose descriptions are small
// enough to be mutated quickly, with the sample each revises.
var fuzzPairs = [][2]string{
	{"circl.lu__hashlookup__1.0.yaml", "circl-removed-operation.yaml"},
	{"xkcd.com__xkcd__1.0.0.yaml", "xkcd-new-required-parameter.yaml"},
	{"xkcd.com__xkcd__1.0.0.yaml", "xkcd-type-change.yaml"},
	{"nytimes.com__article_search__1.0.0.yaml", "nytimes-request-enum-narrowed.yaml"},
	{"worldtimeapi.org__world-time-api__20210108.yaml", "worldtime-base-path-moved.yaml"},
	{"walmart.com__item__3.0.1.yaml", "walmart-swagger-parameter-required.yaml"},
	{"transavia.com__airports-api-v2__1.0.yaml", "transavia-swagger-base-path-moved.yaml"},
}

// fuzzDocs are small descriptions in the shapes the diff treats apart:
// Swagger 2.0, 3.0 and 3.1 (compared as 3.1 when the versions differ),
// servers' base paths, path-level parameters, webhooks and callbacks.
var fuzzDocs = []string{
	"swagger: '2.0'\ninfo: {title: T, version: '1'}\nbasePath: /v1\npaths: {/a/{b}: {parameters: [{in: path, name: b, required: true, type: string}], get: {responses: {'200': {description: ok}}}}}\n",
	"openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://x.example/v1'}]\npaths: {/a: {get: {parameters: [{in: query, name: q, schema: {type: integer}}], responses: {'200': {description: ok}}}}}\n",
	"openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: ok, content: {application/json: {schema: {type: [string, 'null']}}}}}}}}\nwebhooks: {ev: {post: {requestBody: {content: {application/json: {schema: {type: object}}}}, responses: {'200': {description: ok}}}}}\n",
	"openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths: {/s: {post: {callbacks: {c: {'{$request.body#/u}': {post: {requestBody: {content: {application/json: {schema: {type: string, enum: [a]}}}}, responses: {'200': {description: ok}}}}}}, responses: {'200': {description: ok}}}}}\n",
	"openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths: {/a: {post: {requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}, responses: {'200': {description: ok}}}}}\ncomponents: {schemas: {A: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}, additionalProperties: false}}}\n",
}

// addDiffSeeds adds the pairs and every ordered pair of fuzzDocs.
func addDiffSeeds(f *testing.F) {
	for _, p := range fuzzPairs {
		base := readSample(f, p[0])
		rev, err := os.ReadFile(filepath.Join("testdata/pairs", p[1]))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(base, rev)
	}
	for _, a := range fuzzDocs {
		for _, b := range fuzzDocs {
			f.Add([]byte(a), []byte(b))
		}
	}
}

// FuzzDiff compares two arbitrary descriptions as the breaking-change gate
// does (NewReport: validation, lint and diff): no panic (Diff turns one into
// an error, which the gate would show as a failed comparison, so one is a
// failure here), a result in bounded time, and the same report, in the same
// order with the same keys, for the same pair.
func FuzzDiff(f *testing.F) {
	addDiffSeeds(f)
	f.Fuzz(func(t *testing.T, baseData, revData []byte) {
		if len(baseData) > fuzzDiffMaxInput {
			baseData = baseData[:fuzzDiffMaxInput]
		}
		if len(revData) > fuzzDiffMaxInput {
			revData = revData[:fuzzDiffMaxInput]
		}
		base, err := Parse(baseData)
		if err != nil {
			return
		}
		rev, err := Parse(revData)
		if err != nil {
			return
		}
		report := func() string {
			start := time.Now()
			r, err := NewReport(base, rev)
			if took := time.Since(start); took > fuzzDiffSlow {
				t.Fatalf("NewReport took %v", took)
			}
			if err != nil {
				if strings.Contains(err.Error(), "comparing the descriptions failed") {
					t.Fatalf("NewReport: %v", err)
				}
				return "error: " + err.Error()
			}
			for _, c := range r.Diff.Changes {
				if c.Key == "" || c.ID == "" || c.Level == "" {
					t.Fatalf("change without a key, rule or level: %+v", c)
				}
			}
			j := Judge(r, nil, nil)
			for _, it := range j.Items {
				if _, ok := j.Find(it.Key); !ok {
					t.Fatalf("Judge: item %+v not found by its key", it)
				}
			}
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("marshal the report: %v", err)
			}
			return string(out)
		}
		first, second := report(), report()
		if first != second {
			t.Fatalf("two reports of the same pair differ:\n%s\n%s", first, second)
		}
	})
}

// FuzzLint lints arbitrary descriptions: no panic, and the same findings in
// the same order each time, each with a rule, a severity and a message.
func FuzzLint(f *testing.F) {
	for _, p := range fuzzPairs {
		f.Add(readSample(f, p[0]))
	}
	for _, d := range fuzzDocs {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzDiffMaxInput {
			data = data[:fuzzDiffMaxInput]
		}
		d, err := Parse(data)
		if err != nil {
			return
		}
		first := Lint(d)
		for _, fi := range first {
			if fi.Rule == "" || fi.Severity == "" || fi.Message == "" {
				t.Fatalf("finding without a rule, severity or message: %+v", fi)
			}
		}
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(Lint(d))
		if string(a) != string(b) {
			t.Fatalf("two lints of the same description differ:\n%s\n%s", a, b)
		}
	})
}

// FuzzDiffUnchanged compares a description with itself, parsed twice, as
// the gate does when a version is submitted again unchanged: no change is
// found, breaking or not.
func FuzzDiffUnchanged(f *testing.F) {
	for _, p := range fuzzPairs {
		f.Add(readSample(f, p[0]))
	}
	for _, d := range fuzzDocs {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzDiffMaxInput {
			data = data[:fuzzDiffMaxInput]
		}
		base, err := Parse(data)
		if err != nil {
			return
		}
		rev, err := Parse(data)
		if err != nil {
			t.Fatalf("the same description parsed twice: %v", err)
		}
		r, err := Diff(base, rev)
		if err != nil {
			t.Fatalf("Diff: %v", err)
		}
		if len(r.Changes) > 0 || len(r.Added) > 0 || len(r.Removed) > 0 || len(r.Modified) > 0 {
			t.Fatalf("a description compared with itself has changes %+v, added %q, removed %q, modified %q", r.Changes, r.Added, r.Removed, r.Modified)
		}
	})
}
