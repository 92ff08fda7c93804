package gateway_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/gateway"
)

func TestParsePublicURL(t *testing.T) {
	good := []struct{ in, want string }{
		{"https://api.example.com", "https://api.example.com"},
		{"https://api.example.com/", "https://api.example.com"},
		{"http://127.0.0.1:8443", "http://127.0.0.1:8443"},
		{"https://example.com/gateway/", "https://example.com/gateway"},
		{"https://[::1]:9000", "https://[::1]:9000"},
		{"https://API.Example.com/Gateway", "https://API.Example.com/Gateway"},
		{"https://xn--bcher-kva.example/gw", "https://xn--bcher-kva.example/gw"},
		{"http://localhost:8080/", "http://localhost:8080"},
		{"http://portico_gateway:8080", "http://portico_gateway:8080"}, // a Compose service's name
	}
	for _, tt := range good {
		got, err := gateway.ParsePublicURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePublicURL(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty"},
		{"api.example.com", "https://"},
		{"/relative", "https://"},
		{"ftp://api.example.com", "https://"},
		{"https://", "no host"},
		{"https:api.example.com", "no host"},
		{"https://:443", "no host"},
		{"https://user:secret@api.example.com", "user name or password"},
		{"https://api.example.com/?env=prod", "query"},
		{"https://api.example.com/?", "query"},
		{"https://api.example.com/#top", "fragment"},
		{"https://api.example.com#", "fragment"},
		{"https://api.example.com:99999", "port"},
		{"https://api.example.com:0", "port"},
		{" https://api.example.com", "spaces"},
		{"https://api.example.com/a b", "spaces"},
		{"https://api.example.com/a\u00a0b", "spaces"},    // a no-break space, pasted from a document
		{"https://api.exa\u00a0mple.com", "spaces"},       // in the host
		{"https://api.example.com/\u200bv1", "invisible"}, // a zero-width space
		{"https://api.example.com/\u202egw", "invisible"}, // a right-to-left override
		{"https://api;example.com", "host name"},
		{"https://bücher.example", "host name"},
		{"https://-api.example.com", "host name"},
		{"https://api.example.com:", "port"},
		{"https://api.example.com/\x7f", "invisible"},
		{"https://api.example.com/%", "not a URL"},
		{"https://api.example.com/it's", `contains "'"`},
		{"https://api.example.com/$(id)", `contains "$"`},
		{"https://api.example.com/" + strings.Repeat("a", 2000), "longer than"},
		// Numbers that are no IPv4 address: curl and browsers read them as
		// one anyway (1.2.3 is 1.2.0.3), no name can end in a number.
		{"http://1.2.3", "not an IP address"},
		{"http://10.0.0.256:8080", "not an IP address"},
		{"http://3232235777", "not an IP address"},
		{"http://0x7f000001:8080", "not an IP address"},
		{"http://api.example.0xff", "not an IP address"},
		{"http://api.example.123", "not an IP address"},
	}
	for _, tt := range bad {
		got, err := gateway.ParsePublicURL(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePublicURL(%q) = %q, %v, want an error containing %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCallURL(t *testing.T) {
	if got, want := gateway.CallURL("https://api.example.com", "payments", 2), "https://api.example.com/payments/v2/"; got != want {
		t.Errorf("CallURL = %q, want %q", got, want)
	}
	if got, want := gateway.CallURL("https://example.com/gw", "worldtime", 20210109), "https://example.com/gw/worldtime/v20210109/"; got != want {
		t.Errorf("CallURL = %q, want %q", got, want)
	}
}
