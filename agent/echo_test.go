package agent_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestEchoedArgumentsAreIsolated: a tool's notice that quotes back an
// argument (an API, a version, an operation that does not exist) isolates
// it as the portal's other refusals do (store.Echo): quoted, cut, and
// between U+2068 and U+2069, so that a right-to-left argument does not
// reorder the sentence around it.
func TestEchoedArgumentsAreIsolated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s, 0, 0)
		p.catalogFixture()
		token, _ := p.token(p.user("ann", policy.RoleMember, "", ""))
		cs := p.mustConnect(token)
		long := strings.Repeat("ש", 250)
		for _, tc := range []struct {
			tool string
			args map[string]any
			want string
		}{
			{"get_api", map[string]any{"api": "غدا"},
				"There is no API " + store.Echo("غدا", store.MaxEcho) + ". Find APIs and their slugs with search_apis."},
			{"list_operations", map[string]any{"api": "sms", "version": "גרסה"},
				"API " + store.Echo("sms", store.MaxEcho) + " has no version " + store.Echo("גרסה", store.MaxEcho) + ". get_api lists its versions."},
			{"get_operation", map[string]any{"api": "sms", "version": "1.0.0", "operation": long},
				"Version 1.0.0 of " + store.Echo("sms", store.MaxEcho) + " has no operation " + store.Echo(long, store.MaxEcho) +
					". list_operations lists them, with their operationId and METHOD /path."},
		} {
			if got := toolError(t, cs, tc.tool, tc.args); got != tc.want {
				t.Errorf("%s %v:\n got %q\nwant %q", tc.tool, tc.args, got, tc.want)
			}
		}
	})
}
