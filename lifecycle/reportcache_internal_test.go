package lifecycle

import (
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/spec"
)

// textBytes is the length of the texts of r's findings and changes.
func textBytes(r *spec.Report) int {
	n := 0
	for _, f := range append(append([]spec.Finding(nil), r.Validation...), r.Lint...) {
		n += len(f.Rule) + len(f.Severity) + len(f.Location) + len(f.Pointer) + len(f.Message)
	}
	if d := r.Diff; d != nil {
		for _, c := range d.Changes {
			n += len(c.ID) + len(c.Level) + len(c.Operation) + len(c.Path) + len(c.Text) + len(c.Old) + len(c.New) + len(c.Key)
		}
		for _, l := range [][]string{d.Added, d.Removed, d.Modified} {
			for _, s := range l {
				n += len(s)
			}
		}
	}
	return n
}

// TestReportCacheBudgetsByBytes keeps reports of few findings with long
// texts (a path of a description may be as long as the description
// allows, and each finding names it twice): the reports the cache holds
// stay within its budget of bytes, not only of items.
func TestReportCacheBudgetsByBytes(t *testing.T) {
	c := newReportCache(reviewCacheBytes)
	at := time.Unix(1700000000, 0)
	path := "/" + strings.Repeat("p", 256<<10)
	for id := range int64(400) {
		f := spec.Finding{Rule: "oas-path-style", Location: "paths." + path + ".get", Pointer: "/paths/" + path + "/get", Message: "the path " + path + " is not kebab-case"}
		c.put(id, at, &spec.Report{Lint: []spec.Finding{f, f}, Diff: &spec.DiffReport{Added: []string{"GET " + path}}})
	}
	held, bytes := 0, 0
	for id := range int64(400) {
		if r := c.get(id, at); r != nil {
			held++
			bytes += textBytes(r)
		}
	}
	if bytes > reviewCacheBytes {
		t.Errorf("the cache holds %d reports with %d MiB of text, want at most %d MiB", held, bytes>>20, reviewCacheBytes>>20)
	}
	if held == 0 {
		t.Error("the cache holds no report")
	}
}
