package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// hook is a webhook or a callback compared as a path of the synthetic
// documents of hookDocs.
type hook struct {
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

// hooks maps the paths of hookDocs' documents to their hooks.
type hooks map[string]hook

// hookDocs returns two documents in which each webhook of both s1 and s2,
// and each callback of the operations of both (prepared by
// withCommonParamsMoved with the base paths bp1 and bp2; a callback of
// either), is an operation the other way round, so that oasdiff's rules judge it by
// what each side receives: the payload the API sends is the operation's
// 200 response (with the payload's media types; the webhook's header
// parameters are its headers), and what the consumer answers (the
// webhook's first 2XX response, else its default one) is its required
// request body. A client receives the payload as it receives a response:
// a property removed from it breaks the consumer, a new required one does
// not. The same holds for a callback's request. Each hook is at the path
// "/0", "/1"…, listed in the returned map.
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
	hs := hooks{}
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

// add puts h into h1 and h2, reversed, at the next path.
func (hs hooks) add(h1, h2 *openapi3.T, h hook) {
	key := fmt.Sprintf("/%d", len(hs))
	hs[key] = h
	if h.base != nil {
		h1.Paths.Set(key, reversedItem(h.base))
	}
	if h.rev != nil {
		h2.Paths.Set(key, reversedItem(h.rev))
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
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
				payload.Headers[strings.ToLower(p.Value.Name)] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: *p.Value}}
			}
		}
		rop := &openapi3.Operation{
			OperationID: op.OperationID, Tags: op.Tags, Deprecated: op.Deprecated, Extensions: op.Extensions,
			Responses: openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: payload})),
		}
		if answer := successResponse(op.Responses); answer != nil && len(answer.Content) > 0 {
			rop.RequestBody = &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{Required: true, Content: answer.Content}}
		}
		out.SetOperation(method, rop)
	}
	return out
}

// successResponse is the first 2XX response of responses (by code), else
// the default one; nil when there is none.
func successResponse(responses *openapi3.Responses) *openapi3.Response {
	if responses == nil {
		return nil
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
			return r.Value
		}
	}
	return nil
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
func (hs hooks) relabel(ch Change, base, rev *Document) Change {
	method, path, _ := strings.Cut(ch.Operation, " ")
	h, ok := hs[path]
	if !ok {
		h, ok = hs[ch.Path]
	}
	ch.Operation, ch.Path = "", ""
	if !ok {
		return ch
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
	case strings.Contains(ch.ID, "response"):
		ch.Text = label + ", in the payload the API sends (compared as the `200` response a client receives): " + ch.Text
	case strings.Contains(ch.ID, "request"):
		ch.Text = label + ", in what the consumer answers (compared as a request body the API receives): " + ch.Text
	default:
		ch.Text = label + ": " + ch.Text
	}
	return ch
}
