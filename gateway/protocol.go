package gateway

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// The sync protocol is an HTTP long-poll that the node opens (so a node
// behind NAT or a firewall needs no inbound connection):
//
//	POST {portal}/api/v1/gateway/sync
//	Authorization: Bearer <node token>
//	Content-Type: application/json
//	Accept-Encoding: gzip
//	Portico-Report: <session>-<seq>   (see ReportHeader)
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
//     "quotas"; to a node whose "quota_base" names counts of the day the
//     portal still knows, only the subscriptions counted since (a delta,
//     Quotas.Base), else all of them.
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
	// QuotaBase is the revision of the whole quota counts the node
	// holds, even when Quotas asks for counts again: the portal may then
	// answer with a delta from them (Quotas.Base). Empty: a node that
	// holds none, or from before deltas, gets the whole counts.
	QuotaBase string `json:"quota_base,omitempty"`
	// Report numbers the request among the node's, from its
	// ReportHeader (the zero Report when it sent none).
	Report Report `json:"-"`
}

// ReportHeader numbers a node's sync requests: "<session>-<seq>", the
// session a random name the node draws when it starts (8 to 32 lowercase
// hex digits) and seq its requests' count in that session, from 1. A node
// sends one request at a time, but one it gave up on may still be in
// flight at a portal instance when its retry reaches another: the portal
// stores a node's status only from a report newer than the one stored, so
// the older request's late write never replaces the newer. It is a header,
// not a field of the JSON body, so that a node sending it still syncs with
// a portal that refuses unknown fields (one from before it), which ignores
// it.
const ReportHeader = "Portico-Report"

// Report is a node's request number (see ReportHeader).
type Report struct {
	Session string
	Seq     uint64
}

// String is the header's value.
func (r Report) String() string { return r.Session + "-" + strconv.FormatUint(r.Seq, 10) }

// Newer reports whether r is newer than stored: of another session (the
// node restarted), of a higher seq in the same one, or unnumbered (a node
// from before ReportHeader).
func (r Report) Newer(stored Report) bool {
	return r.Seq == 0 || r.Session != stored.Session || r.Seq > stored.Seq
}

// MaxReportSeq bounds a report's seq, so it fits a signed 64-bit column.
const MaxReportSeq = 1<<63 - 1

// ParseReport reads a ReportHeader value.
func ParseReport(v string) (Report, error) {
	session, seq, ok := strings.Cut(v, "-")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || len(session) < 8 || len(session) > 32 || !lowerHex(session) || err != nil || n == 0 || n > MaxReportSeq {
		return Report{}, errors.New(ReportHeader + " must be <session>-<seq>: 8 to 32 lowercase hex digits, a dash and a number from 1")
	}
	// A copy: the hub keeps the session, and a header value may share
	// memory its server reuses for the next request (fiber's net/http
	// adaptor hands fasthttp's buffers over as strings).
	return Report{Session: strings.Clone(session), Seq: n}, nil
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
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
	if r.WaitMS < 0 || len(r.Agent) > 200 || len(r.Error) > 2000 || len(r.Quotas) > MaxQuotaRevision || len(r.QuotaBase) > MaxQuotaRevision {
		return errors.New("wait_ms must not be negative, agent at most 200 characters, error at most 2000, quotas and quota_base at most 128")
	}
	if r.Report.Seq > MaxReportSeq || len(r.Report.Session) > 32 {
		return errors.New(ReportHeader + " must be <session>-<seq>: 8 to 32 lowercase hex digits, a dash and a number from 1")
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
