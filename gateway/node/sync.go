package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway"
)

// syncState is what the node tells the portal on its next request.
type syncState struct {
	typ      string
	rejected *gateway.Rejection
	// attempts counts refusals of the same full state; nextRetry is when
	// the node asks for it again.
	attempts  int
	nextRetry time.Time
}

// errUnauthorized is the portal refusing the node's token.
var errUnauthorized = errors.New("the portal refused the node token (401): is the node registered and its token current?")

// RunSync keeps the node in step with the portal until ctx ends: it opens a
// long-poll to the portal, applies the snapshots and deltas it receives and
// reports the outcome on the next request. Failures to reach the portal are
// retried with backoff (0.5 s doubling to 30 s, with jitter) while the node
// goes on serving what it has.
func (n *Node) RunSync(ctx context.Context) error {
	endpoint, err := syncEndpoint(n.opts.Portal)
	if err != nil {
		return err
	}
	log := n.opts.Logger.With("portal", portalHost(n.opts.Portal))
	s := syncState{typ: gateway.MsgHello}
	failures, connected := 0, false
	for ctx.Err() == nil {
		// What this node had reported, taken before the request leaves:
		// the counts that answer it hold at least that much.
		var ask quotaAsk
		if n.quota != nil {
			ask = n.quota.ask()
		}
		sr := n.syncRequest(&s, time.Now())
		reqCtx, cancelReq := context.WithCancel(ctx)
		if n.quota != nil {
			// Read with the registration: a confirmation that comes
			// after it ends this request (quotaShare.confirmed).
			sr.Quotas = n.quota.sending(cancelReq)
		}
		media, body, err := n.exchange(reqCtx, endpoint, sr)
		cancelReq()
		if n.quota != nil && n.quota.returned() && err != nil && ctx.Err() == nil {
			// A batch of this node was confirmed while the request
			// named counts that may hold it: ask again now, with the
			// same report, rather than refuse by a double count until
			// the portal answers.
			continue
		}
		var big *oversizedError
		oversized := errors.As(err, &big)
		if err != nil && !oversized {
			if ctx.Err() != nil {
				break
			}
			failures++
			connected = false
			n.metrics.connected.Set(0)
			delay := backoff(failures, 500*time.Millisecond, 30*time.Second)
			if failures == 1 || failures%20 == 0 || errors.Is(err, errUnauthorized) {
				what := "portal unreachable"
				if errors.Is(err, errUnauthorized) {
					what = "the portal refused the node token"
				}
				log.Warn(what, "err", err, "serving", n.serving(), "attempt", failures, "retry_in", delay.Round(time.Millisecond))
			} else {
				log.Debug("portal unreachable", "err", err, "attempt", failures)
			}
			s.typ = gateway.MsgHello
			select {
			case <-ctx.Done():
			case <-time.After(delay):
			}
			continue
		}
		if !connected {
			log.Info("connected to the portal", "after_attempts", failures)
			connected = true
		}
		failures = 0
		n.metrics.connected.Set(1)
		if oversized {
			// The portal answered: the answer is one the node refuses,
			// as it refuses an invalid one (and asks for the full state
			// again only after a backoff), not a failure to reach it.
			n.reject(&s, big.rejection(), log)
			continue
		}
		switch media {
		case gateway.MediaSnapshot:
			n.receiveSnapshot(body, &s, log)
		case gateway.MediaDelta:
			n.receiveDelta(body, &s, log)
		case gateway.MediaHeartbeat:
			s.typ = gateway.MsgPoll
			if s.rejected != nil {
				s.typ = gateway.MsgNack
			}
		case gateway.MediaQuotas:
			s.typ = gateway.MsgPoll
			if s.rejected != nil {
				s.typ = gateway.MsgNack
			}
			if !n.receiveQuotas(body, ask, log) {
				// Counts the node cannot read would come again at once.
				select {
				case <-ctx.Done():
				case <-time.After(backoff(1, time.Second, time.Second)):
				}
			}
		}
	}
	return nil
}

// serving says what the node serves while the portal does not answer.
func (n *Node) serving() string {
	if cur := n.Current(); cur != nil {
		return "version " + strconv.FormatUint(cur.Version(), 10)
	}
	return "nothing yet: requests answer 503 until a configuration arrives"
}

// syncRequest is the next request's body.
func (n *Node) syncRequest(s *syncState, now time.Time) gateway.SyncRequest {
	req := gateway.SyncRequest{Type: s.typ, WaitMS: int(n.opts.Wait / time.Millisecond), Agent: n.opts.Agent}
	if cur := n.Current(); cur != nil {
		req.Version, req.Hash = cur.Version(), cur.Hash()
	}
	if n.quota != nil {
		req.Quotas, req.QuotaBase = n.quota.revision(), n.quota.base()
	}
	if err := n.persistError(); err != nil {
		req.Error = truncateText(err.Error(), 2000)
	}
	if s.rejected != nil {
		r := *s.rejected
		if r.Full {
			if until := s.nextRetry.Sub(now); until <= 0 {
				r.Retry = true
			} else if until < n.opts.Wait {
				req.WaitMS = max(int(until/time.Millisecond), 1)
			}
		}
		req.Rejected = &r
	}
	return req
}

// receiveQuotas installs the portal's quota counts that answered a
// request sent after ask; it reports false when they are not valid.
func (n *Node) receiveQuotas(body []byte, ask quotaAsk, log *slog.Logger) bool {
	if n.quota == nil {
		return true
	}
	c, err := gateway.DecodeQuotas(body)
	if err != nil {
		log.Warn("quota counts refused: the node counts its own quotas meanwhile", "err", err)
		return false
	}
	if err := n.quota.received(n.sharer, c, ask); err != nil {
		// The node asks for the whole counts at once.
		log.Info("quota counts not applied: asking for all of them", "err", err, "base", c.Base)
		return true
	}
	log.Debug("quota counts applied", "revision", c.Revision, "day", c.Day, "subscriptions", len(c.Used), "delta", c.Base != "")
	return true
}

func (n *Node) receiveSnapshot(body []byte, s *syncState, log *slog.Logger) {
	st, err := gateway.DecodeSnapshot(body, n.opts.Limits)
	if err != nil {
		var head gateway.Head
		json.Unmarshal(body, &head)
		n.reject(s, gateway.Rejection{Version: head.Version, Hash: head.Hash, Full: true, Reason: err.Error()}, log)
		return
	}
	if cur := n.Current(); cur != nil && st.Version() < cur.Version() {
		log.Warn("the portal sent an older version than the node serves: taking it (the portal's database was restored?)", "served", cur.Version(), "received", st.Version())
	}
	n.accept(st, nil, s, log)
}

func (n *Node) receiveDelta(body []byte, s *syncState, log *slog.Logger) {
	d, err := gateway.DecodeDelta(body, n.opts.Limits)
	if err != nil {
		var head gateway.Head
		json.Unmarshal(body, &head)
		n.reject(s, gateway.Rejection{Version: head.Version, Hash: head.Hash, Reason: err.Error()}, log)
		return
	}
	cur := n.Current()
	if cur == nil {
		n.reject(s, gateway.Rejection{Version: d.Version, Hash: d.Hash, Reason: "a delta reached a node without a configuration"}, log)
		return
	}
	st, err := cur.Apply(d)
	if err == nil {
		err = n.opts.Limits.CheckState(st)
	}
	if err != nil {
		n.reject(s, gateway.Rejection{Version: d.Version, Hash: d.Hash, Reason: err.Error()}, log)
		return
	}
	n.accept(st, d, s, log)
}

// accept installs st (made by d of the state served, or a full state when d
// is nil) and acks it: in service and on disk.
func (n *Node) accept(st *gateway.State, d *gateway.Delta, s *syncState, log *slog.Logger) {
	start := time.Now()
	err := n.install(st, d)
	n.metrics.applies.WithLabelValues("ack").Inc()
	r, p, k := st.Counts()
	log.Info("configuration applied", "version", st.Version(), "hash", st.Hash(), "routes", r, "plans", p, "keys", k, "duration", time.Since(start).Round(time.Microsecond), "saved", err == nil)
	*s = syncState{typ: gateway.MsgAck}
}

// reject keeps the configuration in service and tells the portal why. A
// refused full state is asked for again after a backoff (1 s doubling to
// 5 min); a refused delta makes the portal send the full state at once.
func (n *Node) reject(s *syncState, r gateway.Rejection, log *slog.Logger) {
	// What the portal accepts (gateway.SyncRequest.Validate): a request it
	// refused would carry the same refusal again on every retry.
	r.Reason = truncateText(r.Reason, 2000)
	if !validHash(r.Hash) {
		r.Hash = ""
	}
	n.metrics.applies.WithLabelValues("nack").Inc()
	if r.Full {
		if s.rejected != nil && s.rejected.Full && s.rejected.Version == r.Version && s.rejected.Hash == r.Hash {
			s.attempts++
		} else {
			s.attempts = 1
		}
		s.nextRetry = time.Now().Add(backoff(s.attempts, time.Second, 5*time.Minute))
	}
	log.Warn("configuration refused, the previous one stays in service", "version", r.Version, "full", r.Full, "reason", r.Reason)
	s.typ = gateway.MsgNack
	s.rejected = &r
}

// exchange sends one sync request and returns the answer's media type and body.
func (n *Node) exchange(ctx context.Context, endpoint string, sr gateway.SyncRequest) (string, []byte, error) {
	reqBody, err := json.Marshal(sr)
	if err != nil {
		return "", nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(reqBody))
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+n.opts.Token)
	req.Header.Set("User-Agent", n.opts.Agent)
	// Every request a new number, a retry too: the portal keeps the
	// newest report, however late an earlier request is written.
	req.Header.Set(gateway.ReportHeader, gateway.Report{Session: n.reportSession, Seq: n.reportSeq.Add(1)}.String())
	resp, err := n.opts.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// The URL is known; the error without it says what failed.
			err = ue.Err
		}
		return "", nil, err
	}
	defer resp.Body.Close()
	limit := n.opts.Limits.MaxBytes
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return "", nil, fmt.Errorf("reading the answer: %w", err)
	}
	tooLarge := int64(len(body)) > limit
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return "", nil, errUnauthorized
	case resp.StatusCode != http.StatusOK:
		return "", nil, fmt.Errorf("the portal answered %s: %s", resp.Status, printable(truncate(string(body), 200)))
	}
	media, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		return "", nil, fmt.Errorf("the portal's answer has no media type")
	}
	switch media {
	case gateway.MediaSnapshot, gateway.MediaDelta:
		if tooLarge {
			return media, nil, &oversizedError{media: media, head: leadingHead(body), limit: limit}
		}
		return media, body, nil
	case gateway.MediaHeartbeat, gateway.MediaQuotas:
		if tooLarge {
			return "", nil, fmt.Errorf("reading the answer: document %w of %d bytes", gateway.ErrTooLarge, limit)
		}
		return media, body, nil
	}
	return "", nil, fmt.Errorf("the portal answered with %q, not a gateway sync message: is --portal the portal's address?", truncate(media, 100))
}

// oversizedError is a snapshot or delta larger than the node accepts
// (Limits.MaxBytes): the node refuses it, as it refuses an invalid one.
type oversizedError struct {
	media string
	head  gateway.Head // the refused version, read from the answer's start
	limit int64
}

func (e *oversizedError) Error() string {
	what := "snapshot"
	if e.media == gateway.MediaDelta {
		what = "delta"
	}
	return fmt.Sprintf("the %s is larger than the %d bytes this node accepts", what, e.limit)
}

// rejection is the refusal the node reports: of the full state, asked for
// again after a backoff, or of a delta, which has the portal send the full
// state.
func (e *oversizedError) rejection() gateway.Rejection {
	return gateway.Rejection{Version: e.head.Version, Hash: e.head.Hash, Full: e.media == gateway.MediaSnapshot, Reason: e.Error()}
}

// leadingHead reads the version and hash of a snapshot or delta from the
// start of its encoding, where the portal writes them (before the routes):
// the answer is cut at the node's limit, and cannot be decoded whole. It
// returns what it found before the first array or object (zero values
// when the start is not as written).
func leadingHead(prefix []byte) gateway.Head {
	var h gateway.Head
	dec := json.NewDecoder(bytes.NewReader(prefix))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return h
	}
	for {
		k, err := dec.Token()
		if err != nil {
			return h
		}
		key, ok := k.(string)
		if !ok {
			return h
		}
		v, err := dec.Token()
		if err != nil {
			return h
		}
		switch v := v.(type) {
		case json.Delim:
			return h
		case json.Number:
			if key == "version" {
				h.Version, _ = strconv.ParseUint(v.String(), 10, 64)
			}
		case string:
			if key == "hash" {
				h.Hash = v
			}
		}
	}
}

func syncEndpoint(portal string) (string, error) {
	u, err := url.Parse(portal)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("the portal URL must be http(s)://host[:port][/path]")
	}
	return strings.TrimSuffix(u.String(), "/") + gateway.SyncPath, nil
}

// portalHost names the portal in logs without any credentials in its URL.
func portalHost(portal string) string {
	if u, err := url.Parse(portal); err == nil {
		return u.Scheme + "://" + u.Host
	}
	return ""
}

// backoff is base·2^(attempt-1), at most max, with ±20% jitter.
func backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// truncateText is s as valid UTF-8 (invalid bytes become '?') cut to at
// most n bytes at a character boundary.
func truncateText(s string, n int) string {
	return apperr.CutBytes(strings.ToValidUTF8(s, "?"), n)
}

// validHash reports whether h is a hash as the protocol writes them: 64
// lowercase hex digits.
func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
}
