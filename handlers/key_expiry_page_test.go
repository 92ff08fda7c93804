package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAppPageShowsWhenAKeyExpires: a key given an expiry time through the
// JSON API (here midnight UTC, the start of a day) is shown on the app page
// with that time in UTC, not as the bare date, which the key form reads as
// the end of that day: the key stops working a day before such a date.
func TestAppPageShowsWhenAKeyExpires(t *testing.T) {
	e := newLCEnv(t)
	sub := e.finderSubscribedToPets()
	id := fmt.Sprint(sub["id"])
	midnight := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 60)
	k := e.call("POST", "/api/v1/subscriptions/"+id+"/keys", "outsider", map[string]any{"name": "production", "expires_at": midnight.Format(time.RFC3339)}, 201)
	dated := e.call("POST", "/api/v1/subscriptions/"+id+"/keys", "outsider", map[string]any{"name": "staging", "expires_at": midnight.Format("2006-01-02")}, 201)

	b := e.browser()
	b.login("outsider")
	for _, path := range []string{"/apps/finder", "/subscriptions/" + id + "/keys"} {
		d := doc(t, b.get(path))
		for _, c := range []struct {
			kid  string
			want string
		}{
			{k["id"].(string), midnight.Format("2006-01-02") + " 00:00 UTC"},
			{dated["id"].(string), midnight.Format("2006-01-02") + " 23:59 UTC"},
		} {
			got := strings.TrimSpace(d.Find(`[data-testid="key-row"][data-key="` + c.kid + `"] [data-testid="key-expires"]`).Text())
			if got != c.want {
				t.Errorf("%s: key %s expires %q, want %q", path, c.kid, got, c.want)
			}
		}
	}
}
