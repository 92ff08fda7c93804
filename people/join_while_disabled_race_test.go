package people_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestUserDisabledMeanwhileDoesNotJoin: on PostgreSQL a disable whose
// transaction has changed the user's row but not yet committed (nor moved
// the policy version) must not let the user join a team: adding them waits
// for it and is refused once it commits, instead of reading the row as it
// was and committing a disabled member.
func TestUserDisabledMeanwhileDoesNotJoin(t *testing.T) {
	storetest.PostgreSQLURL(t)
	s := storetest.Open(t, store.PostgreSQL)
	ctx := context.Background()
	f := newFixture(t, s)
	team, err := f.svc.CreateTeam(ctx, f.admin, people.TeamInput{Slug: "payments", Name: "Payments"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "bob"}, password)
	if err != nil {
		t.Fatal(err)
	}
	// The disable, half way: its row change made, not committed.
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.NewUpdate().Model((*store.User)(nil)).Set("disabled = ?", true).Where("id = ?", bob.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	added := make(chan error, 1)
	go func() {
		_, err := f.svc.SetMember(ctx, f.admin, team, people.MemberInput{Username: "bob", Role: policy.RoleDeveloper})
		added <- err
	}()
	select {
	case err := <-added:
		t.Fatalf("bob added while his disable was under way, before it committed: %v; want the add to wait for it", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-added:
		if fields(err)["username"] == "" {
			t.Errorf("bob added once his disable committed: %v; want a refusal on username", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the add still waits 10 s after the disable committed")
	}
	if role, err := s.TeamRole(ctx, team.ID, bob.ID); err != nil || role != "" {
		t.Errorf("bob's role in the team %q, %v; want none", role, err)
	}
}
