package spec

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/apperr"
)

const (
	// summaryDepth is how many levels of nested objects a schema summary
	// expands; deeper ones are shown by their component name or "object".
	summaryDepth = 2
	// summaryProps is how many properties of one object a summary lists.
	summaryProps = 8
	// summaryVariants is how many oneOf/anyOf alternatives a summary lists.
	summaryVariants = 4
	// summaryLen is the most bytes of a summary; a longer one is cut and
	// ends with "…".
	summaryLen = 300
	// summaryNodes is the most schemas one summary describes. With
	// summaryLen it bounds the work of a summary whatever the schemas: a
	// chain of array items, or schemas that each refer to the next twice,
	// would otherwise give a summary that grows with the chain's length, or
	// doubles with each level.
	summaryNodes = 64
)

// summaries summarises schemas, each schema once: the operations of a
// description often answer with the same few schemas.
type summaries struct {
	done map[summaryKey]string
}

type summaryKey struct {
	v   *openapi3.Schema
	ref string
}

func newSummaries() *summaries { return &summaries{done: map[summaryKey]string{}} }

// of gives the summary of s (see summarize).
func (ss *summaries) of(s *openapi3.SchemaRef) string {
	if s == nil || s.Value == nil {
		return "any"
	}
	k := summaryKey{s.Value, s.Ref}
	if got, ok := ss.done[k]; ok {
		return got
	}
	got := summarize(s)
	ss.done[k] = got
	return got
}

// summarize gives a short human description of the schema s, such as
// "object{id: integer, name: string, tags: array<string>}". Nested objects
// are expanded to summaryDepth, long property lists are cut with "…", and
// recursive schemas are shown by name where they recur. The summary is at
// most summaryLen bytes (and "…") and describes at most summaryNodes
// schemas.
func summarize(s *openapi3.SchemaRef) string {
	var sm summary
	sm.schema(s, 0, nil)
	return sm.b.String()
}

// summary is one summary being written.
type summary struct {
	b     strings.Builder
	nodes int
	full  bool // summaryLen was reached: nothing more is written
}

// write appends text, cut at summaryLen.
func (sm *summary) write(text string) {
	if sm.full {
		return
	}
	if room := summaryLen - sm.b.Len(); len(text) > room {
		sm.b.WriteString(apperr.CutBytes(text, room))
		sm.b.WriteString("…")
		sm.full = true
		return
	}
	sm.b.WriteString(text)
}

// schema writes the summary of s at the given nesting depth; stack holds
// the schemas being described above s.
func (sm *summary) schema(s *openapi3.SchemaRef, depth int, stack []*openapi3.Schema) {
	if sm.full {
		return
	}
	if s == nil || s.Value == nil {
		sm.write("any")
		return
	}
	v := s.Value
	name := refName(s.Ref)
	if slices.Contains(stack, v) || sm.nodes >= summaryNodes {
		if name != "" {
			sm.write(name)
		} else {
			sm.write("…")
		}
		return
	}
	sm.nodes++
	stack = append(stack, v)

	switch {
	case len(v.AllOf) > 0:
		sm.allOf(s, depth, stack)
		return
	case len(v.OneOf) > 0:
		sm.variants(v.OneOf, depth, stack)
		return
	case len(v.AnyOf) > 0:
		sm.variants(v.AnyOf, depth, stack)
		return
	}

	types := typeNames(v)
	wrote := false
	sep := func() {
		if wrote {
			sm.write(" | ")
		}
		wrote = true
	}
	for _, typ := range types {
		if sm.full {
			return
		}
		switch typ {
		case "array":
			sep()
			sm.write("array<")
			if v.Items != nil {
				sm.schema(v.Items, depth, stack)
			} else {
				sm.write("any")
			}
			sm.write(">")
		case "object":
			sep()
			sm.object(v.Properties, v.AdditionalProperties, name, depth, stack)
		default:
			sep()
			sm.write(typ)
		}
	}
	if !wrote {
		sep()
		if len(v.Properties) > 0 || v.AdditionalProperties.Schema != nil {
			sm.object(v.Properties, v.AdditionalProperties, name, depth, stack)
		} else {
			sm.write("any")
		}
	}
	if v.Nullable && !slices.Contains(types, "null") {
		sm.write(" | null")
	}
}

// typeNames gives the schema's types with "null" last.
func typeNames(v *openapi3.Schema) []string {
	if v.Type == nil {
		return nil
	}
	types := slices.Clone(v.Type.Slice())
	if i := slices.Index(types, "null"); i >= 0 && i != len(types)-1 {
		types = append(slices.Delete(types, i, i+1), "null")
	}
	return types
}

// object lists the properties of an object (the first summaryProps of
// them in name order, found in props or, for an allOf, in the last of
// parts that has it), or gives its name when it is nested too deep.
func (sm *summary) object(props openapi3.Schemas, additional openapi3.AdditionalProperties, name string, depth int, stack []*openapi3.Schema, parts ...openapi3.Schemas) {
	if props != nil {
		parts = append(parts, props)
	}
	if !slices.ContainsFunc(parts, func(p openapi3.Schemas) bool { return len(p) > 0 }) {
		if additional.Schema != nil {
			sm.write("map<string, ")
			sm.schema(additional.Schema, depth+1, stack)
			sm.write(">")
			return
		}
		sm.write("object")
		return
	}
	if depth >= summaryDepth {
		if name != "" {
			sm.write(name)
		} else {
			sm.write("object{…}")
		}
		return
	}
	names, more := firstKeys(parts, summaryProps)
	sm.write("object{")
	for i, prop := range names {
		if i > 0 {
			sm.write(", ")
		}
		sm.write(prop)
		sm.write(": ")
		var p *openapi3.SchemaRef
		for j := len(parts) - 1; j >= 0 && p == nil; j-- {
			p = parts[j][prop]
		}
		sm.schema(p, depth+1, stack)
	}
	if more {
		sm.write(", …")
	}
	sm.write("}")
}

// firstKeys gives the first n distinct keys of the maps in name order, and
// whether there are more; without sorting them all, as a schema may have
// thousands of properties.
func firstKeys(maps []openapi3.Schemas, n int) ([]string, bool) {
	keys := make([]string, 0, n+1)
	for _, m := range maps {
		for k := range m {
			i, found := slices.BinarySearch(keys, k)
			if found || i > n {
				continue
			}
			keys = slices.Insert(keys, i, k)
			if len(keys) > n+1 {
				keys = keys[:n+1]
			}
		}
	}
	if len(keys) > n {
		return keys[:n], true
	}
	return keys, false
}

// allOf merges the properties of the allOf parts into one object; when no
// part has properties it describes the first part.
func (sm *summary) allOf(s *openapi3.SchemaRef, depth int, stack []*openapi3.Schema) {
	var parts []openapi3.Schemas
	var additional openapi3.AdditionalProperties
	var collect func(ref *openapi3.SchemaRef, guard int)
	collect = func(ref *openapi3.SchemaRef, guard int) {
		if ref == nil || ref.Value == nil || guard > summaryDepth+2 || sm.nodes >= summaryNodes {
			return
		}
		if len(ref.Value.Properties) > 0 {
			parts = append(parts, ref.Value.Properties)
		}
		if ref.Value.AdditionalProperties.Schema != nil {
			additional = ref.Value.AdditionalProperties
		}
		for _, part := range ref.Value.AllOf {
			if part != nil && part.Value != nil && !slices.Contains(stack, part.Value) && sm.nodes < summaryNodes {
				// The parts are being described too: a property that
				// leads back to one of them is a cycle.
				sm.nodes++
				stack = append(stack, part.Value)
				collect(part, guard+1)
			}
		}
	}
	outer := stack
	collect(s, 0)
	if len(parts) == 0 && additional.Schema == nil {
		sm.schema(s.Value.AllOf[0], depth, outer)
		return
	}
	sm.object(nil, additional, refName(s.Ref), depth, stack, parts...)
}

// variants describes oneOf or anyOf alternatives as "A | B".
func (sm *summary) variants(list openapi3.SchemaRefs, depth int, stack []*openapi3.Schema) {
	for i, alt := range list {
		if i > 0 {
			sm.write(" | ")
		}
		if i == summaryVariants || sm.full {
			sm.write("…")
			return
		}
		if name := refName(altRef(alt)); name != "" {
			sm.write(name)
			continue
		}
		sm.schema(alt, depth+1, stack)
	}
}

func altRef(s *openapi3.SchemaRef) string {
	if s == nil {
		return ""
	}
	return s.Ref
}

// refName gives the last segment of a $ref, e.g. "Pet" for
// "#/components/schemas/Pet".
func refName(ref string) string {
	if ref == "" {
		return ""
	}
	i := strings.LastIndexByte(ref, '/')
	name := ref[i+1:]
	name = strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~")
	return name
}
