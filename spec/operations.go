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

// checkOperationCount refuses a description that has more than
// MaxOperations operations, with the line of the operation where the count
// passes it. It counts without listing them.
func (d *Document) checkOperationCount(t *openapi3.T) *ValidationError {
	n := 0
	perCallback := map[*openapi3.Callback]int{}
	over := func(ptr, location string) *ValidationError {
		if n <= MaxOperations {
			return nil
		}
		return invalidAt(d.Line(ptr), location, "the description has more than %d operations (counting the operations of a callback once for each operation that declares it): split it into several APIs", MaxOperations)
	}
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
				n++
				for _, ref := range op.Callbacks {
					if ref == nil || ref.Value == nil {
						continue
					}
					c, ok := perCallback[ref.Value]
					if !ok {
						for _, cb := range ref.Value.Map() {
							if cb != nil {
								c += len(cb.Operations())
							}
						}
						perCallback[ref.Value] = c
					}
					n += c
				}
				ptr := "/paths/" + strings.ReplaceAll(strings.ReplaceAll(path, "~", "~0"), "/", "~1") + "/" + strings.ToLower(method)
				if verr := over(ptr, "paths."+path+"."+strings.ToLower(method)); verr != nil {
					return verr
				}
			}
		}
	}
	for _, name := range sortedKeys(t.Webhooks) {
		if item := t.Webhooks[name]; item != nil {
			n += len(item.Operations())
			if verr := over("/webhooks/"+strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1"), "webhooks."+name); verr != nil {
				return verr
			}
		}
	}
	return nil
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
