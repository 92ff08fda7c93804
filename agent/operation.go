package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/portico-dev/portico/spec"
)

// MaxOperationBytes bounds the answer of get_operation: its JSON is at most
// this many bytes, whatever the size of the description.
const MaxOperationBytes = 32 << 10

// detailLimits are tried in turn, the most detailed first, until the answer
// fits in MaxOperationBytes. Each also bounds the work (Nodes), so that a
// description whose schemas fan out (Stripe's objects refer to each other)
// costs little even when nothing fits.
var detailLimits = []spec.SchemaLimits{
	{Depth: 8, Text: 1000, Nodes: 3000},
	{Depth: 6, Text: 500, Nodes: 1500},
	{Depth: 4, Text: 300, Nodes: 800},
	{Depth: 3, Text: 200, Nodes: 500},
	{Depth: 2, Text: 200, Nodes: 300},
	{Depth: 1, Text: 160, Nodes: 200, Properties: 40},
	{Depth: 1, Text: 120, Nodes: 120, Properties: 20},
	{Depth: 0, Text: 100, Nodes: 60, Properties: 10},
}

type operationInput struct {
	API       string `json:"api" jsonschema:"the API's slug"`
	Version   string `json:"version" jsonschema:"the version, e.g. 1.2.0, as get_api or list_operations name it"`
	Operation string `json:"operation" jsonschema:"the operation's operationId, or its method and path such as GET /pets/{id}"`
}

type operationOutput struct {
	API         string         `json:"api"`
	Version     string         `json:"version"`
	Method      string         `json:"method"`
	Path        string         `json:"path"`
	OperationID string         `json:"operation_id,omitempty"`
	Summary     string         `json:"summary,omitempty"`
	Description string         `json:"description,omitempty"`
	Deprecated  bool           `json:"deprecated,omitempty"`
	Webhook     bool           `json:"webhook,omitempty" jsonschema:"a webhook (OpenAPI 3.1): a request the API sends to the consumer; path is its name"`
	Callback    string         `json:"callback,omitempty" jsonschema:"the name of the callback this request belongs to: the API sends it to a URL the caller gave; path is that URL's expression"`
	CallbackOf  string         `json:"callback_of,omitempty" jsonschema:"the operation declaring the callback, as METHOD /path"`
	Tags        []string       `json:"tags,omitempty"`
	Servers     []string       `json:"servers,omitempty" jsonschema:"base URLs the path is relative to"`
	Security    []string       `json:"security,omitempty" jsonschema:"alternative credentials the operation accepts; none means no credentials"`
	Parameters  []parameterOut `json:"parameters,omitempty"`
	RequestBody *bodyOut       `json:"request_body,omitempty"`
	Responses   []responseOut  `json:"responses,omitempty"`
	Notes       []string       `json:"notes,omitempty" jsonschema:"what was left out of this answer and where to read it"`
	Resource    string         `json:"resource" jsonschema:"URI of the resource holding the version's whole OpenAPI description"`
}

type parameterOut struct {
	Name        string `json:"name"`
	In          string `json:"in" jsonschema:"path, query, header or cookie"`
	Required    bool   `json:"required,omitempty"`
	Deprecated  bool   `json:"deprecated,omitempty"`
	Description string `json:"description,omitempty"`
	Schema      any    `json:"schema,omitempty"`
}

type bodyOut struct {
	Required     bool     `json:"required,omitempty"`
	Description  string   `json:"description,omitempty"`
	ContentTypes []string `json:"content_types,omitempty"`
	ContentType  string   `json:"content_type,omitempty" jsonschema:"the content type whose schema is given"`
	Schema       any      `json:"schema,omitempty"`
}

type responseOut struct {
	Status       string   `json:"status" jsonschema:"status code, range such as 4XX, or default"`
	Description  string   `json:"description,omitempty"`
	ContentTypes []string `json:"content_types,omitempty"`
	ContentType  string   `json:"content_type,omitempty" jsonschema:"the content type whose schema is given"`
	Schema       any      `json:"schema,omitempty"`
}

func (t *tools) getOperation(ctx context.Context, in operationInput) (operationOutput, error) {
	name, err := arg("operation", in.Operation)
	if err != nil {
		return operationOutput{}, err
	}
	if name == "" {
		return operationOutput{}, noticef("Name the operation by its operationId or as METHOD /path, as list_operations gives them.")
	}
	a, err := t.visibleAPI(ctx, in.API)
	if err != nil {
		return operationOutput{}, err
	}
	version, err := arg("version", in.Version)
	if err != nil {
		return operationOutput{}, err
	}
	if version == "" {
		return operationOutput{}, noticef("Name the version, as get_api or list_operations give it.")
	}
	v, err := t.version(ctx, a, version)
	if err != nil {
		return operationOutput{}, err
	}
	doc, err := t.s.life.StoredSpec(ctx, v)
	if err != nil {
		return operationOutput{}, err
	}
	op, ok := doc.FindOperation(name)
	if !ok {
		return operationOutput{}, noticef("Version %s of %s has no operation %s. list_operations lists them, with their operationId and METHOD /path.", v.Version, echo(a.Slug), echo(name))
	}
	return boundedOperation(doc, op, a.Slug, v.Version), nil
}

// boundedOperation is the detail of op within MaxOperationBytes: the most
// detailed of detailLimits that fits, else the operation without schemas,
// its lists shortened until it fits.
func boundedOperation(doc *spec.Document, op spec.Operation, api, version string) operationOutput {
	resource := specURI(api, version)
	for _, lim := range detailLimits {
		det, _ := doc.Detail(op, lim)
		out := operationFrom(det, api, version, resource)
		if det.Cut {
			out.Notes = append(out.Notes, fmt.Sprintf("Schemas are expanded up to %d levels deep, a recursive one once, and long texts shortened, "+
				"so that this answer fits in %d bytes: parts left out are marked x-cut, which says why (with their $ref). "+
				"The whole description is the resource %s.", lim.Depth, MaxOperationBytes, resource))
		}
		if size(out) <= MaxOperationBytes {
			return out
		}
	}
	last := detailLimits[len(detailLimits)-1]
	det, _ := doc.Detail(op, last)
	out := operationFrom(det, api, version, resource)
	out.RequestBody, out.Notes = nil, []string{fmt.Sprintf("This operation is too large for one answer of %d bytes: schemas and the request body are left out, "+
		"and its lists are shortened. The whole description is the resource %s.", MaxOperationBytes, resource)}
	for i := range out.Parameters {
		out.Parameters[i].Schema = nil
	}
	for i := range out.Responses {
		out.Responses[i].Schema = nil
	}
	for size(out) > MaxOperationBytes {
		switch {
		case len(out.Parameters) > 1:
			out.Parameters = out.Parameters[:len(out.Parameters)/2]
		case len(out.Responses) > 1:
			out.Responses = out.Responses[:len(out.Responses)/2]
		case utf8.RuneCountInString(out.Description) > 200:
			out.Description = cut(out.Description, 200)
		default:
			out.Parameters, out.Responses, out.Servers, out.Security, out.Tags = nil, nil, nil, nil, nil
			out.Summary = cut(out.Summary, 200)
			if size(out) > MaxOperationBytes {
				out.Path = cut(out.Path, 200)
				out.OperationID = cut(out.OperationID, 200)
			}
			return out
		}
	}
	return out
}

func operationFrom(d spec.OperationDetail, api, version, resource string) operationOutput {
	out := operationOutput{API: api, Version: version, Method: d.Method, Path: d.Path, OperationID: d.OperationID, Summary: d.Summary,
		Description: d.Description, Deprecated: d.Deprecated, Webhook: d.Webhook,
		Callback: d.Callback, CallbackOf: d.CallbackOf, Tags: d.Tags, Servers: d.Servers, Security: d.Security, Resource: resource}
	for _, p := range d.Parameters {
		out.Parameters = append(out.Parameters, parameterOut{Name: p.Name, In: p.In, Required: p.Required, Deprecated: p.Deprecated,
			Description: p.Description, Schema: p.Schema})
	}
	if b := d.RequestBody; b != nil {
		out.RequestBody = &bodyOut{Required: b.Required, Description: b.Description, ContentTypes: b.ContentTypes, ContentType: b.ContentType, Schema: b.Schema}
	}
	for _, r := range d.Responses {
		out.Responses = append(out.Responses, responseOut{Status: r.Status, Description: r.Description, ContentTypes: r.ContentTypes,
			ContentType: r.ContentType, Schema: r.Schema})
	}
	return out
}

// size is the length of v's JSON; a value that cannot be encoded counts as
// too large.
func size(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return math.MaxInt
	}
	return len(b)
}
