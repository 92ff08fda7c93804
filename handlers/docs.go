package handlers

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/lru"
	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/pages/apis"
)

// docsView builds the server-rendered documentation of a description, its
// Markdown descriptions rendered and sanitised.
func docsView(doc *spec.Document) apis.Docs {
	ov := doc.Overview()
	d := apis.Docs{
		Title: ov.Title, Version: ov.Version, DescriptionHTML: markdown.ToHTML(ov.Description),
		Servers: ov.Servers, Security: ov.SecuritySchemes,
	}
	anchors := newAnchors()
	seen := map[string]bool{}
	for _, g := range ov.Groups {
		dg := apis.DocGroup{Tag: g.Tag, DescriptionHTML: markdown.ToHTML(g.Description)}
		for _, op := range g.Operations {
			dg.Operations = append(dg.Operations, apis.DocOperation{OperationDoc: op, DescriptionHTML: markdown.ToHTML(op.Description), Anchor: anchors.of(op)})
			key := operationKey(op)
			if !seen[key] {
				seen[key] = true
				d.Operations++
			}
		}
		d.Groups = append(d.Groups, dg)
	}
	d.Total = d.Operations
	return d
}

// operationKey names an operation of a description once: its method and path, or for a webhook "webhook", its
// method and name (a webhook may be named as a path is), for a callback "callback", the operation declaring it, its
// name, method and URL expression.
func operationKey(op spec.OperationDoc) string {
	switch {
	case op.Webhook:
		return "webhook " + op.Method + " " + op.Path
	case op.Callback != "":
		return "callback " + op.CallbackOf + " " + op.Callback + " " + op.Method + " " + op.Path
	}
	return op.Method + " " + op.Path
}

// anchors gives operations their fragment ids: "op-" and the operationId,
// or the method and path when there is none, reduced to letters, digits,
// "-" and "_". They depend on the description alone, so a link to one
// operation stays valid as long as the description does. An operation
// listed under several tags has the plain id at its first place and a
// numbered one at the others; so has the second of two operations whose
// ids reduce to the same text.
type anchors struct{ used map[string]bool }

func newAnchors() *anchors { return &anchors{used: map[string]bool{}} }

func (a *anchors) of(op spec.OperationDoc) string {
	base := "op-" + fragment(op.OperationID)
	if op.OperationID == "" || base == "op-" {
		base = "op-" + strings.ToLower(op.Method) + "-" + fragment(op.Path)
		if op.Webhook {
			base = "op-webhook-" + strings.ToLower(op.Method) + "-" + fragment(op.Path)
		} else if op.Callback != "" {
			base = "op-callback-" + fragment(op.Callback) + "-" + strings.ToLower(op.Method)
		}
	}
	id := base
	for n := 2; a.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	a.used[id] = true
	return id
}

// fragment reduces s to an id's letters: runs of anything but ASCII
// letters, digits, "-" and "_" become one "-", trimmed at both ends.
func fragment(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
		if !ok {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maxFilter bounds the docs filter: its length and its number of words.
const (
	maxFilterLen   = 200
	maxFilterWords = 8
)

// cutFilter keeps the first maxFilterLen characters of a filter, as the
// filter box's maxlength does: never a character cut in two.
func cutFilter(q string) string {
	n := 0
	for i := range q {
		if n == maxFilterLen {
			return q[:i]
		}
		n++
	}
	return q
}

// filterWords splits a docs filter into lowercase words, bounded.
func filterWords(q string) []string {
	q = cutFilter(q)
	words := strings.Fields(strings.ToLower(q))
	if len(words) > maxFilterWords {
		words = words[:maxFilterWords]
	}
	return words
}

// docsKey identifies what a version's documentation is rendered from: the
// version and the revision of its row. A version's description changes
// only while it is a draft, and every change of it (UpdateDraftSpec) is
// in the same statement that raises the row's lock version, so the lock
// version (with the time of the row's last change, against an id taken
// again by a new row) names the description exactly, without reading it.
type docsKey struct {
	id      int64
	lock    int64
	updated int64
}

func keyOf(v *store.APIVersion) docsKey {
	return docsKey{id: v.ID, lock: v.LockVersion, updated: v.UpdatedAt.UnixNano()}
}

// docsEntry is a version's documentation ready to serve: the operations'
// HTML rendered once, the text each is found by, and the validation and
// lint report (judged by the org's rules on each view, since those change).
type docsEntry struct {
	key     docsKey
	docs    apis.Docs    // operations with HTML, their details dropped
	find    [][]string   // per group, per operation: the lowercase text the filter searches
	report  *spec.Report // before the org's rules judge it
	servers []spec.ServerTarget
	// example is the operation a version's example request calls
	// (exampleOperation), or nil.
	example *exampleCall
	cost    int64
}

// filtered returns the documentation with the operations that match every
// word (all of them when words is empty), and how many match.
func (e *docsEntry) filtered(words []string) apis.Docs {
	d := e.docs
	if len(words) == 0 {
		return d
	}
	d.Groups = nil
	d.Operations = 0
	seen := map[string]bool{}
	for gi, g := range e.docs.Groups {
		var ops []apis.DocOperation
		for oi, op := range g.Operations {
			if matchesAll(e.find[gi][oi], words) {
				ops = append(ops, op)
				if k := operationKey(op.OperationDoc); !seen[k] {
					seen[k] = true
					d.Operations++
				}
			}
		}
		if len(ops) > 0 {
			d.Groups = append(d.Groups, apis.DocGroup{Tag: g.Tag, DescriptionHTML: g.DescriptionHTML, Operations: ops})
		}
	}
	return d
}

func matchesAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// docsCache keeps the rendered documentation of recently viewed versions,
// least recently used evicted first, within maxBytes of rendered text. One
// entry per version: a newer revision replaces the older one. Concurrent
// first views of a version render it once.
type docsCache struct {
	flight  singleflight.Group
	entries *lru.Cache[int64, *docsEntry] // by version id

	hits, misses atomic.Int64
}

// docsCacheBytes bounds the rendered documentation kept in memory. The
// largest sample renders to about 1 MiB.
const docsCacheBytes = 64 << 20

func newDocsCache(maxBytes int64) *docsCache {
	return &docsCache{entries: lru.New[int64, *docsEntry](maxBytes, maxBytes)}
}

func (c *docsCache) get(k docsKey) *docsEntry {
	if e, ok := c.entries.Get(k.id); ok && e.key == k {
		return e
	}
	return nil
}

func (c *docsCache) put(e *docsEntry) { c.entries.Put(e.key.id, e, e.cost) }

// size returns the entries and bytes held.
func (c *docsCache) size() (int, int64) { return c.entries.Size() }

// versionDocs returns the rendered documentation of v (read without its
// spec), from the cache or, on a miss, by reading, parsing and rendering
// its description once.
func (h *Handler) versionDocs(ctx context.Context, v *store.APIVersion) (*docsEntry, error) {
	k := keyOf(v)
	if e := h.docs.get(k); e != nil {
		h.docs.hits.Add(1)
		return e, nil
	}
	ch := h.docs.flight.DoChan(fmt.Sprintf("%d/%d/%d", k.id, k.lock, k.updated), func() (any, error) {
		if e := h.docs.get(k); e != nil {
			return e, nil
		}
		h.docs.misses.Add(1)
		full, err := h.store.VersionByID(context.WithoutCancel(ctx), v.ID)
		if err != nil {
			return nil, err
		}
		e, err := h.renderDocs(context.WithoutCancel(ctx), full)
		if err != nil {
			return nil, err
		}
		h.docs.put(e)
		return e, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*docsEntry), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// renderDocs renders the documentation of a version read with its spec.
func (h *Handler) renderDocs(ctx context.Context, v *store.APIVersion) (*docsEntry, error) {
	doc, err := h.life.StoredSpec(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("version %d: %w", v.ID, err)
	}
	e := &docsEntry{key: keyOf(v), docs: docsView(doc), report: lifecycle.VersionReport(doc), servers: doc.ServerTargets()}
	e.example = exampleOperation(e.docs)
	cost := int64(len(e.docs.DescriptionHTML)) + 512
	var buf bytes.Buffer
	for gi := range e.docs.Groups {
		g := &e.docs.Groups[gi]
		cost += int64(len(g.Tag) + len(g.DescriptionHTML))
		find := make([]string, len(g.Operations))
		for oi := range g.Operations {
			op := &g.Operations[oi]
			buf.Reset()
			if err := apis.Operation(*op).Render(ctx, &buf); err != nil {
				return nil, fmt.Errorf("render operation %s %s: %w", op.Method, op.Path, err)
			}
			find[oi] = strings.ToLower(strings.Join([]string{operationKey(op.OperationDoc), op.Summary, op.OperationID, g.Tag}, " "))
			// Keep what the sidebar and the filter use; the rest is in the HTML.
			op.OperationDoc = spec.OperationDoc{Method: op.Method, Path: op.Path, Summary: op.Summary, OperationID: op.OperationID, Deprecated: op.Deprecated, Webhook: op.Webhook, Callback: op.Callback, CallbackOf: op.CallbackOf}
			op.DescriptionHTML = ""
			op.HTML = buf.String()
			cost += int64(len(op.HTML) + 2*len(find[oi]) + len(op.Anchor) + 128)
		}
		e.find = append(e.find, find)
	}
	for _, f := range append(append([]spec.Finding(nil), e.report.Validation...), e.report.Lint...) {
		cost += int64(len(f.Message) + len(f.Location) + len(f.Rule) + 64)
	}
	e.cost = cost
	return e, nil
}

// exampleCall is an operation a version's example request calls: its
// method and path.
type exampleCall struct{ method, path string }

// exampleOperation returns the operation of a version's description that its
// example request calls (so that a user who copies it gets the API's answer,
// not the upstream's 404 for "/"): the first GET of the documentation, not
// deprecated, that needs nothing but the key: no path template, no required
// parameter, no required body. Its path must be one a URL holds as it is and
// a shell reads as it is between single quotes (the example quotes the URL
// so). nil when there is none: the example then calls the base URL.
func exampleOperation(d apis.Docs) *exampleCall {
	for _, g := range d.Groups {
		for _, op := range g.Operations {
			if op.Method != "GET" || op.Webhook || op.Callback != "" || op.Deprecated || !plainPath(op.Path) ||
				op.RequestBody != nil && op.RequestBody.Required {
				continue
			}
			if slices.ContainsFunc(op.Parameters, func(p spec.ParameterDoc) bool { return p.Required || p.In == "path" }) {
				continue
			}
			return &exampleCall{method: op.Method, path: op.Path}
		}
	}
	return nil
}

// maxExamplePath bounds the path an example request calls.
const maxExamplePath = 200

// plainPath reports whether path is "/" and then characters a URL's path
// holds as they are (RFC 3986 pchar, but "%", so that none needs decoding),
// none a shell reads between single quotes, at most maxExamplePath of them,
// and no template.
func plainPath(path string) bool {
	if len(path) < 2 || len(path) > maxExamplePath || path[0] != '/' {
		return false
	}
	for i := 1; i < len(path); i++ {
		c := path[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&()*+,;=:@/", c) >= 0:
		default:
			return false
		}
	}
	return true
}
