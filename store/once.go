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

	KeyHash  string `bun:"key_hash,pk"`
	UserID   int64  `bun:"user_id"`
	Location string `bun:"location"`
	// RequestHash is the hash of what the key came with: the request for
	// the JSON API's Idempotency-Key (its method, path and body), the
	// form's content for a form's one-time id; "" for a key recorded
	// before the portal kept them (NULL).
	RequestHash string    `bun:"request_hash,nullzero"`
	CreatedAt   time.Time `bun:"created_at"`
}

// maxLocation bounds FormSubmission.Location (the column's length).
const maxLocation = 512

// onceTxKey marks the context of a Once creation with its *onceTx: every
// RunInTx under it joins that one transaction (as a savepoint) instead of
// opening its own.
type onceTxKey struct{}

// errUsed stops a creation whose key was used already.
var errUsed = errors.New("form id already used")

// onceTx is the transaction of a Once. The creation's first RunInTx opens
// it and records the key before anything else; Once commits it when the
// creation returns. What the creation does before it writes (validating,
// parsing) thus holds no lock: SQLite has one writer at a time.
type onceTx struct {
	// ctx is Once's: the transaction lives until Once ends it, whatever
	// the context of the RunInTx that opened it.
	ctx         context.Context
	keyHash     string
	userID      int64
	requestHash string
	// hooks is the open transaction with what to do after its commit
	// (nil while none is open).
	hooks *txHooks
	// used: the key was found used; the creation was stopped.
	used bool
}

// begin opens the transaction and records the key in it. A concurrent
// transaction that recorded the same key makes the insert wait for its
// outcome (PostgreSQL's unique index; SQLite's write lock, taken at
// BEGIN): when that one committed, the key is used and begin returns
// errUsed with nothing open.
func (o *onceTx) begin(s *Store) error {
	ctx := o.ctx
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record form id: %w", translate(err))
	}
	res, err := tx.NewInsert().Model(&FormSubmission{KeyHash: o.keyHash, UserID: o.userID, RequestHash: o.requestHash, CreatedAt: s.now()}).
		On("CONFLICT (key_hash) DO NOTHING").Exec(ctx)
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil || n == 0 {
		_ = tx.Rollback()
		if err != nil {
			return fmt.Errorf("record form id: %w", translate(err))
		}
		o.used = true
		return errUsed
	}
	o.hooks = &txHooks{tx: tx}
	return nil
}

// runInTx runs fn in a savepoint of the Once transaction, opening that
// first; what fn asks to do after its commit waits for the transaction's.
func (o *onceTx) runInTx(ctx context.Context, s *Store, fn func(ctx context.Context, tx bun.Tx) error) error {
	if o.used {
		return errUsed
	}
	if o.hooks == nil {
		if err := o.begin(s); err != nil {
			return err
		}
	}
	inner := &txHooks{tx: o.hooks.tx}
	err := o.hooks.tx.RunInTx(ctx, nil, func(ctx context.Context, sp bun.Tx) error {
		return fn(context.WithValue(ctx, txHooksKey{}, inner), sp)
	})
	if err != nil {
		return translate(err)
	}
	o.hooks.fns = append(o.hooks.fns, inner.fns...)
	return nil
}

// Once runs create at most once per keyHash. create makes something and
// returns where it is (a path of the portal); every RunInTx it calls is a
// savepoint of one transaction that first records keyHash as used, and
// records the path when create returns: the record and the creation commit
// together or not at all. When keyHash was used already, Once returns that
// earlier submission instead of create's result: create is not run when
// the use committed before, and its first RunInTx fails (writing nothing)
// when it commits while this one runs. create must not call RunInTx from
// several goroutines at once. requestHash, when not "", is recorded with
// the key (the hash of the request or of the form's content): the caller
// compares it with the one of the earlier submission Once returns.
func (s *Store) Once(ctx context.Context, keyHash string, userID int64, requestHash string, create func(ctx context.Context) (string, error)) (*FormSubmission, error) {
	// A repeat after the first committed (the common case) does not run
	// the creation, whose checks would see what the first created.
	if sub, err := s.formSubmission(ctx, keyHash); err == nil {
		return sub, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	o := &onceTx{ctx: ctx, keyHash: keyHash, userID: userID, requestHash: requestHash}
	committed := false
	defer func() {
		if o.hooks != nil && !committed {
			_ = o.hooks.tx.Rollback()
		}
	}()
	loc, err := create(context.WithValue(ctx, onceTxKey{}, o))
	if err == nil && !o.used && o.hooks == nil {
		// The creation wrote nothing through RunInTx (it had nothing to
		// change): the key is recorded on its own.
		err = o.begin(s)
	}
	if o.used {
		return s.formSubmission(ctx, keyHash)
	}
	if err != nil {
		// Refused before it wrote, maybe for what a concurrent request
		// with the same key created meanwhile ("the slug is taken"): that
		// one is the answer.
		if sub, rerr := s.formSubmission(ctx, keyHash); rerr == nil {
			return sub, nil
		}
		return nil, err
	}
	if len(loc) > maxLocation {
		loc = loc[:maxLocation]
	}
	if _, err := o.hooks.tx.NewUpdate().Model((*FormSubmission)(nil)).Set("location = ?", loc).
		Where("key_hash = ?", keyHash).Exec(ctx); err != nil {
		return nil, fmt.Errorf("record form id: %w", translate(err))
	}
	committed = true
	if err := o.hooks.tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", translate(err))
	}
	for _, f := range o.hooks.fns {
		f()
	}
	return nil, nil
}

// formSubmission reads a used key's record.
func (s *Store) formSubmission(ctx context.Context, keyHash string) (*FormSubmission, error) {
	sub := new(FormSubmission)
	if err := s.db.NewSelect().Model(sub).Where("key_hash = ?", keyHash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read form submission: %w", translate(err))
	}
	return sub, nil
}

// PruneFormSubmissions deletes the used form ids older than age, a batch
// at a time (see deleteBatched), and returns how many it deleted.
func (s *Store) PruneFormSubmissions(ctx context.Context, age time.Duration) (int64, error) {
	n, err := s.deleteBatched(ctx, 0, "form_submissions", "key_hash", "created_at < ?", s.now().Add(-age))
	if err != nil {
		return n, fmt.Errorf("prune form submissions: %w", err)
	}
	return n, nil
}
