package handlers_test

import (
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRuleSetToItsSeverityIsNoChange: setting a rule to the severity it
// has (a repeated PUT, a form sent twice) changes nothing and is not
// audited, as a member given the role they have is not: the audit log
// records each change of the rule set once.
func TestRuleSetToItsSeverityIsNoChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		for _, severity := range []string{"off", "off", "default", "default"} {
			e.call("PUT", "/api/v1/rules/operation-summary", "admin", map[string]any{"severity": severity}, 200)
		}
		countEvents(t, s, "rule.update", 2)
	})
}
