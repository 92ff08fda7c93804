package lifecycle_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// A description's info.title has no bound of its own; the version keeps a
// copy of it for lists (api_versions.title, VARCHAR(500)). PostgreSQL
// enforces that length where SQLite does not: a long title must not make
// the import fail on one database only.
func TestLongSpecTitleIsStoredOnEveryDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t)
		long := strings.Repeat("é", 700)
		text := strings.Replace(spectest.PetsV1, "title: Pets,", "title: "+long+",", 1)
		v, err := f.svc.CreateVersion(ctx, f.dev, a, "1.0.0", []byte(text))
		if err != nil {
			t.Fatalf("CreateVersion with a %d-character title: %v", utf8.RuneCountInString(long), err)
		}
		got, err := s.Version(ctx, a.ID, v.Version)
		if err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(got.Title); n != 500 || !strings.HasPrefix(long, got.Title) {
			t.Errorf("stored title has %d characters, want the first 500 of the description's", n)
		}
		if !strings.Contains(got.SpecRaw, long) {
			t.Error("the description itself lost its title")
		}
	})
}
