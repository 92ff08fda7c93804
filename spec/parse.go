// Package spec parses, validates, lints, compares and summarises OpenAPI
// descriptions. It accepts OpenAPI 3.0, OpenAPI 3.1 and Swagger 2.0 (which
// is converted to OpenAPI 3.0) in YAML or JSON, and never reads files or URLs
// that a description refers to.
package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// MaxSize is the largest description, in bytes, that Parse accepts.
const MaxSize = 10 << 20

// Formats a description can be uploaded in, as reported by Document.Format.
const (
	FormatOpenAPI30 = "openapi-3.0"
	FormatOpenAPI31 = "openapi-3.1"
	FormatSwagger20 = "swagger-2.0"
)

// Document is a parsed and validated OpenAPI description. Swagger 2.0 input is
// held converted to OpenAPI 3.0; Format still tells what was uploaded.
// A Document must be treated as read-only once parsed.
type Document struct {
	// Format is the format the description was uploaded in: FormatOpenAPI30,
	// FormatOpenAPI31 or FormatSwagger20.
	Format string
	// OpenAPIVersion is the openapi (or swagger) field as uploaded, e.g. "3.0.3".
	OpenAPIVersion string
	// Title is info.title.
	Title string
	// Version is info.version, the version of the API itself.
	Version string
	// Description is info.description (CommonMark).
	Description string
	// Spec is the OpenAPI 3 model, with internal references resolved.
	Spec *openapi3.T
	// Source is the description as uploaded, in UTF-8 (a description
	// uploaded in UTF-16 or UTF-32 is converted): what is stored. It is
	// never an expansion of YAML aliases.
	Source []byte
	// Nodes is the number of values of the description with aliases
	// expanded, at most MaxNodes: a measure of the memory the parsed form
	// takes.
	Nodes int
	// Validation lists what the OpenAPI specification's rules find wrong:
	// a description is accepted when it can be read, and judged by these.
	// Problems that only the Swagger 2.0 conversion would introduce are
	// fixed by the conversion, not reported.
	Validation []Finding

	// root is the source's YAML tree, to find the line of a pointer.
	root *yaml.Node

	jsonOnce sync.Once
	json     []byte
	jsonErr  error
}

// JSON returns the normalized OpenAPI 3 JSON of d, served to the interactive
// reference; it is computed once. Parsing it again gives a Document with the
// same JSON.
func (d *Document) JSON() ([]byte, error) {
	d.jsonOnce.Do(func() {
		d.json, d.jsonErr = json.Marshal(d.Spec)
		if d.jsonErr != nil {
			d.jsonErr = fmt.Errorf("marshal openapi document: %w", d.jsonErr)
		}
	})
	return d.json, d.jsonErr
}

// Problem is one reason a description was refused.
type Problem struct {
	// Location is where the problem is, as a dotted path such as
	// "paths./pets.get" or "components.schemas.Pet"; empty when it concerns
	// the whole document.
	Location string
	// Pointer is the same place as a JSON pointer, e.g. "/paths/~1pets/get".
	Pointer string
	// Line is the line of the source the problem is on, 0 when unknown.
	Line int
	// ref is the reference the problem is about, to find its line.
	ref string
	// Message says what is wrong, in words meant for the author of the spec.
	Message string
}

func (p Problem) text() string {
	var where []string
	if p.Line > 0 {
		where = append(where, "line "+strconv.Itoa(p.Line))
	}
	if p.Location != "" {
		where = append(where, p.Location)
	}
	if len(where) == 0 {
		return p.Message
	}
	return strings.Join(where, ", ") + ": " + p.Message
}

// ValidationError is returned by Parse when a description is refused. Its
// Problems say what is wrong and where.
type ValidationError struct {
	Problems []Problem
}

// Error reads as "spec is invalid: <location>: <message>", with further
// problems separated by semicolons.
func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, p.text())
	}
	if len(parts) == 0 {
		return "spec is invalid"
	}
	return "spec is invalid: " + strings.Join(parts, "; ")
}

func invalid(location, format string, args ...any) *ValidationError {
	return &ValidationError{Problems: []Problem{{Location: location, Message: fmt.Sprintf(format, args...)}}}
}

// validationOptions accept what the OpenAPI specification allows even where
// kin-openapi is stricter: examples and defaults are not checked against their
// schema (JSON Schema makes them advisory), regular expressions Go cannot
// compile (look-arounds are valid ECMA-262) are not refused, and unknown
// formats are allowed (format is an open vocabulary).
func validationOptions() []openapi3.ValidationOption {
	return []openapi3.ValidationOption{
		openapi3.EnableMultiError(),
		openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(),
		openapi3.DisableSchemaPatternValidation(),
		openapi3.DisableSchemaFormatValidation(),
	}
}

// Parse reads an OpenAPI 3.0, 3.1 or Swagger 2.0 description in YAML or JSON
// and returns it as a Document. A description is accepted when it can be
// read as one; what the specification's rules find wrong with it is listed
// in Document.Validation, located. It is refused, with a *ValidationError
// saying what and where, only when it cannot be used: empty, over MaxSize,
// not YAML or JSON, not OpenAPI 3.0/3.1 or Swagger 2.0, with references
// that cannot be resolved (references to other files or URLs are never
// fetched), without any path or webhook, over the parse budget (MaxNodes
// values with YAML aliases expanded, MaxDepth levels), which is checked
// before anything expands it, or with more than MaxOperations operations or
// MaxDocumented bytes of text documented for them.
func Parse(data []byte) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc = nil
			// The panic value is internal; the user learns only that the
			// description is malformed beyond what the parser handles.
			err = invalid("", "the description could not be processed: it is malformed in a way the parser cannot handle")
		}
	}()
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("", "the description is empty")
	}
	if len(data) > MaxSize {
		return nil, invalid("", "the description is %d bytes, more than the %d bytes allowed", len(data), MaxSize)
	}
	data, verr := toUTF8(data)
	if verr != nil {
		return nil, verr
	}
	m, verr := measureSource(data)
	if verr != nil {
		return nil, verr
	}
	kind, version, verr := sniff(m.root)
	if verr != nil {
		return nil, verr
	}
	d := &Document{OpenAPIVersion: version, Source: data, Nodes: m.nodes, root: m.root}
	fixes := d.fixScalarTypes()
	renamed := kind == "swagger" && fixSwaggerNames(d.root)
	if len(fixes) > 0 || renamed {
		// The loaders read the fixed tree; the source stays as uploaded.
		fixed, err := yaml.Dump(d.root)
		if err != nil {
			return nil, invalid("", "the description could not be read: %v", err)
		}
		data = fixed
	}
	if verr := checkReferences(d.root); verr != nil {
		for i, p := range verr.Problems {
			verr.Problems[i].Line = refLine(d.root, p.ref)
		}
		return nil, verr
	}
	var t *openapi3.T
	switch kind {
	case "swagger":
		if version != "2.0" {
			return nil, invalid("swagger", "unsupported Swagger version %q: only 2.0 is supported", version)
		}
		d.Format = FormatSwagger20
		t, verr = d.loadSwagger(data)
	case "openapi":
		probe := openapi3.T{OpenAPI: version}
		switch probe.OpenAPIMajorMinor() {
		case "3.0":
			d.Format = FormatOpenAPI30
		case "3.1":
			d.Format = FormatOpenAPI31
		default:
			return nil, invalid("openapi", "unsupported OpenAPI version %q: 3.0.x and 3.1.x are supported", version)
		}
		t, verr = loadOpenAPI(data)
	}
	if verr != nil {
		for i, p := range verr.Problems {
			if p.Line == 0 && p.ref != "" {
				verr.Problems[i].Line = refLine(d.root, p.ref)
			}
		}
		return nil, verr
	}
	if (t.Paths == nil || t.Paths.Len() == 0) && len(t.Webhooks) == 0 {
		return nil, invalidAt(d.Line("/paths"), "paths", "the description has no paths (and no webhooks): there is no API to publish")
	}
	if verr := d.checkOperations(t); verr != nil {
		return nil, verr
	}
	d.Spec = t
	d.Validation = fixes
	if err := t.Validate(context.Background(), validationOptions()...); err != nil {
		d.Validation = append(d.Validation, d.findingsOf(err)...)
	}
	d.Validation = append(d.Validation, d.checks()...)
	if t.Info != nil {
		d.Title = t.Info.Title
		d.Version = t.Info.Version
		d.Description = t.Info.Description
	}
	return d, nil
}

// sniff reads the top-level openapi or swagger field of the composed
// document, to know which loader to use.
func sniff(top *yaml.Node) (kind, version string, verr *ValidationError) {
	if len(top.Content) != 1 || top.Content[0].Kind != yaml.MappingNode {
		return "", "", invalid("", "not an OpenAPI or Swagger document: the top level must be an object with an openapi or swagger field")
	}
	var openapi, swagger *yaml.Node
	m := top.Content[0].Content
	for i := 0; i+1 < len(m); i += 2 {
		switch m[i].Value {
		case "openapi":
			openapi = m[i+1]
		case "swagger":
			swagger = m[i+1]
		}
	}
	field, node := "openapi", openapi
	if node == nil {
		field, node = "swagger", swagger
	}
	if node == nil {
		return "", "", invalid("", "not an OpenAPI or Swagger document: it has no openapi or swagger field")
	}
	if node.Kind != yaml.ScalarNode || node.ShortTag() != "!!str" {
		return "", "", invalidAt(node.Line, field, "the version must be a string, e.g. %s: %q", field, exampleVersion(field))
	}
	return field, node.Value, nil
}

func exampleVersion(field string) string {
	if field == "swagger" {
		return "2.0"
	}
	return "3.0.3"
}

func newLoader() *openapi3.Loader {
	l := openapi3.NewLoader()
	l.IsExternalRefsAllowed = false
	return l
}

func loadOpenAPI(data []byte) (*openapi3.T, *ValidationError) {
	t, err := newLoader().LoadFromData(data)
	if err != nil {
		return nil, loadProblem(err)
	}
	return t, nil
}

func (d *Document) loadSwagger(data []byte) (*openapi3.T, *ValidationError) {
	var t2 openapi2.T
	if err := openapi2.UnmarshalFromData(data, &t2); err != nil {
		return nil, loadProblem(err)
	}
	// The conversion ignores a path item's $ref, which would leave the path
	// silently empty: refuse it with what to do instead.
	for _, path := range sortedKeys(t2.Paths) {
		if item := t2.Paths[path]; item != nil && item.Ref != "" {
			if !strings.HasPrefix(item.Ref, "#") {
				return nil, invalid("paths."+path, "reference %q points outside the document: external references are not supported, bundle the description into one file", item.Ref)
			}
			return nil, invalid("paths."+path, "the path item is a reference (%q), which Swagger 2.0 conversion does not support: write the operations under the path itself", item.Ref)
		}
	}
	t, err := openapi2conv.ToV3WithLoader(&t2, newLoader(), nil)
	if err != nil {
		return nil, loadProblem(err)
	}
	if t.Paths == nil {
		// Swagger 2.0 with no paths converts to no paths, which OpenAPI
		// 3.0 refuses; an empty paths object says the same thing.
		t.Paths = openapi3.NewPaths()
	}
	return t, nil
}

// loadProblem explains an error from loading or converting a description.
func loadProblem(err error) *ValidationError {
	var ext *openapi3.DisallowedExternalRefError
	if errors.As(err, &ext) {
		verr := invalid("", "reference %q points outside the document: external references are not supported, bundle the description into one file", ext.Ref)
		verr.Problems[0].ref = ext.Ref
		return verr
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "failed to resolve ") {
		if _, ref, ok := strings.Cut(msg, " in fragment in URI: "); ok {
			ref, _, _ = strings.Cut(ref, ": ")
			verr := invalid("", "reference %s does not point to anything in the document", ref)
			if unquoted, err := strconv.Unquote(ref); err == nil {
				verr.Problems[0].ref = unquoted
			}
			return verr
		}
	}
	msg = strings.TrimPrefix(msg, "failed to unmarshal data: ")
	return invalid("", "%s", msg)
}
