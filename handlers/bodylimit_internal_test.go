package handlers

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// A request without a body (Content-Length -2 in fasthttp: every GET) is
// let through by the header hook without its path being parsed: the hook
// runs before every request the portal serves.
func TestBodyAllowanceIsFreeWithoutABody(t *testing.T) {
	h := &Handler{}
	h.large = largeBodies(h.Routes())
	var hdr fasthttp.RequestHeader
	if err := hdr.Read(bufio.NewReader(strings.NewReader("GET /catalog?q=pets HTTP/1.1\r\nHost: portico\r\n\r\n"))); err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(100, func() { h.bodyAllowance(&hdr) }); allocs != 0 {
		t.Errorf("%v allocations for a GET, want none", allocs)
	}
}
