package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/secrettest"
)

// TestNoSecretInDataDirsOrLogs runs a real portal and a real node through
// every flow that issues a secret (the demo's password, tokens and node
// tokens from the command line and the API, keys issued, rotated with a
// grace period and revoked) and through the wrong ways of sending one to
// the node and the portal (an unknown, revoked or malformed key, a key in
// the query string or the path, a revoked node token, an upstream that
// fails), then looks for every secret in the portal's and the nodes'
// output and in every file of their data directories: the portal's SQLite
// database and its write-ahead log, the search index, the node's
// snapshot and deltas.
func TestNoSecretInDataDirsOrLogs(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/broken") {
			// The connection cut mid-answer: the node answers 502 and logs why.
			hj, _ := w.(http.Hijacker)
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
			}
			return
		}
		io.WriteString(w, "upstream "+r.URL.Path)
	}))
	t.Cleanup(upstream.Close)

	p := startRealPortal(t)
	p.stop()
	p.level = "debug" // every request's line
	p.serve()
	sec := secrettest.New(t)
	sec.Add("the demo's password", p.demoPwd)
	p.tokens["admin"] = strings.TrimSpace(p.portico("token", "create", "--username", "admin", "--name", "secrets"))
	for who, tok := range p.tokens {
		sec.Add("token of "+who+" (command line)", tok)
	}
	nodeTok := strings.TrimSpace(p.portico("gateway-node", "create", "--name", "node-s"))
	sec.Add("node token (command line)", nodeTok)
	gone := p.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-gone"}, 201)["token"].(string)
	sec.Add("revoked node token (API)", gone)
	p.call("DELETE", "/api/v1/gateway/nodes/node-gone", "admin", nil, 204)

	subs := p.call("GET", "/api/v1/subscriptions?role=consumer&state=active", "emma", nil, 200)["subscriptions"].([]any)
	if len(subs) == 0 {
		t.Fatal("the demo has no active subscription of commerce")
	}
	sub := subs[0].(map[string]any)
	api, major := sub["api"].(string), int(sub["major"].(float64))
	p.call("PUT", fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major), "ada", map[string]any{"targets": []string{upstream.URL + "/base"}}, 201)
	keys := fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"])
	first := p.call("POST", keys, "emma", map[string]any{"name": "first"}, 201)
	sec.Add("key rotated away (in grace)", first["key"].(string))
	rotated := p.call("POST", "/api/v1/keys/"+first["id"].(string)+"/rotate", "emma", map[string]any{"grace_seconds": 3600}, 201)
	key := rotated["key"].(string)
	sec.Add("key (rotated)", key)
	revoked := p.call("POST", keys, "emma", map[string]any{"name": "revoked"}, 201)
	sec.Add("key revoked", revoked["key"].(string))
	p.call("POST", "/api/v1/keys/"+revoked["id"].(string)+"/revoke", "emma", nil, 200)
	wrong := key[:len(key)-8] + "aaaaaaaa"
	sec.Add("a wrong key", wrong)

	dir := t.TempDir()
	n := startProc(t, p.url, nodeTok, dir)
	path := fmt.Sprintf("/%s/v%d/lookup", api, major)
	within(t, time.Now(), 10*time.Second, path, key, 200, n)
	// A node started with a revoked token: the portal refuses its sync.
	goneNode := startProc(t, p.url, gone, t.TempDir())

	send := func(target string, header ...string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	node := "http://" + n.addr
	for _, tc := range []struct {
		name   string
		target string
		header []string
		want   int
	}{
		{"the key", node + path, []string{"X-API-Key", key}, 200},
		{"the key as a bearer token", node + path, []string{"Authorization", "Bearer " + key}, 200},
		{"the key in grace", node + path, []string{"X-API-Key", first["key"].(string)}, 200},
		{"a revoked key", node + path, []string{"X-API-Key", revoked["key"].(string)}, 401},
		{"a wrong key", node + path, []string{"X-API-Key", wrong}, 401},
		{"a malformed Authorization", node + path, []string{"Authorization", "Bearer " + key + " more"}, 401},
		{"Basic", node + path, []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))}, 401},
		{"the key in the query", node + path + "?api_key=" + key, nil, 401},
		{"the key in the path", node + path + "/" + key, nil, 401},
		{"the key in the path, and sent", node + "/" + key + path, []string{"X-API-Key", key}, 404},
		{"an upstream that fails", node + path + "/broken", []string{"X-API-Key", key}, 502},
		{"a node token as a key", node + path, []string{"Authorization", "Bearer " + nodeTok}, 401},
		{"the portal, a revoked node token", p.url + "/api/v1/gateway/sync", []string{"Authorization", "Bearer " + gone}, 405},
		{"the portal, a key for a token", p.url + "/api/v1/me", []string{"Authorization", "Bearer " + key}, 401},
		{"the portal, a key in the path", p.url + "/api/v1/keys/" + key, []string{"Authorization", "Bearer " + p.tokens["emma"]}, 404},
		{"the portal, a key in the query", p.url + "/api/v1/me?api_key=" + key, []string{"Authorization", "Bearer " + p.tokens["emma"]}, 200},
	} {
		if got := send(tc.target, tc.header...); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	time.Sleep(1500 * time.Millisecond) // the access log is written at least every second
	n.kill()
	goneNode.kill()
	p.stop()

	logs := map[string]string{"the portal's output": p.srv.Stdout.String() + p.srv.Log.String(), "the node's output": n.out.String(), "the refused node's output": goneNode.out.String()}
	for what, out := range logs {
		sec.None(what, out)
	}
	if !strings.Contains(logs["the node's output"], `"status":502`) || !strings.Contains(logs["the refused node's output"], "401") || !strings.Contains(logs["the portal's output"], "/api/v1/keys/") {
		t.Errorf("the logs miss the requests made: the check is broken:\n%s", logs)
	}
	var files int
	for _, root := range []string{p.data, dir} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			sec.None(path, string(b))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 3 {
		t.Errorf("%d files in the data directories: the check is broken", files)
	}
	if len(sec.Find(logs["the node's output"]+key)) != 1 {
		t.Fatal("the finder finds no key: the check is broken")
	}
}
