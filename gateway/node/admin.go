package node

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// AdminHandler serves /healthz (the process is alive), /readyz (a
// configuration is loaded: 200, else 503; 503 once Drain is called) and
// /metrics (Prometheus; only to Authorization: Bearer Options.AdminToken
// when that is set).
func (n *Node) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if n.draining.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: draining, the node is stopping")
			return
		}
		st := n.Current()
		if st == nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: no configuration loaded yet")
			return
		}
		fmt.Fprintf(w, "ready: version %d, hash %s\n", st.Version(), st.Hash())
	})
	var metrics http.Handler = promhttp.HandlerFor(n.opts.Registry, promhttp.HandlerOpts{})
	if n.opts.AdminToken != "" {
		metrics = requireBearer(n.opts.AdminToken, metrics)
	}
	mux.Handle("GET /metrics", metrics)
	return mux
}

// requireBearer serves next only to requests with Authorization: Bearer
// token, others 401. The tokens are compared by their SHA-256 in constant
// time, so the time taken tells neither the token's bytes nor its length.
// The metrics show every API's traffic; the probes stay open, as load
// balancers and kubelets send no token.
func requireBearer(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := bearer([]byte(r.Header.Get("Authorization")))
		if got != nil {
			sum := sha256.Sum256(got)
			if subtle.ConstantTimeCompare(sum[:], want[:]) == 1 {
				next.ServeHTTP(w, r)
				return
			}
		}
		challenge := `Bearer realm="portico-gateway admin"`
		if got != nil {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintln(w, "unauthorized: /metrics needs Authorization: Bearer with the node's admin token (--admin-token)")
	})
}

// Drain says the node is stopping (portico-gateway calls it on SIGTERM,
// before the data plane stops accepting): /readyz answers 503 from then on,
// and every data-plane answer closes its connection, so that clients and
// load balancers keeping connections open make new ones, to nodes that
// stay. Requests are served as before.
func (n *Node) Drain() { n.draining.Store(true) }
