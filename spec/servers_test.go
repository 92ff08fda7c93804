package spec

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestServerTargets(t *testing.T) {
	doc, err := Parse([]byte(`openapi: 3.0.3
info: {title: S, version: "1"}
servers:
  - url: https://API.example.com/v1
  - url: "https://{region}.example.com:8443/{base}"
    variables:
      region: {default: eu}
      base: {default: v2}
  - url: /relative
  - url: ftp://files.example.com
  - url: "https://evil.example.com; script-src *"
  - url: https://user:pw@example.org
paths:
  /a:
    servers:
      - url: http://127.0.0.1:9000
    get:
      servers:
        - url: https://api.example.com/other
      responses: {'200': {description: ok}}
`))
	if err != nil {
		t.Fatal(err)
	}
	var origins []string
	for _, s := range doc.ServerTargets() {
		origins = append(origins, s.URL+" => "+s.Origin)
	}
	want := []string{
		"https://API.example.com/v1 => https://api.example.com",
		"https://{region}.example.com:8443/{base} => https://eu.example.com:8443",
		"/relative => ",
		"ftp://files.example.com => ",
		"https://evil.example.com; script-src * => ",
		"https://user:pw@example.org => ",
		"http://127.0.0.1:9000 => http://127.0.0.1:9000",
		"https://api.example.com/other => https://api.example.com",
	}
	if !reflect.DeepEqual(origins, want) {
		t.Errorf("server targets:\n got %q\nwant %q", origins, want)
	}
}

// TestServerTargetsOfLongVariables gives servers URLs that use a variable
// thousands of times, its default thousands of bytes long: replacing each
// use by the default made each URL millions of bytes to check. Finding the
// origins allocates little, and no URL longer than maxServerURL is read.
func TestServerTargetsOfLongVariables(t *testing.T) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: S, version: '1'}\nservers:\n")
	for i := range 4 {
		fmt.Fprintf(&b, "  - url: 'https://h%d.example.com/%s'\n    variables: {v: {default: %s}}\n", i, strings.Repeat("{v}", 5000), strings.Repeat("x", 5000))
	}
	b.WriteString("  - url: 'https://{host}/{v}'\n    variables: {host: {default: api.example.com}, v: {default: '" + strings.Repeat("y", 5000) + "'}}\n")
	b.WriteString("paths: {/a: {get: {responses: {'200': {description: ok}}}}}\n")
	d := mustParse(t, []byte(b.String()))
	var targets []ServerTarget
	allocs := testing.AllocsPerRun(1, func() { targets = d.ServerTargets() })
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	targets = d.ServerTargets()
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("ServerTargets allocated %d KiB (%v allocations), want at most 1024 KiB", alloc>>10, allocs)
	}
	var origins []string
	for _, s := range targets {
		origins = append(origins, s.Origin)
	}
	// Expanded past maxServerURL, a URL has no origin (it is listed, not
	// reachable); a long default used once is expanded.
	want := []string{"", "", "", "", "https://api.example.com"}
	if !reflect.DeepEqual(origins, want) {
		t.Errorf("origins %q, want %q", origins, want)
	}
}

// TestDiffBasePathOfLongVariables compares descriptions whose first
// server uses a long variable thousands of times: the base path, which
// every change of the diff repeats in its operation, is no longer than
// maxServerURL.
func TestDiffBasePathOfLongVariables(t *testing.T) {
	spec := func(url, def string) []byte {
		return []byte(fmt.Sprintf("openapi: 3.0.3\ninfo: {title: S, version: '1'}\nservers:\n  - url: '%s'\n    variables: {v: {default: '%s'}}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}, /b: {get: {responses: {'200': {description: ok}}}}}\n", url, def))
	}
	base := mustParse(t, spec("https://api.example.com/{v}", "v1"))
	rev := mustParse(t, spec("https://api.example.com/"+strings.Repeat("{v}", 5000), strings.Repeat("x", 5000)))
	report, err := Diff(base, rev)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.BasePath) > maxServerURL {
		t.Errorf("base path of %d bytes, want at most %d", len(report.BasePath), maxServerURL)
	}
	for _, c := range report.Changes {
		if len(c.Operation) > maxServerURL+16 {
			t.Errorf("change %s names an operation of %d bytes", c.ID, len(c.Operation))
		}
	}
	if got := basePath(base.Spec); got != "/v1" {
		t.Errorf("base path %q, want /v1", got)
	}
}
