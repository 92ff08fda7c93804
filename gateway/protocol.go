package gateway

import (
	"errors"
	"time"
)

// The sync protocol is an HTTP long-poll that the node opens (so a node
// behind NAT or a firewall needs no inbound connection):
//
//	POST {portal}/api/v1/gateway/sync
//	Authorization: Bearer <node token>
//	Content-Type: application/json
//	Accept-Encoding: gzip
//
//	{"type":"hello"|"ack"|"nack"|"poll","version":N,"hash":"…","wait_ms":25000,
//	 "agent":"portico-gateway 1.0.0","error":"…","quotas":"…",
//	 "rejected":{"version":M,"hash":"…","full":true,"reason":"…","retry":false}}
//
// The body says what the node serves (version and hash, 0 and "" before its
// first configuration) and what it did with the previous answer: hello on a
// new session, ack after applying, nack (with rejected) after refusing, poll
// after a heartbeat; error is a problem of the node's own (its
// last-known-good file cannot be written). The portal answers 200 with one
// of three media types:
//
//   - MediaSnapshot: the full state (the wire snapshot), to a new node, one
//     that is far behind, one whose state the portal does not know, or one
//     that refused a delta;
//   - MediaDelta: the changes from the node's version to the newest;
//   - MediaHeartbeat: {"version","hash"} of the newest state, when nothing
//     newer came within wait_ms (capped by the portal);
//   - MediaQuotas: the daily quota counts of the subscriptions (Quotas),
//     when the node serves the newest state and its "quotas" (the revision
//     of the counts it holds, or "none") is not the portal's. Only a
//     portal that counts quotas sends them, and only to a node that sends
//     "quotas".
//
// The portal holds the request until it has something to send, so a change
// reaches a node as soon as the portal learns of it. A node that refused the
// full state of a version is not sent it again until a newer version exists
// or the node asks for a retry (rejected.retry, after its backoff). 401 means
// the token is unknown or revoked.
const (
	SyncPath       = "/api/v1/gateway/sync"
	MediaSnapshot  = "application/vnd.portico.gateway.snapshot+json"
	MediaDelta     = "application/vnd.portico.gateway.delta+json"
	MediaHeartbeat = "application/vnd.portico.gateway.heartbeat+json"
)

// Message types a node sends.
const (
	MsgHello = "hello"
	MsgAck   = "ack"
	MsgNack  = "nack"
	MsgPoll  = "poll"
)

// MaxSyncRequestBytes bounds a sync request body.
const MaxSyncRequestBytes = 16 << 10

// MaxWait is the longest a portal holds a sync request.
const MaxWait = 55 * time.Second

// SyncRequest is the body of a node's sync request.
type SyncRequest struct {
	Type    string `json:"type"`
	Version uint64 `json:"version"`
	Hash    string `json:"hash"`
	// WaitMS is how long the node is willing to wait for a change.
	WaitMS   int        `json:"wait_ms,omitempty"`
	Rejected *Rejection `json:"rejected,omitempty"`
	// Agent names the node's software, e.g. "portico-gateway 1.2.0".
	Agent string `json:"agent,omitempty"`
	// Error is a problem of the node's own while it serves what it says,
	// e.g. that its last-known-good file cannot be written.
	Error string `json:"error,omitempty"`
	// Quotas is the revision of the quota counts the node holds,
	// QuotasNone when it holds none (or asks for them again), and empty
	// when it takes none (its quotas are counted elsewhere, in Redis).
	Quotas string `json:"quotas,omitempty"`
}

// QuotasNone is SyncRequest.Quotas of a node that takes quota counts and
// holds none.
const QuotasNone = "none"

// Rejection describes the last configuration a node refused.
type Rejection struct {
	Version uint64 `json:"version"`
	Hash    string `json:"hash"`
	// Full is true when the node refused a full snapshot (not a delta).
	Full   bool   `json:"full"`
	Reason string `json:"reason"`
	// Retry asks the portal to send the full state again.
	Retry bool `json:"retry,omitempty"`
}

// Validate bounds what a portal accepts from a node.
func (r *SyncRequest) Validate() error {
	switch r.Type {
	case MsgHello, MsgAck, MsgNack, MsgPoll:
	default:
		return errors.New("type must be hello, ack, nack or poll")
	}
	if r.Hash != "" && !validHexHash(r.Hash) {
		return errors.New("hash must be 64 lowercase hex digits or empty")
	}
	if r.WaitMS < 0 || len(r.Agent) > 200 || len(r.Error) > 2000 || len(r.Quotas) > MaxQuotaRevision {
		return errors.New("wait_ms must not be negative, agent at most 200 characters, error at most 2000 and quotas at most 128")
	}
	if r.Rejected != nil {
		if r.Rejected.Hash != "" && !validHexHash(r.Rejected.Hash) {
			return errors.New("rejected.hash must be 64 lowercase hex digits")
		}
		if len(r.Rejected.Reason) > 2000 {
			return errors.New("rejected.reason must be at most 2000 characters")
		}
	}
	return nil
}

// Wait is the wait the node asks for, within the portal's bound.
func (r *SyncRequest) Wait(max time.Duration) time.Duration {
	w := time.Duration(r.WaitMS) * time.Millisecond
	if w <= 0 || w > max {
		return max
	}
	return w
}
