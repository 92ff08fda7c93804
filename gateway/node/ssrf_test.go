package node_test

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portico-dev/portico/gateway/node"
)

// deniedDetail is the problem's detail of a request whose upstream is at an
// address the node does not forward to.
const deniedDetail = "the upstream's address is one this node does not forward to"

// A team maintainer sets a route's targets. Pointed at the cloud's
// instance metadata (169.254.169.254, link-local), a key of that team would
// read the node's host credentials through the node: the node refuses
// link-local addresses by default, before connecting, whether the target
// names the address or a host name that resolves to it.
func TestUpstreamAtLinkLocalAddressIsRefused(t *testing.T) {
	for _, target := range []string{"http://169.254.169.254", "http://[fe80::1%25lo]:80", "http://[::ffff:169.254.169.254]:80"} {
		t.Run(target, func(t *testing.T) {
			addr := serveLocal(t, target)
			start := time.Now()
			r := get(t, "http://"+addr+"/ledger/v1/latest/meta-data/", "X-API-Key", "ptk_k1_secret")
			if r.status != 502 || !strings.Contains(string(r.body), deniedDetail) {
				t.Fatalf("got %d %s, want 502 with %q", r.status, r.body, deniedDetail)
			}
			// Refused before any connection: no connect timeout waited.
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("answered after %v: the node tried to connect", d)
			}
		})
	}
}

// A route pointed at the node's own admin address would give every key of
// that route the node's /metrics (every API's traffic) and its health:
// the node refuses to forward to its admin listener, whichever of its own
// addresses the target names.
func TestUpstreamAtTheNodesAdminAddressIsRefused(t *testing.T) {
	rows := []struct{ listen, host string }{
		{"127.0.0.1:0", "127.0.0.1"}, {"127.0.0.1:0", "localhost"}, {"127.0.0.1:0", "0.0.0.0"},
		{"0.0.0.0:0", "127.0.0.1"}, {"0.0.0.0:0", "127.0.0.2"},
	}
	// One of the host's own addresses that is not loopback, when it has one.
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
				rows = append(rows, struct{ listen, host string }{"0.0.0.0:0", ipn.IP.String()})
				break
			}
		}
	}
	for _, row := range rows {
		host := row.host
		t.Run(row.listen+" "+host, func(t *testing.T) {
			aln, err := net.Listen("tcp", row.listen)
			if err != nil {
				t.Fatal(err)
			}
			_, port, _ := net.SplitHostPort(aln.Addr().String())
			n := node.New(node.Options{DataDir: t.TempDir(), ConnectTimeout: time.Second, ResponseTimeout: 2 * time.Second})
			if err := n.Install(config(t, 1, "http://"+host+":"+port)); err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{}, 2)
			go func() { n.Serve(ctx, ln, time.Second); done <- struct{}{} }()
			go func() { n.ServeAdmin(ctx, aln); done <- struct{}{} }()
			t.Cleanup(func() { cancel(); <-done; <-done })

			if r := get(t, "http://127.0.0.1:"+port+"/metrics"); r.status != 200 {
				t.Fatalf("admin /metrics: %d", r.status)
			}
			r := get(t, "http://"+ln.Addr().String()+"/ledger/v1/metrics", "X-API-Key", "ptk_k1_secret")
			if r.status != 502 || strings.Contains(string(r.body), "portico_gateway") || !strings.Contains(string(r.body), deniedDetail) {
				t.Fatalf("got %d %.200s, want 502 with %q", r.status, r.body, deniedDetail)
			}
		})
	}
}

// An operator who keeps something on the nodes' hosts or network that the
// APIs must not reach lists it in UpstreamDeny (--upstream-deny): a target
// there, named by address or by a host name, is refused; one outside it is
// served, and an empty list serves even link-local targets.
func TestUpstreamDenyListIsTheOperators(t *testing.T) {
	up := startRecorder(t, nil)
	_, port, _ := net.SplitHostPort(up.Listener.Addr().String())
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tt := range []struct {
		name   string
		deny   []netip.Prefix
		target string
		want   int
	}{
		{"address denied", loopback, up.URL, 502},
		{"name denied", loopback, "http://localhost:" + port, 502},
		{"other range", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, up.URL, 200},
		{"default list", nil, up.URL, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			addr := serveLocalWith(t, node.Options{UpstreamDeny: tt.deny, Registry: reg}, tt.target)
			r := get(t, "http://"+addr+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
			if r.status != tt.want || (tt.want == 502 && !strings.Contains(string(r.body), deniedDetail)) {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.want)
			}
			want := 0.0
			if tt.want == 502 {
				want = 1
			}
			if got := deniedCount(t, reg); got != want {
				t.Errorf("portico_gateway_upstream_errors_total{kind=\"denied\"} = %v, want %v", got, want)
			}
		})
	}
}

// deniedCount reads portico_gateway_upstream_errors_total{kind="denied"}.
func deniedCount(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "portico_gateway_upstream_errors_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == "denied" {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
