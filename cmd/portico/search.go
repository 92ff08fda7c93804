package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/cliconf"
	"github.com/portico-dev/portico/cluster"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// registerSecrets adds the flags whose values must never be shown.
func (c *config) registerSecrets(fs *flag.FlagSet, getenv func(string) string) {
	c.DatabaseURL = getenv("PORTICO_DATABASE_URL")
	cliconf.SecretVar(fs, &c.DatabaseURL, "database-url", "database URL; empty for SQLite in the data directory, postgres://… for PostgreSQL (env PORTICO_DATABASE_URL); it may hold a password, so it is never printed")
	c.MeilisearchKey = getenv("PORTICO_MEILISEARCH_KEY")
	cliconf.SecretVar(fs, &c.MeilisearchKey, "meilisearch-key", "Meilisearch API key (env PORTICO_MEILISEARCH_KEY); never logged")
	c.MetricsToken = getenv("PORTICO_METRICS_TOKEN")
	cliconf.SecretVar(fs, &c.MetricsToken, "metrics-token", "bearer token that /metrics requires (env PORTICO_METRICS_TOKEN, preferred: a flag shows in the process list); at least 16 characters; empty turns /metrics off; never logged")
}

func (c *config) validateSearch() error {
	if c.MeilisearchURL == "" {
		return nil
	}
	u, err := url.Parse(c.MeilisearchURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("invalid --meilisearch-url: use http://host:7700 or https://…, or leave it empty for the embedded index")
	}
	if strings.TrimSpace(c.MeilisearchIndex) == "" {
		return errors.New("invalid --meilisearch-index: the index name must not be empty")
	}
	return nil
}

// searchDir is where the embedded index lives.
func (c *config) searchDir() string { return filepath.Join(c.DataDir, "search.bleve") }

// vectorsFile is where the embedded index keeps the sentence vectors of what the APIs say (search.Meaning).
func (c *config) vectorsFile() string { return filepath.Join(c.DataDir, "search.vectors") }

// searchBackend describes the configured backend for logs, without secrets.
func (c *config) searchBackend() string {
	if c.MeilisearchURL == "" {
		return "embedded index at " + c.searchDir()
	}
	u, err := url.Parse(c.MeilisearchURL)
	if err != nil {
		return "meilisearch"
	}
	u.User = nil
	return fmt.Sprintf("meilisearch at %s (index %s)", u.Redacted(), c.MeilisearchIndex)
}

// searchLockWait bounds the wait for the embedded index's locks (its
// directory's and its vectors file's): a running server holds them. Only
// that wait is bounded: opening the index also parses the sentence
// encoder's weights and reads the index, which takes seconds more on a busy
// machine and must not pass for a lock held by a server.
var searchLockWait = 5 * time.Second

// openSearch opens the configured search index. When the embedded index
// had to be repaired on opening (an interrupted rebuild, a directory that
// did not open, see search.OpenBleve), repaired is told what was done: the
// index is then empty and the feed rebuilds it. log (nil: none) hears what
// ranking by meaning does in the background, and the embedded index's
// reopening after a failed write (nil: slog's default logger).
func openSearch(c *config, repaired func(what string), log *slog.Logger) (search.Index, error) {
	if c.MeilisearchURL != "" {
		idx, err := search.NewMeilisearch(c.MeilisearchURL, c.MeilisearchKey, c.MeilisearchIndex)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", c.searchBackend(), err)
		}
		return idx, nil
	}
	opts := []search.BleveOption{search.WithLockWait(searchLockWait)}
	if log != nil {
		opts = append(opts, search.WithLogger(log))
	}
	if c.SearchMeaning != "off" {
		m, err := search.OpenMeaningWaiting(c.vectorsFile(), log, searchLockWait)
		if err != nil {
			return nil, lockedSearch(c, err)
		}
		opts = append(opts, search.WithMeaning(m))
		idx, err := search.OpenBleve(c.searchDir(), opts...)
		if err != nil {
			m.Close()
			return nil, lockedSearch(c, err)
		}
		return repairedSearch(idx, repaired), nil
	}
	idx, err := search.OpenBleve(c.searchDir(), opts...)
	if err != nil {
		return nil, lockedSearch(c, err)
	}
	return repairedSearch(idx, repaired), nil
}

// lockedSearch says which process most likely holds the embedded index
// when err is its lock's wait running out.
func lockedSearch(c *config, err error) error {
	if errors.Is(err, search.ErrLocked) {
		return lockedError{fmt.Sprintf("the embedded search index %s is locked, most likely by a running portico server: stop the server first (it rebuilds an empty index by itself at start)", c.searchDir())}
	}
	return err
}

// lockedError is lockedSearch's error: it is search.ErrLocked, so that
// serve can give its own advice.
type lockedError struct{ msg string }

func (e lockedError) Error() string { return e.msg }
func (e lockedError) Unwrap() error { return search.ErrLocked }

func repairedSearch(idx *search.Bleve, repaired func(what string)) *search.Bleve {
	if r := idx.Repaired(); r != "" {
		repaired(r)
	}
	return idx
}

// startSearch runs the outbox worker, which appends each change to the
// index log (and delivers the other topics), and the feed, which applies the
// log to this instance's index, building it first when it has no position
// (a new instance, a deleted index, the first start after an upgrade). Both
// wake at once when another instance enqueues or appends.
func startSearch(ctx context.Context, s *store.Store, feed *catalog.Feed, gw *control.Source, owner string, log *slog.Logger) {
	outboxWake, _ := s.WakeUps(store.WakeOutbox)
	w := outbox.New(s, outboxHandlers(feed, gw), outbox.Options{Logger: log, Owner: owner, Wake: outboxWake})
	go w.Run(ctx)
	indexWake, _ := s.WakeUps(store.WakeIndex)
	go feed.Run(ctx, indexWake)
}

// outboxHandlers are the handlers of the outbox topics this version
// delivers: every topic it writes, and every topic the previous version
// writes (see releasedOutboxTopics in outbox_topics_test.go).
func outboxHandlers(feed *catalog.Feed, gw *control.Source) map[string]outbox.Handler {
	return map[string]outbox.Handler{
		lifecycle.TopicSearchIndex: feed.Handle,
		store.TopicGatewayChanged:  gw.Handle,
	}
}

// cmdReindex rebuilds the search index from the database.
func cmdReindex(ctx context.Context, args []string, e env) error {
	c, err := parse("reindex", args, e, nil)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, c, "reindex")
	if err != nil {
		return err
	}
	defer s.Close()
	idx, err := openSearch(c, func(what string) { fmt.Fprintln(e.stdout, what) }, nil)
	if err != nil {
		return err
	}
	defer idx.Close()
	fmt.Fprintf(e.stdout, "rebuilding the %s\n", c.searchBackend())
	n, took, err := reindexWithProgress(ctx, s, idx, c, e.stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "indexed %d APIs in %s\n", n, took)
	return nil
}

// reindexWithProgress rebuilds idx (see catalog.Feed.Rebuild) drawing a
// progress bar on w.
func reindexWithProgress(ctx context.Context, s *store.Store, idx search.Index, c *config, w io.Writer) (int, string, error) {
	start := time.Now()
	last := time.Time{}
	// On a terminal the bar redraws in place; in a log it is a line every few seconds.
	redraw, every := "\r", 100*time.Millisecond
	if !isTerminal(w) {
		redraw, every = "", 2*time.Second
	}
	drawn := false
	opts := catalog.FeedOptions{Shared: c.sharedFeedName(), Logger: slog.New(slog.DiscardHandler)}
	if _, embedded := idx.(*search.Bleve); !embedded {
		// A shared index has one writer: the rebuild takes the feed's lease
		// from the instance feeding it (see catalog.Feed.Rebuild), as a
		// registered instance whose heartbeat says it is alive.
		member, err := joinForReindex(ctx, s, c, w)
		if err != nil {
			return 0, "", fmt.Errorf("reindex: %w", err)
		}
		stop := make(chan struct{})
		hctx, cancel := context.WithCancel(ctx)
		go func() {
			defer close(stop)
			member.Run(hctx, func() int64 { return 0 }) //nolint:errcheck // a run taken over loses its lease, which the rebuild finds
		}()
		defer func() {
			cancel()
			<-stop
			member.Leave(ctx) //nolint:errcheck // best effort: a run that is gone is found dead within seconds anyway
		}()
		opts.Owner = member.RunID()
		opts.Logger = slog.New(slog.NewTextHandler(w, nil))
	}
	feed := catalog.NewFeed(s, idx, opts)
	n, err := feed.Rebuild(ctx, func(done, total int) {
		if done < total && time.Since(last) < every {
			return
		}
		last = time.Now()
		if redraw == "" && drawn {
			fmt.Fprintln(w)
		}
		fmt.Fprint(w, redraw+progressBar(done, total, 30))
		drawn = true
	})
	fmt.Fprintln(w)
	if b, ok := idx.(*search.Bleve); ok && err == nil {
		// The embedded index encodes a large batch's meaning in the background: the command waits for it, so that
		// the vectors file has every API's when it exits.
		began := time.Now()
		if err = b.WaitMeaning(ctx); err == nil && time.Since(began) > time.Second {
			fmt.Fprintf(w, "encoded what the APIs say, for ranking by meaning, in %s\n", time.Since(began).Round(100*time.Millisecond))
		}
	}
	took := time.Since(start).Round(100 * time.Millisecond)
	if took == 0 {
		took = time.Since(start).Round(time.Millisecond)
	}
	if err != nil {
		return n, "", fmt.Errorf("reindex: %w", err)
	}
	return n, took.String(), nil
}

// joinForReindex registers the reindex as an instance of the database
// (see cluster.Join), named after the host and the process.
func joinForReindex(ctx context.Context, s *store.Store, c *config, w io.Writer) (*cluster.Member, error) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "portico"
	}
	name := fmt.Sprintf("reindex:%s:%d", host, os.Getpid())
	if !instancePattern.MatchString(name) {
		name = fmt.Sprintf("reindex:%d", os.Getpid())
	}
	return cluster.Join(ctx, s, store.Instance{Name: name, Addr: "nothing (portico reindex)", Version: buildVersion(), Search: c.searchBackend()},
		cluster.Options{Logger: slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))})
}

// progressBar renders "reindexing 1200/10000 [===>      ] 12%".
func progressBar(done, total, width int) string {
	pct := 100
	filled := width
	if total > 0 {
		pct = done * 100 / total
		filled = done * width / total
	}
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	return fmt.Sprintf("reindexing %d/%d [%s] %d%%", done, total, bar, pct)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
