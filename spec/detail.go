package spec

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// SchemaLimits bound how much of the schemas an OperationDetail expands.
// What is left out is marked: a schema that is not expanded carries an
// "x-cut" member saying why (with its "$ref" when it has a name), and
// OperationDetail.Cut is set.
type SchemaLimits struct {
	// Depth is how many levels of nested schemas (properties, items,
	// variants) are expanded below a parameter's, body's or response's own
	// schema; deeper ones are cut.
	Depth int
	// Properties is how many properties of one object are listed, required
	// ones first; 0 lists all.
	Properties int
	// Text is how many characters of each description are kept; 0 keeps all.
	Text int
	// Nodes is how many schemas are expanded in the whole detail; 0 means no
	// limit. It bounds the work on descriptions whose schemas fan out widely.
	Nodes int
}

// maxEnum is how many values of an enum a schema lists.
const maxEnum = 50

// maxExample is the largest schema example, in bytes of JSON, that is kept.
const maxExample = 300

// OperationDetail is one operation with its parameters, request body and
// responses, their schemas expanded (references resolved) as JSON values
// within SchemaLimits.
type OperationDetail struct {
	Operation
	// Servers are the base URLs of the operation (its own, else its path's,
	// else the document's).
	Servers []string
	// Security lists the alternatives of security requirements, each as the
	// schemes it needs, e.g. "bearerAuth (http bearer)".
	Security    []string
	Parameters  []ParameterDetail
	RequestBody *BodyDetail
	// Responses are in status order, "default" last.
	Responses []ResponseDetail
	// Cut reports that a schema or a description was cut to the limits.
	Cut bool
}

// ParameterDetail is one parameter of an operation.
type ParameterDetail struct {
	Name, In, Description string
	Required, Deprecated  bool
	// Schema is the parameter's schema as JSON; nil when it has none.
	Schema any
}

// BodyDetail is the request body of an operation.
type BodyDetail struct {
	Required    bool
	Description string
	// ContentTypes are every media type the body may be sent as;
	// ContentType is the one whose schema is given (JSON when there is one).
	ContentTypes []string
	ContentType  string
	Schema       any
}

// ResponseDetail is one response of an operation.
type ResponseDetail struct {
	// Status is the status code, a range such as "4XX", or "default".
	Status      string
	Description string
	// ContentTypes are every media type of the response; ContentType is the
	// one whose schema is given (JSON when there is one).
	ContentTypes []string
	ContentType  string
	Schema       any
}

// pathParam matches a path template parameter, to compare templates whose
// parameters are named differently.
var pathParam = regexp.MustCompile(`\{[^}/]*\}`)

// FindOperation returns the operation that ref names: its operationId, or
// "METHOD /path" as the path is written in the description (the method in
// any case; path parameters may be named differently, "/pets/{id}" finds
// "/pets/{petId}"). An operationId is matched exactly, else ignoring case
// when that finds one operation only. A webhook's or a callback's operation
// is found by its operationId only.
func (d *Document) FindOperation(ref string) (Operation, bool) {
	ref = strings.TrimSpace(ref)
	ops := d.Operations()
	if method, path, ok := strings.Cut(ref, " "); ok && strings.HasPrefix(strings.TrimSpace(path), "/") {
		method, path = strings.ToUpper(method), strings.TrimSpace(path)
		for _, op := range ops {
			if !op.Sent() && op.Method == method && op.Path == path {
				return op, true
			}
		}
		shape := pathParam.ReplaceAllString(path, "{}")
		var found []Operation
		for _, op := range ops {
			if !op.Sent() && op.Method == method && pathParam.ReplaceAllString(op.Path, "{}") == shape {
				found = append(found, op)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
		return Operation{}, false
	}
	var folded []Operation
	for _, op := range ops {
		if op.OperationID == "" {
			continue
		}
		if op.OperationID == ref {
			return op, true
		}
		if strings.EqualFold(op.OperationID, ref) {
			folded = append(folded, op)
		}
	}
	if len(folded) == 1 {
		return folded[0], true
	}
	return Operation{}, false
}

// Detail returns the detail of op, an operation of d (from Operations or
// FindOperation), with its schemas expanded within lim. It returns false
// when d has no such operation.
func (d *Document) Detail(op Operation, lim SchemaLimits) (OperationDetail, bool) {
	var ref *opRef
	for _, r := range allOperations(d.Spec) {
		if r.webhook == op.Webhook && r.callback == op.Callback && r.callbackOf() == op.CallbackOf && r.method == op.Method && r.path == op.Path {
			ref = &r
			break
		}
	}
	if ref == nil {
		return OperationDetail{}, false
	}
	x := &expander{lim: lim}
	out := OperationDetail{Operation: op}
	out.Description = x.text(op.Description)
	if !ref.webhook && ref.parent == nil { // a webhook or callback is sent to the consumer's URL, not to the API's servers
		out.Servers = operationServers(d.Spec, ref)
	}
	out.Security = securityAlternatives(d.Spec, ref.op)
	for _, p := range mergedParameters(ref.item.Parameters, ref.op.Parameters) {
		pd := ParameterDetail{Name: p.Name, In: p.In, Description: x.text(p.Description), Required: p.Required, Deprecated: p.Deprecated}
		if p.Schema != nil {
			pd.Schema = x.schema(p.Schema, 0, nil)
		} else if mt := mainMediaType(p.Content); mt != "" {
			pd.Schema = x.schema(p.Content[mt].Schema, 0, nil)
		}
		out.Parameters = append(out.Parameters, pd)
	}
	if rb := ref.op.RequestBody; rb != nil && rb.Value != nil {
		b := &BodyDetail{Required: rb.Value.Required, Description: x.text(rb.Value.Description), ContentTypes: sortedKeys(rb.Value.Content)}
		if mt := mainMediaType(rb.Value.Content); mt != "" {
			b.ContentType = mt
			b.Schema = x.schema(rb.Value.Content[mt].Schema, 0, nil)
		}
		out.RequestBody = b
	}
	if ref.op.Responses != nil {
		for _, status := range responseOrder(ref.op.Responses.Map()) {
			r := ref.op.Responses.Value(status)
			if r == nil || r.Value == nil {
				continue
			}
			rd := ResponseDetail{Status: status, ContentTypes: sortedKeys(r.Value.Content)}
			if r.Value.Description != nil {
				rd.Description = x.text(*r.Value.Description)
			}
			if mt := mainMediaType(r.Value.Content); mt != "" {
				rd.ContentType = mt
				rd.Schema = x.schema(r.Value.Content[mt].Schema, 0, nil)
			}
			out.Responses = append(out.Responses, rd)
		}
	}
	out.Cut = x.cut
	return out, true
}

func operationServers(t *openapi3.T, r *opRef) []string {
	servers := t.Servers
	if len(r.item.Servers) > 0 {
		servers = r.item.Servers
	}
	if r.op.Servers != nil && len(*r.op.Servers) > 0 {
		servers = *r.op.Servers
	}
	var out []string
	for _, s := range servers {
		if s != nil {
			out = append(out, s.URL)
		}
	}
	return out
}

// securityAlternatives describes the security requirements of op (its own,
// else the document's): one entry per alternative, its schemes joined by
// " + ". An empty requirement means the operation may be called without
// credentials.
func securityAlternatives(t *openapi3.T, op *openapi3.Operation) []string {
	reqs := t.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var out []string
	for _, req := range reqs {
		if len(req) == 0 {
			out = append(out, "none")
			continue
		}
		var parts []string
		for _, name := range sortedKeys(req) {
			parts = append(parts, schemeText(t, name, req[name]))
		}
		out = append(out, strings.Join(parts, " + "))
	}
	return out
}

func schemeText(t *openapi3.T, name string, scopes []string) string {
	var kind string
	if t.Components != nil {
		if ref := t.Components.SecuritySchemes[name]; ref != nil && ref.Value != nil {
			s := ref.Value
			switch s.Type {
			case "apiKey":
				kind = "apiKey in " + s.In + " " + s.Name
			case "http":
				kind = "http " + s.Scheme
			default:
				kind = s.Type
			}
		}
	}
	text := name
	if kind != "" {
		text += " (" + kind + ")"
	}
	if len(scopes) > 0 {
		text += " scopes: " + strings.Join(scopes, ", ")
	}
	return text
}

// mergedParameters merges path-item and operation parameters, the
// operation's replacing the path item's of the same name and location.
func mergedParameters(common, own openapi3.Parameters) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	index := map[string]int{}
	for _, list := range []openapi3.Parameters{common, own} {
		for _, ref := range list {
			if ref == nil || ref.Value == nil {
				continue
			}
			p := ref.Value
			key := p.In + "\x00" + p.Name
			if i, ok := index[key]; ok {
				out[i] = p
				continue
			}
			index[key] = len(out)
			out = append(out, p)
		}
	}
	return out
}

// expander turns schemas into JSON values within limits.
type expander struct {
	lim   SchemaLimits
	nodes int
	cut   bool
}

// text cuts s to the text limit.
func (x *expander) text(s string) string {
	s = strings.TrimSpace(s)
	if x.lim.Text <= 0 || utf8.RuneCountInString(s) <= x.lim.Text {
		return s
	}
	x.cut = true
	return truncate(s, x.lim.Text)
}

// truncate cuts s to n runes, at a word boundary when one is near, and
// marks the cut with "…".
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	rs = rs[:n]
	for i := len(rs) - 1; i > n-20 && i > 0; i-- {
		if rs[i] == ' ' || rs[i] == '\n' {
			rs = rs[:i]
			break
		}
	}
	return strings.TrimSpace(string(rs)) + "…"
}

// hasChildren reports whether v holds nested schemas.
func hasChildren(v *openapi3.Schema) bool {
	return len(v.Properties) > 0 || v.Items != nil || len(v.AllOf)+len(v.OneOf)+len(v.AnyOf) > 0 ||
		v.Not != nil || v.AdditionalProperties.Schema != nil || len(v.PrefixItems) > 0
}

// schema expands ref at nesting depth; stack holds the schemas being
// expanded above it, to stop at recursion.
func (x *expander) schema(ref *openapi3.SchemaRef, depth int, stack []*openapi3.Schema) any {
	if ref == nil || ref.Value == nil {
		return nil
	}
	v := ref.Value
	if slices.Contains(stack, v) {
		x.cut = true
		return x.stub(ref, "recursive: the same schema as an enclosing one")
	}
	if hasChildren(v) {
		switch {
		case depth > x.lim.Depth:
			x.cut = true
			return x.stub(ref, fmt.Sprintf("not expanded: nested deeper than the %d levels this answer holds", x.lim.Depth))
		case x.lim.Nodes > 0 && x.nodes >= x.lim.Nodes:
			x.cut = true
			return x.stub(ref, "not expanded: the answer's size limit was reached")
		}
	}
	x.nodes++
	stack = append(stack, v)

	out := map[string]any{}
	if name := refName(ref.Ref); name != "" && v.Title == "" {
		out["title"] = name
	} else if v.Title != "" {
		out["title"] = v.Title
	}
	if types := typeNames(v); len(types) == 1 {
		out["type"] = types[0]
	} else if len(types) > 1 {
		out["type"] = types
	}
	setString(out, "format", v.Format)
	setString(out, "description", x.text(v.Description))
	setString(out, "pattern", v.Pattern)
	if len(v.Enum) > 0 {
		if len(v.Enum) > maxEnum {
			out["enum"] = v.Enum[:maxEnum]
			out["x-cut"] = fmt.Sprintf("%d of %d enum values shown", maxEnum, len(v.Enum))
			x.cut = true
		} else {
			out["enum"] = v.Enum
		}
	}
	if v.Const != nil {
		out["const"] = v.Const
	}
	if v.Default != nil {
		out["default"] = v.Default
	}
	if v.Example != nil {
		if b, err := json.Marshal(v.Example); err == nil && len(b) <= maxExample {
			out["example"] = v.Example
		}
	}
	setTrue(out, "nullable", v.Nullable)
	setTrue(out, "readOnly", v.ReadOnly)
	setTrue(out, "writeOnly", v.WriteOnly)
	setTrue(out, "deprecated", v.Deprecated)
	setTrue(out, "uniqueItems", v.UniqueItems)
	setFloat(out, "minimum", v.Min)
	setFloat(out, "maximum", v.Max)
	setFloat(out, "multipleOf", v.MultipleOf)
	setBound(out, "exclusiveMinimum", v.ExclusiveMin)
	setBound(out, "exclusiveMaximum", v.ExclusiveMax)
	setUint(out, "minLength", v.MinLength)
	setUintPtr(out, "maxLength", v.MaxLength)
	setUint(out, "minItems", v.MinItems)
	setUintPtr(out, "maxItems", v.MaxItems)
	if v.Discriminator != nil && v.Discriminator.PropertyName != "" {
		out["discriminator"] = map[string]any{"propertyName": v.Discriminator.PropertyName}
	}

	if len(v.Properties) > 0 {
		names := propertyOrder(v.Properties, v.Required)
		if x.lim.Properties > 0 && len(names) > x.lim.Properties {
			out["x-cut"] = fmt.Sprintf("%d of %d properties shown (required ones first)", x.lim.Properties, len(names))
			x.cut = true
			names = names[:x.lim.Properties]
		}
		props := make(map[string]any, len(names))
		for _, name := range names {
			props[name] = x.schemaOrEmpty(v.Properties[name], depth+1, stack)
		}
		out["properties"] = props
	}
	if len(v.Required) > 0 {
		out["required"] = v.Required
	}
	if ap := v.AdditionalProperties; ap.Schema != nil {
		out["additionalProperties"] = x.schemaOrEmpty(ap.Schema, depth+1, stack)
	} else if ap.Has != nil {
		out["additionalProperties"] = *ap.Has
	}
	if v.Items != nil {
		out["items"] = x.schemaOrEmpty(v.Items, depth+1, stack)
	}
	if len(v.PrefixItems) > 0 {
		out["prefixItems"] = x.list(v.PrefixItems, depth+1, stack)
	}
	if len(v.AllOf) > 0 {
		out["allOf"] = x.list(v.AllOf, depth+1, stack)
	}
	if len(v.OneOf) > 0 {
		out["oneOf"] = x.list(v.OneOf, depth+1, stack)
	}
	if len(v.AnyOf) > 0 {
		out["anyOf"] = x.list(v.AnyOf, depth+1, stack)
	}
	if v.Not != nil {
		out["not"] = x.schemaOrEmpty(v.Not, depth+1, stack)
	}
	return out
}

func (x *expander) schemaOrEmpty(ref *openapi3.SchemaRef, depth int, stack []*openapi3.Schema) any {
	if s := x.schema(ref, depth, stack); s != nil {
		return s
	}
	return map[string]any{}
}

func (x *expander) list(refs openapi3.SchemaRefs, depth int, stack []*openapi3.Schema) []any {
	out := make([]any, 0, len(refs))
	for _, r := range refs {
		out = append(out, x.schemaOrEmpty(r, depth, stack))
	}
	return out
}

// stub is a schema that is not expanded: its name (as a reference into the
// description), its type and why it was cut.
func (x *expander) stub(ref *openapi3.SchemaRef, why string) map[string]any {
	out := map[string]any{"x-cut": why}
	if ref.Ref != "" {
		out["$ref"] = ref.Ref
	}
	if types := typeNames(ref.Value); len(types) == 1 {
		out["type"] = types[0]
	} else if len(types) > 1 {
		out["type"] = types
	}
	return out
}

// propertyOrder lists the property names, the required ones first, each
// group in name order.
func propertyOrder(props openapi3.Schemas, required []string) []string {
	names := sortedKeys(props)
	var req, rest []string
	for _, n := range names {
		if slices.Contains(required, n) {
			req = append(req, n)
		} else {
			rest = append(rest, n)
		}
	}
	return append(req, rest...)
}

func setString(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func setTrue(m map[string]any, k string, v bool) {
	if v {
		m[k] = true
	}
}

func setFloat(m map[string]any, k string, v *float64) {
	if v != nil {
		m[k] = *v
	}
}

func setUint(m map[string]any, k string, v uint64) {
	if v != 0 {
		m[k] = v
	}
}

func setUintPtr(m map[string]any, k string, v *uint64) {
	if v != nil {
		m[k] = *v
	}
}

func setBound(m map[string]any, k string, b openapi3.ExclusiveBound) {
	switch {
	case b.Value != nil:
		m[k] = *b.Value
	case b.Bool != nil && *b.Bool:
		m[k] = true
	}
}
