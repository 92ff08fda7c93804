package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSynonymsRefuseSecrets: a key or token typed into the synonym list
// (shown to every member, kept in the audit log) is refused like one typed
// into any stored text, through the JSON API and the page, and the refusal
// quotes no part of its secret: not the 60 characters a too long member's
// message quotes.
func TestSynonymsRefuseSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		sub := e.finderSubscribedToPets()
		key := e.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "outsider", map[string]any{"name": "production"}, 201)["key"].(string)
		pat := e.tok["dev"]
		before := toJSON(t, e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200))
		// The first characters of each secret's private part.
		leaks := map[string]string{key: key[len("ptk_")+16+1:][:12], pat: pat[len("pat_")+6:][:12]}
		for secret, part := range leaks {
			got := toJSON(t, e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{"dog", secret}}}, 422))
			if !strings.Contains(got, "looks like a Portico API key or token") {
				t.Errorf("%.8s…: the refusal says %s, want the secret's", secret, got)
			}
			if strings.Contains(strings.ToLower(got), strings.ToLower(part)) {
				t.Errorf("%.8s…: the refusal quotes its secret: %s", secret, got)
			}
			b := e.browser()
			b.login("admin")
			b.get("/search/synonyms")
			res := b.post("/search/synonyms", url.Values{"synonyms": {"dog, " + secret}, "lock_version": {"0"}})
			page := readAll(t, res)
			if res.StatusCode != 422 || !strings.Contains(page, "looks like a Portico API key or token") {
				t.Errorf("%.8s… on the page: status %d, want 422 with the secret's refusal", secret, res.StatusCode)
			}
			if strings.Contains(strings.ToLower(page), strings.ToLower(part)) {
				t.Errorf("%.8s… on the page: the page quotes its secret", secret)
			}
		}
		if after := toJSON(t, e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200)); after != before {
			t.Errorf("synonyms after %s, before %s", after, before)
		}
	})
}
