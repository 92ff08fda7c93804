package policy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// grants allows user 1 "apps read" in team:a, and fails for user 3.
type grants struct{}

func (grants) Allowed(_ context.Context, userID int64, domain, obj, act string) (bool, error) {
	if userID == 3 {
		return false, errors.New("no answer")
	}
	return userID == 1 && domain == "team:a" && obj == "apps" && act == "read", nil
}

func TestActorRequire(t *testing.T) {
	tests := []struct {
		name   string
		a      policy.Actor
		domain string
		want   string // "" allowed, "denied", or "error"
	}{
		{"user holding it", policy.Actor{User: &store.User{ID: 1}}, "team:a", ""},
		{"user elsewhere", policy.Actor{User: &store.User{ID: 1}}, "team:b", "denied"},
		{"other user", policy.Actor{User: &store.User{ID: 2}}, "team:a", "denied"},
		{"console", policy.Actor{Console: "cli"}, "team:b", ""},
		{"nobody", policy.Actor{}, "team:a", "denied"},
		{"enforcer fails", policy.Actor{User: &store.User{ID: 3}}, "team:a", "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.a.Require(t.Context(), grants{}, tt.domain, "apps", "read", "Not yours.")
			var denied *apperr.DeniedError
			got := ""
			switch {
			case err == nil:
			case errors.As(err, &denied):
				got = "denied"
			default:
				got = "error"
			}
			if got != tt.want {
				t.Errorf("got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestActorStamp(t *testing.T) {
	var e store.AuditEvent
	policy.Actor{User: &store.User{ID: 7, Username: "ada"}}.Stamp(&e)
	if e.ActorID == nil || *e.ActorID != 7 || e.Actor != "ada" {
		t.Errorf("user: got %v %q, want 7 ada", e.ActorID, e.Actor)
	}
	e = store.AuditEvent{}
	policy.Actor{Console: "cli"}.Stamp(&e)
	if e.ActorID != nil || e.Actor != "cli" {
		t.Errorf("console: got %v %q, want nil cli", e.ActorID, e.Actor)
	}
}
