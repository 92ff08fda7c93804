package spec

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const (
	// summaryDepth is how many levels of nested objects a schema summary
	// expands; deeper ones are shown by their component name or "object".
	summaryDepth = 2
	// summaryProps is how many properties of one object a summary lists.
	summaryProps = 8
	// summaryVariants is how many oneOf/anyOf alternatives a summary lists.
	summaryVariants = 4
)

// summarize gives a short human description of the schema s, such as
// "object{id: integer, name: string, tags: array<string>}", at the given
// nesting depth. Nested objects are expanded to summaryDepth, long property
// lists are cut with "…", and recursive schemas are shown by name where they
// recur; stack holds the schemas being described above s.
func summarize(s *openapi3.SchemaRef, depth int, stack []*openapi3.Schema) string {
	if s == nil || s.Value == nil {
		return "any"
	}
	v := s.Value
	name := refName(s.Ref)
	if slices.Contains(stack, v) {
		if name != "" {
			return name
		}
		return "…"
	}
	stack = append(stack, v)

	switch {
	case len(v.AllOf) > 0:
		return allOfSummary(s, depth, stack)
	case len(v.OneOf) > 0:
		return variants(v.OneOf, depth, stack)
	case len(v.AnyOf) > 0:
		return variants(v.AnyOf, depth, stack)
	}

	types := typeNames(v)
	var parts []string
	for _, typ := range types {
		switch typ {
		case "array":
			item := "any"
			if v.Items != nil {
				item = summarize(v.Items, depth, stack)
			}
			parts = append(parts, "array<"+item+">")
		case "object":
			parts = append(parts, objectSummary(v.Properties, v.AdditionalProperties, name, depth, stack))
		default:
			parts = append(parts, typ)
		}
	}
	if len(parts) == 0 {
		if len(v.Properties) > 0 || v.AdditionalProperties.Schema != nil {
			parts = append(parts, objectSummary(v.Properties, v.AdditionalProperties, name, depth, stack))
		} else {
			parts = append(parts, "any")
		}
	}
	if v.Nullable && !slices.Contains(types, "null") {
		parts = append(parts, "null")
	}
	return strings.Join(parts, " | ")
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

// objectSummary lists the properties of an object, or gives its name when it
// is nested too deep.
func objectSummary(props openapi3.Schemas, additional openapi3.AdditionalProperties, name string, depth int, stack []*openapi3.Schema) string {
	if len(props) == 0 {
		if additional.Schema != nil {
			return "map<string, " + summarize(additional.Schema, depth+1, stack) + ">"
		}
		return "object"
	}
	if depth >= summaryDepth {
		if name != "" {
			return name
		}
		return "object{…}"
	}
	names := sortedKeys(props)
	var b strings.Builder
	b.WriteString("object{")
	for i, prop := range names {
		if i == summaryProps {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(prop)
		b.WriteString(": ")
		b.WriteString(summarize(props[prop], depth+1, stack))
	}
	b.WriteString("}")
	return b.String()
}

// allOfSummary merges the properties of the allOf parts into one object;
// when no part has properties it describes the first part.
func allOfSummary(s *openapi3.SchemaRef, depth int, stack []*openapi3.Schema) string {
	props := openapi3.Schemas{}
	var additional openapi3.AdditionalProperties
	var collect func(ref *openapi3.SchemaRef, guard int)
	collect = func(ref *openapi3.SchemaRef, guard int) {
		if ref == nil || ref.Value == nil || guard > summaryDepth+2 {
			return
		}
		for k, p := range ref.Value.Properties {
			props[k] = p
		}
		if ref.Value.AdditionalProperties.Schema != nil {
			additional = ref.Value.AdditionalProperties
		}
		for _, part := range ref.Value.AllOf {
			if part != nil && part.Value != nil && !slices.Contains(stack, part.Value) {
				// The parts are being described too: a property that
				// leads back to one of them is a cycle.
				stack = append(stack, part.Value)
				collect(part, guard+1)
			}
		}
	}
	outer := stack
	collect(s, 0)
	if len(props) == 0 && additional.Schema == nil {
		return summarize(s.Value.AllOf[0], depth, outer)
	}
	return objectSummary(props, additional, refName(s.Ref), depth, stack)
}

// variants describes oneOf or anyOf alternatives as "A | B".
func variants(list openapi3.SchemaRefs, depth int, stack []*openapi3.Schema) string {
	var parts []string
	for i, alt := range list {
		if i == summaryVariants {
			parts = append(parts, "…")
			break
		}
		if name := refName(altRef(alt)); name != "" {
			parts = append(parts, name)
			continue
		}
		parts = append(parts, summarize(alt, depth+1, stack))
	}
	return strings.Join(parts, " | ")
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
