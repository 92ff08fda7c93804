package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// TestAuditPagesByCursor: the audit page goes back and forth by the id of
// the events it shows (before=, after=), not by an offset, so that a page
// deep in a long log reads its own 50 events, not every newer one first.
// Older and Newer keep the filters and give back the same pages; an old
// page= link goes to its cursor for the pages the count reaches (200) and
// is refused, saying why, past them.
func TestAuditPagesByCursor(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	ctx := context.Background()
	// 120 events by robot (reasons 0..119, oldest first) among others.
	for i := range 120 {
		if err := e.store.Audit(ctx, e.store.DB(), &store.AuditEvent{Actor: "robot", Action: "test.event", ObjectType: "team", ObjectID: "x", Reason: strconv.Itoa(i)}, store.Now()); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if err := e.store.Audit(ctx, e.store.DB(), &store.AuditEvent{Actor: "other", Action: "test.event", ObjectType: "team", ObjectID: "x", Reason: "other"}, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	events, err := e.store.ListAudit(ctx, store.AuditFilter{Actor: "robot", Limit: 500})
	if err != nil || len(events) != 120 {
		t.Fatalf("robot's events: %d, %v", len(events), err)
	}
	b := e.browser()
	b.login("admin")

	type page struct {
		reasons              []string
		newer, older, newest string
	}
	get := func(path string) page {
		t.Helper()
		res := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		d := doc(t, res)
		var p page
		d.Find(`[data-testid="audit-row"] td:last-child`).Each(func(_ int, s *goquery.Selection) {
			p.reasons = append(p.reasons, strings.TrimSpace(s.Text()))
		})
		p.newer = d.Find(`[data-testid="newer"]`).AttrOr("href", "")
		p.older = d.Find(`[data-testid="older"]`).AttrOr("href", "")
		p.newest = d.Find(`[data-testid="newest"]`).AttrOr("href", "")
		return p
	}
	reasons := func(from, to int) []string { // from down to to, newest first
		var out []string
		for i := from; i >= to; i-- {
			out = append(out, strconv.Itoa(i))
		}
		return out
	}
	cursor := func(name string, id int64) string {
		return "/audit?" + url.Values{"actor": {"robot"}, name: {fmt.Sprint(id)}}.Encode()
	}

	first := get("/audit?actor=robot")
	if !slices.Equal(first.reasons, reasons(119, 70)) || first.newer != "" || first.newest != "" ||
		first.older != cursor("before", events[49].ID) {
		t.Fatalf("first page: %v, newer %q, older %q, newest %q; want 119..70, older %q only",
			first.reasons, first.newer, first.older, first.newest, cursor("before", events[49].ID))
	}
	second := get(first.older)
	if !slices.Equal(second.reasons, reasons(69, 20)) || second.newer != cursor("after", events[50].ID) ||
		second.older != cursor("before", events[99].ID) || second.newest != "/audit?actor=robot" {
		t.Fatalf("second page: %v, newer %q, older %q, newest %q", second.reasons, second.newer, second.older, second.newest)
	}
	last := get(second.older)
	if !slices.Equal(last.reasons, reasons(19, 0)) || last.older != "" || last.newer != cursor("after", events[100].ID) {
		t.Fatalf("last page: %v, newer %q, older %q", last.reasons, last.newer, last.older)
	}
	if back := get(last.newer); !slices.Equal(back.reasons, second.reasons) || back.older != second.older || back.newer != second.newer {
		t.Errorf("newer than the last page: %v (newer %q, older %q), want the second page again", back.reasons, back.newer, back.older)
	}
	if top := get(second.newer); !slices.Equal(top.reasons, first.reasons) || top.newer != "" || top.older != first.older {
		t.Errorf("newer than the second page: %v (newer %q, older %q), want the first page again", top.reasons, top.newer, top.older)
	}

	// Old numbered links: page 2 is the second page's cursor; page 1 the
	// first page; beyond the events, the first page; past 200, refused.
	for _, c := range []struct{ path, location string }{
		{"/audit?actor=robot&page=2", cursor("before", events[49].ID)},
		{"/audit?actor=robot&page=3", cursor("before", events[99].ID)},
		{"/audit?actor=robot&page=1", "/audit?actor=robot"},
		{"/audit?actor=robot&page=4", "/audit?actor=robot"},
	} {
		pageWantRedirect(t, c.path, b.get(c.path), c.location)
	}
	for _, path := range []string{"/audit?page=201", "/audit?before=x", "/audit?after=0", "/audit?before=5&after=3"} {
		res := b.get(path)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", path, res.StatusCode)
		}
	}
}
