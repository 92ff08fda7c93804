package bintest

import (
	"net/http"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// PageCSRF returns the CSRF token of the page at url (its csrf-token meta
// tag, the token its forms carry), got with client: a page that does not
// answer 200 with one fails the test.
func PageCSRF(t testing.TB, client *http.Client, url string) string {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	token := d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")
	if res.StatusCode != http.StatusOK || token == "" {
		t.Fatalf("GET %s: %d, no CSRF token", url, res.StatusCode)
	}
	return token
}
