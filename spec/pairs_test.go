package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBreakingChangePairs compares real descriptions of samples/ with
// revisions of them in testdata/pairs, each made the way a real next
// version changes: the breaking ones are blocked with the rule that says
// why, the others are not.
func TestBreakingChangePairs(t *testing.T) {
	tests := []struct {
		base, revision string
		breaking       bool
		// want are rule ids that must be reported, with the operation of
		// the first one; none are when empty.
		want      []string
		operation string
		old, new  string
	}{
		{"circl.lu__hashlookup__1.0.yaml", "circl-removed-operation.yaml", true, []string{"api-path-removed-without-deprecation"}, "GET /info", "", ""},
		{"xkcd.com__xkcd__1.0.0.yaml", "xkcd-new-required-parameter.yaml", true, []string{"new-required-request-parameter"}, "GET /info.0.json", "", ""},
		{"xkcd.com__xkcd__1.0.0.yaml", "xkcd-type-change.yaml", true, []string{"request-parameter-type-changed"}, "GET /{comicId}/info.0.json", "number", "boolean"},
		{"nytimes.com__article_search__1.0.0.yaml", "nytimes-request-enum-narrowed.yaml", true, []string{"request-parameter-enum-value-removed"}, "GET /svc/search/v2/articlesearch.json", "", ""},
		{"worldtimeapi.org__world-time-api__20210108.yaml", "worldtime-base-path-moved.yaml", false, []string{RuleBasePathChanged}, "", "/api", "/"},
		{"giphy.com__giphy-api__1.0.yaml", "giphy-descriptions-only.yaml", false, nil, "", "", ""},
		{"walmart.com__item__3.0.1.yaml", "walmart-swagger-parameter-required.yaml", true, []string{"request-parameter-became-required"}, "GET /proxy/item-api-doc-app/rest/v2/feeds", "", ""},
		{"transavia.com__airports-api-v2__1.0.yaml", "transavia-swagger-base-path-moved.yaml", false, []string{RuleBasePathChanged}, "", "/v2/airports", "/v2"},
	}
	for _, tt := range tests {
		t.Run(tt.revision, func(t *testing.T) {
			base := mustParse(t, readSample(t, tt.base))
			data, err := os.ReadFile(filepath.Join("testdata/pairs", tt.revision))
			if err != nil {
				t.Fatal(err)
			}
			rev := mustParse(t, data)
			r, err := Diff(base, rev)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			if r.Breaking() != tt.breaking {
				t.Errorf("breaking %v, want %v: %+v", r.Breaking(), tt.breaking, r.BreakingChanges())
			}
			if !tt.breaking && len(r.Removed) > 0 {
				t.Errorf("removed %q, want none: the URLs did not change", r.Removed)
			}
			var ids []string
			for _, c := range r.Changes {
				ids = append(ids, c.ID)
			}
			if len(tt.want) == 0 && len(r.Changes) > 0 {
				t.Errorf("changes %+v, want none", r.Changes)
			}
			for i, id := range tt.want {
				if !slices.Contains(ids, id) {
					t.Errorf("changes %q, want %s among them", ids, id)
					continue
				}
				if i > 0 {
					continue
				}
				c := r.Changes[slices.Index(ids, id)]
				if c.Operation != tt.operation || c.Old != tt.old || c.New != tt.new || c.Key == "" {
					t.Errorf("%s: operation %q, %q → %q, key %q; want %q, %q → %q and a key", id, c.Operation, c.Old, c.New, c.Key, tt.operation, tt.old, tt.new)
				}
				if c.Operation != "" && c.Line == 0 {
					t.Errorf("%s has no line", id)
				}
			}
		})
	}
}

// TestPorticoDefaults checks the oasdiff rules whose default Portico moved
// (see breakingDefaults): each is reported as a warning and blocks nothing,
// and an org's RuleSet can put it back.
func TestPorticoDefaults(t *testing.T) {
	const base = `openapi: 3.0.3
info: {title: Payments, version: "1.0.0"}
paths:
  /payments/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id, status]
                properties:
                  id: {type: string}
                  status: {type: string, enum: [pending, paid]}
                  note: {type: string}
`
	tests := []struct {
		name, from, to, rule string
	}{
		{"response enum value added", "enum: [pending, paid]", "enum: [pending, paid, refunded]", "response-property-enum-value-added"},
		{"response property became optional", "required: [id, status]", "required: [id]", "response-property-became-optional"},
		{"response property became nullable", "note: {type: string}", "note: {type: string, nullable: true}", "response-property-became-nullable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Diff(mustParse(t, []byte(base)), mustParse(t, []byte(strings.Replace(base, tt.from, tt.to, 1))))
			if err != nil {
				t.Fatal(err)
			}
			if r.Breaking() {
				t.Errorf("breaking: %+v, want none with Portico's defaults", r.BreakingChanges())
			}
			i := slices.IndexFunc(r.Changes, func(c Change) bool { return c.ID == tt.rule })
			if i < 0 || r.Changes[i].Level != SeverityWarn {
				t.Fatalf("changes %+v, want %s as a warning", r.Changes, tt.rule)
			}
			info, _ := RuleByID(tt.rule)
			if info.Upstream != SeverityError || info.Why == "" {
				t.Errorf("catalogue entry %+v: want oasdiff's error default and the reason it moved", info)
			}
			if got := (RuleSet{tt.rule: SeverityError}).Severity(tt.rule, r.Changes[i].Level); got != SeverityError {
				t.Errorf("an org's error severity gave %q", got)
			}
		})
	}
}
