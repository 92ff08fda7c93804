package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSpecHoldingASecretIsRefused: an OpenAPI description is a stored text
// the whole organisation reads once published; a key or token pasted into
// it (a curl example with a working key) is refused like one in any other
// text, on creating and on editing a draft, naming the line and quoting
// nothing of it.
func TestSpecHoldingASecretIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		sub := e.finderSubscribedToPets()
		key := e.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "outsider", map[string]any{"name": "production"}, 201)["key"].(string)
		e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsV1}, 201)
		for _, secret := range []string{key, e.tok["dev"]} {
			withSecret := strings.Replace(spectest.PetsV1, "description: Pets.", "description: 'curl -H \"X-API-Key: "+secret+"\"'", 1)
			for _, c := range []struct {
				method, path string
				body         map[string]any
			}{
				{"POST", "/api/v1/apis/pets/versions", map[string]any{"version": "1.2.0", "spec": withSecret}},
				{"PUT", "/api/v1/apis/pets/versions/1.1.0", map[string]any{"spec": withSecret}},
			} {
				got := toJSON(t, e.call(c.method, c.path, "dev", c.body, 422))
				if !strings.Contains(got, `"field":"spec"`) || !strings.Contains(got, "Line 2:") || !strings.Contains(got, "looks like a Portico API key or token") {
					t.Errorf("%s %s with %.8s…: %s, want the secret's refusal for the spec naming line 2", c.method, c.path, secret, got)
				}
				if strings.Contains(got, secret[len(secret)-20:]) {
					t.Errorf("%s %s: the refusal quotes the secret: %s", c.method, c.path, got)
				}
			}
		}
		// An example shortened as the message says passes.
		e.call("PUT", "/api/v1/apis/pets/versions/1.1.0", "dev", map[string]any{"spec": strings.Replace(spectest.PetsV1, "description: Pets.", "description: 'use X-API-Key: ptk_…'", 1)}, 200)
	})
}
