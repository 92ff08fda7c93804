package handlers_test

import (
	"context"
	"fmt"
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

// TestNoUserTakesAnAuditConsoleName: the audit log names the CLI "cli",
// the scheduler and retirements "system" and the demo data "demo"; a user
// of one of those names would make their entries and the console's
// indistinguishable (and the log's actor filter mix them), so none is
// created, from the JSON API or the users page.
func TestNoUserTakesAnAuditConsoleName(t *testing.T) {
	e := newLCEnv(t)
	for _, name := range []string{"cli", "system", "demo", "System"} {
		res, out := e.api("POST", "/api/v1/users", e.tok["admin"], map[string]any{"username": name})
		if res.StatusCode != 422 || !strings.Contains(fmt.Sprint(out), "audit log") {
			t.Errorf("POST /api/v1/users %q: status %d %v, want 422 naming the audit log", name, res.StatusCode, out)
		}
	}
	b := e.browser()
	b.login("admin")
	res := b.post("/users", map[string][]string{"username": {"cli"}, "org_role": {"member"}})
	if res.StatusCode != 422 {
		t.Errorf("POST /users cli: status %d, want 422", res.StatusCode)
	}
	if _, err := e.store.UserByUsername(context.Background(), "cli"); err == nil {
		t.Error("a user named cli was created")
	}
	// Other names are fine.
	e.call("POST", "/api/v1/users", "admin", map[string]any{"username": "cli-bot"}, 201)
}

// TestAPIUpdateAuditSaysWhatChanged: an edit of an API's summary or
// description is audited (and shown in the API's history) with what
// changed, not as an api.update whose before and after are the same.
func TestAPIUpdateAuditSaysWhatChanged(t *testing.T) {
	e := newLCEnv(t)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "pets", "name": "Pets", "visibility": "public", "summary": "Old words"}, 201)
	e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"summary": "New words"}, 200)
	e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"description": "All about pets."}, 200)
	events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "api.update", ObjectID: "pets"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("api.update entries: %d, want 2", len(events))
	}
	desc, summary := events[0], events[1]
	if !strings.Contains(summary.Before, "Old words") || !strings.Contains(summary.After, "New words") {
		t.Errorf("summary change: before %q, after %q, want the old and the new summary", summary.Before, summary.After)
	}
	if desc.Before == desc.After || !strings.Contains(desc.After, "description") {
		t.Errorf("description change: before %q, after %q, want the after to say the description changed", desc.Before, desc.After)
	}
}
