package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/logtest"
)

// A token read from a secret file into the environment often ends with a
// newline. The configuration accepts it (only blank tokens are refused), so
// the node must send the token without it: with the newline in the
// Authorization header, Go's client refuses to send any request and the
// node never reaches the portal.
func TestTokenWithSurroundingSpaceReachesThePortal(t *testing.T) {
	tests := []struct {
		name, token string
	}{
		{"trailing newline", "pgn_node-token-value\n"},
		{"trailing CRLF", "pgn_node-token-value\r\n"},
		{"surrounding spaces", "  pgn_node-token-value  "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan string, 16)
			portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == gateway.SyncPath {
					select {
					case got <- r.Header.Get("Authorization"):
					default:
					}
				}
				w.WriteHeader(http.StatusUnauthorized)
			}))
			defer portal.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr logtest.Buffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"--portal", portal.URL, "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--data", t.TempDir(), "--access-log", "off"},
					func(k string) string {
						if k == "PORTICO_GATEWAY_TOKEN" {
							return tt.token
						}
						return ""
					}, &stdout, &stderr)
			}()
			select {
			case h := <-got:
				if want := "Bearer pgn_node-token-value"; h != want {
					t.Errorf("Authorization: got %q, want %q", h, want)
				}
			case <-time.After(started):
				t.Errorf("no sync request reached the portal within %s; node log:\n%s", started, stderr.String())
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("run: %v", err)
			}
		})
	}
}
