package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// APIsByIDs returns the APIs with these ids and their teams, in id order;
// ids without an API are left out.
func (s *Store) APIsByIDs(ctx context.Context, ids []int64) ([]API, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var apis []API
	if err := s.db.NewSelect().Model(&apis).Relation("Team").Where("a.id IN (?)", bun.List(ids)).Order("a.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("apis by id: %w", translate(err))
	}
	return apis, nil
}

// VersionSpecs returns the descriptions of these versions (their source as
// uploaded) by version id.
func (s *Store) VersionSpecs(ctx context.Context, versionIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(versionIDs))
	if len(versionIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Spec string `bun:"spec_raw"`
	}
	if err := s.db.NewSelect().Model((*APIVersion)(nil)).Column("v.id", "v.spec_raw").
		Where("v.id IN (?)", bun.List(versionIDs)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("version specs: %w", translate(err))
	}
	for _, r := range rows {
		out[r.ID] = r.Spec
	}
	return out, nil
}
