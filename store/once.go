package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// FormSubmission is a one-time form id already used: the hash of the id
// with what it was bound to, who sent it, where what it created is, and
// when.
type FormSubmission struct {
	bun.BaseModel `bun:"table:form_submissions"`

	KeyHash   string    `bun:"key_hash,pk"`
	UserID    int64     `bun:"user_id"`
	Location  string    `bun:"location"`
	CreatedAt time.Time `bun:"created_at"`
}

// maxLocation bounds FormSubmission.Location (the column's length).
const maxLocation = 512

// onceTxKey marks the context of a Once transaction: every RunInTx under
// it joins that transaction (as a savepoint) instead of opening its own.
type onceTxKey struct{}

// errUsed stops a Once transaction whose id was used already.
var errUsed = errors.New("form id already used")

// Once runs create at most once per keyHash: in one transaction it records
// keyHash as used and runs create, which makes something and returns where
// it is (a path of the portal), recorded with it. The transactions that
// create opens through RunInTx are savepoints of that one, so the record
// and the creation commit together or not at all. When keyHash was used
// already (by a request that committed, or that commits while this one
// waits for it), Once creates nothing and returns that submission.
func (s *Store) Once(ctx context.Context, keyHash string, userID int64, create func(ctx context.Context) (string, error)) (*FormSubmission, error) {
	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		sub := &FormSubmission{KeyHash: keyHash, UserID: userID, CreatedAt: s.now()}
		// A concurrent transaction holding the same key makes this insert
		// wait for its outcome (PostgreSQL's unique index; SQLite's write
		// lock, taken at BEGIN): it inserts nothing when that one committed.
		res, err := tx.NewInsert().Model(sub).On("CONFLICT (key_hash) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("record form id: %w", translate(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record form id: %w", err)
		} else if n == 0 {
			return errUsed
		}
		loc, err := create(context.WithValue(ctx, onceTxKey{}, ctx.Value(txHooksKey{})))
		if err != nil {
			return err
		}
		if len(loc) > maxLocation {
			loc = loc[:maxLocation]
		}
		if _, err := tx.NewUpdate().Model(sub).Set("location = ?", loc).Where("key_hash = ?", keyHash).Exec(ctx); err != nil {
			return fmt.Errorf("record form id: %w", translate(err))
		}
		return nil
	})
	if !errors.Is(err, errUsed) {
		return nil, err
	}
	sub := new(FormSubmission)
	if err := s.db.NewSelect().Model(sub).Where("key_hash = ?", keyHash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read form submission: %w", translate(err))
	}
	return sub, nil
}

// PruneFormSubmissions deletes the used form ids older than age and
// returns how many it deleted.
func (s *Store) PruneFormSubmissions(ctx context.Context, age time.Duration) (int64, error) {
	res, err := s.db.NewDelete().Model((*FormSubmission)(nil)).Where("created_at < ?", s.now().Add(-age)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune form submissions: %w", translate(err))
	}
	return res.RowsAffected()
}
