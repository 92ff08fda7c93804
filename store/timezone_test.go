package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// newYorkDatabase returns the URL of a new PostgreSQL database whose
// sessions default to the time zone America/New_York, as a server or
// database an operator set up for local use may; it is dropped when the
// test ends.
func newYorkDatabase(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	base := os.Getenv(storetest.EnvDatabaseURL)
	// CREATE and DROP DATABASE copy and remove a database's files: on a
	// loaded machine they outlast the driver's 10 s read timeout (the drop
	// failed with "i/o timeout" under a parallel test run).
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	admin, err := store.Open(ctx, base+sep+"read_timeout=2m", "")
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	name := fmt.Sprintf("tz_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	for _, stmt := range []string{"CREATE DATABASE " + name, "ALTER DATABASE " + name + " SET timezone TO 'America/New_York'"} {
		if _, err := admin.DB().ExecContext(ctx, stmt); err != nil {
			admin.Close()
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		if _, err := admin.DB().ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// TestTimesReadBackInUTC: a stored time reads back in UTC, and so is
// written "…Z" in JSON answers, on SQLite and on a PostgreSQL database
// whose sessions default to another time zone; a time zone that the URL
// sets explicitly is kept.
func TestTimesReadBackInUTC(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			var s *store.Store
			if d == store.PostgreSQL {
				dsn := newYorkDatabase(t)
				var err error
				if s, err = store.Open(ctx, dsn, ""); err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				if _, err := s.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				// The URL's own choice is the operator's.
				q := "?timezone=Asia/Tokyo"
				if strings.Contains(dsn, "?") {
					q = "&timezone=Asia/Tokyo"
				}
				tokyo, err := store.Open(ctx, dsn+q, "")
				if err != nil {
					t.Fatal(err)
				}
				defer tokyo.Close()
				var zone string
				if err := tokyo.DB().NewRaw("SHOW timezone").Scan(ctx, &zone); err != nil || zone != "Asia/Tokyo" {
					t.Errorf("time zone of a session whose URL sets timezone=Asia/Tokyo: %q, %v", zone, err)
				}
			} else {
				s = storetest.Open(t, d)
			}
			tm := &store.Team{Slug: "pets", Name: "Pets"}
			if err := s.CreateTeam(ctx, s.DB(), tm); err != nil {
				t.Fatal(err)
			}
			// Midnight UTC: still the day before in New York.
			tm.CreatedAt = time.Date(2027, 2, 4, 0, 0, 0, 0, time.UTC)
			if _, err := s.DB().NewUpdate().Table("teams").Set("created_at = ?", tm.CreatedAt).Where("id = ?", tm.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := s.TeamBySlug(ctx, "pets")
			if err != nil {
				t.Fatal(err)
			}
			if _, offset := got.CreatedAt.Zone(); offset != 0 || !got.CreatedAt.Equal(tm.CreatedAt) {
				t.Errorf("created_at read back as %s, want %s", got.CreatedAt, tm.CreatedAt)
			}
			b, _ := json.Marshal(got.CreatedAt)
			if !strings.HasSuffix(string(b), `Z"`) {
				t.Errorf("created_at in JSON: %s, want a UTC time (…Z)", b)
			}
			if day := got.CreatedAt.Format(time.DateOnly); day != "2027-02-04" {
				t.Errorf("created_at's day: %s, want 2027-02-04", day)
			}
		})
	}
}
