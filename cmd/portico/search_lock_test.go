package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/search"
)

// TestOpenSearchBoundsOnlyTheLockWait: the wait for the embedded index's
// locks is bounded, the work of opening it is not. Before, the whole open
// (parsing the sentence encoder's weights, reading the vectors and the
// index) ran against the 5 s meant for a server holding the index: on a
// busy machine (load 30 on two cores) serve stopped at start with "the
// embedded search index … is locked, most likely by a running portico
// server" where no other process held it. Here the wait is 1 ns, less than
// any open takes: each open of an index nobody holds must succeed, and one
// of an index held by another opener must fail as locked, without moving
// the held index aside.
func TestOpenSearchBoundsOnlyTheLockWait(t *testing.T) {
	for _, meaning := range []string{"on", "off"} {
		t.Run("meaning "+meaning, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_SEARCH_MEANING": meaning}, "")
			c, err := parse("reindex", nil, e, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func(w time.Duration) { searchLockWait = w }(searchLockWait)
			searchLockWait = time.Nanosecond
			repaired := func(what string) { t.Errorf("repaired: %s", what) }

			// Created, closed, opened again: nobody holds it.
			for _, what := range []string{"a new index", "an existing index"} {
				idx, err := openSearch(c, repaired, nil)
				if err != nil {
					t.Fatalf("%s nobody holds, with a lock wait of 1ns: %v", what, err)
				}
				if what == "a new index" {
					if err := idx.Upsert(context.Background(), search.Document{ID: "api:1", Slug: "ledger", Name: "Ledger", Team: "payments", Visibility: "public"}); err != nil {
						t.Fatal(err)
					}
				}
				if err := idx.Close(); err != nil {
					t.Fatal(err)
				}
			}

			// Held by a first opener (a running server): the second is
			// told so once its wait ends, and leaves the index alone.
			held, err := openSearch(c, repaired, nil)
			if err != nil {
				t.Fatal(err)
			}
			searchLockWait = 100 * time.Millisecond
			second, err := openSearch(c, repaired, nil)
			if err == nil {
				second.Close()
				held.Close()
				t.Fatal("an index another opener holds opened a second time")
			}
			if !strings.Contains(err.Error(), "is locked, most likely by a running portico server") {
				t.Errorf("the second opener: %v, want the index locked", err)
			}
			res, err := held.Search(context.Background(), search.Query{Text: "ledger"})
			if err != nil || len(res.Hits) != 1 {
				t.Errorf("the held index after the second opener gave up: %v hits, %v; want the ledger", res.Hits, err)
			}
			if err := held.Close(); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(data)
			for _, en := range entries {
				if strings.HasPrefix(en.Name(), "search.bleve.") {
					t.Errorf("the index was moved aside: %s", en.Name())
				}
			}
		})
	}
}

// TestServeOnADataDirectoryInUse: a second serve given the data directory
// of a running one (an instance added behind a load balancer with a copied
// --data) is told that each instance needs a data directory of its own,
// not to stop "the server" and that it rebuilds an empty index, which is
// reindex's advice.
func TestServeOnADataDirectoryInUse(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	vars := map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_ADDR": "127.0.0.1:0", "PORTICO_INSTANCE": "web-2"}
	e, _, _ := testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	c, err := parse("serve", nil, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	held, err := openSearch(c, func(string) {}, nil) // the running portal's
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	defer func(w time.Duration) { searchLockWait = w }(searchLockWait)
	searchLockWait = 200 * time.Millisecond

	e, _, logs := testEnv(vars, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = runEnv(ctx, []string{"serve"}, e)
	if err == nil {
		t.Fatalf("serve started on a data directory in use:\n%s", logs)
	}
	t.Logf("serve said: %v", err)
	for _, want := range []string{data, "in use by another portico process", "each instance needs a data directory of its own (--data)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("serve's refusal lacks %q", want)
		}
	}
	if strings.Contains(err.Error(), "rebuilds an empty index") {
		t.Error("serve's refusal gives reindex's advice")
	}
}
