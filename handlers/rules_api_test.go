package handlers_test

import "testing"

// TestAPIRulesKindFilter: kind selects the rules of one kind; a kind that
// is none of breaking, validation or lint answers 422 on the field, not an
// empty rule set a script would read as "no rules".
func TestAPIRulesKindFilter(t *testing.T) {
	e := newLCEnv(t)
	for _, kind := range []string{"breaking", "lint"} {
		out := e.call("GET", "/api/v1/rules?kind="+kind, "dev", nil, 200)
		rules, _ := out["rules"].([]any)
		if len(rules) == 0 {
			t.Errorf("kind=%s: no rules", kind)
		}
		for _, r := range rules {
			if got := r.(map[string]any)["kind"]; got != kind {
				t.Errorf("kind=%s: a rule of kind %v", kind, got)
			}
		}
	}
	for _, bad := range []string{"lints", "Breaking", "all"} {
		res, out := e.api("GET", "/api/v1/rules?kind="+bad, e.tok["dev"], nil)
		errs, _ := out["errors"].([]any)
		if res.StatusCode != 422 || len(errs) != 1 || errs[0].(map[string]any)["field"] != "kind" {
			t.Errorf("kind=%s: %d %v, want 422 on kind", bad, res.StatusCode, out)
		}
	}
}
