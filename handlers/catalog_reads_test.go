package handlers_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/lifecycle"
)

// queryLog records the SQL the store runs while it is on.
type queryLog struct {
	mu      sync.Mutex
	on      bool
	queries []string
}

func (l *queryLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (l *queryLog) AfterQuery(_ context.Context, ev *bun.QueryEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.on {
		l.queries = append(l.queries, ev.Query)
	}
}

func (l *queryLog) record(on bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = on
	got := l.queries
	l.queries = nil
	return got
}

// TestCatalogPageReadsNoAPIsNorSpecs checks that the catalog renders its
// cards from the search hits: team name, tags, default version and state come
// from the index, and no query of the page reads an API, a version or a spec.
func TestCatalogPageReadsNoAPIsNorSpecs(t *testing.T) {
	e := newEnvWithSearch(t)
	p := e.publisher()
	for _, slug := range []string{"alpha", "beta", "gamma"} {
		p.publish("payments", lifecycle.APIInput{Slug: slug, Name: "API " + slug, Tags: []string{"money", slug}}, "1.2.0",
			tinySpec(slug, "/charges", "Create a charge"))
	}
	e.drain()
	b := e.browser()
	b.login("publisher")

	log := &queryLog{}
	e.store.AddQueryHook(log)
	reads := regexp.MustCompile(`(?i)\bapi_versions\b|\bspec_(raw|json)\b|\bFROM "?apis"?\b`)
	for _, path := range []string{"/catalog", "/catalog?q=charge", "/catalog?tag=money&state=published"} {
		log.record(true)
		d := doc(t, b.get(path))
		queries := log.record(false)
		for _, q := range queries {
			if reads.MatchString(q) {
				t.Errorf("%s: query reads APIs, versions or specs: %.300s", path, q)
			}
		}
		hits := d.Find(`[data-testid="hit"]`)
		if hits.Length() != 3 {
			t.Fatalf("%s: got %d hits, want 3", path, hits.Length())
		}
		card := hits.First()
		text := strings.Join(strings.Fields(card.Text()), " ")
		for _, want := range []string{"Payments", "v1.2.0", "money", "published"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: card %q lacks %q", path, text, want)
			}
		}
	}
}
