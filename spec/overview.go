package spec

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// DefaultGroup is the tag group of operations that have no tag.
const DefaultGroup = "default"

// Overview is the view model of a server-rendered documentation page.
type Overview struct {
	Title       string
	Version     string
	Description string
	Servers     []string
	// SecuritySchemes are sorted by name.
	SecuritySchemes []SecuritySchemeDoc
	// Groups holds the operations by tag, in Document.Tags order, with
	// untagged operations last under DefaultGroup. An operation with several
	// tags is listed in the group of each (of its first MaxOperationTags
	// distinct tags); tags without operations are left out.
	Groups []TagGroup
}

// SecuritySchemeDoc describes one security scheme.
type SecuritySchemeDoc struct {
	// Name is the key under components.securitySchemes.
	Name string
	// Type is apiKey, http, oauth2, openIdConnect or mutualTLS.
	Type string
	// In is where an apiKey is sent: query, header or cookie.
	In string
	// ParamName is the header, query or cookie name of an apiKey.
	ParamName string
	// Scheme is the HTTP authentication scheme, e.g. bearer or basic.
	Scheme      string
	Description string
}

// TagGroup is the operations under one tag.
type TagGroup struct {
	Tag         string
	Description string
	Operations  []OperationDoc
}

// OperationDoc describes one operation.
type OperationDoc struct {
	Method      string
	Path        string
	OperationID string
	Summary     string
	Description string
	Deprecated  bool
	// Webhook is true for an operation of the description's webhooks: a
	// request the API sends to its consumers, Path being the webhook's name.
	Webhook bool
	// Callback is the name of the callback of CallbackOf ("POST /sms") this
	// operation belongs to: a request the API sends to a URL its caller
	// gave, Path being that URL's expression.
	Callback   string
	CallbackOf string
	// Parameters holds the path item's parameters and the operation's own
	// (which replace those with the same name and location).
	Parameters  []ParameterDoc
	RequestBody *RequestBodyDoc
	// Responses are in status order, "default" last.
	Responses []ResponseDoc
}

// ParameterDoc describes one parameter.
type ParameterDoc struct {
	Name     string
	In       string
	Required bool
	// Type summarises the parameter's schema, e.g. "array<string>".
	Type        string
	Description string
	Deprecated  bool
}

// RequestBodyDoc describes a request body.
type RequestBodyDoc struct {
	Required     bool
	Description  string
	ContentTypes []string
	// Schema summarises the body schema of the main content type (JSON
	// when there is one).
	Schema string
}

// ResponseDoc describes one response.
type ResponseDoc struct {
	// Status is the status code, a range such as "4XX", or "default".
	Status       string
	Description  string
	ContentTypes []string
	// Schema summarises the schema of the main content type (JSON when there
	// is one); empty when the response has no body.
	Schema string
}

// Overview builds the documentation view model of d.
func (d *Document) Overview() Overview {
	ov := Overview{Title: d.Title, Version: d.Version, Description: d.Description, Servers: d.Servers()}
	t := d.Spec
	if t == nil {
		return ov
	}
	if t.Components != nil {
		for _, name := range sortedKeys(t.Components.SecuritySchemes) {
			ref := t.Components.SecuritySchemes[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			s := ref.Value
			ov.SecuritySchemes = append(ov.SecuritySchemes, SecuritySchemeDoc{
				Name: name, Type: s.Type, In: s.In, ParamName: s.Name, Scheme: s.Scheme, Description: s.Description,
			})
		}
	}

	tagDescriptions := map[string]string{}
	for _, tag := range t.Tags {
		if tag != nil {
			tagDescriptions[tag.Name] = tag.Description
		}
	}
	byTag := map[string][]OperationDoc{}
	ss := newSummaries()
	for _, r := range allOperations(t) {
		doc := operationDoc(r, ss)
		tags := r.op.Tags
		if len(tags) == 0 && r.parent != nil {
			tags = r.parent.op.Tags // a callback is listed with the operation that declares it
		}
		tags = operationTags(tags)
		if len(tags) == 0 {
			tags = []string{DefaultGroup}
		}
		for _, tag := range tags {
			byTag[tag] = append(byTag[tag], doc)
		}
	}
	order := d.Tags()
	if !slices.Contains(order, DefaultGroup) {
		order = append(order, DefaultGroup)
	}
	for _, tag := range order {
		if ops := byTag[tag]; len(ops) > 0 {
			ov.Groups = append(ov.Groups, TagGroup{Tag: tag, Description: tagDescriptions[tag], Operations: ops})
		}
	}
	return ov
}

// MaxOperationTags is the most tags under which the documentation lists
// one operation. Each listing renders the operation (and its description)
// again: an operation of a few kilobytes with thousands of tags, or one tag
// repeated, would make the page thousands of times larger than the
// description. Real operations have one or two.
const MaxOperationTags = 8

// operationTags gives the first MaxOperationTags distinct non-empty names
// of tags.
func operationTags(tags []string) []string {
	var out []string
	for _, tag := range tags {
		if len(out) == MaxOperationTags {
			break
		}
		if tag != "" && !slices.Contains(out, tag) {
			out = append(out, tag)
		}
	}
	return out
}

func operationDoc(r opRef, ss *summaries) OperationDoc {
	doc := OperationDoc{
		Method:      r.method,
		Path:        r.path,
		OperationID: r.op.OperationID,
		Summary:     r.op.Summary,
		Description: r.op.Description,
		Deprecated:  r.op.Deprecated,
		Webhook:     r.webhook,
		Callback:    r.callback,
		CallbackOf:  r.callbackOf(),
		Parameters:  parameterDocs(r.item.Parameters, r.op.Parameters, ss),
	}
	if r.op.RequestBody != nil && r.op.RequestBody.Value != nil {
		b := r.op.RequestBody.Value
		doc.RequestBody = &RequestBodyDoc{
			Required:     b.Required,
			Description:  b.Description,
			ContentTypes: sortedKeys(b.Content),
			Schema:       contentSchema(b.Content, ss),
		}
	}
	if r.op.Responses != nil {
		for _, status := range responseOrder(r.op.Responses.Map()) {
			ref := r.op.Responses.Value(status)
			if ref == nil || ref.Value == nil {
				continue
			}
			resp := ResponseDoc{
				Status:       status,
				ContentTypes: sortedKeys(ref.Value.Content),
				Schema:       contentSchema(ref.Value.Content, ss),
			}
			if ref.Value.Description != nil {
				resp.Description = *ref.Value.Description
			}
			doc.Responses = append(doc.Responses, resp)
		}
	}
	return doc
}

// responseOrder sorts status codes, with "default" last.
func responseOrder(m map[string]*openapi3.ResponseRef) []string {
	keys := sortedKeys(m)
	if i := slices.Index(keys, "default"); i >= 0 {
		keys = append(slices.Delete(keys, i, i+1), "default")
	}
	return keys
}

// parameterDocs merges path-item and operation parameters, the operation's
// replacing the path item's of the same name and location.
func parameterDocs(common, own openapi3.Parameters, ss *summaries) []ParameterDoc {
	var out []ParameterDoc
	for _, p := range mergedParameters(common, own) {
		typ := ss.of(p.Schema)
		if p.Schema == nil && len(p.Content) > 0 {
			typ = contentSchema(p.Content, ss)
		}
		out = append(out, ParameterDoc{
			Name: p.Name, In: p.In, Required: p.Required, Type: typ,
			Description: p.Description, Deprecated: p.Deprecated,
		})
	}
	return out
}

// mainMediaType is the media type of content whose schema is shown:
// application/json, else another JSON type, else the first in name order;
// "" when content is empty or that media type has no schema.
func mainMediaType(content openapi3.Content) string {
	if len(content) == 0 {
		return ""
	}
	names := sortedKeys(content)
	main := names[0]
	for _, name := range names {
		if strings.HasSuffix(name, "json") || strings.Contains(name, "json;") {
			main = name
			if strings.HasPrefix(name, "application/json") {
				break
			}
		}
	}
	if mt := content[main]; mt == nil || mt.Schema == nil {
		return ""
	}
	return main
}

// contentSchema summarises the schema of the main media type of content.
func contentSchema(content openapi3.Content, ss *summaries) string {
	main := mainMediaType(content)
	if main == "" {
		return ""
	}
	return ss.of(content[main].Schema)
}
