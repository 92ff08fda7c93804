package gateway_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/gateway"
)

func TestParseOrigin(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://app.example.com", "https://app.example.com"},
		{"https://App.Example.COM/", "https://app.example.com"},
		{"HTTPS://app.example.com:443", "https://app.example.com"},
		{"http://localhost:80", "http://localhost"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"https://app.example.com:8443", "https://app.example.com:8443"},
		{"http://127.0.0.1:5173", "http://127.0.0.1:5173"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"https://xn--bcher-kva.example", "https://xn--bcher-kva.example"},
		// A browser sends an IPv6 origin in its shortest form.
		{"http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"},
		{"http://[2001:DB8:0:0:0:0:0:1]", "http://[2001:db8::1]"},
		// An IPv4-mapped address in hex, as the URL standard writes it.
		{"http://[::ffff:127.0.0.1]:8080", "http://[::ffff:7f00:1]:8080"},
		{"http://[::FFFF:7F00:1]", "http://[::ffff:7f00:1]"},
		{"http://[::ffff:0.0.0.1]", "http://[::ffff:0:1]"},
	} {
		got, err := gateway.ParseOrigin(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseOrigin(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, why string }{
		{"", "empty"},
		{"app.example.com", "https://"},
		{"ftp://app.example.com", "https://"},
		{"https://app.example.com/path", "path"},
		{"https://app.example.com?x=1", "query"},
		{"https://app.example.com#x", "fragment"},
		{"https://u:p@app.example.com", "user name"},
		{"https://app.example.com:", "port is empty"},
		{"https://app.example.com:0", "port"},
		{"https://app.example.com:70000", "port"},
		{"https://app example.com", "space"},
		{"https://bücher.example", "xn--"},
		{"https://-bad.example", "host name"},
		{"https://", "no host"},
		{"*.example.com", "https://"},
		{"https://" + strings.Repeat("a", 300) + ".com", "longer"},
		// A browser reads 1.2.3 as 1.2.0.3 and sends that.
		{"http://1.2.3", "not an IP address"},
		{"http://10.0.0.256", "not an IP address"},
		// A last label in hex is a number too: 0x7f000001 is 127.0.0.1.
		{"http://0x7f000001", "not an IP address"},
		{"http://app.0X1f", "not an IP address"},
		{"http://app.0x", "not an IP address"},
	} {
		got, err := gateway.ParseOrigin(c.in)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("ParseOrigin(%q) = %q, %v; want an error saying %q", c.in, got, err, c.why)
		}
	}
}

func TestRouteValidateCORSOrigins(t *testing.T) {
	base := gateway.Route{API: "ledger", Major: 1, Targets: []string{"http://u:1"}, State: gateway.StatePublished}
	for _, ok := range [][]string{nil, {"*"}, {"https://a.example", "http://localhost:3000"}} {
		r := base
		r.CORSOrigins = ok
		if err := r.Validate(); err != nil {
			t.Errorf("origins %q: %v", ok, err)
		}
	}
	many := make([]string, gateway.MaxCORSOrigins+1)
	for i := range many {
		many[i] = "https://a" + strings.Repeat("b", i) + ".example"
	}
	for _, bad := range [][]string{{"*", "https://a.example"}, {"https://A.example"}, {"https://a.example:443"}, {"https://a.example/"},
		{"https://a.example", "https://a.example"}, {""}, many} {
		r := base
		r.CORSOrigins = bad
		if err := r.Validate(); err == nil {
			t.Errorf("origins %q are accepted", bad)
		}
	}
}
