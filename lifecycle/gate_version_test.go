package lifecycle_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

const (
	hookedV1 = `openapi: 3.1.0
info: {title: Pets, version: "1.0.0"}
paths:
  /pets:
    get: {responses: {"200": {description: ok}}}
webhooks:
  ev:
    post:
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses: {"200": {description: ok}}
`
	hookedV11 = `openapi: 3.1.0
info: {title: Pets, version: "1.1.0"}
paths:
  /pets:
    get: {responses: {"200": {description: ok}}}
`
)

// oldKey is a finding's key as the gate computes it (spec's changeKey).
func oldKey(c spec.Change) string {
	sum := sha256.Sum256([]byte(c.ID + "\x00" + c.Operation + "\x00" + c.Text))
	return hex.EncodeToString(sum[:8])
}

// TestReviewStoredUnderAnOlderGate: a review stored by an older gate (no
// gate stamp; webhook-removed without its operation, a webhook payload
// finding named "POST webhook:ev") is computed again when read, and the
// false positive a reviewer accepted on the renamed finding stays accepted.
func TestReviewStoredUnderAnOlderGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t)
		f.publish(t, a, "1.0.0", hookedV1)
		_, r := f.submit(t, f.dev, a, "1.1.0", hookedV11)

		// The report as the older gate stored it.
		stored, err := s.ReviewReportOf(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(stored.Report), &raw); err != nil {
			t.Fatal(err)
		}
		delete(raw, "gate")
		var old spec.Report
		js, _ := json.Marshal(raw)
		if err := json.Unmarshal(js, &old); err != nil {
			t.Fatal(err)
		}
		var removed *spec.Change
		for i := range old.Diff.Changes {
			if c := &old.Diff.Changes[i]; c.ID == "webhook-removed" {
				c.Operation, c.Line, c.InBase = "", 0, false
				c.Key = oldKey(*c)
				removed = c
			}
		}
		if removed == nil {
			t.Fatalf("no webhook-removed finding in %+v", old.Diff.Changes)
		}
		stale := spec.Change{ID: "request-property-became-required", Level: spec.SeverityError, Operation: "POST webhook:ev",
			Path: "webhook:ev", Text: "the request property 'id' became required"}
		stale.Key = oldKey(stale)
		old.Diff.Changes = append(old.Diff.Changes, stale)
		js, _ = json.Marshal(&old)
		if strings.Contains(string(js), `"gate"`) {
			t.Fatalf("the older report has a gate stamp: %s", js)
		}
		if _, err := s.DB().NewUpdate().Table("review_reports").Set("report = ?", string(js)).
			Set("computed_at = ?", time.Now().Add(-time.Hour)).Where("request_id = ?", r.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptFinding(ctx, s.DB(), &store.FindingAcceptance{RequestID: r.ID, FindingKey: removed.Key,
			RuleID: removed.ID, Reason: "nobody subscribed to ev", AcceptedBy: f.approver.ID}); err != nil {
			t.Fatal(err)
		}

		rv, err := f.svc.Review(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		var now *spec.Change
		for i, c := range rv.Report.Diff.Changes {
			ops = append(ops, c.ID+" at "+c.Operation)
			if c.ID == "webhook-removed" {
				now = &rv.Report.Diff.Changes[i]
			}
		}
		if now == nil || now.Operation != "webhook ev (POST)" || strings.Contains(strings.Join(ops, "; "), "webhook:ev") {
			t.Fatalf("findings after reading the older review: %q; want webhook-removed at \"webhook ev (POST)\" and none at \"POST webhook:ev\"", ops)
		}
		if acc, ok := rv.Acceptances[now.Key]; !ok || acc.Reason != "nobody subscribed to ev" || rv.Judged.Accepted != 1 || rv.Blocked {
			t.Errorf("acceptances %v, accepted %d, blocked %v; want the acceptance carried to %s, unblocked", rv.Acceptances, rv.Judged.Accepted, rv.Blocked, now.Key)
		}
		again, err := s.ReviewReportOf(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(again.Report, `"gate":`) {
			t.Errorf("the report stored again has no gate stamp: %.200s", again.Report)
		}
	})
}
