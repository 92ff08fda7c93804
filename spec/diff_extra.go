package spec

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxSchemaPairs bounds the pairs of schemas additionalPropertiesChanges
// compares in one Diff: with $ref, a description of n schemas can lead to
// paths without end (cycles) or to the same pair many times; each pair is
// compared once per request body, and at most this many in all.
const maxSchemaPairs = 200_000

// pathTemplate matches a path parameter of a path template.
var pathTemplate = regexp.MustCompile(`\{[^{}]*\}`)

// opPair is an operation as in the base and in the revision.
type opPair struct {
	method, path string // path is the revision's
	basePath     string
	base, rev    *openapi3.Operation
}

// commonOperations lists the operations of both base and rev (as prepared by
// withCommonParamsMoved), paired as oasdiff pairs them: each base path
// with the revision's path of the same name, else with the first (in
// sorted order) of the same shape, the names of path parameters left out
// (/a/{id} and /a/{key} are one path); then by method. In path and method
// order.
func commonOperations(base, rev *openapi3.T) []opPair {
	if base.Paths == nil || rev.Paths == nil {
		return nil
	}
	byShape := map[string]string{}
	for _, p := range slices.Sorted(maps.Keys(rev.Paths.Map())) {
		shape := pathTemplate.ReplaceAllString(p, "{}")
		if _, ok := byShape[shape]; !ok {
			byShape[shape] = p
		}
	}
	var out []opPair
	for bp, bi := range base.Paths.Map() {
		p := bp
		if rev.Paths.Value(p) == nil {
			p = byShape[pathTemplate.ReplaceAllString(bp, "{}")]
		}
		item := rev.Paths.Value(p)
		if bi == nil || item == nil {
			continue
		}
		for m, op := range item.Operations() {
			if bop := bi.GetOperation(m); bop != nil && op != nil {
				out = append(out, opPair{method: strings.ToUpper(m), path: p, basePath: bp, base: bop, rev: op})
			}
		}
	}
	slices.SortFunc(out, func(a, b opPair) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		if c := strings.Compare(a.method, b.method); c != 0 {
			return c
		}
		return strings.Compare(a.basePath, b.basePath)
	})
	return out
}

// additionalPropertiesChanges reports the request schemas of the
// operations of both base and rev that accepted properties they do not
// list and no longer do (additionalProperties: false, or
// unevaluatedProperties: false in OpenAPI 3.1). oasdiff reads an absent
// additionalProperties as false, and does not compare
// unevaluatedProperties, so it reports nothing there.
func additionalPropertiesChanges(base, rev *openapi3.T) []Change {
	var out []Change
	seen := map[[2]*openapi3.Schema]bool{}
	budget := maxSchemaPairs
	for _, op := range commonOperations(base, rev) {
		if op.base.RequestBody == nil || op.base.RequestBody.Value == nil || op.rev.RequestBody == nil || op.rev.RequestBody.Value == nil {
			continue
		}
		bc, rc := op.base.RequestBody.Value.Content, op.rev.RequestBody.Value.Content
		types := make([]string, 0, len(rc))
		for mt := range rc {
			types = append(types, mt)
		}
		slices.Sort(types)
		for _, mt := range types {
			b, r := bc[mt], rc[mt]
			if b == nil || r == nil {
				continue
			}
			// Pairs are compared once per operation: the same schema
			// reached again within the request is a cycle or a repeat.
			clear(seen)
			walkAdditional(b.Schema, r.Schema, "", seen, &budget, func(at, keyword string) {
				where := "the request body"
				if at != "" {
					where = "the request property `" + at + "`"
				}
				out = append(out, Change{
					ID:        RuleRequestAdditionalPropertiesDisallowed,
					Level:     RuleSet(nil).Severity(RuleRequestAdditionalPropertiesDisallowed, SeverityError),
					Operation: op.method + " " + op.path,
					Path:      op.path,
					Text: fmt.Sprintf("`%s` was set on %s (media type `%s`): a request sending a property it does not list is now refused",
						keyword, where, mt),
				})
			})
		}
	}
	return out
}

// walkAdditional compares the schemas b and r found at the same place (at,
// as "lines/items"; empty for the body) and below it, calling found where
// b accepted unlisted properties and r does not, with the keyword that
// closed r ("additionalProperties: false" or, in OpenAPI 3.1,
// "unevaluatedProperties: false"). It compares no pair in seen, and at
// most budget pairs.
func walkAdditional(b, r *openapi3.SchemaRef, at string, seen map[[2]*openapi3.Schema]bool, budget *int, found func(at, keyword string)) {
	if b == nil || r == nil || b.Value == nil || r.Value == nil {
		return
	}
	bv, rv := b.Value, r.Value
	k := [2]*openapi3.Schema{bv, rv}
	if seen[k] || *budget <= 0 {
		return
	}
	seen[k] = true
	*budget--
	if isObjectSchema(bv) && !closed(bv) && closed(rv) && !rv.ReadOnly {
		keyword := "additionalProperties: false"
		if !isFalse(rv.AdditionalProperties.Has) {
			keyword = "unevaluatedProperties: false"
		}
		found(at, keyword)
	}
	join := func(seg string) string {
		if at == "" {
			return seg
		}
		return at + "/" + seg
	}
	names := make([]string, 0, len(rv.Properties))
	for name := range rv.Properties {
		if _, ok := bv.Properties[name]; ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if p := rv.Properties[name]; p != nil && p.Value != nil && p.Value.ReadOnly {
			continue // not sent in requests
		}
		walkAdditional(bv.Properties[name], rv.Properties[name], join(name), seen, budget, found)
	}
	walkAdditional(bv.Items, rv.Items, join("items"), seen, budget, found)
	walkAdditional(bv.AdditionalProperties.Schema, rv.AdditionalProperties.Schema, join("additionalProperties"), seen, budget, found)
	for _, of := range []struct {
		name string
		b, r openapi3.SchemaRefs
	}{{"allOf", bv.AllOf, rv.AllOf}, {"anyOf", bv.AnyOf, rv.AnyOf}, {"oneOf", bv.OneOf, rv.OneOf}} {
		if len(of.b) != len(of.r) {
			continue // alternatives added or removed: oasdiff reports those
		}
		for i := range of.r {
			walkAdditional(of.b[i], of.r[i], join(fmt.Sprintf("%s[%d]", of.name, i)), seen, budget, found)
		}
	}
}

// closed reports whether s accepts no property it does not list
// (additionalProperties or unevaluatedProperties false).
func closed(s *openapi3.Schema) bool {
	return isFalse(s.AdditionalProperties.Has) || isFalse(s.UnevaluatedProperties.Has)
}

func isFalse(b *bool) bool { return b != nil && !*b }

// isObjectSchema reports whether s describes objects: of type object, or
// of no type with properties.
func isObjectSchema(s *openapi3.Schema) bool {
	if s.Type != nil && len(s.Type.Slice()) > 0 {
		return s.Type.Includes(openapi3.TypeObject)
	}
	return len(s.Properties) > 0
}

// serializationChanges reports the parameters of the operations of both
// base and rev whose values are written differently in a request: a new
// style or explode for an array or an object, or a move to or from the
// label or matrix style of a path parameter (which change a single value
// too). Defaults are applied first, so spelling one out is no change;
// baseSwagger and revSwagger say that a description was Swagger 2.0, whose
// default for a query array differs (see serialization).
func serializationChanges(base, rev *openapi3.T, baseSwagger, revSwagger bool) []Change {
	var out []Change
	for _, op := range commonOperations(base, rev) {
		for _, rp := range op.rev.Parameters {
			if rp == nil || rp.Value == nil {
				continue
			}
			r := rp.Value
			bp := op.base.Parameters.GetByInAndName(r.In, r.Name)
			if bp == nil || r.Schema == nil || bp.Schema == nil {
				continue // added, or described by content: not a style
			}
			oldStyle, oldExplode := serialization(bp, baseSwagger)
			newStyle, newExplode := serialization(r, revSwagger)
			composite := isComposite(bp.Schema) || isComposite(r.Schema)
			single := func(style string) bool {
				return style == openapi3.SerializationLabel || style == openapi3.SerializationMatrix
			}
			if (oldStyle == newStyle || (!composite && !single(oldStyle) && !single(newStyle))) &&
				(oldExplode == newExplode || !composite) {
				continue
			}
			c := Change{
				ID:        RuleParameterSerializationChanged,
				Level:     RuleSet(nil).Severity(RuleParameterSerializationChanged, SeverityError),
				Operation: op.method + " " + op.path,
				Path:      op.path,
				Old:       fmt.Sprintf("style %s, explode %v", oldStyle, oldExplode),
				New:       fmt.Sprintf("style %s, explode %v", newStyle, newExplode),
			}
			c.Text = fmt.Sprintf("the `%s` request parameter `%s` is now written with %s instead of %s: requests written the old way are not understood",
				r.In, r.Name, c.New, c.Old)
			out = append(out, c)
		}
	}
	return out
}

// serialization gives the style and explode of p, defaults applied. A
// query parameter converted from Swagger 2.0 without a collectionFormat
// has neither (kin-openapi converts only an explicit one), but its default
// there is csv: style form without explode, not OpenAPI 3's default.
func serialization(p *openapi3.Parameter, swagger bool) (string, bool) {
	if swagger && p.In == openapi3.ParameterInQuery && p.Style == "" && p.Explode == nil {
		return openapi3.SerializationForm, false
	}
	style := p.Style
	if style == "" {
		style = openapi3.SerializationSimple
		if p.In == openapi3.ParameterInQuery || p.In == openapi3.ParameterInCookie {
			style = openapi3.SerializationForm
		}
	}
	explode := style == openapi3.SerializationForm
	if p.Explode != nil {
		explode = *p.Explode
	}
	return style, explode
}

// isComposite reports whether s may describe arrays or objects, whose
// serialization depends on style and explode.
func isComposite(s *openapi3.SchemaRef) bool {
	if s == nil || s.Value == nil || s.Value.Type == nil {
		return false
	}
	return s.Value.Type.Includes(openapi3.TypeArray) || s.Value.Type.Includes(openapi3.TypeObject)
}
