package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/uptrace/bun"
)

// dbDownMessage is what a user reads when the database does not answer.
const dbDownMessage = "The database is unavailable"

// check503 checks an answer given while the database could not serve the
// request: 503 with a Retry-After of whole seconds and body saying says
// (dbDownMessage, dbBusyMessage or tooLongMessage).
func check503(t *testing.T, what string, res *http.Response, body, says string) {
	t.Helper()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("%s: status %d, want 503; body %.300q", what, res.StatusCode, body)
	}
	if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("%s: Retry-After %q, want whole seconds", what, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, says) {
		t.Errorf("%s: body does not say %q: %.300q", what, says, body)
	}
}

// outageUsers adds alice (an admin, the owner of payments) and bob (a member
// of no team) to e, checks that the API serves alice before the test cuts
// or holds the database, and returns alice's token.
func outageUsers(t *testing.T, e *env) (aliceToken string) {
	t.Helper()
	alice := e.user("alice", policy.RoleAdmin, "payments", policy.RoleOwner)
	e.user("bob", policy.RoleMember, "", "")
	tok := e.token(alice)
	if res, _ := e.api("GET", "/api/v1/teams/payments", tok, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("before: GET /api/v1/teams/payments: %d", res.StatusCode)
	}
	return tok
}

// putBob asks, as tok, for bob to join payments: the write the lock and
// outage tests make the database refuse.
func putBob(e *env, tok string) (*http.Response, map[string]any) {
	return e.api("PUT", "/api/v1/teams/payments/members/bob", tok, map[string]any{"role": "developer"})
}

// checkPutBobUndone checks, after putBob was refused with status, that the
// write was not done behind the answer's back (read through s, once a write
// the server still ran would have been done) and that the same request now
// succeeds.
func checkPutBobUndone(t *testing.T, e *env, s *store.Store, tok string, status int) {
	t.Helper()
	time.Sleep(300 * time.Millisecond) // a write left waiting on the server would run now
	members, err := s.TeamMembers(context.Background(), e.team("payments").ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.User.Username == "bob" {
			t.Errorf("after the %d, bob is a member: the refused write was done, in whole or in part", status)
		}
	}
	if res, _ := putBob(e, tok); res.StatusCode != http.StatusCreated {
		t.Errorf("the same request once the database is free: %d, want 201", res.StatusCode)
	}
}

// holdPolicyVersion holds the row of the policy version, which a change of
// team membership updates after inserting the membership: its second write.
const holdPolicyVersion = "UPDATE policy_state SET version = version WHERE id = 1"

// holdOn begins a transaction on s and runs stmt in it, to hold the lock or
// row stmt takes until the test rolls it back.
func holdOn(t *testing.T, s *store.Store, stmt string) bun.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		t.Fatal(err)
	}
	return tx
}

// TestDatabaseDownAnswers503: with PostgreSQL stopped (connections refused,
// open ones reset), pages and the JSON API answer 503 with Retry-After and
// say the database is unavailable (a problem document for the API, the
// error page for HTML), not the 500 of a fault of the portal's; and the
// portal answers as usual once the database is back.
func TestDatabaseDownAnswers503(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != store.PostgreSQL {
			continue // SQLite is a file: there is no server to be down
		}
		t.Run(string(d), func(t *testing.T) {
			s, cut := storetest.OpenCuttable(t)
			e := newEnvOn(t, s)
			tok := outageUsers(t, e)
			br := e.browser()
			br.login("alice")
			if res := br.get("/reviews"); res.StatusCode != http.StatusOK {
				t.Fatalf("before the outage: GET /reviews: %d", res.StatusCode)
			}

			cut()
			res, body := e.api("GET", "/api/v1/teams/payments", tok, nil)
			detail, _ := body["detail"].(string)
			check503(t, "GET /api/v1/teams/payments", res, detail, dbDownMessage)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("API: Content-Type %q, want application/problem+json", ct)
			}
			for _, path := range []string{"/reviews", "/profile", "/teams/payments"} {
				res := br.get(path)
				check503(t, "GET "+path, res, readAll(t, res), dbDownMessage)
			}
			if res := br.get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("GET /readyz: %d, want 503", res.StatusCode)
			}
			if strings.Contains(e.logs.String(), "panic") {
				t.Errorf("a panic was logged:\n%s", e.logs.String())
			}
		})
	}
}

// TestConnectionLimitAnswers503: a portal whose database role has fewer
// connections allowed (CONNECTION LIMIT, or the server's max_connections)
// than its pool opens, under concurrent requests: those that get no
// connection answer 503 with Retry-After at once (PostgreSQL's 53300), none
// 500, none hangs, nothing panics; and once the limit is raised, every
// request is served again without a restart. The role is not a superuser:
// connection limits do not apply to superusers.
func TestConnectionLimitAnswers503(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != store.PostgreSQL {
			continue // SQLite has no connections to run out of
		}
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, _ := storetest.Unmigrated(t, store.PostgreSQL)
			admin, err := store.Open(ctx, dsn, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := admin.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var schema string
			if err := admin.DB().QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
				t.Fatal(err)
			}
			role := fmt.Sprintf("pgdown_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
			for _, q := range []string{
				"CREATE ROLE " + role + " LOGIN NOSUPERUSER CONNECTION LIMIT -1",
				"GRANT USAGE ON SCHEMA " + schema + " TO " + role,
				"GRANT ALL ON ALL TABLES IN SCHEMA " + schema + " TO " + role,
				"GRANT ALL ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + role,
			} {
				if _, err := admin.DB().ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatal(err)
			}
			u.User = url.User(role)
			s, err := store.Open(ctx, u.String(), "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				s.Close()
				defer admin.Close()
				for _, q := range []string{
					"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'",
					"DROP OWNED BY " + role, "DROP ROLE " + role,
				} {
					if _, err := admin.DB().ExecContext(context.Background(), q); err != nil {
						t.Errorf("%s: %v", q, err)
					}
				}
			})
			e := newEnvOn(t, s)
			tok := outageUsers(t, e)
			br := e.browser()
			br.login("alice")

			const limit, clients, rounds = 2, 12, 4
			if _, err := admin.DB().ExecContext(ctx, fmt.Sprintf("ALTER ROLE %s CONNECTION LIMIT %d", role, limit)); err != nil {
				t.Fatal(err)
			}
			// run sends clients×rounds requests, clients at a time, half
			// to the API and half to a page, and counts the statuses.
			run := func() map[int]int {
				var mu sync.Mutex
				statuses := map[int]int{}
				var wg sync.WaitGroup
				for i := range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range rounds {
							start := time.Now()
							var res *http.Response
							var body string
							if i%2 == 0 {
								var p map[string]any
								res, p = e.api("GET", "/api/v1/teams/payments", tok, nil)
								body, _ = p["detail"].(string)
							} else {
								req := httptest.NewRequest("GET", "/teams/payments", nil)
								for k, v := range br.cookies {
									req.AddCookie(&http.Cookie{Name: k, Value: v})
								}
								var err error
								if res, err = e.app.Test(req, -1); err != nil {
									t.Errorf("GET /teams/payments: %v", err)
									return
								}
								body = readAll(t, res)
							}
							if took := time.Since(start); took > 5*time.Second {
								t.Errorf("an answer took %s", took)
							}
							if res.StatusCode == http.StatusServiceUnavailable {
								check503(t, "under the connection limit", res, body, dbDownMessage)
							}
							mu.Lock()
							statuses[res.StatusCode]++
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
				return statuses
			}
			got := run()
			t.Logf("with CONNECTION LIMIT %d and a pool of 20: %v", limit, got)
			if got[http.StatusOK]+got[http.StatusServiceUnavailable] != clients*rounds || got[http.StatusServiceUnavailable] == 0 {
				t.Errorf("statuses %v: want only 200s and 503s, some 503s", got)
			}

			if _, err := admin.DB().ExecContext(ctx, "ALTER ROLE "+role+" CONNECTION LIMIT -1"); err != nil {
				t.Fatal(err)
			}
			got = run()
			t.Logf("with the limit raised: %v", got)
			if got[http.StatusOK] != clients*rounds {
				t.Errorf("statuses %v after the limit was raised: want only 200s", got)
			}
			if strings.Contains(e.logs.String(), "panic") {
				t.Errorf("a panic was logged:\n%s", e.logs.String())
			}
		})
	}
}

// dbBusyMessage is what a user reads when a lock held elsewhere kept the
// request waiting too long.
const dbBusyMessage = "The database is busy"

// TestLockWaitAnswers503: a write that waits on a lock another transaction
// holds (a long migration, a bulk change, an operator's session) is given
// up by the database after its lock timeout (PostgreSQL: lock_timeout,
// which the store sets below the driver's read timeout; SQLite: the busy
// timeout) and answers 503 with Retry-After, saying the database is busy:
// the request was fine and may be sent again. On PostgreSQL the wait ends
// on the server, within the read timeout (2 s here), and the write is not
// done behind the answer's back once the lock is released; the same
// request then succeeds.
func TestLockWaitAnswers503(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			var s, other *store.Store
			var bound time.Duration
			switch d {
			case store.PostgreSQL:
				s, other = storetest.OpenPostgreSQLPair(t, "&read_timeout=2s")
				bound = 2 * time.Second
			case store.SQLite:
				s, other = storetest.OpenTwo(t, store.SQLite)
				bound = 15 * time.Second // the busy timeout is 10 s
			}
			e := newEnvOn(t, s)
			tok := outageUsers(t, e)

			// Another transaction holds the lock the write needs.
			hold := "UPDATE teams SET name = name"
			if d == store.PostgreSQL {
				hold = "LOCK TABLE teams, team_members IN ACCESS EXCLUSIVE MODE"
			}
			tx := holdOn(t, other, hold)
			start := time.Now()
			res, body := putBob(e, tok)
			took := time.Since(start)
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			detail, _ := body["detail"].(string)
			t.Logf("answered %d after %s: %q", res.StatusCode, took.Round(time.Millisecond), detail)
			check503(t, "a write waiting on a lock", res, detail, dbBusyMessage)
			if took > bound {
				t.Errorf("answered after %s, want within %s", took, bound)
			}
			checkPutBobUndone(t, e, s, tok, res.StatusCode)
		})
	}
}

// TestDatabaseDiesMidQueryAnswers503: a request whose statement is in
// flight when the database goes away without a word (the connection reset
// or closed, no 57P0x sent: a crash, a host or network gone) answers 503
// with Retry-After saying the database is unavailable, as one that could
// not connect does, not a 500.
func TestDatabaseDiesMidQueryAnswers503(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: SQLite is a file: there is no server to die", storetest.EnvDatabaseURL)
	}
	s, cut := storetest.OpenCuttable(t)
	e := newEnvOn(t, s)
	tok := outageUsers(t, e)
	// The request's second write waits on a row held here, and the
	// database goes away while it waits.
	tx := holdOn(t, s, holdPolicyVersion)
	defer tx.Rollback() //nolint:errcheck // the connection is gone
	time.AfterFunc(500*time.Millisecond, cut)
	res, body := putBob(e, tok)
	detail, _ := body["detail"].(string)
	t.Logf("answered %d: %q", res.StatusCode, detail)
	check503(t, "PUT /api/v1/teams/payments/members/bob", res, detail, dbDownMessage)
}
