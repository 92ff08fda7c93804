package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/search"
)

// Healthz answers while the process is alive.
func (h *Handler) Healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// Readyz answers 200 when the database is reachable and the search index
// answers with the whole catalog, 503 otherwise (the database is down, or
// this instance is still building its index). It says which instance
// answers and how far its index is behind the index log; an index that
// lags more than the configured maximum answers 200 with status "lagging":
// the instance serves everything else from the database, and taking it out
// of rotation would turn a slow index into an outage when every instance
// lags at once.
//
// Once Drain is called the instance is stopping: /readyz answers 503 with
// status "draining", whatever else it says, so that load balancers stop
// sending it requests while it still serves them.
func (h *Handler) Readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	body := readiness{Status: "ok", Database: "ok", Instance: h.name}
	status := fiber.StatusOK
	if err := h.store.Ping(ctx); err != nil {
		h.log.Warn("readiness check failed", "err", err)
		body.Status, body.Database, status = "unavailable", "unreachable", fiber.StatusServiceUnavailable
	}
	if h.feed != nil {
		st := h.feed.Status()
		body.Index = &indexReadiness{State: st.State, Shared: st.Shared, Feeding: st.Feeding, Position: st.Position, Head: st.Head,
			Behind: st.Behind(), LagSeconds: st.Lag.Seconds(), MaxLagSeconds: st.MaxLag.Seconds(), Failing: st.Err != ""}
		if b, ok := h.search.(*search.Bleve); ok && b.RanksByMeaning() {
			n := b.MeaningPending()
			body.Index.MeaningPending = &n
		}
		switch {
		case !st.Ready():
			body.Status, status = "unavailable", fiber.StatusServiceUnavailable
		case st.State == catalog.FeedLagging && status == fiber.StatusOK:
			body.Status = "lagging"
		}
	}
	if h.draining.Load() {
		body.Status, status = "draining", fiber.StatusServiceUnavailable
	}
	return c.Status(status).JSON(body)
}

// Drain says the instance is stopping (serve calls it on SIGTERM, before
// it stops accepting): /readyz answers 503 from then on, and every answer
// closes its connection, so that a client or load balancer keeping
// connections open makes new ones, to instances that stay. The requests
// themselves are served as before.
func (h *Handler) Drain() { h.draining.Store(true) }

// closeWhileDraining closes each answer's connection once Drain is called.
func (h *Handler) closeWhileDraining(c *fiber.Ctx) error {
	if h.draining.Load() {
		c.Context().SetConnectionClose()
	}
	return c.Next()
}

type readiness struct {
	Status   string          `json:"status"`
	Database string          `json:"database"`
	Instance string          `json:"instance,omitempty"`
	Index    *indexReadiness `json:"index,omitempty"`
}

// indexReadiness is how far the instance's search index follows the index log.
type indexReadiness struct {
	State         string  `json:"state"`
	Shared        bool    `json:"shared"`
	Feeding       bool    `json:"feeding"`
	Position      int64   `json:"position"`
	Head          int64   `json:"head"`
	Behind        int64   `json:"behind"`
	LagSeconds    float64 `json:"lag_seconds"`
	MaxLagSeconds float64 `json:"max_lag_seconds"`
	Failing       bool    `json:"failing"`
	// MeaningPending is the number of APIs whose meaning the embedded index is still encoding (search.Bleve.
	// MeaningPending): they rank by their words until then. The instance is ready meanwhile. Absent when the index
	// does not rank by meaning.
	MeaningPending *int `json:"meaning_pending,omitempty"`
}

// Metrics serves Prometheus metrics in the text exposition format.
//
// They are not public: without Options.MetricsToken the route answers 404,
// and with one only a request carrying "Authorization: Bearer <token>"
// gets them (401 otherwise).
func (h *Handler) Metrics(c *fiber.Ctx) error {
	if h.metricsToken == "" {
		return errNotFound
	}
	got, ok := auth.Bearer(c.Get(fiber.HeaderAuthorization))
	if !ok || !auth.Equal(got, h.metricsToken) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="portico metrics"`)
		return c.Status(fiber.StatusUnauthorized).SendString("/metrics needs the metrics token: Authorization: Bearer <--metrics-token>\n")
	}
	return serveHTTP(c, promhttp.HandlerFor(h.metrics.registry, promhttp.HandlerOpts{}))
}
