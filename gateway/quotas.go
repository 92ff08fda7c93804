package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// MediaQuotas is the portal's answer carrying daily quota counts (Quotas)
// on the sync long-poll, between configurations.
//
// The counts are not part of the configuration, on purpose: they change
// every few seconds while traffic flows, so in the hashed, versioned state
// they would fill the change log, make every node's hash churn and turn
// "in sync" into a moving target, and a node would write its last-known-good
// file for each. They travel as their own message on the same connection,
// unhashed and never persisted: a node that restarts or loses the portal
// keeps limiting on its own count and gets the counts again on its next
// exchange.
const MediaQuotas = "application/vnd.portico.gateway.quotas+json"

// MaxQuotaEntries bounds the subscriptions of one Quotas message.
const MaxQuotaEntries = 500_000

// Quotas is what the portal has counted of each subscription's accepted
// requests (every answer but 429) on one UTC day, summed over the usage
// reports of every node, for the subscriptions whose plan has a daily quota
// and that have traffic that day.
type Quotas struct {
	// Revision names these counts: it changes whenever one does. A node
	// sends back the revision it holds (SyncRequest.Quotas) and gets new
	// counts only when they differ.
	Revision string `json:"revision"`
	// Day is the UTC day, in days since 1970-01-01.
	Day int64 `json:"day"`
	// Used is the day's accepted requests by subscription id: every
	// subscription counted, or with Base the ones whose count changed.
	Used map[string]int64 `json:"used"`
	// Base, when set, makes these counts a delta: they are the counts of
	// revision Base (of the same day) with Used's entries replaced. The
	// portal sends one to a node that holds Base whole
	// (SyncRequest.QuotaBase); counts only grow during a day, so a delta
	// is the subscriptions counted since, and costs what changed, not
	// every subscription of the day.
	Base string `json:"base,omitempty"`
}

// ErrQuotaBase is a delta from counts the node does not hold.
var ErrQuotaBase = errors.New("the quota counts are a delta from counts the node does not hold")

// Over returns the whole counts q makes of held: q itself when it is not
// a delta, else held's with q's entries (held is not modified). It fails
// with ErrQuotaBase when held is not q's base.
func (q *Quotas) Over(held *Quotas) (*Quotas, error) {
	if q.Base == "" {
		return q, nil
	}
	if held == nil || held.Base != "" || held.Revision != q.Base || held.Day != q.Day {
		return nil, ErrQuotaBase
	}
	used := make(map[string]int64, len(held.Used)+len(q.Used))
	for sub, n := range held.Used {
		used[sub] = n
	}
	for sub, n := range q.Used {
		used[sub] = n
	}
	if len(used) > MaxQuotaEntries {
		return nil, fmt.Errorf("the quota counts hold more than %d subscriptions", MaxQuotaEntries)
	}
	return &Quotas{Revision: q.Revision, Day: q.Day, Used: used}, nil
}

// Encode returns the message body.
func (q *Quotas) Encode() []byte {
	b, _ := json.Marshal(q)
	return b
}

// DecodeQuotas reads and checks a Quotas message.
func DecodeQuotas(body []byte) (*Quotas, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var q Quotas
	if err := dec.Decode(&q); err != nil {
		return nil, fmt.Errorf("the quota counts are not valid JSON: %w", err)
	}
	switch {
	case q.Revision == "" || len(q.Revision) > MaxQuotaRevision:
		return nil, fmt.Errorf("the quota counts need a revision of 1 to %d characters", MaxQuotaRevision)
	case len(q.Base) > MaxQuotaRevision:
		return nil, fmt.Errorf("the quota counts' base needs at most %d characters", MaxQuotaRevision)
	case q.Day <= 0:
		return nil, errors.New("the quota counts need a day")
	case len(q.Used) > MaxQuotaEntries:
		return nil, fmt.Errorf("the quota counts hold more than %d subscriptions", MaxQuotaEntries)
	}
	for sub, n := range q.Used {
		if !validID(sub) || n < 0 {
			return nil, errors.New("the quota counts name a subscription that is no id or a negative count")
		}
	}
	return &q, nil
}

// MaxQuotaRevision bounds a quota revision.
const MaxQuotaRevision = 128
