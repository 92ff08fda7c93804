package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		applied, err := s.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %v, want nothing", applied)
		}
	})
}

// Several instances starting at once on an empty database all migrate it
// ("Running on PostgreSQL" in the README): one applies the migrations, the
// others wait and find nothing to do.
func TestMigrateConcurrently(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, dataDir := storetest.Unmigrated(t, d)
			const n = 6
			stores := make([]*store.Store, n)
			for i := range stores {
				s, err := store.Open(ctx, dsn, dataDir)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			errs := make([]error, n)
			applied := make([][]string, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					applied[i], errs[i] = s.Migrate(ctx)
				}()
			}
			close(start)
			wg.Wait()
			appliers := 0
			for i, err := range errs {
				if err != nil {
					t.Errorf("instance %d: Migrate: %v", i, err)
				}
				if len(applied[i]) > 0 {
					appliers++
				}
			}
			if appliers != 1 {
				t.Errorf("%d instances applied migrations, want 1", appliers)
			}
		})
	}
}

// A migration lock is held only by a live process: one killed while it
// migrated (SIGKILL, an OOM kill, a liveness probe during a long migration)
// leaves bun's lock row behind, and no later start may wait on it forever.
func TestMigrateAfterAKilledMigration(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, dataDir := storetest.Unmigrated(t, d)
			s, err := store.Open(ctx, dsn, dataDir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			// What a migrator killed after taking bun's lock leaves.
			for _, q := range []string{
				"CREATE TABLE bun_migration_locks (id BIGINT, table_name VARCHAR UNIQUE)",
				"INSERT INTO bun_migration_locks (id, table_name) VALUES (1, 'bun_migrations')",
			} {
				if _, err := s.DB().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			start := time.Now()
			applied, err := s.Migrate(ctx)
			if err != nil {
				t.Fatalf("Migrate after %v: %v", time.Since(start).Round(time.Millisecond), err)
			}
			if len(applied) == 0 {
				t.Errorf("Migrate applied nothing, want every migration")
			}
		})
	}
}

// cancelAfterFirstMigration cancels its context when bun records the first
// migration applied: a SIGTERM arriving right after that migration's
// commit.
type cancelAfterFirstMigration struct {
	cancel context.CancelFunc
	once   sync.Once
}

func (h *cancelAfterFirstMigration) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if strings.HasPrefix(e.Query, "INSERT INTO") && strings.Contains(e.Query, "bun_migrations") && !strings.Contains(e.Query, "bun_migration_locks") {
		h.once.Do(h.cancel)
	}
	return ctx
}

func (h *cancelAfterFirstMigration) AfterQuery(context.Context, *bun.QueryEvent) {}

// A signal during the migrations stops them between two migrations, never
// between a migration's commit and its record in bun_migrations: a
// migration applied but not recorded is applied again by the next start,
// which then fails on a table that already exists.
func TestMigrateStoppedBetweenMigrations(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, dataDir := storetest.Unmigrated(t, d)
			s, err := store.Open(context.Background(), dsn, dataDir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The hook goes on the database the migrations run on (on
			// PostgreSQL a pool of their own, see migrationDB).
			store.AddMigrationQueryHook(s, &cancelAfterFirstMigration{cancel: cancel})
			if _, err := s.Migrate(ctx); err == nil {
				t.Log("the first Migrate finished despite the cancellation")
			}
			applied, err := s.Migrate(context.Background())
			if err != nil {
				t.Fatalf("Migrate after an interrupted one: %v", err)
			}
			if len(applied) == 0 {
				t.Errorf("Migrate after an interrupted one applied nothing, want the rest")
			}
		})
	}
}

func TestUsersAndTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		alice := &store.User{Username: "alice", OrgRole: "member", PasswordHash: "x"}
		if err := s.CreateUser(ctx, db, alice); err != nil {
			t.Fatal(err)
		}
		if alice.ID == 0 {
			t.Fatal("CreateUser did not set the id")
		}
		err := s.CreateUser(ctx, db, &store.User{Username: "alice", OrgRole: "member"})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate username: got %v, want ErrConflict", err)
		}
		if _, err := s.UserByUsername(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing user: got %v, want ErrNotFound", err)
		}
		got, err := s.UserByUsername(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != alice.ID || got.CreatedAt.IsZero() {
			t.Errorf("UserByUsername = %+v, want id %d and a creation time", got, alice.ID)
		}

		team := &store.Team{Slug: "payments", Name: "Payments"}
		if err := s.CreateTeam(ctx, db, team); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateTeam(ctx, db, &store.Team{Slug: "payments", Name: "Again"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate slug: got %v, want ErrConflict", err)
		}
		v1, err := s.PolicyVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		prev, err := s.SetTeamMember(ctx, db, team.ID, alice.ID, "developer")
		if err != nil || prev != "" {
			t.Fatalf("SetTeamMember = %q, %v; want \"\", nil", prev, err)
		}
		prev, err = s.SetTeamMember(ctx, db, team.ID, alice.ID, "owner")
		if err != nil || prev != "developer" {
			t.Fatalf("SetTeamMember again = %q, %v; want developer, nil", prev, err)
		}
		v2, _ := s.PolicyVersion(ctx)
		if v2 <= v1 {
			t.Errorf("policy version %d after membership changes, want > %d", v2, v1)
		}
		role, err := s.TeamRole(ctx, team.ID, alice.ID)
		if err != nil || role != "owner" {
			t.Errorf("TeamRole = %q, %v; want owner", role, err)
		}
		ms, err := s.Memberships(ctx, alice.ID)
		if err != nil || len(ms) != 1 || ms[0].Team.Slug != "payments" || ms[0].Role != "owner" {
			t.Errorf("Memberships = %+v, %v", ms, err)
		}
		members, err := s.TeamMembers(ctx, team.ID)
		if err != nil || len(members) != 1 || members[0].User.Username != "alice" {
			t.Errorf("TeamMembers = %+v, %v", members, err)
		}
		teams, err := s.ListTeams(ctx)
		if err != nil || len(teams) != 1 || teams[0].Members != 1 {
			t.Errorf("ListTeams = %+v, %v", teams, err)
		}
		assignments, err := s.RoleAssignments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[store.RoleAssignment]bool{
			{UserID: alice.ID, Role: "member"}:                  true,
			{UserID: alice.ID, Role: "owner", Team: "payments"}: true,
		}
		if len(assignments) != len(want) {
			t.Errorf("RoleAssignments = %+v, want %v", assignments, want)
		}
		for _, a := range assignments {
			if !want[a] {
				t.Errorf("unexpected assignment %+v", a)
			}
		}
		if _, err := s.RemoveTeamMember(ctx, db, team.ID, alice.ID); err != nil {
			t.Fatal(err)
		}
		if role, _ := s.TeamRole(ctx, team.ID, alice.ID); role != "" {
			t.Errorf("role after removal = %q, want none", role)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := &store.User{Username: "bob", OrgRole: "member"}
		if err := s.CreateUser(ctx, s.DB(), u); err != nil {
			t.Fatal(err)
		}
		sess := &store.Session{IDHash: "h1", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if _, got, err := s.SessionUser(ctx, "h1", 0); err != nil || got.ID != u.ID {
			t.Fatalf("SessionUser = %v, %v", got, err)
		}
		expired := &store.Session{IDHash: "h2", UserID: u.ID, ExpiresAt: time.Now().Add(-time.Minute)}
		if err := s.CreateSession(ctx, expired); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h2", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session: got %v, want ErrNotFound", err)
		}
		u.Disabled = true
		if err := s.UpdateUser(ctx, s.DB(), u); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h1", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session of disabled user: got %v, want ErrNotFound", err)
		}
		u.Disabled = false
		if err := s.UpdateUser(ctx, s.DB(), u); err != nil {
			t.Fatal(err)
		}

		tok := &store.APIToken{UserID: u.ID, Name: "ci", Prefix: "pat_abc", TokenHash: "th"}
		if err := s.CreateToken(ctx, s.DB(), tok); err != nil {
			t.Fatal(err)
		}
		if _, got, err := s.TokenUser(ctx, "th"); err != nil || got.ID != u.ID {
			t.Fatalf("TokenUser = %v, %v", got, err)
		}
		if _, err := s.RevokeToken(ctx, s.DB(), u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, "th"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoked token: got %v, want ErrNotFound", err)
		}
		if _, err := s.RevokeToken(ctx, s.DB(), u.ID, tok.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking twice: got %v, want ErrNotFound", err)
		}
	})
}

func TestLoginFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		since := time.Now().Add(-time.Minute)
		record := func(user, addr string) (int64, store.LoginCounts) {
			t.Helper()
			id, n, err := s.RecordLoginAttempt(ctx, user, addr, since)
			if err != nil {
				t.Fatal(err)
			}
			return id, n
		}
		for i := range 3 {
			if _, n := record("carol", "10.0.0.1"); n.Pair != i+1 {
				t.Errorf("attempt %d counts %+v, want itself included", i+1, n)
			}
		}
		record("dave", "10.0.0.1")
		record("carol", "10.0.0.2")
		id, _ := record("carol", "10.0.0.9")
		if err := s.DeleteLoginAttempt(ctx, id); err != nil {
			t.Fatal(err)
		}
		n, err := s.LoginFailures(ctx, "carol", "10.0.0.1", since)
		if want := (store.LoginCounts{Pair: 3, Addr: 4, Account: 4}); err != nil || n != want {
			t.Errorf("LoginFailures = %+v, %v; want %+v", n, err, want)
		}
		if err := s.ClearLoginFailures(ctx, "carol", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		n, _ = s.LoginFailures(ctx, "carol", "10.0.0.1", since)
		if want := (store.LoginCounts{Pair: 0, Addr: 1, Account: 1}); n != want {
			t.Errorf("after clear: %+v, want %+v (other addresses' failures stay)", n, want)
		}
	})
}

func TestOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return s.Enqueue(ctx, tx, "search.index", map[string]string{"api": "1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := s.ClaimOutbox(ctx, "", 10, time.Minute)
		if err != nil || len(msgs) != 1 || msgs[0].Attempts != 1 {
			t.Fatalf("ClaimOutbox = %+v, %v", msgs, err)
		}
		again, err := s.ClaimOutbox(ctx, "", 10, time.Minute)
		if err != nil || len(again) != 0 {
			t.Errorf("claim while leased = %+v, %v; want nothing", again, err)
		}
		if err := s.RetryOutbox(ctx, msgs[0], errors.New("engine down"), 0); err != nil {
			t.Fatal(err)
		}
		retried, err := s.ClaimOutbox(ctx, "", 10, time.Minute)
		if err != nil || len(retried) != 1 || retried[0].Attempts != 2 || retried[0].LastError != "engine down" {
			t.Fatalf("claim after retry = %+v, %v", retried, err)
		}
		if err := s.CompleteOutbox(ctx, retried[0]); err != nil {
			t.Fatal(err)
		}
		stats, err := s.OutboxStats(ctx)
		if err != nil || stats["search.index"] != 0 {
			t.Errorf("OutboxStats = %v, %v; want nothing pending", stats, err)
		}
	})
}

// A long failure that is not ASCII (a search engine's or webhook's message)
// is kept cut between characters.
func TestOutboxRetryKeepsWholeCharacters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return s.Enqueue(ctx, tx, "search.index", map[string]string{"api": "1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := s.ClaimOutbox(ctx, "", 10, time.Minute)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("ClaimOutbox = %+v, %v", msgs, err)
		}
		if err := s.RetryOutbox(ctx, msgs[0], errors.New("x"+strings.Repeat("é", 600)), 0); err != nil {
			t.Fatal(err)
		}
		retried, err := s.ClaimOutbox(ctx, "", 10, time.Minute)
		if err != nil || len(retried) != 1 {
			t.Fatalf("claim after retry = %+v, %v", retried, err)
		}
		if e := retried[0].LastError; !utf8.ValidString(e) || len(e) > 1000 {
			t.Errorf("last error: valid UTF-8 %v, %d bytes; want valid UTF-8 of at most 1000 bytes", utf8.ValidString(e), len(e))
		}
	})
}

func TestAuditAppendAndFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, a := range []string{"user.create", "team.create", "team.member.set"} {
			if err := s.Audit(ctx, s.DB(), &store.AuditEvent{Actor: "admin", Action: a, ObjectType: "team", ObjectID: "payments"}, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ListAudit(ctx, store.AuditFilter{Action: "team.create"})
		if err != nil || len(got) != 1 {
			t.Fatalf("ListAudit(action) = %+v, %v", got, err)
		}
		all, _ := s.ListAudit(ctx, store.AuditFilter{})
		if len(all) != 3 || all[0].Action != "team.member.set" {
			t.Errorf("ListAudit newest first = %+v", all)
		}
	})
}
