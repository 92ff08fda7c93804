package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseSynonyms(t *testing.T) {
	got, err := ParseSynonyms("# API words\nRepo,  repository\n\n e-mail , Email,email\n")
	if err != nil {
		t.Fatalf("ParseSynonyms: got error %v, want nil", err)
	}
	want := Synonyms{{"repo", "repository"}, {"e-mail", "email"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("ParseSynonyms: got %q, want %q", got, want)
	}
	if again, err := ParseSynonyms(got.Text()); err != nil || !slices.EqualFunc(again, got, slices.Equal) {
		t.Errorf("ParseSynonyms(Text()): got %q, %v, want %q", again, err, got)
	}
	if got, err := ParseSynonyms(""); err != nil || got == nil || len(got) != 0 {
		t.Errorf("ParseSynonyms(\"\"): got %#v, %v, want an empty list", got, err)
	}
	if _, err := ParseSynonyms(DefaultSynonyms().Text()); err != nil {
		t.Errorf("the default list: got error %v, want nil", err)
	}
	for _, tt := range []struct{ name, text, want string }{
		{"one member", "repo\n", "line 1: a group needs two"},
		{"same member twice", "a, b\nrepo, Repo", "line 2: a group needs two"},
		{"long member", "repo, " + strings.Repeat("x", MaxSynonymLength+1), "at most 60 characters"},
		{"many words", "repo, one two three four five", "at most 4 words"},
		{"big group", strings.Repeat("w, ", MaxSynonymsPerGroup) + "w", "at most 12 synonyms"},
		{"many groups", strings.Repeat("a, b\n", MaxSynonymGroups+1), "at most 600 groups"},
		{"too long", strings.Repeat("a", MaxSynonymsText+1), "under 64 KB"},
		{"two arrows", "rain => weather => climate", "one => at most"},
		{"nothing before the arrow", "=> weather", "words on both sides"},
		{"nothing after the arrow", "rain, snow =>", "words on both sides"},
		{"both sides", "rain, weather => weather", `"weather": on both sides`},
		{"a member starting with #", "repo, #repository", "cannot hold a comma nor start with #"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSynonyms(tt.text)
			if !errors.Is(err, ErrInvalidSynonyms) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseSynonyms: got error %v, want ErrInvalidSynonyms saying %q", err, tt.want)
			}
		})
	}
	if _, err := NormalizeSynonyms([][]string{{"a", "b"}, {"c"}}); !errors.Is(err, ErrInvalidSynonyms) || !strings.Contains(err.Error(), "group 2") {
		t.Errorf("NormalizeSynonyms: got error %v, want ErrInvalidSynonyms naming group 2", err)
	}
	if _, err := NormalizeSynonyms([][]string{{"a,b", "c"}}); !errors.Is(err, ErrInvalidSynonyms) || !strings.Contains(err.Error(), "cannot hold a comma") {
		t.Errorf("NormalizeSynonyms with a comma inside a member: got error %v, want ErrInvalidSynonyms saying so", err)
	}
	// The JSON API's list is bounded as the page's text is: here 600 groups, each within bounds, but 86 KB as text.
	var big [][]string
	for i := range MaxSynonymGroups {
		var g []string
		for j := range MaxSynonymsPerGroup {
			g = append(g, fmt.Sprintf("w%04d%05d", i, j))
		}
		big = append(big, g)
	}
	if _, err := NormalizeSynonyms(big); !errors.Is(err, ErrInvalidSynonyms) || !strings.Contains(err.Error(), "under 64 KB") {
		t.Errorf("NormalizeSynonyms(86 KB as text): got %v, want the text bound", err)
	}
	if _, err := NormalizeSynonyms([][]string{{"rain", "snow=>weather"}}); !errors.Is(err, ErrInvalidSynonyms) || !strings.Contains(err.Error(), "=> is a member of its own") {
		t.Errorf("NormalizeSynonyms with an arrow inside a member: got error %v, want ErrInvalidSynonyms saying where to put it", err)
	}
}

// A one-way mapping is read, normalised and written back as a line with its arrow, and its groups count their
// members without the arrow.
func TestParseOneWaySynonyms(t *testing.T) {
	got, err := ParseSynonyms("Rain,  Snow => Weather, climate\nrepo, repository\n")
	if err != nil {
		t.Fatalf("ParseSynonyms: got error %v, want nil", err)
	}
	want := Synonyms{{"rain", "snow", OneWay, "weather", "climate"}, {"repo", "repository"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("ParseSynonyms: got %q, want %q", got, want)
	}
	if text := got.Text(); text != "rain, snow => weather, climate\nrepo, repository\n" {
		t.Errorf("Text: got %q", text)
	}
	if again, err := ParseSynonyms(got.Text()); err != nil || !slices.EqualFunc(again, got, slices.Equal) {
		t.Errorf("ParseSynonyms(Text()): got %q, %v, want %q", again, err, got)
	}
	var members []string
	for i := range MaxSynonymsPerGroup - 1 {
		members = append(members, "w"+strings.Repeat("x", i+1))
	}
	if _, err := NormalizeSynonyms([][]string{append(slices.Clone(members), OneWay, "y")}); err != nil {
		t.Errorf("a one-way mapping of %d members and its arrow: got error %v, want nil", MaxSynonymsPerGroup, err)
	}
	if _, err := NormalizeSynonyms([][]string{append(slices.Clone(members), OneWay, "y", "z")}); err == nil {
		t.Errorf("a one-way mapping of %d members: got no error", MaxSynonymsPerGroup+1)
	}
	exp := got.expansions()
	if !slices.Equal(exp["rain"], []string{"weather", "climate"}) || len(exp["weather"]) != 0 || len(exp["snow"]) != 2 {
		t.Errorf("expansions: got %q, want rain and snow to weather and climate, and nothing from weather", exp)
	}
}

func synonymCorpus() []Document {
	d := func(id, name, summary string) Document {
		return Document{ID: id, Slug: id, Name: name, Summary: summary, Visibility: VisibilityPublic, State: "published"}
	}
	return []Document{
		d("texts", "Notify", "Send a text message to any phone."),
		d("repos", "Code host", "Browse every repository of an organisation."),
		d("other", "Weather", "Forecasts for a city."),
	}
}

// TestBleveSynonyms checks that synonyms apply at query time, both ways and to phrases, and that replacing them takes
// effect without reindexing.
func TestBleveSynonyms(t *testing.T) {
	idx := openTestBleve(t)
	ctx := context.Background()
	if err := idx.Upsert(ctx, synonymCorpus()...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "sms", Viewer: admin()})); len(got) != 0 {
		t.Fatalf("sms without synonyms: got %v, want nothing", got)
	}
	if err := idx.SetSynonyms(ctx, Synonyms{{"sms", "text message"}, {"repo", "repository"}}); err != nil {
		t.Fatalf("SetSynonyms: got error %v, want nil", err)
	}
	for _, tt := range []struct{ text, want string }{
		{"sms", "texts"},           // a word finds a phrase
		{"send sms", "texts"},      // within a longer query
		{"repo", "repos"},          // a word finds a word
		{"repositories", "repos"},  // stemmed like the text
		{"text messages", "texts"}, // the phrase itself still matches
	} {
		if got := hitIDs(mustSearch(t, idx, Query{Text: tt.text, Viewer: admin()})); len(got) == 0 || got[0] != tt.want {
			t.Errorf("Search(%q) with synonyms: got %v, want %s first", tt.text, got, tt.want)
		}
	}
	// One way: rain finds the forecasts, weather does not find the texts that mention rain.
	if err := idx.Upsert(ctx, Document{ID: "rainfall", Slug: "rainfall", Name: "Gauges", Summary: "Rain measured by gauges.",
		Visibility: VisibilityPublic, State: "published"}); err != nil {
		t.Fatal(err)
	}
	if err := idx.SetSynonyms(ctx, Synonyms{{"rain", OneWay, "weather", "forecast"}}); err != nil {
		t.Fatalf("SetSynonyms(one way): got error %v, want nil", err)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "will it rain", Viewer: admin()})); len(got) != 2 || !slices.Contains(got, "other") {
		t.Errorf("rain with rain => weather: got %v, want rainfall and other (the weather API)", got)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "weather", Viewer: admin()})); !slices.Equal(got, []string{"other"}) {
		t.Errorf("weather with rain => weather: got %v, want the weather API alone", got)
	}
	if err := idx.SetSynonyms(ctx, Synonyms{}); err != nil {
		t.Fatalf("SetSynonyms(empty): got error %v, want nil", err)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "sms", Viewer: admin()})); len(got) != 0 {
		t.Errorf("sms after the synonyms were removed: got %v, want nothing", got)
	}
}

func TestThesaurusBoundsAlternatives(t *testing.T) {
	// Two full groups, a word of each in the query: more synonyms than a query is expanded with.
	var groups Synonyms
	for _, first := range []string{"w", "v"} {
		var group []string
		for i := range MaxSynonymsPerGroup {
			group = append(group, first+strings.Repeat("x", i+1))
		}
		groups = append(groups, group)
	}
	if 2*(MaxSynonymsPerGroup-1) <= maxAlternatives {
		t.Fatalf("two groups give %d synonyms, want more than maxAlternatives (%d)", 2*(MaxSynonymsPerGroup-1), maxAlternatives)
	}
	idx := openTestBleve(t).(*Bleve)
	if err := idx.SetSynonyms(context.Background(), groups); err != nil {
		t.Fatal(err)
	}
	alts := idx.syn.Load().alternatives([]string{"wx", "vx"})
	if len(alts) != maxAlternatives {
		t.Errorf("alternatives: got %d, want at most %d", len(alts), maxAlternatives)
	}
}

func TestMeilisearchSynonymsSetting(t *testing.T) {
	f, m := newMeiliOnFake(t)
	if err := m.SetSynonyms(context.Background(), Synonyms{{"sms", "text message", "txt"}, {"repo", "repository"}, {"rain", "snow", OneWay, "weather"}}); err != nil {
		t.Fatalf("SetSynonyms: got error %v, want nil", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	want := map[string][]string{
		"sms": {"text message", "txt"}, "text message": {"sms", "txt"}, "txt": {"sms", "text message"},
		"repo": {"repository"}, "repository": {"repo"},
		"rain": {"weather"}, "snow": {"weather"},
	}
	if len(f.synonyms) != len(want) {
		t.Errorf("synonyms setting: got %v, want %v", f.synonyms, want)
	}
	for k, v := range want {
		if !slices.Equal(f.synonyms[k], v) {
			t.Errorf("synonyms setting %q: got %v, want %v", k, f.synonyms[k], v)
		}
	}
}
