package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/diff"
)

// hook is a webhook or a callback compared as a path of the synthetic
// documents of hookDocs.
type hook struct {
	// status is empty for the hook's path, where its operations' payloads
	// and success answers are compared; else the code of one of the
	// consumer's other answers ("410", "default"), compared at a path of
	// its own.
	status string
	// name is the webhook's or the callback's name; for a callback, of is
	// the operation declaring it ("POST /v1/subscribe", by its full path)
	// and expr the callback's URL expression.
	name, of, expr string
	// basePtr and revPtr are the JSON pointers of its path item in each
	// description; base and rev its path items (nil where absent).
	basePtr, revPtr []string
	base, rev       *openapi3.PathItem
}

// label names the hook's operation of method, e.g. "webhook ev (POST)" or
// "callback onEvent of POST /subscribe: POST {$request.body#/url}".
func (h hook) label(method string) string {
	if h.of != "" {
		return "callback " + h.name + " of " + h.of + ": " + method + " " + h.expr
	}
	return "webhook " + h.name + " (" + method + ")"
}

// webhookLabel names the webhook name of path item item as a whole, by
// its methods: "webhook ev (POST)", "webhook ev (POST, PUT)".
func webhookLabel(name string, item *openapi3.PathItem) string {
	var methods []string
	for m, op := range item.Operations() {
		if op != nil {
			methods = append(methods, strings.ToUpper(m))
		}
	}
	slices.Sort(methods)
	return "webhook " + name + " (" + strings.Join(methods, ", ") + ")"
}

// hooks maps the paths of hookDocs' documents to their hooks; n counts
// the hooks' own paths ("/0", "/1"…), each hook's answers being at paths
// below it ("/0/410").
type hooks struct {
	byPath map[string]hook
	n      int
}

// hookDocs returns two documents in which each webhook of both s1 and s2,
// and each callback of the operations of both (prepared by
// withCommonParamsMoved with the base paths bp1 and bp2; a callback of
// either), is an operation the other way round, so that oasdiff's rules judge it by
// what each side receives: the payload the API sends is the operation's
// 200 response (with the payload's media types; the webhook's parameters
// are its headers, a header by its name in lowercase, another parameter as
// "query:name", "cookie:name" or "path:name"), and what the consumer
// answers (the webhook's first 2XX response, else its default one) is its
// required request body, the answer's headers its header parameters. A
// client receives the payload as it receives a response: a property or a
// parameter removed from it breaks the consumer, a new required one does
// not. The same holds for a callback's request. Each hook is at the path
// "/0", "/1"…, listed in the returned map; each other answer the consumer
// may give (a 410 that unsubscribes it, a default one), by its code, at a
// path of its own below ("/0/410"), as an operation whose request is that
// answer: an answer removed is a path removed, which breaks the consumers
// that give it.
func hookDocs(s1, s2 *openapi3.T, bp1, bp2 string) (*openapi3.T, *openapi3.T, hooks) {
	var names []string
	for name := range s2.Webhooks {
		if _, ok := s1.Webhooks[name]; ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	// The descriptions' info, so that a finding on it (a version not
	// bumped) reads as the main comparison's, and counts once.
	h1 := &openapi3.T{OpenAPI: s2.OpenAPI, Info: s1.Info, Paths: openapi3.NewPaths()}
	h2 := &openapi3.T{OpenAPI: s2.OpenAPI, Info: s2.Info, Paths: openapi3.NewPaths()}
	hs := hooks{byPath: map[string]hook{}}
	for _, name := range names {
		ptr := []string{"webhooks", name}
		hs.add(h1, h2, hook{name: name, basePtr: ptr, revPtr: ptr, base: s1.Webhooks[name], rev: s2.Webhooks[name]})
	}
	for _, op := range commonOperations(s1, s2) {
		if len(op.base.Callbacks) == 0 && len(op.rev.Callbacks) == 0 {
			continue
		}
		m := strings.ToLower(op.method)
		basePtr := []string{"paths", strings.TrimPrefix(op.basePath, bp1), m, "callbacks"}
		revPtr := []string{"paths", strings.TrimPrefix(op.path, bp2), m, "callbacks"}
		for _, name := range unionKeys(op.base.Callbacks, op.rev.Callbacks) {
			bc, rc := callbackItems(op.base.Callbacks[name]), callbackItems(op.rev.Callbacks[name])
			for _, expr := range unionKeys(bc, rc) {
				hs.add(h1, h2, hook{name: name, of: op.method + " " + op.path, expr: expr,
					basePtr: append(slices.Clone(basePtr), name, expr), revPtr: append(slices.Clone(revPtr), name, expr),
					base: bc[expr], rev: rc[expr]})
			}
		}
	}
	return h1, h2, hs
}

// callbackItems is the path items of c by URL expression; nil for none.
func callbackItems(c *openapi3.CallbackRef) map[string]*openapi3.PathItem {
	if c == nil || c.Value == nil {
		return nil
	}
	return c.Value.Map()
}

// unionKeys lists the keys of a and b, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// add puts h into h1 and h2, reversed, at the next path, and each other
// answer of its operations at a path below it.
func (hs *hooks) add(h1, h2 *openapi3.T, h hook) {
	key := fmt.Sprintf("/%d", hs.n)
	hs.n++
	hs.byPath[key] = h
	if h.base != nil {
		h1.Paths.Set(key, reversedItem(h.base))
	}
	if h.rev != nil {
		h2.Paths.Set(key, reversedItem(h.rev))
	}
	// The other answers: the codes of the operations' responses, but for
	// the success answer of either side (compared at the hook's path).
	success := map[string]bool{}
	codes := map[string]bool{}
	for _, item := range []*openapi3.PathItem{h.base, h.rev} {
		if item == nil {
			continue
		}
		for method, op := range item.Operations() {
			if op == nil || op.Responses == nil {
				continue
			}
			if code, _ := successResponse(op.Responses); code != "" {
				success[strings.ToUpper(method)+" "+code] = true
			}
			for code := range op.Responses.Map() {
				codes[code] = true
			}
		}
	}
	for _, code := range slices.Sorted(maps.Keys(codes)) {
		hc := h
		hc.status = code
		at := key + "/" + code
		set := func(t *openapi3.T, item *openapi3.PathItem) {
			if item == nil {
				return
			}
			if ri := answerItem(item, code, success); len(ri.Operations()) > 0 {
				t.Paths.Set(at, ri)
				hs.byPath[at] = hc
			}
		}
		set(h1, h.base)
		set(h2, h.rev)
	}
}

// reversedItem is item with each operation reversed (see hookDocs).
func reversedItem(item *openapi3.PathItem) *openapi3.PathItem {
	out := &openapi3.PathItem{}
	for method, op := range item.Operations() {
		if op == nil {
			continue
		}
		payload := &openapi3.Response{Description: new("the payload"), Headers: openapi3.Headers{}}
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			payload.Content = op.RequestBody.Value.Content
		}
		for _, p := range slices.Concat(item.Parameters, op.Parameters) {
			if p == nil || p.Value == nil {
				continue
			}
			name := p.Value.In + ":" + p.Value.Name
			if p.Value.In == openapi3.ParameterInHeader {
				name = strings.ToLower(p.Value.Name)
			}
			payload.Headers[name] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: *p.Value}}
		}
		rop := &openapi3.Operation{
			OperationID: op.OperationID, Tags: op.Tags, Deprecated: op.Deprecated, Extensions: op.Extensions,
			Responses: openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: payload})),
		}
		_, answer := successResponse(op.Responses)
		answerRequest(rop, answer)
		out.SetOperation(method, rop)
	}
	return out
}

// answerItem is an item with an operation for each operation of item
// whose response code is not its success answer (success lists "METHOD
// code" of either side), that answer as its request (see hookDocs).
func answerItem(item *openapi3.PathItem, code string, success map[string]bool) *openapi3.PathItem {
	out := &openapi3.PathItem{}
	for method, op := range item.Operations() {
		if op == nil || op.Responses == nil || success[strings.ToUpper(method)+" "+code] {
			continue
		}
		r := op.Responses.Value(code)
		if r == nil || r.Value == nil {
			continue
		}
		rop := &openapi3.Operation{Responses: openapi3.NewResponses(openapi3.WithStatus(200,
			&openapi3.ResponseRef{Value: &openapi3.Response{Description: new("the answer is received")}}))}
		answerRequest(rop, r.Value)
		out.SetOperation(method, rop)
	}
	return out
}

// answerRequest makes answer (may be nil), a response the consumer gives,
// the request of op: its content a required request body, its headers
// header parameters (named in lowercase).
func answerRequest(op *openapi3.Operation, answer *openapi3.Response) {
	if answer == nil {
		return
	}
	if len(answer.Content) > 0 {
		op.RequestBody = &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{Required: true, Content: answer.Content}}
	}
	for _, name := range slices.Sorted(maps.Keys(answer.Headers)) {
		h := answer.Headers[name]
		if h == nil || h.Value == nil {
			continue
		}
		p := h.Value.Parameter
		p.Name, p.In = strings.ToLower(name), openapi3.ParameterInHeader
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: &p})
	}
}

// successResponse is the first 2XX response of responses (by code), else
// the default one, with its code; "" and nil when there is none.
func successResponse(responses *openapi3.Responses) (string, *openapi3.Response) {
	if responses == nil {
		return "", nil
	}
	var codes []string
	for code := range responses.Map() {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	codes = append(codes, "default")
	for _, code := range codes {
		if r := responses.Value(code); r != nil && r.Value != nil {
			return code, r.Value
		}
	}
	return "", nil
}

// withoutCommonWebhooks returns s1 and s2, or copies of them without the
// webhooks both have (compared by hookDocs).
func withoutCommonWebhooks(s1, s2 *openapi3.T) (*openapi3.T, *openapi3.T) {
	only := func(t, other *openapi3.T) *openapi3.T {
		c := *t
		c.Webhooks = map[string]*openapi3.PathItem{}
		for name, item := range t.Webhooks {
			if _, ok := other.Webhooks[name]; !ok {
				c.Webhooks[name] = item
			}
		}
		return &c
	}
	if len(s1.Webhooks) == 0 || len(s2.Webhooks) == 0 {
		return s1, s2
	}
	return only(s1, s2), only(s2, s1)
}

// relabel turns a change found on hookDocs' documents into one on the
// hook: named by it, at its line in the revision (in the base when the
// operation is only there), its text saying what was compared as what.
// A change on an answer's path of an operation only one side has is left
// out (ok false): the operation added or removed is reported at the hook's
// path.
func (hs hooks) relabel(ch Change, base, rev *Document) (_ Change, keep bool) {
	method, path, _ := strings.Cut(ch.Operation, " ")
	h, ok := hs.byPath[path]
	if !ok {
		h, ok = hs.byPath[ch.Path]
	}
	ch.Operation, ch.Path = "", ""
	if !ok {
		return ch, true
	}
	if h.status != "" && (method == "" || h.base == nil || h.rev == nil || h.base.GetOperation(method) == nil || h.rev.GetOperation(method) == nil) {
		return ch, false
	}
	label := "the webhook " + h.name
	if h.of != "" {
		label = "the callback " + h.name + " of " + h.of
	}
	if method != "" {
		label = h.label(method)
		ch.Operation = label
		m := strings.ToLower(method)
		switch {
		case h.rev != nil && h.rev.GetOperation(method) != nil:
			ch.Line = rev.Line(pointerOf(append(slices.Clone(h.revPtr), m)))
		case h.base != nil && h.base.GetOperation(method) != nil:
			ch.Line, ch.InBase = base.Line(pointerOf(append(slices.Clone(h.basePtr), m))), true
		case h.rev != nil:
			ch.Line = rev.Line(pointerOf(h.revPtr))
		}
	}
	switch {
	case h.status != "":
		ch.Text = label + ", in the `" + h.status + "` answer the consumer may give (compared as an operation whose request is that answer, which the API receives): " + ch.Text
	case strings.Contains(ch.ID, "response"):
		ch.Text = label + ", in the payload the API sends (compared as the `200` response a client receives): " + ch.Text
	case strings.Contains(ch.ID, "request"):
		ch.Text = label + ", in what the consumer answers (compared as a request body the API receives): " + ch.Text
	default:
		ch.Text = label + ": " + ch.Text
	}
	return ch, true
}

// endpoints lists the hooks' operations that d, the comparison of
// hookDocs' documents, finds added, removed and modified, named as their
// findings are. An answer added to, removed from or changed in an
// operation in both modifies it.
func (hs hooks) endpoints(d *diff.Diff) (added, removed, modified []string) {
	e := d.EndpointsDiff
	if e == nil {
		return nil, nil, nil
	}
	name := func(ep diff.Endpoint) (string, hook, bool) {
		h, ok := hs.byPath[ep.Path]
		return h.label(ep.Method), h, ok
	}
	inBoth := func(h hook, method string) bool {
		return h.base != nil && h.rev != nil && h.base.GetOperation(method) != nil && h.rev.GetOperation(method) != nil
	}
	for _, list := range []struct {
		eps diff.Endpoints
		out *[]string
	}{{e.Added, &added}, {e.Deleted, &removed}} {
		for _, ep := range list.eps {
			label, h, ok := name(ep)
			switch {
			case !ok:
			case h.status == "":
				*list.out = append(*list.out, label)
			case inBoth(h, ep.Method):
				modified = append(modified, label)
			}
		}
	}
	for ep := range e.Modified {
		if label, _, ok := name(ep); ok {
			modified = append(modified, label)
		}
	}
	return added, removed, modified
}
