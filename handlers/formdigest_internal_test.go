package handlers

import (
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestFormDigest: a form's digest is its content: the order of its fields,
// its CSRF token, its one-time id and a password do not change it; a value
// does, and so does the order of one field's values.
func TestFormDigest(t *testing.T) {
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error {
		d, err := formDigest(c)
		if err != nil {
			return err
		}
		return c.SendString(d)
	})
	digest := func(body string) string {
		t.Helper()
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || len(b) != 64 {
			t.Fatalf("%s: status %d: %s", body, res.StatusCode, b)
		}
		return string(b)
	}
	base := digest("slug=a&name=A&tag=x&tag=y&password=hunter2&_csrf=one&_form_id=first")
	for _, same := range []string{
		"name=A&tag=x&slug=a&tag=y",
		"slug=a&name=A&tag=x&tag=y&password=other&new_password=x&client_secret=s&_csrf=two&_form_id=second",
	} {
		if d := digest(same); d != base {
			t.Errorf("%s: another digest than the same content's", same)
		}
	}
	for _, other := range []string{
		"slug=b&name=A&tag=x&tag=y",
		"slug=a&name=A&tag=y&tag=x",
		"slug=a&name=A&tag=x&tag=y&description=",
		"slug=a&name=A&tag=xtag=y",
		"slug=a&name=A&tag=x",
	} {
		if d := digest(other); d == base {
			t.Errorf("%s: the digest of other content is the same", other)
		}
	}
	if d := digest(url.Values{"a": {"b:1:c"}}.Encode()); d == digest(url.Values{"a": {"b", "c"}}.Encode()) {
		t.Error("two values and one value with a separator in it have the same digest")
	}
}
