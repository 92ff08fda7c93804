package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestVersionEchoesAreCut: a sunset that is not a date (from the page's
// form, up to the form's 256 KB, or from the JSON API) and a version name
// from the URL (up to the request line's 4 KB) are quoted in their
// messages to at most 80 characters, not whole.
func TestVersionEchoesAreCut(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	long := strings.Repeat("x", 3000)

	b := e.browser()
	b.login("maint")
	res := b.post("/apis/pets/versions/1.0.0/deprecate", url.Values{"sunset": {long}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("page: got status %d, want 422", res.StatusCode)
	}
	msg := doc(t, res).Find(`[data-testid="deprecate-form"] [data-testid="error-sunset"]`).Text()
	if want := fmt.Sprintf("%.80q is not a date: use YYYY-MM-DD (e.g. 2027-01-31) or an RFC 3339 time.", long); strings.TrimSpace(msg) != want {
		t.Errorf("page: got message of %d characters %.120q…, want %q", len(msg), msg, want)
	}

	res, body := e.api("POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", e.tok["maint"], map[string]any{"sunset": long})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("API: got status %d (%.200v), want 422", res.StatusCode, body)
	}
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("API: got errors %.200v, want one", body["errors"])
	}
	msg, _ = errs[0].(map[string]any)["message"].(string)
	if want := fmt.Sprintf("\u2068%.80q\u2069 is not a date: use YYYY-MM-DD (e.g. 2027-01-31) or an RFC 3339 time.", long); msg != want {
		t.Errorf("API: got message of %d characters %.120q…, want %q", len(msg), msg, want)
	}

	res, body = e.api("GET", "/api/v1/apis/pets/versions/"+long, e.tok["maint"], nil)
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown version: got status %d, want 404", res.StatusCode)
	}
	msg, _ = body["detail"].(string)
	if want := fmt.Sprintf("\u2068API pets\u2069 has no version \u2068%.80q\u2069.", long); msg != want {
		t.Errorf("unknown version: got detail of %d characters %.120q…, want %q", len(msg), msg, want)
	}
}
