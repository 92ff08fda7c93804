package node

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// AdminHandler serves /healthz (the process is alive), /readyz (a
// configuration is loaded: 200, else 503; 503 once Drain is called) and
// /metrics (Prometheus).
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
	mux.Handle("GET /metrics", promhttp.HandlerFor(n.opts.Registry, promhttp.HandlerOpts{}))
	return mux
}

// Drain says the node is stopping (portico-gateway calls it on SIGTERM,
// before the data plane stops accepting): /readyz answers 503 from then on,
// and every data-plane answer closes its connection, so that clients and
// load balancers keeping connections open make new ones, to nodes that
// stay. Requests are served as before.
func (n *Node) Drain() { n.draining.Store(true) }
