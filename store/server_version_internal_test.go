package store

import (
	"strings"
	"testing"
)

// TestServerVersionChecked: a PostgreSQL older than 13 lacks the functions
// the quota counts' migration calls; Open refuses it first, naming both
// versions, rather than failing in a migration.
func TestServerVersionChecked(t *testing.T) {
	for _, tc := range []struct {
		num     int
		version string
		ok      bool
	}{
		{120015, "12.15", false},
		{90624, "9.6.24", false},
		{130000, "13.0", true},
		{150020, "15.20 (Debian 15.20-1)", true},
		{180001, "18.1", true},
	} {
		err := checkServerVersion(tc.num, tc.version)
		if (err == nil) != tc.ok {
			t.Errorf("%d (%s): %v, want ok %v", tc.num, tc.version, err, tc.ok)
			continue
		}
		if err != nil {
			for _, want := range []string{"PostgreSQL 13 or later", `"` + tc.version + `"`} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%d: %q does not say %s", tc.num, err, want)
				}
			}
		}
	}
}
