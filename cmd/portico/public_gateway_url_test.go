package main

import (
	"flag"
	"strings"
	"testing"
)

// TestPublicGatewayURL: --public-gateway-url is optional, is shown without
// its trailing slash, and a password in a refused one is not repeated.
func TestPublicGatewayURL(t *testing.T) {
	tests := []struct {
		args, env, want string
	}{
		{"", "", ""},
		{"https://api.example.com/", "", "https://api.example.com"},
		{"", "http://gw.internal:8443/edge", "http://gw.internal:8443/edge"},
		{"https://flag.example.com", "https://env.example.com", "https://flag.example.com"},
	}
	for _, tt := range tests {
		var c config
		fs := flag.NewFlagSet("portico", flag.ContinueOnError)
		getenv := func(k string) string {
			if k == "PORTICO_PUBLIC_GATEWAY_URL" {
				return tt.env
			}
			return ""
		}
		c.register(fs, getenv)
		var args []string
		if tt.args != "" {
			args = []string{"--public-gateway-url", tt.args}
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := c.check(fs, getenv); err != nil {
			t.Errorf("%q, env %q: %v, want it accepted", tt.args, tt.env, err)
			continue
		}
		if got, _ := c.publicGatewayURL(); got != tt.want {
			t.Errorf("%q, env %q: %q, want %q", tt.args, tt.env, got, tt.want)
		}
	}
	c := config{PublicGatewayURL: "https://ops:hunter2hunter2@api.example.com"}
	_, err := c.publicGatewayURL()
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "user name or password") {
		t.Errorf("a URL with a password: %v, want it refused without the password", err)
	}
}
