package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
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

// nodeStates are the states of push.Classify, each counted even when no
// node is in it.
var nodeStates = []string{push.StateInSync, push.StateBehind, push.StateRejecting, push.StateUnreachable}

var (
	descOutboxUp = prometheus.NewDesc("portico_outbox_up",
		"1 when this scrape read the outbox, 0 when the read failed or timed out (the other portico_outbox_* series are then absent).", nil, nil)
	descOutboxPending = prometheus.NewDesc("portico_outbox_pending",
		"Outbox messages not delivered yet (waiting, being delivered, or waiting for a retry), by topic. The same on every instance (one database).", []string{"topic"}, nil)
	descOutboxFailing = prometheus.NewDesc("portico_outbox_failing",
		"Pending outbox messages whose last delivery failed and that wait for their retry, by topic. Messages are retried forever, never dropped.", []string{"topic"}, nil)
	descOutboxOldest = prometheus.NewDesc("portico_outbox_oldest_pending_age_seconds",
		"Age of the oldest outbox message not delivered yet, by topic, by the database's clock.", []string{"topic"}, nil)

	descNodesUp = prometheus.NewDesc("portico_gateway_nodes_up",
		"1 when this scrape read the gateway nodes, 0 when the read failed or timed out (portico_gateway_nodes and portico_gateway_node_state are then absent).", nil, nil)
	descNodes = prometheus.NewDesc("portico_gateway_nodes",
		"Active gateway nodes by state (in_sync, behind, rejecting, unreachable), as the Gateway page shows them: against this instance's newest configuration.", []string{"state"}, nil)
	descNodeState = prometheus.NewDesc("portico_gateway_node_state",
		"1 for each active gateway node, labelled with its state as the Gateway page shows it.", []string{"node", "state"}, nil)
	descConfigVersion = prometheus.NewDesc("portico_gateway_config_version",
		"Version of the newest gateway configuration this instance holds and pushes to the nodes (0 before the first).", nil, nil)
)

// dbCollector exports the outbox and the gateway nodes, read from the
// database when scraped (see dbMetricsCacheFor).
type dbCollector struct {
	store *store.Store
	gw    *control.Service
	src   *control.Source
	log   *slog.Logger

	mu     sync.Mutex
	readAt time.Time // when the cached reads began; zero before the first
	outbox []store.OutboxTopicHealth
	now    time.Time // the database's clock at the outbox read
	boxErr error
	fleet  *control.Overview
	gwErr  error
}

func (d *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{descOutboxUp, descOutboxPending, descOutboxFailing, descOutboxOldest, descNodesUp, descNodes, descNodeState, descConfigVersion} {
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
	ctx, cancel = context.WithTimeout(context.Background(), dbMetricsTimeout)
	d.fleet, d.gwErr = d.gw.Fleet(ctx)
	cancel()
	if d.gwErr != nil {
		d.log.Warn("metrics: gateway nodes not read", "err", d.gwErr)
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

	if d.gwErr != nil {
		ch <- prometheus.MustNewConstMetric(descNodesUp, prometheus.GaugeValue, 0)
	} else {
		ch <- prometheus.MustNewConstMetric(descNodesUp, prometheus.GaugeValue, 1)
		counts := make(map[string]int, len(nodeStates))
		for _, n := range d.fleet.Nodes {
			counts[n.State]++
			ch <- prometheus.MustNewConstMetric(descNodeState, prometheus.GaugeValue, 1, n.Name, n.State)
		}
		for _, st := range nodeStates {
			ch <- prometheus.MustNewConstMetric(descNodes, prometheus.GaugeValue, float64(counts[st]), st)
		}
	}
	// This instance's own copy, in memory: never stale, never absent.
	head, _ := d.src.Current(context.Background())
	ch <- prometheus.MustNewConstMetric(descConfigVersion, prometheus.GaugeValue, float64(head.Version))
}
