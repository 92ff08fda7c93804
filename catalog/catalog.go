// Package catalog turns the database's APIs into search documents and keeps
// the search index in step with the database: one API at a time by the
// index log that every instance's Feed follows (see feed.go), or all of
// them by Reindex.
//
// The database is the source of truth. A document holds an API's fields, its
// team and the team's name, its description as plain text, its tags, its
// non-retired versions, its default version, its catalog state, the states
// of its versions, and every operation of its default version (the newest
// published one, else the newest deprecated one, else its newest version):
// all that a catalog card shows, so that the catalog page reads nothing
// else. Text that may hold Markdown or HTML (descriptions and summaries of
// the API and of its operations) is indexed as plain text, so that
// snippets never show markup.
// An API whose versions are all retired stays indexed with state "retired";
// the catalog hides it unless the viewer asks for retired APIs (see
// DefaultStates). An API without any version yet is indexed as a "draft".
package catalog

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
)

// BatchSize is the number of APIs Reindex reads and indexes at once.
const BatchSize = 200

// DefaultStates are the states the catalog shows when the viewer picks none:
// every state but retired.
func DefaultStates() []string {
	return []string{string(lifecycle.Draft), string(lifecycle.InReview), string(lifecycle.Published), string(lifecycle.Deprecated)}
}

// DocumentID is the search document id of an API.
func DocumentID(apiID int64) string { return strconv.FormatInt(apiID, 10) }

// BuildDocument reads an API from the database and returns its search
// document. It returns an error wrapping store.ErrNotFound when the API does
// not exist.
func BuildDocument(ctx context.Context, s *store.Store, apiID int64) (search.Document, error) {
	docs, err := buildDocuments(ctx, s, []int64{apiID})
	if err != nil {
		return search.Document{}, err
	}
	if len(docs) == 0 {
		return search.Document{}, fmt.Errorf("api %d: %w", apiID, store.ErrNotFound)
	}
	return docs[0], nil
}

// buildDocuments returns the documents of the APIs with these ids that
// exist, in id order, with three queries whatever the number of APIs.
func buildDocuments(ctx context.Context, s *store.Store, ids []int64) ([]search.Document, error) {
	apis, err := s.APIsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	if len(apis) == 0 {
		return nil, nil
	}
	found := make([]int64, len(apis))
	for i, a := range apis {
		found[i] = a.ID
	}
	versions, err := s.VersionsOf(ctx, found)
	if err != nil {
		return nil, err
	}
	var specIDs []int64
	for _, id := range found {
		if v := operationsSource(versions[id]); v != nil {
			specIDs = append(specIDs, v.ID)
		}
	}
	specs, err := s.VersionSpecs(ctx, specIDs)
	if err != nil {
		return nil, err
	}
	docs := make([]search.Document, 0, len(apis))
	for i := range apis {
		a := &apis[i]
		vs := versions[a.ID]
		var specJSON string
		if v := operationsSource(vs); v != nil {
			specJSON = specs[v.ID]
		}
		docs = append(docs, document(a, vs, specJSON))
	}
	return docs, nil
}

// operationsSource is the version whose operations are indexed: the default
// version, else the newest one (nil without versions). versions are newest first.
func operationsSource(versions []store.APIVersion) *store.APIVersion {
	if d := lifecycle.Default(versions); d != nil {
		return d
	}
	if len(versions) > 0 {
		return &versions[0]
	}
	return nil
}

// document assembles the search document of a; versions are newest first.
// A stored spec was validated when it was uploaded; one that no longer
// parses (a newer parser) is indexed without operations rather than keeping
// the whole API out of the catalog.
func document(a *store.API, versions []store.APIVersion, specJSON string) search.Document {
	d := search.Document{
		ID:          DocumentID(a.ID),
		Slug:        a.Slug,
		Name:        a.Name,
		Summary:     oneLine(markdown.PlainText(a.Summary)),
		Description: markdown.PlainText(a.Description),
		Tags:        append([]string(nil), a.Tags...),
		Visibility:  a.Visibility,
		State:       string(lifecycle.CatalogState(versions)),
		UpdatedAt:   a.UpdatedAt,
	}
	if d.State == "" {
		d.State = string(lifecycle.Draft)
	}
	d.States = versionStates(d.State, versions)
	if a.Team != nil {
		d.Team, d.TeamName = a.Team.Slug, a.Team.Name
	}
	for _, v := range versions {
		switch lifecycle.State(v.State) {
		case lifecycle.Published, lifecycle.Deprecated:
			d.Versions = append(d.Versions, v.Version)
		}
	}
	if def := lifecycle.Default(versions); def != nil {
		d.DefaultVersion = def.Version
	} else if lifecycle.CatalogState(versions) != lifecycle.Retired {
		// Nothing published yet: drafts are the team's work in progress, so
		// only the team (and org approvers and admins) find the API until its
		// first release.
		d.Visibility = store.VisibilityTeam
	}
	if specJSON != "" {
		if doc, err := spec.Parse([]byte(specJSON)); err == nil {
			d.Operations = Operations(doc)
		}
	}
	return d
}

// Operations is what the index holds of doc's operations (webhooks and
// callbacks included): the start of their summaries and descriptions as
// plain text (Markdown and HTML reduced to their words, so that neither
// markup nor a link's URL is searched or shown).
func Operations(doc *spec.Document) []search.Operation {
	var out []search.Operation
	for _, op := range doc.Operations() {
		out = append(out, search.Operation{
			Method: op.Method, Path: op.Path, OperationID: op.OperationID,
			Summary: plainStart(op.Summary), Description: plainStart(op.Description), Webhook: op.Webhook, Callback: op.Callback,
		})
	}
	return out
}

// versionStates is what the state facet counts of an API: its catalog state
// and the states of its versions that everyone who sees the API sees (a
// draft or a version in review of a published API is its team's business).
func versionStates(catalogState string, versions []store.APIVersion) []string {
	states := []string{catalogState}
	for i := range versions {
		if st := versions[i].State; lifecycle.VersionIsPublic(&versions[i]) && !slices.Contains(states, st) {
			states = append(states, st)
		}
	}
	return states
}

// MaxOperationText bounds the part of an operation's summary and of its
// description, in bytes of Markdown, that is turned into text: the index
// keeps only their start. Neither is bounded in a description (a summary of
// 200 KB was indexed whole).
const MaxOperationText = 4000

// plainStart is the start of a Markdown (or HTML) text as plain text on one line.
func plainStart(src string) string {
	if len(src) > MaxOperationText {
		src = src[:MaxOperationText]
	}
	return oneLine(markdown.PlainText(src))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Reindex empties the index and rebuilds it from the database in batches of
// BatchSize, calling progress (when not nil) after each batch with the APIs
// done and the total. It returns the number of APIs indexed. The embedded
// index is compacted at the end for the fastest searches.
func Reindex(ctx context.Context, s *store.Store, index search.Index, progress func(done, total int)) (int, error) {
	total, err := s.CountAPIs(ctx)
	if err != nil {
		return 0, err
	}
	if err := index.Reset(ctx); err != nil {
		return 0, err
	}
	if progress != nil {
		progress(0, total)
	}
	done := 0
	var after int64
	for {
		ids, err := s.APIIDs(ctx, after, BatchSize)
		if err != nil {
			return done, err
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		docs, err := buildDocuments(ctx, s, ids)
		if err != nil {
			return done, err
		}
		if err := index.Upsert(ctx, docs...); err != nil {
			return done, err
		}
		done += len(docs)
		if done > total {
			total = done // APIs created meanwhile
		}
		if progress != nil {
			progress(done, total)
		}
	}
	if b, ok := index.(*search.Bleve); ok {
		if err := b.Compact(ctx); err != nil {
			return done, err
		}
	}
	return done, nil
}

// Count returns the number of documents in the index, whatever their
// visibility and state.
func Count(ctx context.Context, index search.Index) (int, error) {
	res, err := index.Search(ctx, search.Query{Viewer: search.Viewer{All: true}, PerPage: 1})
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}
