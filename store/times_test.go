package store_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestWrittenTimesAreThoseReadBack: the times the store sets on what it
// writes are those the database keeps, to the microsecond, so that an
// answer made from the written object gives the times a later read gives.
func TestWrittenTimesAreThoseReadBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := range 20 {
			slug := "team-" + string(rune('a'+i))
			team := &store.Team{Slug: slug, Name: "Team " + slug}
			if err := s.CreateTeam(ctx, s.DB(), team); err != nil {
				t.Fatal(err)
			}
			got, err := s.TeamBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if !got.CreatedAt.Equal(team.CreatedAt) || !got.UpdatedAt.Equal(team.UpdatedAt) {
				t.Fatalf("team written with created_at %s, updated_at %s; read back %s, %s",
					team.CreatedAt.Format("15:04:05.999999999"), team.UpdatedAt.Format("15:04:05.999999999"),
					got.CreatedAt.Format("15:04:05.999999999"), got.UpdatedAt.Format("15:04:05.999999999"))
			}
		}
	})
}
