package node_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/secrettest"
)

// TestAccessLogHoldsNoKeyFromThePath: a key or token a client puts into a
// URL's path (pasted in place of an id, or where an API takes it as a path
// parameter) keeps only its public part in the access log. Before, the
// log line carried the path as sent, the secret in it.
func TestAccessLogHoldsNoKeyFromThePath(t *testing.T) {
	up := startUpstream(t, "a")
	p := startPortal(t, config(t, 1, up.URL+"/base"))
	n := startNode(t, p.srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)

	const kid = "mfrggzdfmztwq2lk"
	key := "ptk_" + kid + "_" + strings.Repeat("abcdefghijklm", 4)
	tok := "pat_" + strings.Repeat("Ab3-_x0", 6) + "A"
	sec := secrettest.New(t)
	sec.Add("a key", key)
	sec.Add("a token", tok)
	if r := get(t, n.url+"/ledger/v1/accounts/"+key, "X-API-Key", "ptk_k1_secret"); r.status != 200 {
		t.Fatalf("a key in the path, forwarded: status %d", r.status)
	}
	if r := get(t, n.url+"/ledger/v1/"+tok+"/x"); r.status != 401 {
		t.Fatalf("a token in the path, no key: status %d", r.status)
	}
	logs := n.logs.String()
	sec.None("the node's log", logs)
	for _, want := range []string{`"path":"/ledger/v1/accounts/ptk_` + kid + `_` + gateway.Redacted + `"`, `"path":"/ledger/v1/pat_Ab3-_x` + gateway.Redacted + `/x"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the access log has no line with %s:\n%s", want, logs)
		}
	}
}
