package spec

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// validationRules are the kinds of problems the OpenAPI specification's
// own rules find, as reported after a description is accepted. Their
// default severities: what makes tools misread a description is an error,
// what no tool trips on is a warning.
func validationRules() []RuleInfo {
	return []RuleInfo{
		{ID: "oas-path-conflict", Kind: KindValidation, Default: SeverityError, Description: "Two path templates that differ only in parameter names (/a/{x} and /a/{y}) are the same path: routers and clients cannot tell them apart."},
		{ID: "oas-path-template", Kind: KindValidation, Default: SeverityError, Description: "A path must start with / and its {parameters} must match the declared path parameters; a query string belongs in parameters, not in the path."},
		{ID: "oas-array-items", Kind: KindValidation, Default: SeverityError, Description: "A schema of type array must say what its items are (items); code generators cannot type it otherwise."},
		{ID: "oas-unknown-field", Kind: KindValidation, Default: SeverityWarn, Description: "A field the specification does not define; vendor fields must start with x-. Tools ignore it, so nothing breaks."},
		{ID: "oas-component-name", Kind: KindValidation, Default: SeverityError, Description: "Component names may hold only letters, digits, dots, dashes and underscores, so that references to them are unambiguous."},
		{ID: "oas-scalar-type", Kind: KindValidation, Default: SeverityWarn, Description: "A field that is a string (pattern, description, version...) written as a number or a boolean: it is read as the string it spells, but other tools may not."},
		{ID: "oas-operation-id", Kind: KindValidation, Default: SeverityError, Description: "operationIds must be unique across the description: code generators and links rely on them."},
		{ID: "oas-security", Kind: KindValidation, Default: SeverityError, Description: "Security requirements must name security schemes that exist, with valid settings."},
		{ID: "oas-response", Kind: KindValidation, Default: SeverityError, Description: "Every operation needs at least one response, and every response a description."},
		{ID: "oas-schema", Kind: KindValidation, Default: SeverityError, Description: "Schemas must be valid JSON Schema as OpenAPI uses it (known types, consistent keywords)."},
		{ID: "oas-invalid", Kind: KindValidation, Default: SeverityError, Description: "Any other requirement of the OpenAPI specification."},
	}
}

// classify gives the validation rule a problem breaks, from its message.
func classify(p Problem, pathParams bool) string {
	m := strings.ToLower(p.Message)
	switch {
	case pathParams:
		return "oas-path-template"
	case strings.Contains(m, "conflicting paths"):
		return "oas-path-conflict"
	case strings.Contains(m, "path") && (strings.Contains(m, "must begin with") || strings.Contains(m, "query") || strings.Contains(m, "invalid path")):
		return "oas-path-template"
	case strings.Contains(m, "'items' must be non-null"):
		return "oas-array-items"
	case strings.Contains(m, "extra sibling fields"):
		return "oas-unknown-field"
	case strings.Contains(m, "identifier") && (strings.Contains(m, "must match") || strings.Contains(m, "not supported by openapiv3")):
		return "oas-component-name"
	case strings.Contains(m, "operation id") || strings.Contains(m, "operationid"):
		return "oas-operation-id"
	case strings.Contains(m, "security"):
		return "oas-security"
	case strings.Contains(m, "response") || strings.Contains(p.Location, "responses"):
		return "oas-response"
	case strings.Contains(p.Location, "schemas") || strings.Contains(m, "schema"):
		return "oas-schema"
	}
	return "oas-invalid"
}

// plainMessage rewords kin-openapi's messages that mean little to an author.
func plainMessage(rule, msg string) string {
	switch rule {
	case "oas-array-items":
		return "this schema is an array but does not say what its items are: add items (for example items: {type: string})"
	case "oas-unknown-field":
		if _, fields, ok := strings.Cut(msg, "extra sibling fields: "); ok {
			return "unknown field " + fields + ": the specification does not define it; vendor fields start with x- (for example x-" + strings.Trim(strings.Fields(fields)[0], "[],") + ")"
		}
	case "oas-component-name":
		if _, rest, ok := strings.Cut(msg, `identifier "`); ok {
			name, _, _ := strings.Cut(rest, `"`)
			return "the component name " + strconv.Quote(name) + " may hold only letters, digits, dots, dashes and underscores: rename it and the references to it"
		}
	}
	return msg
}

// findingsOf turns the problems Validate found into findings, located by
// JSON pointer and source line.
func (d *Document) findingsOf(err error) []Finding {
	ps, pathParams := problemList(err)
	out := make([]Finding, 0, len(ps))
	for i, p := range ps {
		rule := classify(p, pathParams[i])
		if rule == "oas-array-items" {
			continue // found with the exact place by arrayWithoutItems
		}
		r, _ := RuleByID(rule)
		ptr := p.Pointer
		switch rule {
		case "oas-unknown-field":
			// Point at the first unknown field itself.
			if _, fields, ok := strings.Cut(p.Message, "extra sibling fields: "); ok {
				if f := strings.Fields(strings.Trim(fields, "[]")); len(f) > 0 {
					ptr += pointerOf([]string{strings.Trim(f[0], "[],")})
				}
			}
		case "oas-path-conflict":
			// Point at the second of the two paths.
			if parts := strings.Split(p.Message, `"`); len(parts) >= 4 {
				ptr = pointerOf([]string{"paths", parts[3]})
			}
		}
		out = append(out, Finding{Rule: rule, Severity: r.Default, Location: p.Location, Pointer: ptr,
			Line: d.Line(ptr), Message: plainMessage(rule, p.Message)})
	}
	return out
}

// swaggerPrefixes maps where the OpenAPI 3 conversion puts a Swagger 2.0
// section to where the section is in the source.
var swaggerPrefixes = [][2]string{
	{"/components/schemas/", "/definitions/"},
	{"/components/securitySchemes/", "/securityDefinitions/"},
	{"/components/parameters/", "/parameters/"},
	{"/components/responses/", "/responses/"},
	{"/servers", "/host"},
}

// Line returns the line of the source at the JSON pointer ptr, or of the
// nearest enclosing element the source has; 0 when the source has none (or
// the document was not parsed from source). For a Swagger 2.0 description,
// pointers into the converted sections are mapped back to the source's.
func (d *Document) Line(ptr string) int {
	if d == nil || d.root == nil || len(d.root.Content) == 0 {
		return 0
	}
	if d.Format == FormatSwagger20 {
		for _, m := range swaggerPrefixes {
			if rest, ok := strings.CutPrefix(ptr, m[0]); ok {
				ptr = m[1] + rest
				break
			}
		}
	}
	n := d.root.Content[0]
	line := n.Line
	for _, seg := range pointerSegments(ptr) {
		next, at := pointerStep(n, seg)
		if next == nil {
			return line
		}
		n, line = next, at
	}
	return line
}

// pointerSegments splits a JSON pointer into its segments, unescaped
// ("~1" is "/", "~0" is "~"); "" and "/" (the whole document) have none.
func pointerSegments(ptr string) []string {
	if ptr == "" || ptr == "/" {
		return nil
	}
	segs := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, seg := range segs {
		segs[i] = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
	}
	return segs
}

// pointerStep follows one JSON pointer segment from n (through aliases):
// the value of key seg in a mapping or item seg of a sequence, and the
// line of that key or item; nil when there is none.
func pointerStep(n *yaml.Node, seg string) (next *yaml.Node, line int) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == seg {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

// pointerOf joins path segments into a JSON pointer.
func pointerOf(segments []string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// locationPointer turns a lint location ("info", "paths./pets.get") into a
// JSON pointer.
func locationPointer(location string) string {
	if rest, ok := strings.CutPrefix(location, "paths."); ok {
		if i := strings.LastIndexByte(rest, '.'); i > 0 {
			return pointerOf([]string{"paths", rest[:i], rest[i+1:]})
		}
		return pointerOf([]string{"paths", rest})
	}
	if location == "" {
		return ""
	}
	return pointerOf(strings.Split(location, "."))
}

// componentName is what OpenAPI 3 allows as a component name.
func componentNameOK(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// swaggerSections are the Swagger 2.0 sections whose names become OpenAPI 3
// component names.
var swaggerSections = []string{"definitions", "parameters", "responses", "securityDefinitions"}

// fixSwaggerNames renames, in the composed Swagger 2.0 tree, the names that
// Swagger 2.0 allows but OpenAPI 3 component names do not (spaces, «», ...),
// with every reference and security requirement that uses them, so that
// the conversion does not introduce problems the author never had. It
// reports whether it renamed anything.
func fixSwaggerNames(root *yaml.Node) bool {
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return false
	}
	top := root.Content[0]
	renames := map[string]map[string]string{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		section, body := top.Content[i].Value, top.Content[i+1]
		if !containsString(swaggerSections, section) || body.Kind != yaml.MappingNode {
			continue
		}
		taken := map[string]bool{}
		for j := 0; j+1 < len(body.Content); j += 2 {
			taken[body.Content[j].Value] = true
		}
		for j := 0; j+1 < len(body.Content); j += 2 {
			k := body.Content[j]
			if componentNameOK(k.Value) {
				continue
			}
			name := safeName(k.Value)
			for n := 2; taken[name]; n++ {
				name = safeName(k.Value) + "_" + strconv.Itoa(n)
			}
			taken[name] = true
			if renames[section] == nil {
				renames[section] = map[string]string{}
			}
			renames[section][k.Value] = name
			k.Value = name
		}
	}
	if len(renames) == 0 {
		return false
	}
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				switch {
				case k.Value == "$ref" && v.Kind == yaml.ScalarNode:
					v.Value = renamedRef(v.Value, renames)
				case k.Value == "security" && v.Kind == yaml.SequenceNode && renames["securityDefinitions"] != nil:
					for _, req := range v.Content {
						if req.Kind != yaml.MappingNode {
							continue
						}
						for j := 0; j+1 < len(req.Content); j += 2 {
							if to, ok := renames["securityDefinitions"][req.Content[j].Value]; ok {
								req.Content[j].Value = to
							}
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	return true
}

func renamedRef(ref string, renames map[string]map[string]string) string {
	for section, names := range renames {
		prefix := "#/" + section + "/"
		rest, ok := strings.CutPrefix(ref, prefix)
		if !ok {
			continue
		}
		name := strings.ReplaceAll(strings.ReplaceAll(rest, "~1", "/"), "~0", "~")
		if unescaped, err := url.PathUnescape(name); err == nil {
			name = unescaped
		}
		if to, ok := names[name]; ok {
			return prefix + to
		}
	}
	return ref
}

// safeName replaces what a component name may not hold with underscores.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if componentNameOK(string(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validationFinding is a finding of a validation rule at pointer.
func (d *Document) validationFinding(rule string, segments []string, line int, msg string) Finding {
	r, _ := RuleByID(rule)
	ptr := pointerOf(segments)
	if line == 0 {
		line = d.Line(ptr)
	}
	return Finding{Rule: rule, Severity: r.Default, Location: strings.Join(segments, "."), Pointer: ptr, Line: line, Message: msg}
}

// checks are the validation checks Portico makes itself, where kin-openapi
// says too little (an array without items, with no place) or nothing (a
// query string in a path).
func (d *Document) checks() []Finding {
	var out []Finding
	t := d.Spec
	if t.Paths != nil {
		for _, path := range sortedKeys(t.Paths.Map()) {
			if i := strings.IndexAny(path, "?#"); i >= 0 {
				out = append(out, d.validationFinding("oas-path-template", []string{"paths", path}, 0,
					fmt.Sprintf("the path holds a query string or fragment (%s): a path template ends before it; declare query parameters under parameters", path[i:])))
			}
		}
	}
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.SchemaRef, at []string)
	walk = func(s *openapi3.SchemaRef, at []string) {
		if s == nil || s.Value == nil || seen[s.Value] || len(at) > MaxDepth {
			return
		}
		seen[s.Value] = true
		v := s.Value
		if v.Type != nil && v.Type.Is("array") && v.Items == nil {
			out = append(out, d.validationFinding("oas-array-items", at, 0, "this schema is an array but does not say what its items are: add items (for example items: {type: string})"))
		}
		for _, name := range sortedKeys(v.Properties) {
			walkRef(v.Properties[name], append(slices.Clip(at), "properties", name), walk)
		}
		walkRef(v.Items, append(slices.Clip(at), "items"), walk)
		walkRef(v.AdditionalProperties.Schema, append(slices.Clip(at), "additionalProperties"), walk)
		walkRef(v.Not, append(slices.Clip(at), "not"), walk)
		for key, list := range map[string]openapi3.SchemaRefs{"allOf": v.AllOf, "oneOf": v.OneOf, "anyOf": v.AnyOf} {
			for i, part := range list {
				walkRef(part, append(slices.Clip(at), key, strconv.Itoa(i)), walk)
			}
		}
	}
	if t.Components != nil {
		for _, name := range sortedKeys(t.Components.Schemas) {
			walk(t.Components.Schemas[name], []string{"components", "schemas", name})
		}
	}
	for _, r := range operations(t) {
		at := []string{"paths", r.path, strings.ToLower(r.method)}
		for i, p := range r.op.Parameters {
			if p != nil && p.Ref == "" && p.Value != nil {
				walkRef(p.Value.Schema, append(slices.Clip(at), "parameters", strconv.Itoa(i), "schema"), walk)
			}
		}
		if rb := r.op.RequestBody; rb != nil && rb.Ref == "" && rb.Value != nil {
			for _, ct := range sortedKeys(rb.Value.Content) {
				walkRef(rb.Value.Content[ct].Schema, append(slices.Clip(at), "requestBody", "content", ct, "schema"), walk)
			}
		}
		if r.op.Responses != nil {
			for _, code := range sortedKeys(r.op.Responses.Map()) {
				resp := r.op.Responses.Value(code)
				if resp == nil || resp.Ref != "" || resp.Value == nil {
					continue
				}
				for _, ct := range sortedKeys(resp.Value.Content) {
					walkRef(resp.Value.Content[ct].Schema, append(slices.Clip(at), "responses", code, "content", ct, "schema"), walk)
				}
			}
		}
	}
	return out
}

// walkRef walks an inline schema; a reference is walked where it points to
// (its component), so that each problem is reported once.
func walkRef(s *openapi3.SchemaRef, at []string, walk func(*openapi3.SchemaRef, []string)) {
	if s == nil || s.Ref != "" {
		return
	}
	walk(s, at)
}

// stringFields are the fields of an OpenAPI description whose value is
// always a string.
var stringFields = map[string]bool{"pattern": true, "description": true, "summary": true, "title": true, "operationId": true,
	"version": true, "termsOfService": true, "url": true, "email": true, "format": true}

// fixScalarTypes reads the string fields written as numbers or booleans
// (pattern: 12345, version: 1.0) as the strings they spell, in the composed
// tree, and reports each. Example data, defaults, enums and extensions are
// left as written.
func (d *Document) fixScalarTypes() []Finding {
	var out []Finding
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node, at []string)
	walk = func(n *yaml.Node, at []string) {
		if n == nil || seen[n] || len(at) > MaxDepth {
			return
		}
		seen[n] = true
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				switch {
				case k == "example" || k == "examples" || k == "default" || k == "enum" || k == "const" || strings.HasPrefix(k, "x-"):
					continue
				case stringFields[k] && v.Kind == yaml.ScalarNode && v.Tag != "" && v.ShortTag() != "!!str" && v.ShortTag() != "!!null":
					out = append(out, d.validationFinding("oas-scalar-type", append(slices.Clip(at), k), v.Line,
						fmt.Sprintf("%s is written as %s (%s): it is read as the string %q; quote it so that every tool agrees", k, scalarKind(v), v.Value, v.Value)))
					v.Tag, v.Style = "!!str", yaml.DoubleQuotedStyle
				}
				walk(v, append(slices.Clip(at), k))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, append(slices.Clip(at), strconv.Itoa(i)))
			}
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, at)
			}
		}
	}
	walk(d.root, nil)
	return out
}

func scalarKind(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!timestamp":
		return "a date"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

// refLine finds the line of the first $ref whose value is ref.
func refLine(root *yaml.Node, ref string) int {
	seen := map[*yaml.Node]bool{}
	var find func(n *yaml.Node) int
	find = func(n *yaml.Node) int {
		if n == nil || seen[n] {
			return 0
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "$ref" && n.Content[i+1].Value == ref {
					return n.Content[i+1].Line
				}
			}
		}
		for _, c := range n.Content {
			if l := find(c); l > 0 {
				return l
			}
		}
		return 0
	}
	return find(root)
}
