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
	// noRoute counts the requests that matched no route (api="none").
	noRoute *routeMetrics
	// mu guards routes (route id → its series, for the routes of the
	// configuration being served) and the making and deleting of a
	// route's series, never their use: a request takes it only for the
	// first answer of a class on its route, or its first forwarded request.
	mu     sync.Mutex
	routes map[string]*routeMetrics
	// discard and discardObserver, registered nowhere, take what requests
	// still served by a previous configuration count for a route whose
	// series were deleted.
	discard         prometheus.Counter
	discardObserver prometheus.Observer
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

// routeMetrics are one API version's series, looked up once per route
// (prepare) and shared by the route's versions in successive
// configurations. Each series is made on the first request that needs it
// (a class's counter on the route's first answer of that class, the
// upstream histogram on its first forwarded request): a configuration's
// routes cost no series before their traffic, and a retired route, which
// answers 410 itself, never has an upstream histogram. A route that leaves
// the configuration has its series deleted (metrics.drop).
type routeMetrics struct {
	label    string
	classes  [numClasses]atomic.Pointer[prometheus.Counter]
	upstream atomic.Pointer[prometheus.Observer]
}

// forRoute returns the series of route id, which is in the configuration
// being built; applyMu is held.
func (m *metrics) forRoute(id string) *routeMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	rm := m.routes[id]
	if rm == nil {
		rm = &routeMetrics{label: id}
		m.routes[id] = rm
	}
	return rm
}

// newClass makes rm's counter of class c on the route's first answer of
// that class. Under mu, so that a request still served by a configuration
// that had the route does not make it again once drop deleted it: drop
// leaves discard in its place.
func (m *metrics) newClass(rm *routeMetrics, c int) *prometheus.Counter {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := rm.classes[c].Load(); p != nil {
		return p
	}
	counter := m.byAPI.WithLabelValues(rm.label, classNames[c])
	rm.classes[c].Store(&counter)
	return &counter
}

// newUpstream makes rm's upstream histogram (as newClass makes a counter)
// on the route's first forwarded request.
func (m *metrics) newUpstream(rm *routeMetrics) *prometheus.Observer {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := rm.upstream.Load(); p != nil {
		return p
	}
	o := m.upstream.WithLabelValues(rm.label)
	rm.upstream.Store(&o)
	return &o
}

// drop deletes the series of route id, which left the configuration;
// applyMu is held. Requests still served by the previous configuration
// count into discard.
func (m *metrics) drop(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rm := m.routes[id]
	if rm == nil {
		return
	}
	delete(m.routes, id)
	for c := range rm.classes {
		rm.classes[c].Store(&m.discard)
		m.byAPI.DeleteLabelValues(rm.label, classNames[c])
	}
	rm.upstream.Store(&m.discardObserver)
	m.upstream.DeleteLabelValues(rm.label)
}

// retired deletes the upstream histogram of rm, whose route is retired and
// forwards nothing any more, or, when the route serves again (retired is
// false), lets its next forwarded request make one; applyMu is held.
func (m *metrics) retired(rm *routeMetrics, retired bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !retired {
		rm.upstream.CompareAndSwap(&m.discardObserver, nil)
		return
	}
	rm.upstream.Store(&m.discardObserver)
	m.upstream.DeleteLabelValues(rm.label)
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
			Name: "portico_gateway_upstream_errors_total", Help: "Upstream failures answered with 502 (error; denied: a target at an address the node refuses) or 504 (timeout).",
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
	m.noRoute = &routeMetrics{label: "none"}
	m.routes = map[string]*routeMetrics{}
	m.discard = prometheus.NewCounter(prometheus.CounterOpts{Name: "portico_gateway_discarded"})
	m.discardObserver = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "portico_gateway_discarded_seconds"})
	reg.MustRegister(m.byAPI, m.upstream, m.requests, m.duration, m.upstreamErrors, m.version, m.applies, m.connected, m.items,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(rm *routeMetrics, status int, d time.Duration) {
	m.duration.Observe(d.Seconds())
	class := classOf(status)
	p := rm.classes[class].Load()
	if p == nil {
		p = m.newClass(rm, class)
	}
	(*p).Inc()
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
