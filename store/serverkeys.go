package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// serverKey is a secret of the portal itself, shared by its instances.
type serverKey struct {
	bun.BaseModel `bun:"table:server_keys"`

	Name      string    `bun:"name,pk"`
	Value     string    `bun:"value"`
	CreatedAt time.Time `bun:"created_at"`
}

// ServerKey returns the server key called name, storing newValue as it
// when there is none yet. Instances starting together agree: the first
// insert wins and every one of them reads it back.
func (s *Store) ServerKey(ctx context.Context, name, newValue string) (string, error) {
	k := &serverKey{Name: name, Value: newValue, CreatedAt: s.now()}
	if _, err := s.db.NewInsert().Model(k).On("CONFLICT (name) DO NOTHING").Exec(ctx); err != nil {
		return "", fmt.Errorf("store server key %s: %w", name, translate(err))
	}
	got := new(serverKey)
	if err := s.db.NewSelect().Model(got).Where("name = ?", name).Scan(ctx); err != nil {
		return "", fmt.Errorf("server key %s: %w", name, translate(err))
	}
	return got.Value, nil
}
