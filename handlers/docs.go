package handlers

import (
	"strings"

	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/views/pages/apis"
)

// docsView builds the server-rendered documentation of a description, its
// Markdown descriptions rendered and sanitised.
func docsView(doc *spec.Document) apis.Docs {
	ov := doc.Overview()
	d := apis.Docs{
		Title: ov.Title, Version: ov.Version, DescriptionHTML: markdown.ToHTML(ov.Description),
		Servers: ov.Servers, Security: ov.SecuritySchemes,
	}
	seen := map[string]bool{}
	for _, g := range ov.Groups {
		dg := apis.DocGroup{Tag: g.Tag, DescriptionHTML: markdown.ToHTML(g.Description)}
		for _, op := range g.Operations {
			anchor := operationAnchor(g.Tag, op)
			dg.Operations = append(dg.Operations, apis.DocOperation{OperationDoc: op, DescriptionHTML: markdown.ToHTML(op.Description), Anchor: anchor})
			key := op.Method + " " + op.Path
			if !seen[key] {
				seen[key] = true
				d.Operations++
			}
		}
		d.Groups = append(d.Groups, dg)
	}
	return d
}

// operationAnchor is a stable fragment id for an operation under a tag
// (an operation with several tags appears once per tag).
func operationAnchor(tag string, op spec.OperationDoc) string {
	var b strings.Builder
	b.WriteString("op-")
	for _, r := range strings.ToLower(tag + "-" + op.Method + "-" + op.Path) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
