package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// TestSearchRelatedByMeaning: with the index ranking by meaning (the portal's default), a search none of whose
// words an API has finds the APIs whose text is close in meaning, marks them as related on the page and in the
// JSON API, and still hides a team-only one from those outside its team.
func TestSearchRelatedByMeaning(t *testing.T) {
	m, err := search.OpenMeaning("", nil)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWithSearch(t, search.WithMeaning(m))
	p := e.publisher()
	p.publish("data", lifecycle.APIInput{Slug: "weather-now", Name: "Weather Now", Summary: "Current conditions and forecasts", Tags: []string{"weather"}},
		"1.0.0", tinySpec("Weather Now", "/forecast", "Get the forecast for a city"))
	p.publish("ops", lifecycle.APIInput{Slug: "storm-desk", Name: "Storm Desk", Summary: "Severe weather alerts for our sites", Tags: []string{"alerts"}, Visibility: store.VisibilityTeam},
		"1.0.0", []byte(`openapi: 3.0.3
info: {title: Storm Desk, version: 1.0.0}
paths:
  /warnings:
    get:
      summary: List storm warnings
      responses: {"200": {description: ok}}
  /alerts:
    post:
      summary: Raise a flood alert
      responses: {"201": {description: raised}}
`))
	p.publish("money", lifecycle.APIInput{Slug: "payments", Name: "Payments", Summary: "Charge cards and refund charges", Tags: []string{"payments"}},
		"1.0.0", tinySpec("Payments", "/charges", "Create a charge"))
	e.drain()
	outsider := e.user("outsider", policy.RoleMember, "money", policy.RoleOwner)
	insider := e.user("insider", policy.RoleMember, "ops", policy.RoleViewer)

	const text = "rain or sunshine today"
	for _, tt := range []struct {
		who  *store.User
		want []string
	}{{outsider, []string{"weather-now"}}, {insider, []string{"weather-now", "storm-desk"}}} {
		status, body := e.searchJSON(e.token(tt.who), url.Values{"q": {text}})
		if status != http.StatusOK {
			t.Fatalf("%s: search status %d: %v", tt.who.Username, status, body)
		}
		hits, _ := body["hits"].([]any)
		var got []string
		for _, h := range hits {
			hit, _ := h.(map[string]any)
			got = append(got, hit["api"].(string))
			if hit["related"] != true {
				t.Errorf("%s: hit %v: related %v, want true", tt.who.Username, hit["api"], hit["related"])
			}
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: hits %v, want %v", tt.who.Username, got, tt.want)
		}
		if total, _ := body["total"].(float64); int(total) != len(tt.want) {
			t.Errorf("%s: total %v, want %d", tt.who.Username, body["total"], len(tt.want))
		}
	}

	b := e.browser()
	b.login("outsider")
	res := b.get("/catalog?q=" + url.QueryEscape(text))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("catalog: status %d", res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	hit := doc.Find(`[data-testid="hit"][data-slug="weather-now"]`)
	if hit.Length() != 1 || hit.Find(`[data-testid="hit-related"]`).Length() != 1 {
		t.Errorf("catalog page: want the weather-now hit marked as related, got:\n%s", doc.Find(`[data-testid="hits"]`).Text())
	}
	if got := doc.Find(`[data-testid="unmatched"]`).Text(); !strings.Contains(got, "sunshine") {
		t.Errorf("catalog page: the words that matched nothing: got %q, want them named", got)
	}
	if strings.Contains(doc.Text(), "Storm Desk") {
		t.Errorf("catalog page as an outsider shows the team-only Storm Desk")
	}

	// /readyz says how many APIs' meaning is still being encoded: none, these few were encoded as they were indexed.
	res, err = e.app.Test(httptest.NewRequest("GET", "/readyz", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Index map[string]any `json:"index"`
	}
	if err := json.NewDecoder(res.Body).Decode(&ready); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, ok := ready.Index["meaning_pending"]; !ok || got != 0.0 {
		t.Errorf("/readyz index.meaning_pending: got %v (present: %v), want 0", got, ok)
	}

	// The API's own description names every field of a hit.
	res, err = e.app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	var desc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.NewDecoder(res.Body).Decode(&desc); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, body := e.searchJSON(e.token(outsider), url.Values{"q": {text}})
	first := body["hits"].([]any)[0].(map[string]any)
	described := desc.Components.Schemas["SearchHit"].Properties
	for k := range first {
		if _, ok := described[k]; !ok {
			t.Errorf("openapi.json's SearchHit lacks the hit's field %q", k)
		}
	}
	for k := range described {
		if _, ok := first[k]; !ok {
			t.Errorf("openapi.json's SearchHit describes %q, which a hit lacks", k)
		}
	}

	// A word that matches: the hit is no related one.
	status, body := e.searchJSON(e.token(outsider), url.Values{"q": {"forecast"}})
	hits, _ := body["hits"].([]any)
	if status != http.StatusOK || len(hits) == 0 || hits[0].(map[string]any)["api"] != "weather-now" || hits[0].(map[string]any)["related"] != false {
		t.Errorf("search for forecast: status %d, hits %v; want weather-now first, not related", status, hits)
	}
}
