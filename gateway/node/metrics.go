package node

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/portico-dev/portico/gateway"
)

type metrics struct {
	requests       *prometheus.CounterVec
	byCode         [600]atomic.Pointer[prometheus.Counter]
	duration       prometheus.Histogram
	upstreamErrors *prometheus.CounterVec
	version        prometheus.Gauge
	applies        *prometheus.CounterVec
	connected      prometheus.Gauge
	items          *prometheus.GaugeVec
}

func newMetrics(reg *prometheus.Registry, n *Node) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portico_gateway_requests_total", Help: "Data-plane requests by status code.",
		}, []string{"code"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portico_gateway_request_duration_seconds", Help: "Time from request to response, upstream included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portico_gateway_upstream_errors_total", Help: "Upstream failures answered with 502 (error) or 504 (timeout).",
		}, []string{"kind"}),
		version: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portico_gateway_config_version", Help: "Version of the configuration being served (0: none).",
		}),
		applies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portico_gateway_config_applies_total", Help: "Configurations received from the portal, applied (ack) or refused (nack).",
		}, []string{"result"}),
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portico_gateway_portal_connected", Help: "1 while the last exchange with the portal succeeded.",
		}),
		items: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "portico_gateway_config_items", Help: "Routes, plans and keys in the configuration being served.",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.requests, m.duration, m.upstreamErrors, m.version, m.applies, m.connected, m.items,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(status int, d time.Duration) {
	m.duration.Observe(d.Seconds())
	if status < 100 || status >= len(m.byCode) {
		m.requests.WithLabelValues(strconv.Itoa(status)).Inc()
		return
	}
	c := m.byCode[status].Load()
	if c == nil {
		counter := m.requests.WithLabelValues(strconv.Itoa(status))
		c = &counter
		m.byCode[status].Store(c)
	}
	(*c).Inc()
}

func (m *metrics) applied(st *gateway.State) {
	m.version.Set(float64(st.Version()))
	r, p, k := st.Counts()
	m.items.WithLabelValues("routes").Set(float64(r))
	m.items.WithLabelValues("plans").Set(float64(p))
	m.items.WithLabelValues("keys").Set(float64(k))
}
