package spec

import (
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operation is one operation of a description, as indexed for search and
// listed on pages.
type Operation struct {
	// Method is the HTTP method in upper case, e.g. "GET".
	Method string
	// Path is the path template, e.g. "/pets/{id}".
	Path        string
	OperationID string
	Summary     string
	Description string
	Tags        []string
	Deprecated  bool
	// Webhook is true for an operation of the description's webhooks
	// (OpenAPI 3.1): a request the API sends to its consumers rather than
	// one it serves. Path is then the webhook's name.
	Webhook bool
	// Callback is the name of the callback this operation belongs to, for
	// an operation of an operation's callbacks: a request the API sends to
	// a URL its caller gave, Path being that URL's expression (e.g.
	// "{$request.body#/callback}"). CallbackOf is then the operation that
	// declares it, as "POST /sms".
	Callback   string
	CallbackOf string
}

// Sent reports whether op is a request the API sends (a webhook or a
// callback) rather than one it serves.
func (op Operation) Sent() bool { return op.Webhook || op.Callback != "" }

// methodOrder lists the HTTP methods an OpenAPI path item can hold, in the
// order operations are listed.
func methodOrder() []string {
	return []string{
		http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
		http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace,
	}
}

// opRef is an operation together with where it sits in the document.
type opRef struct {
	method string
	path   string
	item   *openapi3.PathItem
	op     *openapi3.Operation
	// webhook is true for an operation of the document's webhooks; path is
	// then the webhook's name.
	webhook bool
	// callback is the name of the callback of parent this operation belongs
	// to; path is then the callback's URL expression.
	callback string
	parent   *opRef
}

// location gives the dotted location of the operation, e.g. "paths./pets.get"
// or, for a webhook, "webhooks.newPet.post".
func (r opRef) location() string {
	if r.parent != nil {
		return r.parent.location() + ".callbacks." + r.callback + "." + r.path + "." + strings.ToLower(r.method)
	}
	if r.webhook {
		return "webhooks." + r.path + "." + strings.ToLower(r.method)
	}
	return "paths." + r.path + "." + strings.ToLower(r.method)
}

// callbackOf gives the operation that declares r's callback, as "POST
// /sms", or "" when r is not a callback's.
func (r opRef) callbackOf() string {
	if r.parent == nil {
		return ""
	}
	return r.parent.label()
}

// label gives the operation as "GET /pets".
func (r opRef) label() string {
	return r.method + " " + r.path
}

// operations lists the operations of t by path, then by method in
// methodOrder.
func operations(t *openapi3.T) []opRef {
	if t == nil || t.Paths == nil {
		return nil
	}
	var out []opRef
	for _, path := range sortedKeys(t.Paths.Map()) {
		item := t.Paths.Value(path)
		if item == nil {
			continue
		}
		for _, method := range methodOrder() {
			if op := item.GetOperation(method); op != nil {
				out = append(out, opRef{method: method, path: path, item: item, op: op})
			}
		}
	}
	return out
}

// webhooks lists the operations of t's webhooks (OpenAPI 3.1) by name, then
// by method in methodOrder.
func webhooks(t *openapi3.T) []opRef {
	if t == nil {
		return nil
	}
	var out []opRef
	for _, name := range sortedKeys(t.Webhooks) {
		item := t.Webhooks[name]
		if item == nil {
			continue
		}
		for _, method := range methodOrder() {
			if op := item.GetOperation(method); op != nil {
				out = append(out, opRef{method: method, path: name, item: item, op: op, webhook: true})
			}
		}
	}
	return out
}

// callbacks lists the operations of the callbacks of ops, by operation,
// then callback name, URL expression and method.
func callbacks(ops []opRef) []opRef {
	var out []opRef
	for i := range ops {
		parent := &ops[i]
		for _, name := range sortedKeys(parent.op.Callbacks) {
			ref := parent.op.Callbacks[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			items := ref.Value.Map()
			for _, expr := range sortedKeys(items) {
				item := items[expr]
				if item == nil {
					continue
				}
				for _, method := range methodOrder() {
					if op := item.GetOperation(method); op != nil {
						out = append(out, opRef{method: method, path: expr, item: item, op: op, callback: name, parent: parent})
					}
				}
			}
		}
	}
	return out
}

// MaxOperations is the most operations a description may have, each
// operation of a callback counted once for every operation that declares
// the callback (as the documentation, the catalog and the agent list it).
// The parse budget bounds the rest, but not this: a callback component is
// declared by reference, so 300 operations sharing a callback of 300
// operations (40 KB) gave 90,300 operations to document and index. Real
// descriptions have at most a few thousand.
const MaxOperations = 20_000

// MaxDocumented is the most text, in bytes, the documentation of a
// description's operations may show: summaries, descriptions, parameters
// and the media types of bodies and responses, each component's counted
// once for every operation that uses it (the page shows it under each).
// A description that shares nothing documents less than its own size
// (10 MiB at most); the largest sample documents about 1 MiB.
const MaxDocumented = 16 << 20

// checkOperations refuses a description that has more than MaxOperations
// operations, or whose operations document more than MaxDocumented bytes,
// with the line of the operation where the count passes the limit. It
// counts without listing anything, each shared component measured once.
func (d *Document) checkOperations(t *openapi3.T) *ValidationError {
	c := opCounter{callbacks: map[*openapi3.Callback][2]int{}, params: map[*openapi3.Parameter]int{},
		bodies: map[*openapi3.RequestBody]int{}, responses: map[*openapi3.Response]int{}}
	ops, text := 0, 0
	over := func(ptr, location string) *ValidationError {
		switch {
		case ops > MaxOperations:
			return invalidAt(d.Line(ptr), location, "the description has more than %d operations (counting the operations of a callback once for each operation that declares it): split it into several APIs", MaxOperations)
		case text > MaxDocumented:
			return invalidAt(d.Line(ptr), location, "the operations document more than %d MiB of text (counting a shared parameter, body or response once for each operation that uses it): shorten the descriptions of shared components or split the description into several APIs", MaxDocumented>>20)
		}
		return nil
	}
	escape := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }
	if t.Paths != nil {
		for _, path := range sortedKeys(t.Paths.Map()) {
			item := t.Paths.Value(path)
			if item == nil {
				continue
			}
			for _, method := range methodOrder() {
				op := item.GetOperation(method)
				if op == nil {
					continue
				}
				n, size := c.operation(item, op, true)
				ops, text = ops+n, text+size
				if verr := over("/paths/"+escape(path)+"/"+strings.ToLower(method), "paths."+path+"."+strings.ToLower(method)); verr != nil {
					return verr
				}
			}
		}
	}
	for _, name := range sortedKeys(t.Webhooks) {
		if item := t.Webhooks[name]; item != nil {
			for _, op := range item.Operations() {
				n, size := c.operation(item, op, false)
				ops, text = ops+n, text+size
			}
			if verr := over("/webhooks/"+escape(name), "webhooks."+name); verr != nil {
				return verr
			}
		}
	}
	return nil
}

// opCounter measures operations, keeping the measure of each component.
type opCounter struct {
	callbacks map[*openapi3.Callback][2]int // operations, text
	params    map[*openapi3.Parameter]int
	bodies    map[*openapi3.RequestBody]int
	responses map[*openapi3.Response]int
}

// operation gives the number of operations op of item stands for (itself
// and, with callbacks, its callbacks' operations) and the text they
// document.
func (c *opCounter) operation(item *openapi3.PathItem, op *openapi3.Operation, callbacks bool) (int, int) {
	ops, text := 1, len(op.Summary)+len(op.Description)
	for _, ref := range append(slices.Clip(item.Parameters), op.Parameters...) {
		if ref != nil && ref.Value != nil {
			text += measured(c.params, ref.Value, func(p *openapi3.Parameter) int { return len(p.Name) + len(p.Description) })
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		text += measured(c.bodies, op.RequestBody.Value, func(b *openapi3.RequestBody) int { return len(b.Description) + keysLen(b.Content) })
	}
	if op.Responses != nil {
		for _, ref := range op.Responses.Map() {
			if ref != nil && ref.Value != nil {
				text += measured(c.responses, ref.Value, func(r *openapi3.Response) int {
					n := keysLen(r.Content)
					if r.Description != nil {
						n += len(*r.Description)
					}
					return n
				})
			}
		}
	}
	if !callbacks {
		return ops, text
	}
	for _, ref := range op.Callbacks {
		if ref == nil || ref.Value == nil {
			continue
		}
		m, ok := c.callbacks[ref.Value]
		if !ok {
			for _, citem := range ref.Value.Map() {
				if citem != nil {
					for _, cop := range citem.Operations() {
						n, size := c.operation(citem, cop, false)
						m[0], m[1] = m[0]+n, m[1]+size
					}
				}
			}
			c.callbacks[ref.Value] = m
		}
		ops, text = ops+m[0], text+m[1]
	}
	return ops, text
}

// measured gives the measure of v, computing it once.
func measured[T any](seen map[*T]int, v *T, measure func(*T) int) int {
	n, ok := seen[v]
	if !ok {
		n = measure(v)
		seen[v] = n
	}
	return n
}

// keysLen is the length of the keys of content.
func keysLen(content openapi3.Content) int {
	n := 0
	for k := range content {
		n += len(k)
	}
	return n
}

// allOperations lists the operations of t under paths (see operations),
// then those of their callbacks (see callbacks), then those of its
// webhooks (see webhooks).
func allOperations(t *openapi3.T) []opRef {
	ops := operations(t)
	return append(append(ops, callbacks(ops)...), webhooks(t)...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Operations lists the operations under paths, ordered by path and then by
// method (GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE), followed by
// those of their callbacks, marked Callback, then those of the webhooks
// (OpenAPI 3.1), marked Webhook, ordered by name and then by method.
func (d *Document) Operations() []Operation {
	refs := allOperations(d.Spec)
	out := make([]Operation, 0, len(refs))
	for _, r := range refs {
		out = append(out, Operation{
			Method:      r.method,
			Path:        r.path,
			OperationID: r.op.OperationID,
			Summary:     r.op.Summary,
			Description: r.op.Description,
			Tags:        slices.Clone(r.op.Tags),
			Deprecated:  r.op.Deprecated,
			Webhook:     r.webhook,
			Callback:    r.callback,
			CallbackOf:  r.callbackOf(),
		})
	}
	return out
}

// Tags lists the tag names declared at the top of the document, in their
// order, followed by the other tags that operations (webhooks' and callbacks'
// too) use, in operation order. Each name appears once.
func (d *Document) Tags() []string {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if d.Spec != nil {
		for _, tag := range d.Spec.Tags {
			if tag != nil {
				add(tag.Name)
			}
		}
	}
	for _, r := range allOperations(d.Spec) {
		for _, name := range r.op.Tags {
			add(name)
		}
	}
	return out
}

// Servers lists the URLs of the top-level servers, in document order.
func (d *Document) Servers() []string {
	if d.Spec == nil {
		return nil
	}
	var out []string
	for _, s := range d.Spec.Servers {
		if s != nil {
			out = append(out, s.URL)
		}
	}
	return out
}
