package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Size budgets of a review, whatever the request holds: the page lists one
// page of breaking changes and a few items per rule, the JSON one page of
// findings.
const (
	reviewPageBudget = 200 << 10
	reviewJSONBudget = 100 << 10
)

var stringType = regexp.MustCompile(`(?m)^(\s+)type: string$`)

// largeReview publishes Stripe's description (the largest sample with
// Slack's) as 1.0.0 and submits a 1.1.0 in which every string became
// nullable (thousands of changes, the noise a generator change makes) and
// five paths moved (real breaks). It returns the env and the request id.
func largeReview(tb testing.TB) (*lcEnv, int64) {
	tb.Helper()
	data, err := os.ReadFile("../samples/openapi/stripe.com__stripe__2018-05-21.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	e := newLCEnv(tb)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "stripe", "name": "Stripe", "visibility": "public"}, 201)
	e.call("POST", "/api/v1/apis/stripe/versions", "dev", map[string]any{"version": "1.0.0", "spec": string(data)}, 201)
	first := e.call("POST", "/api/v1/apis/stripe/versions/1.0.0/submit", "dev", nil, 201)
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/approve", int64(first["id"].(float64))), "appr", nil, 200)

	rev := stringType.ReplaceAllString(string(data), "${1}type: string\n${1}x-nullable: true")
	for _, p := range []string{"/v1/charges", "/v1/refunds", "/v1/payouts", "/v1/coupons", "/v1/plans"} {
		rev = strings.Replace(rev, "\n  "+p+":\n", "\n  "+p+"-v2:\n", 1)
	}
	e.call("POST", "/api/v1/apis/stripe/versions", "dev", map[string]any{"version": "1.1.0", "spec": rev}, 201)
	second := e.call("POST", "/api/v1/apis/stripe/versions/1.1.0/submit", "dev", nil, 201)
	return e, int64(second["id"].(float64))
}

// TestLargeReviewStaysSmall reviews a request with thousands of changes:
// the page and the JSON stay under their budgets, breaking changes come
// first (grouped by operation), the noise is collapsed by rule with its
// count, and paging reaches the rest.
func TestLargeReviewStaysSmall(t *testing.T) {
	e, id := largeReview(t)
	detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d", id), "appr", nil, 200)
	summary := detail["summary"].(map[string]any)
	total := int(detail["total"].(float64))
	if total < 1000 || summary["breaking"].(float64) < 5 || summary["removed"].(float64) < 5 {
		t.Fatalf("summary %v, %d findings; want thousands, with the 5 removed paths breaking", summary, total)
	}
	findings := detail["findings"].([]any)
	for i, f := range findings[:5] {
		if f.(map[string]any)["breaking"] != true {
			t.Errorf("finding %d is not breaking: breaking changes must come first", i)
		}
	}

	body := rawGet(t, e, fmt.Sprintf("/api/v1/reviews/%d", id), e.tok["appr"])
	t.Logf("JSON answer: %d bytes for %d findings", len(body), total)
	if len(body) > reviewJSONBudget {
		t.Errorf("JSON answer is %d bytes, over the %d budget", len(body), reviewJSONBudget)
	}

	b := e.browser()
	b.login("appr")
	res := b.get(fmt.Sprintf("/reviews/%d", id))
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	t.Logf("review page: %d bytes", len(page))
	if res.StatusCode != http.StatusOK || len(page) > reviewPageBudget {
		t.Errorf("review page: status %d, %d bytes; want 200 under %d bytes", res.StatusCode, len(page), reviewPageBudget)
	}
	d := doc(t, b.get(fmt.Sprintf("/reviews/%d", id)))
	ops := d.Find(`[data-testid="breaking-operation"]`).Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
	if len(ops) == 0 || !slices.ContainsFunc(ops, func(op string) bool { return strings.Contains(op, "/v1/charges") }) {
		t.Errorf("breaking groups %q, want the moved paths first", ops)
	}
	nullable := d.Find(`[data-testid="rule-group"][data-rule="response-property-became-nullable"] [data-testid="rule-count"]`).Text()
	if !strings.Contains(nullable, "warning") {
		t.Errorf("nullable group count %q, want it collapsed as warnings", nullable)
	}
	if d.Find(`[data-testid="rule-group"][data-rule="response-property-became-nullable"] [data-testid="finding-row"]`).Length() > 5 {
		t.Error("a collapsed rule lists more than its preview")
	}
	d = doc(t, b.get(fmt.Sprintf("/reviews/%d?severity=warning&rule=response-property-became-nullable&page=3", id)))
	if d.Find(`[data-testid="filtered-table"] [data-testid="finding-row"]`).Length() != 50 || d.Find(`[data-testid="filter-pager"] a[rel="prev"]`).Length() != 1 {
		t.Error("page 3 of the nullable changes does not list 50 rows with a way back")
	}
}

// BenchmarkReviewLargest times the review page and its JSON for the
// largest request (Stripe with thousands of changes), as computed once at
// submit: go test ./handlers -run '^$' -bench ReviewLargest -benchtime 50x
// prints p50 and p95 of each.
func BenchmarkReviewLargest(b *testing.B) {
	e, id := largeReview(b)
	br := e.browser()
	br.login("appr")
	for _, target := range []struct{ name, path string }{
		{"page", fmt.Sprintf("/reviews/%d", id)},
		{"json", fmt.Sprintf("/api/v1/reviews/%d", id)},
	} {
		b.Run(target.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for range b.N {
				start := time.Now()
				var res *http.Response
				if target.name == "page" {
					res = br.get(target.path)
				} else {
					req := httptest.NewRequest("GET", target.path, nil)
					req.Header.Set("Authorization", "Bearer "+e.tok["appr"])
					var err error
					if res, err = e.app.Test(req, -1); err != nil {
						b.Fatal(err)
					}
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				times = append(times, time.Since(start))
				if res.StatusCode != http.StatusOK {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
			slices.Sort(times)
			p := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000 }
			b.ReportMetric(p(0.5), "p50-ms")
			b.ReportMetric(p(0.95), "p95-ms")
		})
	}
}

// rawGet answers the body of an API GET as sent.
func rawGet(t testing.TB, e *lcEnv, path, token string) []byte {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return body
}
