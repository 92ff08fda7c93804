// Package spectest holds OpenAPI descriptions that tests across Portico
// share: a valid API and a breaking revision of it, and hostile descriptions
// built to exhaust a parser.
package spectest

import (
	"fmt"
	"strings"
)

// PetsV1 is a small valid OpenAPI 3.0 description with two paths and no
// lint errors.
const PetsV1 = `openapi: 3.0.3
info: {title: Pets, version: 1.0.0, description: Pets.}
servers: [{url: "https://pets.example.com"}]
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      tags: [pets]
      responses:
        "200": {description: ok}
  /pets/{id}:
    get:
      operationId: getPet
      summary: Get a pet
      tags: [pets]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok}
`

// PetsBreaking revises PetsV1 by removing /pets/{id} (a breaking change);
// it also has lint findings (no operationId, summary, tags or servers).
const PetsBreaking = `openapi: 3.0.3
info: {title: Pets, version: 1.1.0}
paths:
  /pets:
    get:
      responses:
        "200": {description: ok}
`

// AnchorBomb is an OpenAPI description of about 1 KB whose schema s<levels>
// expands, through YAML aliases, to 10^levels copies of s0.
func AnchorBomb(levels int) string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: Bomb, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\ncomponents:\n  schemas:\n")
	b.WriteString("    s0: &s0 {type: object, properties: {a: {type: string}}}\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "    s%d: &s%d {type: object, properties: {", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "p%d: *s%d", j, i-1)
		}
		b.WriteString("}}\n")
	}
	return b.String()
}

// SwaggerBomb is the same bomb in the definitions of a Swagger 2.0 description.
func SwaggerBomb(levels int) string {
	s := AnchorBomb(levels)
	s = strings.Replace(s, "openapi: 3.0.3", "swagger: '2.0'", 1)
	return strings.Replace(s, "components:\n  schemas:\n", "definitions:\n", 1)
}

// AnchorChain is a long linear chain: each schema holds the previous one.
func AnchorChain(n int) string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: Chain, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\ncomponents:\n  schemas:\n")
	b.WriteString("    c0: &c0 {type: string}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "    c%d: &c%d {type: object, properties: {next: *c%d, name: {type: string}}}\n", i, i, i-1)
	}
	return b.String()
}

// DeepItems is a JSON description with chains of array schemas nested levels deep.
func DeepItems(chains, levels int) string {
	var b strings.Builder
	b.WriteString(`{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}},"components":{"schemas":{`)
	for c := range chains {
		if c > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"d%d":`, c)
		b.WriteString(strings.Repeat(`{"type":"array","items":`, levels))
		b.WriteString(`{"type":"string"}`)
		b.WriteString(strings.Repeat("}", levels))
	}
	b.WriteString("}}}")
	return b.String()
}

// FlatArray is a description of size bytes, most of it one enum list.
func FlatArray(size int) string {
	head := "openapi: 3.0.3\ninfo: {title: Flat, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\ncomponents:\n  schemas:\n    E:\n      type: integer\n      enum:\n"
	return head + strings.Repeat("        - 1\n", (size-len(head))/12)
}
