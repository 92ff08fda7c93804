package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestUserUpdateAuditSaysWhatChanged: an admin's change of a user's email
// or display name is audited with the old and the new value, not as an
// entry whose before and after are the same.
func TestUserUpdateAuditSaysWhatChanged(t *testing.T) {
	e := newLCEnv(t)
	e.call("POST", "/api/v1/users", "admin", map[string]any{"username": "bob", "email": "bob@example.com", "display_name": "Bob"}, 201)
	e.call("PATCH", "/api/v1/users/bob", "admin", map[string]any{"email": "bob@elsewhere.example", "display_name": "Robert"}, 200)
	events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "user.update", ObjectID: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 {
		t.Fatalf("user.update entries: %d, want 1", len(events))
	}
	ev := events[0]
	for _, want := range []struct{ field, in, value string }{
		{"before", ev.Before, "bob@example.com"}, {"before", ev.Before, "Bob"},
		{"after", ev.After, "bob@elsewhere.example"}, {"after", ev.After, "Robert"},
	} {
		if !strings.Contains(want.in, want.value) {
			t.Errorf("%s = %q, want it to name %q", want.field, want.in, want.value)
		}
	}
}
