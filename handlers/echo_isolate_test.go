package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestEchoedInputIsIsolated: an input echoed back in a refusal (a username
// that names nobody, a sunset that is not a date) keeps its quotes and is
// isolated: between U+2068 and U+2069 in a problem document's message, in
// a <bdi> on a page, so a right-to-left input does not reorder the sentence.
func TestEchoedInputIsIsolated(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	const rtl = "غدا"

	b := e.browser()
	b.login("maint")
	res := b.post("/apis/pets/versions/1.0.0/deprecate", url.Values{"sunset": {rtl}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("page: got status %d, want 422", res.StatusCode)
	}
	field := doc(t, res).Find(`[data-testid="deprecate-form"] [data-testid="error-sunset"]`)
	if got := field.Find("bdi").First().Text(); got != `"`+rtl+`"` {
		t.Errorf("page: the message %q isolates %q, want %q in a <bdi>", strings.TrimSpace(field.Text()), got, `"`+rtl+`"`)
	}

	res, body := e.api("POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", e.tok["maint"], map[string]any{"sunset": rtl})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("API: got status %d (%.200v), want 422", res.StatusCode, body)
	}
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("API: got errors %.200v, want one", body["errors"])
	}
	msg, _ := errs[0].(map[string]any)["message"].(string)
	if want := "\u2068\"" + rtl + "\"\u2069 is not a date"; !strings.HasPrefix(msg, want) {
		t.Errorf("API: got message %q, want it to start with %q", msg, want)
	}

	admin := e.browser()
	admin.login("admin")
	res = admin.post("/teams/payments/members", url.Values{"username": {"مستخدم"}, "role": {"maintainer"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("member: got status %d, want 422", res.StatusCode)
	}
	field = doc(t, res).Find(`[data-testid="error-username"]`)
	if got := field.Find("bdi").First().Text(); got != `"مستخدم"` {
		t.Errorf("member: the message %q isolates %q, want %q in a <bdi>", strings.TrimSpace(field.Text()), got, `"مستخدم"`)
	}
}
