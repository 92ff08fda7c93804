package lifecycle_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSynonymsAppliedToTheIndex: the org's list is Portico's default until an admin saves one; only org admins may;
// an applier puts the list into the search index once per change, where searches use it.
func TestSynonymsAppliedToTheIndex(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	syn, err := f.svc.Synonyms(ctx)
	if err != nil || !syn.Default || len(syn.Groups) != len(search.DefaultSynonyms()) {
		t.Fatalf("Synonyms before any save: got %+v, %v; want the defaults", syn, err)
	}
	idx, err := search.OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Upsert(ctx, search.Document{ID: "1", Slug: "notify", Name: "Notify", Summary: "Send a text message.",
		Visibility: search.VisibilityPublic, State: "published"}); err != nil {
		t.Fatal(err)
	}
	found := func(text string) bool {
		res, err := idx.Search(ctx, search.Query{Text: text, Viewer: search.Viewer{All: true}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total > 0
	}
	a := f.svc.NewSynonymsApplier(idx)
	if changed, err := a.Apply(ctx); err != nil || !changed {
		t.Fatalf("first Apply: got %v, %v; want the defaults applied", changed, err)
	}
	if !found("sms") {
		t.Error("sms with the default synonyms: not found, want the API about text messages")
	}
	if changed, err := a.Apply(ctx); err != nil || changed {
		t.Errorf("Apply without a change: got %v, %v; want nothing done", changed, err)
	}

	var de *apperr.DeniedError
	if _, _, err := f.svc.SetSynonyms(ctx, f.approver, [][]string{{"a", "b"}}, nil); !errors.As(err, &de) {
		t.Errorf("SetSynonyms by an approver: got %v, want Denied", err)
	}
	var ie *apperr.InputError
	if _, _, err := f.svc.SetSynonyms(ctx, f.admin, [][]string{{"a"}}, nil); !errors.As(err, &ie) || ie.Fields["synonyms"] == "" {
		t.Errorf("SetSynonyms of a one-word group: got %v, want a field error", err)
	}
	saved, _, err := f.svc.SetSynonyms(ctx, f.admin, [][]string{{"Ping", "text message"}}, nil)
	if err != nil || !slices.EqualFunc(saved.Groups, search.Synonyms{{"ping", "text message"}}, slices.Equal) {
		t.Fatalf("SetSynonyms: got %v, %v", saved, err)
	}
	if changed, err := a.Apply(ctx); err != nil || !changed {
		t.Fatalf("Apply after a change: got %v, %v; want it applied", changed, err)
	}
	if found("sms") || !found("ping") {
		t.Error("after the change: sms still finds the API, or ping does not")
	}
	events, err := f.s.ListAudit(ctx, store.AuditFilter{Action: "search.synonyms.update", Limit: 10})
	if err != nil || len(events) != 1 || events[0].Actor != "admin" || events[0].After != "ping, text message\n" {
		t.Errorf("audit: %+v, %v; want one update by admin with the new list", events, err)
	}
}

// A list saved before a rule it breaks (a synonym holding a comma, refused since) still reads: its groups that pass
// are kept, so that searches and the page go on working.
func TestSynonymsSavedBeforeARuleStillRead(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	f := newFixture(t, s)
	if err := s.SetSearchSynonyms(ctx, s.DB(), `[["a,b","c"],["repo","repository"]]`, f.admin.ID, 0); err != nil {
		t.Fatal(err)
	}
	syn, err := f.svc.Synonyms(ctx)
	if err != nil || syn.Default || len(syn.Groups) != 1 || !slices.Equal(syn.Groups[0], []string{"repo", "repository"}) {
		t.Errorf("Synonyms: got %+v, %v; want the group that passes", syn, err)
	}
}
