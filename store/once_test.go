package store_test

import (
	"context"
	"errors"
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
			return n
		}

		boom := errors.New("boom")
		if done, err := s.Once(ctx, "k1", u.ID, create("failing", boom)); !errors.Is(err, boom) || done != nil {
			t.Fatalf("a failing creation: %v, %v; want boom", done, err)
		}
		if n := teams("failing"); n != 0 {
			t.Errorf("the failed creation's team was kept: %d", n)
		}
		if done, err := s.Once(ctx, "k1", u.ID, create("mobile", nil)); err != nil || done != nil {
			t.Fatalf("after a failure the key is unused: got %v, %v", done, err)
		}
		done, err := s.Once(ctx, "k1", u.ID, create("again", nil))
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
