package subscriptions_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestDeprecatedMajorRefusalNamesTheSunsetDay: subscribing to a deprecated
// major is refused naming its sunset day in UTC, the day the pages show,
// also when the PostgreSQL session's time zone is west of UTC (a server
// set up with a local TimeZone), where the stored midnight UTC reads back
// as the evening before.
func TestDeprecatedMajorRefusalNamesTheSunsetDay(t *testing.T) {
	if base := os.Getenv(storetest.EnvDatabaseURL); base != "" {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("TimeZone", "America/New_York")
		u.RawQuery = q.Encode()
		t.Setenv(storetest.EnvDatabaseURL, u.String())
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.publish(t, f.api, "2.0.0", spectest.PetsV1)
		day := f.clock.Now().Truncate(24*time.Hour).AddDate(0, 0, 60)
		v1, err := s.Version(ctx, f.api.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.life.Deprecate(ctx, f.maint, f.api, v1, day, "2.0.0"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: "pets", Plan: "free", Major: "1", Purpose: "old clients"})
		want := "(sunset " + day.Format("2006-01-02") + ")"
		if msg := fieldError(t, err, "major"); !strings.Contains(msg, want) {
			t.Errorf("subscribing to the deprecated v1: %q, want it to name %s", msg, want)
		}
	})
}
