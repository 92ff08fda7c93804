package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/node"
	"github.com/portico-dev/portico/logtest"
)

func TestConfigRefusesBadSettings(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name string
		args []string
		env  func(string) string
		want string
	}{
		{"no portal", nil, env(), "--portal is required"},
		{"bad portal", []string{"--portal", "ftp://x"}, env(), "invalid --portal"},
		{"credentials in portal", []string{"--portal", "https://u:p@x"}, env(), "no credentials"},
		{"no token", []string{"--portal", "https://x"}, env(), "--token is required"},
		{"bad addr", []string{"--portal", "https://x", "--addr", "8081"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --addr"},
		{"port out of range", []string{"--portal", "https://x", "--addr", ":70000"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --addr"},
		{"negative admin port", []string{"--portal", "https://x", "--admin-addr", "127.0.0.1:-1"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --admin-addr"},
		{"bad admin addr from env", []string{"--portal", "https://x"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_ADMIN_ADDR", "x"), `invalid PORTICO_GATEWAY_ADMIN_ADDR "x"`},
		{"bad timeout", []string{"--portal", "https://x", "--response-timeout", "soon"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --response-timeout"},
		{"bad usage interval", []string{"--portal", "https://x", "--usage-interval", "10ms"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --usage-interval"},
		{"bad access log", []string{"--portal", "https://x", "--access-log", "maybe"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --access-log"},
		{"redis timeout too short", []string{"--portal", "https://x", "--redis-timeout", "1ms"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --redis-timeout"},
		{"redis timeout without unit", []string{"--portal", "https://x"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_REDIS_TIMEOUT", "5"), `invalid PORTICO_GATEWAY_REDIS_TIMEOUT "5"`},
		{"bad redis url", []string{"--portal", "https://x", "--redis-url", "http://redis:6379"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --redis-url"},
		{"no connections", []string{"--portal", "https://x", "--max-connections", "0"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --max-connections"},
		{"body without unit", []string{"--portal", "https://x"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_MAX_BODY", "16"), `invalid PORTICO_GATEWAY_MAX_BODY "16"`},
		{"body too large", []string{"--portal", "https://x", "--max-body", "2048MiB"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --max-body"},
		{"body overflowing", []string{"--portal", "https://x", "--max-body", "17592186044416MiB"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --max-body"},
		{"negative drain", []string{"--portal", "https://x", "--shutdown-drain", "-1s"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --shutdown-drain"},
		{"drain without unit", []string{"--portal", "https://x"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_SHUTDOWN_DRAIN", "10"), `invalid PORTICO_GATEWAY_SHUTDOWN_DRAIN "10"`},
		{"bad upstream deny", []string{"--portal", "https://x", "--upstream-deny", "169.254.0.0/16,metadata"}, env("PORTICO_GATEWAY_TOKEN", "t"), `invalid --upstream-deny "metadata"`},
		{"empty upstream deny", []string{"--portal", "https://x", "--upstream-deny", ""}, env("PORTICO_GATEWAY_TOKEN", "t"), `invalid --upstream-deny ""`},
		{"log level from env", []string{"--portal", "https://x"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_LOG_LEVEL", "bad"), `invalid PORTICO_GATEWAY_LOG_LEVEL "bad": use debug`},
		{"log level flag over env", []string{"--portal", "https://x", "--log-level", "loud"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_LOG_LEVEL", "bad"), `invalid --log-level "loud"`},
		{"portal from env", nil, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_PORTAL", "ftp://x"), "invalid PORTICO_GATEWAY_PORTAL: use http(s)"},
		{"redis url from env", []string{"--portal", "https://x"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_REDIS_URL", "http://redis:6379"), "invalid PORTICO_GATEWAY_REDIS_URL: use redis://"},
		{"short admin token", []string{"--portal", "https://x", "--admin-token", "hunter2"}, env("PORTICO_GATEWAY_TOKEN", "t"), "invalid --admin-token: use 16 to 256"},
		{"admin token with a space from env", []string{"--portal", "https://x"}, env("PORTICO_GATEWAY_TOKEN", "t", "PORTICO_GATEWAY_ADMIN_TOKEN", "0123456789 abcdef"), "invalid PORTICO_GATEWAY_ADMIN_TOKEN: use 16 to 256"},
		{"argument", []string{"--portal", "https://x", "extra"}, env("PORTICO_GATEWAY_TOKEN", "t"), "unexpected argument"},
		{"redis url as an argument", []string{"--portal", "https://x", "redis://default:pw-s3cret@redis:6379"}, env("PORTICO_GATEWAY_TOKEN", "t"), `unexpected argument "redis://default:xxxxx@redis:6379"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			// Bounded: a setting the node failed to refuse would start it.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, tt.args, tt.env, &out, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestUsageNeverShowsTheToken(t *testing.T) {
	var out bytes.Buffer
	run(context.Background(), []string{"--help"}, func(k string) string {
		switch k {
		case "PORTICO_GATEWAY_TOKEN":
			return "secret-token-value"
		case "PORTICO_GATEWAY_REDIS_URL":
			return "redis://:secret-redis-password@redis:6379/0"
		case "PORTICO_GATEWAY_ADMIN_TOKEN":
			return "secret-admin-token-value"
		}
		return ""
	}, &out, &out)
	if !strings.Contains(out.String(), "-token") || !strings.Contains(out.String(), "-redis-url") || !strings.Contains(out.String(), "-admin-token") ||
		strings.Contains(out.String(), "secret-token-value") || strings.Contains(out.String(), "secret-redis-password") || strings.Contains(out.String(), "secret-admin-token-value") {
		t.Fatalf("usage:\n%s", out.String())
	}
}

func TestRunStopsOnContextEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"--portal", "http://127.0.0.1:1", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--data", t.TempDir()}, func(k string) string {
		if k == "PORTICO_GATEWAY_TOKEN" {
			return "t"
		}
		return ""
	}, &out, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "stopped") {
		t.Fatalf("output:\n%s", out.String())
	}
}

// --log-level is for the node's own events: the access log (--access-log on)
// has a line per request whatever the level.
func TestAccessLogIgnoresTheLogLevel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr logtest.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--portal", "http://127.0.0.1:1", "--addr", addr, "--admin-addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-level", "warn", "--access-log", "on"},
			func(k string) string {
				if k == "PORTICO_GATEWAY_TOKEN" {
					return "t"
				}
				return ""
			}, &stdout, &stderr)
	}()
	var resp *http.Response
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/some/v1/thing"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "msg=request") || !strings.Contains(out, "path=/some/v1/thing") {
		t.Errorf("access log with --log-level warn: got %q, want a line for the request", out)
	}
	if strings.Contains(stderr.String(), "level=INFO") {
		t.Errorf("standard error with --log-level warn: got info lines:\n%s", stderr.String())
	}
}

// --upstream-deny's default is the node's own, and its values parse to the
// ranges meant: "none" to an empty list (which the node does not read as
// its default), a lone address to itself.
func TestUpstreamDenySetting(t *testing.T) {
	def := config{UpstreamDeny: defaultUpstreamDeny}
	got, err := def.upstreamDeny()
	if err != nil || fmt.Sprint(got) != fmt.Sprint(node.DefaultUpstreamDeny()) {
		t.Errorf("default: got %v %v, want %v", got, err, node.DefaultUpstreamDeny())
	}
	for _, tt := range []struct{ in, want string }{
		{"none", "[]"},
		{" 127.0.0.0/8, ::1 ,10.1.2.3/8", "[127.0.0.0/8 ::1/128 10.0.0.0/8]"},
	} {
		c := config{UpstreamDeny: tt.in}
		got, err := c.upstreamDeny()
		if err != nil || got == nil || fmt.Sprint(got) != tt.want {
			t.Errorf("%q: got %v %v, want %s", tt.in, got, err, tt.want)
		}
	}
}
