package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portico-dev/portico/store"
)

// What /metrics reads from the database: at most once per
// dbMetricsCacheFor whoever scrapes (several Prometheus servers do not
// multiply the reads), each read given up after dbMetricsTimeout (a slow
// database does not hold the scrape: the read's metrics are left out and
// its _up gauge says 0).
const (
	dbMetricsCacheFor = 5 * time.Second
	dbMetricsTimeout  = 2 * time.Second
)

var (
	descOutboxUp = prometheus.NewDesc("portico_outbox_up",
		"1 when this scrape read the outbox, 0 when the read failed or timed out (the other portico_outbox_* series are then absent).", nil, nil)
	descOutboxPending = prometheus.NewDesc("portico_outbox_pending",
		"Outbox messages not delivered yet (waiting, being delivered, or waiting for a retry), by topic. The same on every instance (one database).", []string{"topic"}, nil)
	descOutboxFailing = prometheus.NewDesc("portico_outbox_failing",
		"Pending outbox messages whose last delivery failed and that wait for their retry, by topic. Messages are retried forever, never dropped.", []string{"topic"}, nil)
	descOutboxOldest = prometheus.NewDesc("portico_outbox_oldest_pending_age_seconds",
		"Age of the oldest outbox message not delivered yet, by topic, by the database's clock.", []string{"topic"}, nil)
)

// dbCollector exports the outbox, read from the database when scraped (see dbMetricsCacheFor).
type dbCollector struct {
	store *store.Store
	log   *slog.Logger

	mu     sync.Mutex
	readAt time.Time // when the cached reads began; zero before the first
	outbox []store.OutboxTopicHealth
	now    time.Time // the database's clock at the outbox read
	boxErr error
}

func (d *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{descOutboxUp, descOutboxPending, descOutboxFailing, descOutboxOldest} {
		ch <- desc
	}
}

// read refreshes the cached reads when they are older than
// dbMetricsCacheFor. Scrapes arriving during a read wait for it and share
// it.
func (d *dbCollector) read() {
	if !d.readAt.IsZero() && time.Since(d.readAt) < dbMetricsCacheFor {
		return
	}
	d.readAt = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), dbMetricsTimeout)
	d.outbox, d.now, d.boxErr = d.store.OutboxHealth(ctx)
	cancel()
	if d.boxErr != nil {
		d.log.Warn("metrics: outbox not read", "err", d.boxErr)
	}
}

func (d *dbCollector) Collect(ch chan<- prometheus.Metric) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.read()

	if d.boxErr != nil {
		ch <- prometheus.MustNewConstMetric(descOutboxUp, prometheus.GaugeValue, 0)
	} else {
		ch <- prometheus.MustNewConstMetric(descOutboxUp, prometheus.GaugeValue, 1)
		for _, t := range d.outbox {
			ch <- prometheus.MustNewConstMetric(descOutboxPending, prometheus.GaugeValue, float64(t.Pending), t.Topic)
			ch <- prometheus.MustNewConstMetric(descOutboxFailing, prometheus.GaugeValue, float64(t.Failing), t.Topic)
			ch <- prometheus.MustNewConstMetric(descOutboxOldest, prometheus.GaugeValue, max(0, d.now.Sub(t.Oldest).Seconds()), t.Topic)
		}
	}
}
