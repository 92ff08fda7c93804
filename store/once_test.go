package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestOnceRecordsWithTheCreation: Once runs its creation once per key, in
// the transaction that records the key; a creation that fails leaves the
// key unused and writes nothing; housekeeping forgets old keys.
func TestOnceRecordsWithTheCreation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := storetest.User(t, s, "ada", "member", nil, "")
		runs := 0
		create := func(slug string, fail error) func(ctx context.Context) (string, error) {
			return func(ctx context.Context) (string, error) {
				runs++
				err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
					_, err := tx.NewInsert().Model(&store.Team{Slug: slug, Name: slug}).Exec(ctx)
					return err
				})
				if err != nil {
					return "", err
				}
				return "/teams/" + slug, fail
			}
		}
		teams := func(slug string) int {
			n, err := s.DB().NewSelect().Model((*store.Team)(nil)).Where("slug = ?", slug).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}

		boom := errors.New("boom")
		if done, err := s.Once(ctx, "k1", u.ID, "", create("failing", boom)); !errors.Is(err, boom) || done != nil {
			t.Fatalf("a failing creation: %v, %v; want boom", done, err)
		}
		if n := teams("failing"); n != 0 {
			t.Errorf("the failed creation's team was kept: %d", n)
		}
		if done, err := s.Once(ctx, "k1", u.ID, "", create("mobile", nil)); err != nil || done != nil {
			t.Fatalf("after a failure the key is unused: got %v, %v", done, err)
		}
		done, err := s.Once(ctx, "k1", u.ID, "", create("again", nil))
		if err != nil || done == nil || done.Location != "/teams/mobile" || done.UserID != u.ID {
			t.Fatalf("the key again: %+v, %v; want the first creation's location", done, err)
		}
		if runs != 2 || teams("mobile") != 1 || teams("again") != 0 {
			t.Errorf("runs %d, mobile %d, again %d: want 2, 1, 0", runs, teams("mobile"), teams("again"))
		}

		if n, err := s.PruneFormSubmissions(ctx, 24*time.Hour); err != nil || n != 0 {
			t.Errorf("prune a day: %d, %v; want 0", n, err)
		}
		if n, err := s.PruneFormSubmissions(ctx, -time.Minute); err != nil || n != 1 {
			t.Errorf("prune all: %d, %v; want 1", n, err)
		}
	})
}

// TestOnceLocksNothingBeforeTheCreationWrites: what the creation does
// before it writes (validating, parsing a description) holds no lock, so
// other writes go on meanwhile; SQLite has one writer at a time. Before,
// Once began its transaction (SQLite: BEGIN IMMEDIATE, the write lock)
// before calling the creation, and a write meanwhile waited for it.
func TestOnceLocksNothingBeforeTheCreationWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := storetest.User(t, s, "ada", "member", nil, "")
		insert := func(ctx context.Context, slug string) error {
			return s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				_, err := tx.NewInsert().Model(&store.Team{Slug: slug, Name: slug}).Exec(ctx)
				return err
			})
		}
		started, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			_, err := s.Once(ctx, "k1", u.ID, "", func(ctx context.Context) (string, error) {
				close(started)
				<-release // validating, before any write
				return "/teams/mobile", insert(ctx, "mobile")
			})
			done <- err
		}()
		<-started
		begin := time.Now()
		err := insert(ctx, "other")
		took := time.Since(begin)
		close(release)
		if err != nil || took > 2*time.Second {
			t.Errorf("a write while the creation validates: %v after %v; want it done at once", err, took.Round(time.Millisecond))
		}
		if err := <-done; err != nil {
			t.Fatalf("the creation: %v", err)
		}
		if sub, err := s.Once(ctx, "k1", u.ID, "", func(context.Context) (string, error) { return "", errors.New("ran again") }); err != nil || sub == nil || sub.Location != "/teams/mobile" {
			t.Errorf("the key again: %+v, %v", sub, err)
		}
	})
}

// TestPruneFormSubmissionsKeepsTheRetention: housekeeping deletes exactly
// the used ids recorded more than the retention ago, and keeps the others.
func TestPruneFormSubmissionsKeepsTheRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := storetest.User(t, s, "ada", "member", nil, "")
		now := time.Now().UTC()
		for key, age := range map[string]time.Duration{
			"week": 7 * 24 * time.Hour, "day-and-minute": 24*time.Hour + time.Minute,
			"day-less-minute": 24*time.Hour - time.Minute, "hour": time.Hour, "now": 0,
		} {
			if _, err := s.DB().NewInsert().Model(&store.FormSubmission{KeyHash: key, UserID: u.ID, Location: "/", CreatedAt: now.Add(-age)}).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PruneFormSubmissions(ctx, 24*time.Hour)
		if err != nil || n != 2 {
			t.Errorf("prune a day: %d, %v; want 2", n, err)
		}
		var left []string
		if err := s.DB().NewSelect().Model((*store.FormSubmission)(nil)).Column("key_hash").Order("key_hash").Scan(ctx, &left); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(left, " "); got != "day-less-minute hour now" {
			t.Errorf("kept %q, want the ones younger than a day: day-less-minute hour now", got)
		}
	})
}
