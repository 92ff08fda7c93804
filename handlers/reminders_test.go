package handlers_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/remind"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRemindersOnNotificationsPage: a consumer subscribes through the
// JSON API, issues a key expiring in 30 days, and the provider deprecates
// the version with a sunset in 45 days. The scheduler, run 25 days later
// (an injected clock), reminds the consumer's team of both; their
// notifications page shows each once, linking to the version and to the
// app, and a second run adds nothing.
func TestRemindersOnNotificationsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		e.createAPI("pets", "public")
		e.version("pets", "1.0.0", lifecycle.Published)
		e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder", "contact": "finder@example.com"}, 201)
		sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)
		id := int64(sub["id"].(float64))
		expiry := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
		key := e.call("POST", "/api/v1/subscriptions/"+itoa(id)+"/keys", "outsider", map[string]any{"name": "production", "expires_at": expiry}, 201)
		sunset := lcSunset(45)
		e.call("POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": sunset}, 200)

		r := remind.New(s, slog.New(slog.DiscardHandler))
		at := time.Now().Add(25 * 24 * time.Hour)
		for run, want := range []int{2, 0} {
			n, err := r.At(context.Background(), at)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("run %d: sent %d reminders, want %d", run+1, n, want)
			}
		}

		b := e.browser()
		b.login("outsider")
		var got []string
		links := map[string]string{}
		doc(t, b.get("/notifications")).Find(`[data-testid="notification"]`).Each(func(_ int, sel *goquery.Selection) {
			txt := strings.Join(strings.Fields(sel.Text()), " ")
			if strings.Contains(txt, "Reminder:") {
				got = append(got, txt)
				links[txt], _ = sel.Find("a").Attr("href")
			}
		})
		if len(got) != 2 {
			t.Fatalf("reminders on the notifications page: %q, want 2", got)
		}
		var sawSunset, sawKey bool
		for _, txt := range got {
			switch {
			case strings.Contains(txt, "API pets 1.0.0, which your apps subscribe to, will be retired on "+sunset+" (UTC), in "):
				sawSunset = true
				if links[txt] != "/apis/pets/versions/1.0.0" {
					t.Errorf("the sunset reminder links to %q, want /apis/pets/versions/1.0.0", links[txt])
				}
			case strings.Contains(txt, "the API key "+key["prefix"].(string)+" (production) of Finder's subscription to API pets v1 expires on "+expiry+" 23:59 UTC"):
				sawKey = true
				if links[txt] != "/apps/finder" {
					t.Errorf("the key reminder links to %q, want /apps/finder", links[txt])
				}
			}
		}
		if !sawSunset || !sawKey {
			t.Errorf("reminders %q, want the sunset's and the key's", got)
		}
	})
}
