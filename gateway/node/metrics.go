package node

import (
	"strconv"
	"sync"
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
	// byAPI counts requests per API version and status class; upstream
	// times the upstream's answers per API version. Not per key or
	// subscription: their number has no bound.
	byAPI    *prometheus.CounterVec
	upstream *prometheus.HistogramVec
	routes   sync.Map // route id → *routeMetrics
	noRoute  *routeMetrics
}

// Status classes of the per-API metrics and the usage reports: 429 apart
// from the other 4xx.
const (
	class2xx = iota
	class3xx
	class4xx
	class429
	class5xx
	classOther
	numClasses
)

var classNames = [numClasses]string{"2xx", "3xx", "4xx", "429", "5xx", "other"}

// classOf is the status class of a status code.
func classOf(status int) int {
	switch {
	case status == 429:
		return class429
	case status >= 200 && status < 300:
		return class2xx
	case status >= 300 && status < 400:
		return class3xx
	case status >= 400 && status < 500:
		return class4xx
	case status >= 500 && status < 600:
		return class5xx
	}
	return classOther
}

// routeMetrics are one API version's series, looked up once per route.
type routeMetrics struct {
	classes  [numClasses]prometheus.Counter
	upstream prometheus.Observer
}

// forRoute returns the series of route id ("" for requests that matched no
// route).
func (m *metrics) forRoute(id string) *routeMetrics {
	if id == "" {
		return m.noRoute
	}
	if rm, ok := m.routes.Load(id); ok {
		return rm.(*routeMetrics)
	}
	rm, _ := m.routes.LoadOrStore(id, m.newRouteMetrics(id))
	return rm.(*routeMetrics)
}

func (m *metrics) newRouteMetrics(id string) *routeMetrics {
	label := id
	if label == "" {
		label = "none"
	}
	rm := &routeMetrics{upstream: m.upstream.WithLabelValues(label)}
	for c := range rm.classes {
		rm.classes[c] = m.byAPI.WithLabelValues(label, classNames[c])
	}
	return rm
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
		byAPI: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portico_gateway_api_requests_total", Help: "Data-plane requests per API version (api: {api}/v{major}, none: no route matched) and status class (2xx, 3xx, 4xx, 429, 5xx, other).",
		}, []string{"api", "class"}),
		upstream: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "portico_gateway_upstream_duration_seconds", Help: "Time the upstream took to answer, per API version (failures included).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"api"}),
	}
	m.noRoute = m.newRouteMetrics("")
	reg.MustRegister(m.byAPI, m.upstream, m.requests, m.duration, m.upstreamErrors, m.version, m.applies, m.connected, m.items,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(rm *routeMetrics, status int, d time.Duration) {
	m.duration.Observe(d.Seconds())
	rm.classes[classOf(status)].Inc()
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
