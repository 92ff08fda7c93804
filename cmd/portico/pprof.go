package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/portico-dev/portico/cliconf"
)

// validatePprof accepts an empty --pprof-addr (the profiler is off) or a
// loopback host:port: profiles show the server's code and memory, so they
// are for the operator of the machine (through an SSH tunnel from afar),
// never on an address other machines reach.
func (c *config) validatePprof() error {
	if c.PprofAddr == "" {
		return nil
	}
	host, err := cliconf.SplitAddr(c.PprofAddr)
	ip := net.ParseIP(host)
	if err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return fmt.Errorf("invalid --pprof-addr %q: use a loopback address, e.g. 127.0.0.1:6060", c.PprofAddr)
	}
	return nil
}

// servePprof exposes the Go profiler on addr until ctx ends: the standard
// /debug/pprof/ pages, on a listener of its own, apart from the portal's
// routes.
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on --pprof-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// A CPU profile or trace takes as many seconds as asked (30 by default).
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 5 * time.Minute}
	go func() {
		<-ctx.Done()
		srv.Close() //nolint:errcheck // stopping
	}()
	log.Info("profiler", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("profiler stopped", "err", err)
		}
	}()
	return nil
}
