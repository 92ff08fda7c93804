package search

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// samplesDir holds real OpenAPI descriptions, relative to this package.
const samplesDir = "../samples/openapi"

// sampleSpec is the little of an OpenAPI (3.x or Swagger 2.0) description that the catalog indexes.
type sampleSpec struct {
	Info struct {
		Title       string   `yaml:"title"`
		Description string   `yaml:"description"`
		Version     string   `yaml:"version"`
		Categories  []string `yaml:"x-apisguru-categories"`
		XTags       []string `yaml:"x-tags"`
	} `yaml:"info"`
	Tags []struct {
		Name string `yaml:"name"`
	} `yaml:"tags"`
	Paths map[string]map[string]yaml.Node `yaml:"paths"`
}

type sampleOperation struct {
	OperationID string `yaml:"operationId"`
	Summary     string `yaml:"summary"`
	Description string `yaml:"description"`
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// loadSamples turns every sample description into a Document, as the portal would index its APIs. Teams are the
// providers; every API is public.
func loadSamples(t *testing.T) []Document {
	t.Helper()
	entries, err := os.ReadDir(samplesDir)
	if err != nil {
		t.Fatalf("read samples: got error %v, want the directory %s", err, samplesDir)
	}
	var docs []Document
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(samplesDir, e.Name()))
		if err != nil {
			t.Fatalf("read %s: %v", e.Name(), err)
		}
		var spec sampleSpec
		if err := yaml.Unmarshal(raw, &spec); err != nil {
			t.Fatalf("parse %s: %v", e.Name(), err)
		}
		provider, _, _ := strings.Cut(e.Name(), "__")
		slug := strings.ReplaceAll(strings.TrimSuffix(e.Name(), ".yaml"), "__", "-")
		slug = strings.ReplaceAll(slug, ".", "-")
		d := Document{
			ID: "sample-" + slug, Slug: slug, Name: spec.Info.Title,
			Summary:     truncateRunes(oneLine(spec.Info.Description), 120),
			Description: spec.Info.Description,
			Team:        strings.ReplaceAll(provider, ".", "-"), TeamName: provider,
			State: "published", Visibility: VisibilityPublic,
			Versions: []string{spec.Info.Version}, DefaultVersion: spec.Info.Version,
			Tags:      slices.Concat(spec.Info.Categories, spec.Info.XTags),
			UpdatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		}
		for _, tag := range spec.Tags {
			d.Tags = append(d.Tags, tag.Name)
		}
		paths := make([]string, 0, len(spec.Paths))
		for p := range spec.Paths {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			for _, m := range httpMethods {
				node, ok := spec.Paths[p][m]
				if !ok {
					continue
				}
				var op sampleOperation
				if err := node.Decode(&op); err != nil {
					t.Fatalf("%s %s %s: %v", e.Name(), m, p, err)
				}
				d.Operations = append(d.Operations, Operation{
					Method: m, Path: p, OperationID: op.OperationID, Summary: op.Summary, Description: op.Description,
				})
			}
		}
		docs = append(docs, d)
	}
	if len(docs) < 30 {
		t.Fatalf("samples: got %d descriptions, want the whole directory (at least 30)", len(docs))
	}
	return docs
}

func sampleID(t *testing.T, docs []Document, name string) string {
	t.Helper()
	for _, d := range docs {
		if d.Name == name {
			return d.ID
		}
	}
	t.Fatalf("no sample named %q", name)
	return ""
}

// runRelevance checks that typical catalog searches put the expected API near the top.
func runRelevance(t *testing.T, open opener) {
	docs := loadSamples(t)
	idx := open(t)
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	tests := []struct {
		name   string
		text   string
		want   string // API name
		within int    // rank at most
	}{
		{"purpose", "send an SMS", "SMS API", 5},
		{"operation path", "/search/v2/articlesearch.json", "Article Search API", 5},
		{"operation path word", "articlesearch", "Article Search API", 1},
		{"tag", "stickers", "Giphy API", 1},
		{"category tag", "humor", "XKCD", 1},
		{"typo in name", "spotfy", "Spotify Web API", 1},
		{"typo in name word", "wether", "Visual Crossing Weather API", 5},
		{"prefix as you type", "spot", "Spotify Web API", 1},
		{"purpose, two words", "translate text", "LibreTranslate", 5},
		{"operation summary", "background removal", "Background Removal API", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, idx, Query{Text: tt.text, Viewer: Viewer{Teams: []string{"nobody"}}})
			want := sampleID(t, docs, tt.want)
			rank := slices.Index(hitIDs(res), want) + 1
			if rank == 0 || rank > tt.within {
				names := make([]string, 0, 5)
				for _, h := range res.Hits[:min(5, len(res.Hits))] {
					names = append(names, h.Name)
				}
				t.Errorf("Search(%q): %q at rank %d (top: %q), want within the top %d", tt.text, tt.want, rank, names, tt.within)
			}
		})
	}

	t.Run("tag filter", func(t *testing.T) {
		res := mustSearch(t, idx, Query{Tags: []string{"location"}, Viewer: admin()})
		if !slices.Contains(hitIDs(res), sampleID(t, docs, "Visual Crossing Weather API")) {
			t.Errorf("Tags [location]: got %v, want Visual Crossing Weather API among them", hitIDs(res))
		}
		for _, fv := range res.Facets.Tags {
			if fv.Value == "location" && fv.Count != res.Total {
				t.Errorf("tag facet location: got %d, want the total %d", fv.Count, res.Total)
			}
		}
	})

	t.Run("highlight of a matching operation", func(t *testing.T) {
		res := mustSearch(t, idx, Query{Text: "articlesearch", Viewer: admin()})
		if len(res.Hits) == 0 {
			t.Fatalf("no hits")
		}
		joined := strings.Join(res.Hits[0].Highlights, "\n")
		if !strings.Contains(joined, "<mark>articlesearch</mark>") {
			t.Errorf("Highlights: got %q, want <mark>articlesearch</mark>", res.Hits[0].Highlights)
		}
		for _, h := range res.Hits[0].Highlights {
			if n := len([]rune(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h))); n > snippetWidth+40 {
				t.Errorf("highlight of %d characters: %q, want about %d", n, h, snippetWidth)
			}
		}
	})
}

func TestBleveRelevance(t *testing.T) {
	runRelevance(t, openTestBleve)
}

func TestMeilisearchRelevanceReal(t *testing.T) {
	open, ok := realMeiliOpener()
	if !ok {
		t.Skip("PORTICO_TEST_MEILISEARCH_URL is not set")
	}
	runRelevance(t, open)
}
