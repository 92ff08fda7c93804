package gateway_test

import (
	"testing"

	"github.com/portico-dev/portico/gateway"
)

// TestParseOriginIPv4MappedAsBrowsersSendIt: a browser serialises an IPv6
// host in hexadecimal pieces only (WHATWG URL, IPv6 serializer), never with
// an embedded IPv4 address: the page at http://[::ffff:1.2.3.4] sends the
// Origin http://[::ffff:102:304]. The allowed origin must be that text, or
// it never matches.
func TestParseOriginIPv4MappedAsBrowsersSendIt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"http://[::ffff:1.2.3.4]", "http://[::ffff:102:304]"},
		{"https://[::FFFF:10.0.0.1]:8443/", "https://[::ffff:a00:1]:8443"},
		{"http://[::ffff:102:304]", "http://[::ffff:102:304]"},
		{"http://[0:0:0:0:0:ffff:0.0.0.0]:80", "http://[::ffff:0:0]"},
		{"http://[::ffff:255.255.255.255]", "http://[::ffff:ffff:ffff]"},
		// Not mapped: as before, the shortest form, all hexadecimal.
		{"http://[::1.2.3.4]", "http://[::102:304]"},
	} {
		got, err := gateway.ParseOrigin(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseOrigin(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	r := gateway.Route{API: "ledger", Major: 1, Targets: []string{"http://u:1"}, State: gateway.StatePublished}
	r.CORSOrigins = []string{"http://[::ffff:102:304]"}
	if err := r.Validate(); err != nil {
		t.Errorf("origin as a browser sends it refused: %v", err)
	}
	r.CORSOrigins = []string{"http://[::ffff:1.2.3.4]"}
	if err := r.Validate(); err == nil {
		t.Errorf("origin %q, which no browser sends, accepted", r.CORSOrigins[0])
	}
}
