package spec

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// verdictCase is one change between two descriptions of an API and the
// verdict expected of the gate: whether it is breaking at Portico's
// default severities. Requests narrowing and responses widening break
// clients; the reverse does not.
type verdictCase struct {
	name      string
	base, rev string
	want      bool // breaking expected
}

func verdictDoc(v, body string) string {
	if strings.HasPrefix(v, "2") {
		return "swagger: \"2.0\"\ninfo: {title: T, version: \"1.0.0\"}\n" + body
	}
	return "openapi: " + v + "\ninfo: {title: T, version: \"1.0.0\"}\n" + body
}

var verdictCases = []verdictCase{}

func addVerdict(name string, want bool, v, base, rev string) {
	verdictCases = append(verdictCases, verdictCase{name, verdictDoc(v, base), verdictDoc(v, rev), want})
}

const verdictParam = `paths:
  /a:
    get:
      parameters:
        - {name: q, in: query, %s schema: %s}
      responses:
        "200": {description: ok}
`

func verdictRequest(schema string) string {
	return `paths:
  /a:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: ` + schema + `
      responses:
        "200": {description: ok}
`
}
func verdictResponse(schema string) string {
	return `paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: ` + schema + `
`
}

// verdictWebhook is a 3.1 description whose webhook ev sends payload and
// takes reply (none when empty) as its consumer's 200 answer.
func verdictWebhook(payload, reply string) string {
	s := `webhooks:
  ev:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: ` + payload + `
      responses:
        "200":
          description: ok
`
	if reply != "" {
		s += "          content: {application/json: {schema: " + reply + "}}\n"
	}
	return s
}

// verdictWebhookAnswers is a 3.1 description whose webhook ev has the
// parameters params (a YAML flow list) and the responses responses (a
// YAML flow map): what the consumer may answer.
func verdictWebhookAnswers(params, responses string) string {
	return `webhooks:
  ev:
    post:
      parameters: ` + params + `
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: ` + responses + `
`
}

// verdictCallback is a description whose operation POST /subscribe
// declares the callback onEvent, which sends payload.
func verdictCallback(payload string) string {
	return `paths:
  /subscribe:
    post:
      callbacks:
        onEvent:
          "{$request.body#/url}":
            post:
              requestBody:
                content:
                  application/json:
                    schema: ` + payload + `
              responses:
                "200": {description: ok}
      responses:
        "201": {description: ok}
`
}

func init() {

	addVerdict("param type string->integer", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string}"), fmt.Sprintf(verdictParam, "", "{type: integer}"))
	addVerdict("path template renamed + type narrowed", true, "3.0.3", `paths:
  /a/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`, `paths:
  /a/{key}:
    get:
      parameters: [{name: key, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
`)
	addVerdict("resp header case changed (X-R -> x-r)", false, "3.0.3", `paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          headers: {X-R: {required: true, schema: {type: string}}}
`, `paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          headers: {x-r: {required: true, schema: {type: string}}}
`)
	addVerdict("path-level header param case changed", false, "3.0.3", `paths:
  /a:
    parameters: [{name: X-A, in: header, required: true, schema: {type: string}}]
    get: {responses: {"200": {description: ok}}}
`, `paths:
  /a:
    parameters: [{name: x-a, in: header, required: true, schema: {type: string}}]
    get: {responses: {"200": {description: ok}}}
`)
	addVerdict("query param case changed (Q -> q) is a change", true, "3.0.3", fmt.Sprintf(verdictParam, "required: true,", "{type: string}"), strings.Replace(fmt.Sprintf(verdictParam, "required: true,", "{type: string}"), "name: q", "name: Q", 1))
	addVerdict("apiKey header case changed", false, "3.0.3", `security: [{k: []}]
paths:
  /a:
    get:
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: X-Key}
`, `security: [{k: []}]
paths:
  /a:
    get:
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: x-key}
`)
	addVerdict("param style changed form->spaceDelimited", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: array, items: {type: string}}"), fmt.Sprintf(verdictParam, "style: spaceDelimited,", "{type: array, items: {type: string}}"))
	addVerdict("resp: required prop added (compatible)", false, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string}}}"), verdictResponse("{type: object, required: [a], properties: {a: {type: string}}}"))
	addVerdict("req: optional request prop removed", false, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string}, b: {type: string}}}"), verdictRequest("{type: object, properties: {a: {type: string}}}"))
	addVerdict("resp: 4xx media type removed (clients parse errors too)", true, "3.0.3", strings.Replace(verdictResponse("{type: object}"), `"200"`, `"404"`, 1)+"", strings.Replace(strings.Replace(verdictResponse("{type: object}"), `"200"`, `"404"`, 1), "application/json", "application/xml", 1))
	addVerdict("server variables: same base path", false, "3.0.3", `servers: [{url: "https://x/{v}", variables: {v: {default: v1}}}]
paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`, `servers: [{url: "https://x/v1"}]
paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`)
	addVerdict("3.0 nullable -> 3.1 type array (same)", false, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string, nullable: true}}}"), verdictResponse("{type: object, properties: {a: {type: string, nullable: true}}}"))

	fd := func(p string) string {
		return `paths:
  /a:
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: x, in: formData, type: string}
` + p + `      responses: {"200": {description: ok}}
`
	}
	addVerdict("2.0: new required formData param", true, "2.0", fd(""), fd("        - {name: y, in: formData, required: true, type: string}\n"))

	sec := func(opsec, schemes string) string {
		return `paths:
  /a:
    get:
      security: ` + opsec + `
      responses: {"200": {description: ok}}
components:
  securitySchemes:
` + schemes
	}
	oauth := "    o: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x/t', scopes: {r: read, w: write}}}}\n    k: {type: apiKey, in: header, name: X-Key}\n"
	addVerdict("oauth scope added to requirement", true, "3.0.3", sec("[{o: [r]}]", oauth), sec("[{o: [r, w]}]", oauth))
	addVerdict("alternative scheme added (compatible)", false, "3.0.3", sec("[{o: [r]}]", oauth), sec("[{o: [r]}, {k: []}]", oauth))
	addVerdict("scheme replaced apiKey->oauth", true, "3.0.3", sec("[{k: []}]", oauth), sec("[{o: [r]}]", oauth))
	addVerdict("200 replaced by 2XX (more success statuses)", true, "3.0.3", `paths:
  /a:
    get:
      responses: {"200": {description: ok}}
`, `paths:
  /a:
    get:
      responses: {"2XX": {description: ok}}
`)
	addVerdict("resp media type gains charset param", false, "3.0.3", verdictResponse("{type: object}"), strings.Replace(verdictResponse("{type: object}"), "application/json", "application/json; charset=utf-8", 1))
	addVerdict("req media type gains charset param", false, "3.0.3", verdictRequest("{type: object}"), strings.Replace(verdictRequest("{type: object}"), "application/json", "application/json; charset=utf-8", 1))
	addVerdict("removed operation", true, "3.0.3", `paths:
  /a:
    get: {responses: {"200": {description: ok}}}
    post: {responses: {"200": {description: ok}}}
`, `paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`)
	addVerdict("removed optional parameter", false, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string}"), `paths:
  /a:
    get:
      responses:
        "200": {description: ok}
`)
	addVerdict("renamed required param", true, "3.0.3", fmt.Sprintf(verdictParam, "required: true,", "{type: string}"), strings.Replace(fmt.Sprintf(verdictParam, "required: true,", "{type: string}"), "name: q", "name: r", 1))
	addVerdict("optional param made required", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string}"), fmt.Sprintf(verdictParam, "required: true,", "{type: string}"))
	addVerdict("param moved query->header (required)", true, "3.0.3", fmt.Sprintf(verdictParam, "required: true,", "{type: string}"), strings.Replace(fmt.Sprintf(verdictParam, "required: true,", "{type: string}"), "in: query", "in: header", 1))
	addVerdict("query parameter widened integer->string (compatible)", false, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: integer}"), fmt.Sprintf(verdictParam, "", "{type: string}"))
	addVerdict("param enum value removed (request narrowing)", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string, enum: [a, b]}"), fmt.Sprintf(verdictParam, "", "{type: string, enum: [a]}"))
	addVerdict("param enum value added (request widening)", false, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string, enum: [a]}"), fmt.Sprintf(verdictParam, "", "{type: string, enum: [a, b]}"))
	addVerdict("param maxLength tightened", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string, maxLength: 10}"), fmt.Sprintf(verdictParam, "", "{type: string, maxLength: 5}"))
	addVerdict("param maxLength added", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string}"), fmt.Sprintf(verdictParam, "", "{type: string, maxLength: 5}"))
	addVerdict("param maximum tightened", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: integer, maximum: 10}"), fmt.Sprintf(verdictParam, "", "{type: integer, maximum: 5}"))
	addVerdict("param maxLength relaxed", false, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string, maxLength: 5}"), fmt.Sprintf(verdictParam, "", "{type: string, maxLength: 10}"))
	addVerdict("param nullable removed", true, "3.0.3", fmt.Sprintf(verdictParam, "", "{type: string, nullable: true}"), fmt.Sprintf(verdictParam, "", "{type: string}"))
	addVerdict("req body: required prop added", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string}}}"), verdictRequest("{type: object, required: [b], properties: {a: {type: string}, b: {type: string}}}"))
	addVerdict("req body: optional prop added", false, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string}}}"), verdictRequest("{type: object, properties: {a: {type: string}, b: {type: string}}}"))
	addVerdict("req body: enum value removed", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string, enum: [x, y]}}}"), verdictRequest("{type: object, properties: {a: {type: string, enum: [x]}}}"))
	addVerdict("req body: maxLength tightened", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string, maxLength: 10}}}"), verdictRequest("{type: object, properties: {a: {type: string, maxLength: 3}}}"))
	addVerdict("req body: nullable removed", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string, nullable: true}}}"), verdictRequest("{type: object, properties: {a: {type: string}}}"))
	addVerdict("req body: additionalProperties false added", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string}}}"), verdictRequest("{type: object, additionalProperties: false, properties: {a: {type: string}}}"))
	addVerdict("3.1: req body: unevaluatedProperties false added", true, "3.1.0", verdictRequest("{type: object, properties: {a: {type: string}}}"), verdictRequest("{type: object, unevaluatedProperties: false, properties: {a: {type: string}}}"))
	addVerdict("3.1: req property: unevaluatedProperties false added", true, "3.1.0", verdictRequest("{type: object, properties: {a: {type: object, properties: {b: {type: string}}}}}"), verdictRequest("{type: object, properties: {a: {type: object, unevaluatedProperties: false, properties: {b: {type: string}}}}}"))
	addVerdict("3.1: req body: additionalProperties false -> unevaluatedProperties false (no change)", false, "3.1.0", verdictRequest("{type: object, additionalProperties: false, properties: {a: {type: string}}}"), verdictRequest("{type: object, unevaluatedProperties: false, properties: {a: {type: string}}}"))
	addVerdict("3.1: resp: unevaluatedProperties false added (not breaking)", false, "3.1.0", verdictResponse("{type: object, properties: {a: {type: string}}}"), verdictResponse("{type: object, unevaluatedProperties: false, properties: {a: {type: string}}}"))
	addVerdict("req body: type changed", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: integer}}}"), verdictRequest("{type: object, properties: {a: {type: string}}}"))
	addVerdict("req body: media type removed", true, "3.0.3", verdictRequest("{type: object}"), strings.Replace(verdictRequest("{type: object}"), "application/json", "application/xml", 1))
	addVerdict("resp: optional property removed (info, as oasdiff)", false, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string}, b: {type: string}}}"), verdictResponse("{type: object, properties: {a: {type: string}}}"))
	addVerdict("resp: required property removed", true, "3.0.3", verdictResponse("{type: object, required: [a, b], properties: {a: {type: string}, b: {type: string}}}"), verdictResponse("{type: object, required: [a], properties: {a: {type: string}}}"))
	addVerdict("resp: enum value removed (narrowing)", false, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string, enum: [x, y]}}}"), verdictResponse("{type: object, properties: {a: {type: string, enum: [x]}}}"))
	addVerdict("resp: enum value added (a warning by Portico's default)", false, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string, enum: [x]}}}"), verdictResponse("{type: object, properties: {a: {type: string, enum: [x, y]}}}"))
	addVerdict("resp: became nullable (a warning by Portico's default)", false, "3.0.3", verdictResponse("{type: object, required: [a], properties: {a: {type: string}}}"), verdictResponse("{type: object, required: [a], properties: {a: {type: string, nullable: true}}}"))
	addVerdict("resp: nullable removed (narrowing)", false, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string, nullable: true}}}"), verdictResponse("{type: object, properties: {a: {type: string}}}"))
	addVerdict("resp: maxLength removed (widening)", true, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string, maxLength: 5}}}"), verdictResponse("{type: object, properties: {a: {type: string}}}"))
	addVerdict("resp: type changed", true, "3.0.3", verdictResponse("{type: object, properties: {a: {type: integer}}}"), verdictResponse("{type: object, properties: {a: {type: string}}}"))
	addVerdict("resp: 2xx media type removed", true, "3.0.3", verdictResponse("{type: object}"), strings.Replace(verdictResponse("{type: object}"), "application/json", "application/xml", 1))
	addVerdict("resp: status code removed", true, "3.0.3", `paths:
  /a:
    get:
      responses:
        "200": {description: ok}
        "201": {description: ok}
`, `paths:
  /a:
    get:
      responses:
        "200": {description: ok}
`)
	addVerdict("resp: status code added", false, "3.0.3", `paths:
  /a:
    get:
      responses:
        "200": {description: ok}
`, `paths:
  /a:
    get:
      responses:
        "200": {description: ok}
        "404": {description: nf}
`)
	addVerdict("security requirement added", true, "3.0.3", `paths:
  /a:
    get:
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: X-Key}
`, `paths:
  /a:
    get:
      security: [{k: []}]
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: X-Key}
`)
	addVerdict("global security added", true, "3.0.3", `paths:
  /a:
    get:
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: X-Key}
`, `security: [{k: []}]
paths:
  /a:
    get:
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: X-Key}
`)
	addVerdict("server base path change", true, "3.0.3", `servers: [{url: "https://x/v1"}]
paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`, `servers: [{url: "https://x/v2"}]
paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`)
	addVerdict("path template renamed", false, "3.0.3", `paths:
  /a/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`, `paths:
  /a/{key}:
    get:
      parameters: [{name: key, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`)
	comp := func(schema string) string {
		return verdictResponse(`{$ref: "#/components/schemas/S"}`) + "components:\n  schemas:\n    S: " + schema + "\n"
	}
	addVerdict("$ref schema: resp prop removed", true, "3.0.3", comp("{type: object, required: [a,b], properties: {a: {type: string}, b: {type: string}}}"), comp("{type: object, required: [a], properties: {a: {type: string}}}"))
	compReq := func(schema string) string {
		return verdictRequest(`{$ref: "#/components/schemas/S"}`) + "components:\n  schemas:\n    S: " + schema + "\n"
	}
	addVerdict("$ref schema: req required prop added", true, "3.0.3", compReq("{type: object, properties: {a: {type: string}}}"), compReq("{type: object, required: [b], properties: {a: {type: string}, b: {type: string}}}"))
	paramRef := func(s string) string {
		return `paths:
  /a:
    get:
      parameters: [{$ref: "#/components/parameters/P"}]
      responses: {"200": {description: ok}}
components:
  parameters:
    P: {name: q, in: query, ` + s + `}
`
	}
	addVerdict("$ref parameter: became required", true, "3.0.3", paramRef("schema: {type: string}"), paramRef("required: true, schema: {type: string}"))
	addVerdict("$ref parameter widened integer->string (compatible)", false, "3.0.3", paramRef("schema: {type: integer}"), paramRef("schema: {type: string}"))
	respRef := func(s string) string {
		return `paths:
  /a:
    get:
      responses: {"200": {$ref: "#/components/responses/R"}}
components:
  responses:
    R:
      description: ok
      content:
        application/json:
          schema: ` + s + `
`
	}
	addVerdict("$ref response: prop type changed", true, "3.0.3", respRef("{type: object, properties: {a: {type: integer}}}"), respRef("{type: object, properties: {a: {type: string}}}"))
	rbRef := func(s string) string {
		return `paths:
  /a:
    post:
      requestBody: {$ref: "#/components/requestBodies/B"}
      responses: {"200": {description: ok}}
components:
  requestBodies:
    B:
      content:
        application/json:
          schema: ` + s + `
`
	}
	addVerdict("$ref requestBody: type changed", true, "3.0.3", rbRef("{type: object, properties: {a: {type: integer}}}"), rbRef("{type: object, properties: {a: {type: string}}}"))
	rec := func(extra string) string {
		return verdictResponse(`{$ref: "#/components/schemas/N"}`) + `components:
  schemas:
    N:
      type: object
      properties:
        child: {$ref: "#/components/schemas/N"}
        v: {type: ` + extra + `}
`
	}
	addVerdict("recursive schema: leaf type changed", true, "3.0.3", rec("integer"), rec("string"))
	addVerdict("recursive schema: unchanged", false, "3.0.3", rec("integer"), rec("integer"))
	addVerdict("oneOf: variant removed in request", true, "3.0.3", verdictRequest("{oneOf: [{type: string}, {type: integer}]}"), verdictRequest("{oneOf: [{type: string}]}"))
	addVerdict("oneOf: variant added in response", true, "3.0.3", verdictResponse("{oneOf: [{type: string}]}"), verdictResponse("{oneOf: [{type: string}, {type: integer}]}"))
	addVerdict("allOf: required prop added in request part", true, "3.0.3", verdictRequest("{allOf: [{type: object, properties: {a: {type: string}}}]}"), verdictRequest("{allOf: [{type: object, required: [a], properties: {a: {type: string}}}]}"))
	addVerdict("anyOf: variant removed in request", true, "3.0.3", verdictRequest("{anyOf: [{type: string}, {type: integer}]}"), verdictRequest("{anyOf: [{type: string}]}"))
	// 3.1
	addVerdict("3.1: type array drops null in request", true, "3.1.0", verdictRequest(`{type: object, properties: {a: {type: [string, "null"]}}}`), verdictRequest(`{type: object, properties: {a: {type: string}}}`))
	addVerdict("3.1: type array adds null in response (a warning by Portico's default)", false, "3.1.0", verdictResponse(`{type: object, required: [a], properties: {a: {type: string}}}`), verdictResponse(`{type: object, required: [a], properties: {a: {type: [string, "null"]}}}`))
	addVerdict("3.1: type string->[string,integer] in response", true, "3.1.0", verdictResponse(`{type: object, properties: {a: {type: string}}}`), verdictResponse(`{type: object, properties: {a: {type: [string, integer]}}}`))
	addVerdict("3.1: type [string,integer]->string in request", true, "3.1.0", verdictRequest(`{type: object, properties: {a: {type: [string, integer]}}}`), verdictRequest(`{type: object, properties: {a: {type: string}}}`))
	addVerdict("3.1: parameter widened integer->string (compatible)", false, "3.1.0", fmt.Sprintf(verdictParam, "", "{type: integer}"), fmt.Sprintf(verdictParam, "", "{type: string}"))
	addVerdict("3.1: unchanged type array", false, "3.1.0", verdictRequest(`{type: object, properties: {a: {type: [string, "null"]}}}`), verdictRequest(`{type: object, properties: {a: {type: [string, "null"]}}}`))
	addVerdict("3.1: type array reordered", false, "3.1.0", verdictRequest(`{type: object, properties: {a: {type: ["null", string]}}}`), verdictRequest(`{type: object, properties: {a: {type: [string, "null"]}}}`))
	addVerdict("3.1: exclusiveMaximum number tightened (request)", true, "3.1.0", fmt.Sprintf(verdictParam, "", "{type: integer, exclusiveMaximum: 10}"), fmt.Sprintf(verdictParam, "", "{type: integer, exclusiveMaximum: 5}"))
	addVerdict("3.1: const changed (request)", true, "3.1.0", verdictRequest(`{type: object, properties: {a: {type: string, const: x}}}`), verdictRequest(`{type: object, properties: {a: {type: string, const: y}}}`))
	// Swagger 2.0
	sw := func(p string) string {
		return `paths:
  /a:
    get:
      parameters:
        - {name: q, in: query, ` + p + `}
      responses:
        "200": {description: ok}
`
	}
	addVerdict("2.0: param became required", true, "2.0", sw("type: string"), sw("required: true, type: string"))
	addVerdict("2.0: parameter widened integer->string (compatible)", false, "2.0", sw("type: integer"), sw("type: string"))
	addVerdict("2.0: param enum value removed", true, "2.0", sw("type: string, enum: [a, b]"), sw("type: string, enum: [a]"))
	swBody := func(s string) string {
		return `consumes: [application/json]
produces: [application/json]
paths:
  /a:
    post:
      parameters:
        - {name: body, in: body, required: true, schema: ` + s + `}
      responses:
        "200": {description: ok, schema: {type: object, properties: {r: {type: string}}}}
`
	}
	addVerdict("2.0: body required prop added", true, "2.0", swBody("{type: object, properties: {a: {type: string}}}"), swBody("{type: object, required: [b], properties: {a: {type: string}, b: {type: string}}}"))
	addVerdict("2.0: body param renamed (not a change)", false, "2.0", swBody("{type: object, properties: {a: {type: string}}}"), strings.Replace(swBody("{type: object, properties: {a: {type: string}}}"), "name: body", "name: payload", 1))
	swBP := func(bp string) string {
		return "basePath: " + bp + "\npaths:\n  /a:\n    get: {responses: {\"200\": {description: ok}}}\n"
	}
	addVerdict("2.0: basePath change", true, "2.0", swBP("/v1"), swBP("/v2"))
	addVerdict("2.0: basePath moved into paths", false, "2.0", swBP("/v1"), "basePath: /\npaths:\n  /v1/a:\n    get: {responses: {\"200\": {description: ok}}}\n")
	addVerdict("2.0->3.0 same API", false, "2.0", sw("type: string"), sw("type: string"))
	addVerdict("path-level param became required", true, "3.0.3", `paths:
  /a:
    parameters: [{name: q, in: query, schema: {type: string}}]
    get: {responses: {"200": {description: ok}}}
`, `paths:
  /a:
    parameters: [{name: q, in: query, required: true, schema: {type: string}}]
    get: {responses: {"200": {description: ok}}}
`)
	addVerdict("header param renamed case (X-A -> x-a)", false, "3.0.3", `paths:
  /a:
    get:
      parameters: [{name: X-A, in: header, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`, `paths:
  /a:
    get:
      parameters: [{name: x-a, in: header, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`)
	addVerdict("deprecated op removed", false, "3.0.3", `paths:
  /a:
    get: {responses: {"200": {description: ok}}}
    post: {deprecated: true, responses: {"200": {description: ok}}}
`, `paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`)
	addVerdict("resp: required header removed", true, "3.0.3", `paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          headers: {X-R: {required: true, schema: {type: string}}}
`, `paths:
  /a:
    get:
      responses:
        "200":
          description: ok
`)
	addVerdict("req body became required", true, "3.0.3", strings.Replace(verdictRequest("{type: object}"), "required: true", "required: false", 1), verdictRequest("{type: object}"))
	addVerdict("resp: array items type changed", true, "3.0.3", verdictResponse("{type: array, items: {type: integer}}"), verdictResponse("{type: array, items: {type: string}}"))
	addVerdict("req: minItems added", true, "3.0.3", verdictRequest("{type: array, items: {type: integer}}"), verdictRequest("{type: array, minItems: 2, items: {type: integer}}"))
	addVerdict("req: pattern added", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string}}}"), verdictRequest("{type: object, properties: {a: {type: string, pattern: '^x'}}}"))
	addVerdict("req: readOnly prop becomes required (not breaking)", false, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string, readOnly: true}}}"), verdictRequest("{type: object, required: [a], properties: {a: {type: string, readOnly: true}}}"))
	addVerdict("resp: writeOnly prop removed (not breaking)", false, "3.0.3", verdictResponse("{type: object, properties: {a: {type: string, writeOnly: true}, b: {type: string}}}"), verdictResponse("{type: object, properties: {b: {type: string}}}"))
	addVerdict("req: property format changed", true, "3.0.3", verdictRequest("{type: object, properties: {a: {type: string, format: date}}}"), verdictRequest("{type: object, properties: {a: {type: string, format: uuid}}}"))

	// A webhook's payload is what the consumer receives: judged as a
	// response; the consumer's answer as a request.
	addVerdict("webhook: required payload property added (not breaking)", false, "3.1.0", verdictWebhook("{type: object, properties: {a: {type: string}, b: {type: string}}}", ""), verdictWebhook("{type: object, required: [b], properties: {a: {type: string}, b: {type: string}}}", ""))
	addVerdict("webhook: payload property removed", true, "3.1.0", verdictWebhook("{type: object, required: [a, b], properties: {a: {type: string}, b: {type: string}}}", ""), verdictWebhook("{type: object, required: [a], properties: {a: {type: string}}}", ""))
	addVerdict("webhook: payload property type changed", true, "3.1.0", verdictWebhook("{type: object, properties: {a: {type: string}}}", ""), verdictWebhook("{type: object, properties: {a: {type: integer}}}", ""))
	addVerdict("webhook: payload enum value added (a warning, as in a response)", false, "3.1.0", verdictWebhook("{type: object, properties: {a: {type: string, enum: [x]}}}", ""), verdictWebhook("{type: object, properties: {a: {type: string, enum: [x, y]}}}", ""))
	addVerdict("webhook: payload enum value removed (not breaking)", false, "3.1.0", verdictWebhook("{type: object, properties: {a: {type: string, enum: [x, y]}}}", ""), verdictWebhook("{type: object, properties: {a: {type: string, enum: [x]}}}", ""))
	addVerdict("webhook: consumer's answer gains a required property", true, "3.1.0", verdictWebhook("{type: object}", "{type: object, properties: {a: {type: string}}}"), verdictWebhook("{type: object}", "{type: object, required: [a], properties: {a: {type: string}}}"))
	addVerdict("webhook: consumer's answer loses a required property (not breaking)", false, "3.1.0", verdictWebhook("{type: object}", "{type: object, required: [a], properties: {a: {type: string}}}"), verdictWebhook("{type: object}", "{type: object, properties: {a: {type: string}}}"))
	// The consumer's other answers, and the headers it answers with, are
	// what the API receives; the webhook's query and cookie parameters are
	// sent by the API, as its payload is.
	const answers = `{"200": {description: ok}, "410": {description: unsubscribes, content: {application/json: {schema: {type: object, properties: {why: {type: string}}}}}}}`
	addVerdict("webhook: answer 410 (unsubscribe) removed", true, "3.1.0", verdictWebhookAnswers("[]", answers), verdictWebhookAnswers("[]", `{"200": {description: ok}}`))
	addVerdict("webhook: answer 410 added (not breaking)", false, "3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}}`), verdictWebhookAnswers("[]", answers))
	addVerdict("webhook: answer 410's body gains a required property", true, "3.1.0", verdictWebhookAnswers("[]", answers), verdictWebhookAnswers("[]", strings.Replace(answers, "type: object,", "type: object, required: [why],", 1)))
	addVerdict("webhook: default answer removed", true, "3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}, default: {description: failed}}`), verdictWebhookAnswers("[]", `{"200": {description: ok}}`))
	addVerdict("webhook: answer gains a required header", true, "3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}}`), verdictWebhookAnswers("[]", `{"200": {description: ok, headers: {X-Ack: {required: true, schema: {type: string}}}}}`))
	addVerdict("webhook: answer header no longer read (not breaking)", false, "3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok, headers: {X-Ack: {schema: {type: string}}}}}`), verdictWebhookAnswers("[]", `{"200": {description: ok}}`))
	addVerdict("webhook: required query parameter removed", true, "3.1.0", verdictWebhookAnswers("[{name: src, in: query, required: true, schema: {type: string}}]", answers), verdictWebhookAnswers("[]", answers))
	addVerdict("webhook: query parameter became optional", true, "3.1.0", verdictWebhookAnswers("[{name: src, in: query, required: true, schema: {type: string}}]", answers), verdictWebhookAnswers("[{name: src, in: query, schema: {type: string}}]", answers))
	addVerdict("webhook: required cookie parameter added (not breaking)", false, "3.1.0", verdictWebhookAnswers("[]", answers), verdictWebhookAnswers("[{name: c, in: cookie, required: true, schema: {type: string}}]", answers))
	addVerdict("webhook: the success answer's code changed (not breaking)", false, "3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}}`), verdictWebhookAnswers("[]", `{"204": {description: ok}}`))
	// A callback's request body is the same: sent by the API.
	addVerdict("callback: required payload property added (not breaking)", false, "3.0.3", verdictCallback("{type: object, properties: {a: {type: string}, b: {type: string}}}"), verdictCallback("{type: object, required: [b], properties: {a: {type: string}, b: {type: string}}}"))
	addVerdict("callback: payload property removed", true, "3.0.3", verdictCallback("{type: object, required: [a, b], properties: {a: {type: string}, b: {type: string}}}"), verdictCallback("{type: object, required: [a], properties: {a: {type: string}}}"))
	addVerdict("callback: payload property type changed", true, "3.0.3", verdictCallback("{type: object, properties: {a: {type: string}}}"), verdictCallback("{type: object, properties: {a: {type: integer}}}"))
	addVerdict("callback: payload enum value added (a warning, as in a response)", false, "3.0.3", verdictCallback("{type: object, properties: {a: {type: string, enum: [x]}}}"), verdictCallback("{type: object, properties: {a: {type: string, enum: [x, y]}}}"))
	addVerdict("callback: answer 410 removed", true, "3.0.3", strings.Replace(verdictCallback("{type: object}"), `"200": {description: ok}`, "\"200\": {description: ok}\n                \"410\": {description: unsubscribes}", 1), verdictCallback("{type: object}"))
	addVerdict("callback: removed", true, "3.0.3", verdictCallback("{type: object}"), strings.Replace(verdictCallback("{type: object}"), "onEvent", "onOther", 1))
}

// TestDiffVerdicts runs the gate on a table of single changes, in OpenAPI
// 3.0, 3.1 and Swagger 2.0, and checks its verdict (breaking or not) and
// that each breaking change on an operation names it and says what changed.
func TestDiffVerdicts(t *testing.T) {
	for _, c := range verdictCases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Parse([]byte(c.base))
			if err != nil {
				t.Fatalf("parse base: %v", err)
			}
			r, err := Parse([]byte(c.rev))
			if err != nil {
				t.Fatalf("parse revision: %v", err)
			}
			d, err := Diff(b, r)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			if d.Breaking() != c.want {
				t.Errorf("breaking: got %v, want %v; changes: %+v", d.Breaking(), c.want, d.Changes)
			}
			for _, ch := range d.BreakingChanges() {
				if ch.Text == "" || (ch.Path != "" && !strings.HasSuffix(ch.Operation, " "+ch.Path)) {
					t.Errorf("change %+v: want a text, and the method and path of its operation", ch)
				}
			}
		})
	}
}

// Schemas that each refer to the next twice make a description whose
// paths double at each level: the diff and Portico's own checks compare
// each pair of schemas once, so 40 levels (2^40 paths) take no time.
func TestDiffSharedSchemasBounded(t *testing.T) {
	gen := func(leaf string) []byte {
		var sb strings.Builder
		sb.WriteString("openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\npaths:\n  /a:\n    post:\n" +
			"      requestBody: {content: {application/json: {schema: {$ref: \"#/components/schemas/S0\"}}}}\n" +
			"      responses: {\"200\": {description: ok, content: {application/json: {schema: {$ref: \"#/components/schemas/S0\"}}}}}\n" +
			"components:\n  schemas:\n")
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&sb, "    S%d: {type: object, properties: {l: {$ref: \"#/components/schemas/S%d\"}, r: {$ref: \"#/components/schemas/S%d\"}}}\n", i, i+1, i+1)
		}
		fmt.Fprintf(&sb, "    S40: {type: object, %s properties: {v: {type: integer}}}\n", leaf)
		return []byte(sb.String())
	}
	d, err := Diff(mustParse(t, gen("")), mustParse(t, gen("additionalProperties: false,")))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	if got := changeIDs(d, LevelError); len(got) == 0 || got[0] != RuleRequestAdditionalPropertiesDisallowed {
		t.Errorf("breaking changes: got %q, want %s", got, RuleRequestAdditionalPropertiesDisallowed)
	}
}

// TestDiffWebhookFindings checks that a webhook's findings carry the rule
// of what a client receives, name the webhook and point at its line.
func TestDiffWebhookFindings(t *testing.T) {
	base := verdictDoc("3.1.0", verdictWebhook("{type: object, properties: {a: {type: string, enum: [x]}}}", ""))
	rev := verdictDoc("3.1.0", "paths:\n  /a:\n    get: {responses: {\"200\": {description: ok}}}\n"+verdictWebhook("{type: object, properties: {a: {type: string, enum: [x, y]}}}", ""))
	d, err := Diff(mustParse(t, []byte(base)), mustParse(t, []byte(rev)))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	var got *Change
	for i, c := range d.Changes {
		if strings.Contains(c.ID, "enum-value-added") {
			got = &d.Changes[i]
		}
	}
	if got == nil {
		t.Fatalf("no enum-value-added change in %+v", d.Changes)
	}
	// Line 8 of rev: "    post:" under webhooks.ev.
	if got.ID != "response-property-enum-value-added" || got.Operation != "webhook ev (POST)" || got.Line != 8 || got.InBase ||
		!strings.Contains(got.Text, "webhook ev (POST)") || got.Key != changeKey(*got) {
		t.Errorf("change %+v; want rule response-property-enum-value-added, operation \"webhook ev (POST)\" at line 8 of the revision, named in the text", *got)
	}
}

// TestDiffCallbackFindings checks that a callback is compared, by the
// rules of what a client receives, named with the operation declaring it
// and at its line.
func TestDiffCallbackFindings(t *testing.T) {
	base := verdictDoc("3.0.3", "servers: [{url: /v1}]\n"+verdictCallback("{type: object, properties: {a: {type: string, enum: [x]}}}"))
	rev := verdictDoc("3.0.3", "servers: [{url: /v1}]\n"+verdictCallback("{type: object, properties: {a: {type: string, enum: [x, y]}}}"))
	d, err := Diff(mustParse(t, []byte(base)), mustParse(t, []byte(rev)))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	var got *Change
	for i, c := range d.Changes {
		if strings.Contains(c.ID, "enum-value-added") {
			got = &d.Changes[i]
		}
	}
	if got == nil {
		t.Fatalf("no enum-value-added change in %+v", d.Changes)
	}
	// Line 10 of rev: "            post:" under the callback's expression.
	const op = "callback onEvent of POST /v1/subscribe: POST {$request.body#/url}"
	if got.ID != "response-property-enum-value-added" || got.Operation != op || got.Line != 10 || got.InBase ||
		!strings.Contains(got.Text, op) || got.Key != changeKey(*got) {
		t.Errorf("change %+v; want rule response-property-enum-value-added, operation %q at line 10 of the revision, named in the text", *got, op)
	}
}

// TestDiffWebhookAddedRemovedFindings checks that a webhook added or
// removed is named like the webhook's other findings and points at the
// webhook: in the revision when added, in the base when removed.
func TestDiffWebhookAddedRemovedFindings(t *testing.T) {
	without := verdictDoc("3.1.0", "paths:\n  /a:\n    get: {responses: {\"200\": {description: ok}}}\n")
	with := verdictDoc("3.1.0", verdictWebhook("{type: object}", ""))
	for _, tc := range []struct {
		id        string
		base, rev string
		inBase    bool
	}{{"webhook-added", without, with, false}, {"webhook-removed", with, without, true}} {
		d, err := Diff(mustParse(t, []byte(tc.base)), mustParse(t, []byte(tc.rev)))
		if err != nil {
			t.Fatalf("Diff: %v", err)
		}
		var got *Change
		for i, c := range d.Changes {
			if c.ID == tc.id {
				got = &d.Changes[i]
			}
		}
		if got == nil {
			t.Fatalf("no %s change in %+v", tc.id, d.Changes)
		}
		// Line 4: "  ev:" under webhooks.
		if got.Operation != "webhook ev (POST)" || got.Line != 4 || got.InBase != tc.inBase || got.Key != changeKey(*got) {
			t.Errorf("change %+v; want operation \"webhook ev (POST)\" at line 4, in the base: %v", *got, tc.inBase)
		}
	}
}

// TestDiffWebhookAnswerFindings checks that an answer of the consumer
// removed is named by the webhook, at its line, and says which answer.
func TestDiffWebhookAnswerFindings(t *testing.T) {
	base := verdictDoc("3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}, "410": {description: unsubscribes}}`))
	rev := verdictDoc("3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}}`))
	d, err := Diff(mustParse(t, []byte(base)), mustParse(t, []byte(rev)))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	bc := d.BreakingChanges()
	if len(bc) != 1 {
		t.Fatalf("breaking changes %+v; want one", d.Changes)
	}
	// Line 5 of rev: "    post:" under webhooks.ev.
	if got := bc[0]; got.Operation != "webhook ev (POST)" || got.Line != 5 || got.InBase || !strings.Contains(got.Text, "`410`") {
		t.Errorf("change %+v; want operation \"webhook ev (POST)\" at line 5 of the revision, naming the answer `410`", got)
	}
}

// TestDiffHookEndpoints checks that the lists of endpoints added, removed
// and modified include the webhooks and callbacks, named as their
// findings are.
func TestDiffHookEndpoints(t *testing.T) {
	doc := func(evPayload, cbPayload, extra string) []byte {
		return []byte(verdictDoc("3.1.0", strings.Replace(verdictCallback(cbPayload), "paths:\n", "paths:\n"+extra, 1)+`webhooks:
  ev:
    post:
      requestBody: {content: {application/json: {schema: `+evPayload+`}}}
      responses: {"200": {description: ok}}
`))
	}
	base := string(doc("{type: object, properties: {a: {type: string}}}", "{type: object, properties: {a: {type: string}}}", "")) +
		"  gone:\n    post: {responses: {\"200\": {description: ok}}}\n"
	rev := string(doc("{type: object}", "{type: object}", `  /more:
    post:
      callbacks: {cb: {"{$request.body#/url}": {post: {responses: {"200": {description: ok}}}}}}
      responses: {"201": {description: ok}}
`)) + "  new:\n    put: {responses: {\"200\": {description: ok}}}\n"
	d, err := Diff(mustParse(t, []byte(base)), mustParse(t, []byte(rev)))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	wantAdded := []string{"POST /more", "callback cb of POST /more: POST {$request.body#/url}", "webhook new (PUT)"}
	wantRemoved := []string{"webhook gone (POST)"}
	// POST /subscribe is modified too: oasdiff sees its callback change.
	wantModified := []string{"POST /subscribe", "callback onEvent of POST /subscribe: POST {$request.body#/url}", "webhook ev (POST)"}
	if !slices.Equal(d.Added, wantAdded) || !slices.Equal(d.Removed, wantRemoved) || !slices.Equal(d.Modified, wantModified) {
		t.Errorf("added, removed, modified: got %q %q %q, want %q %q %q", d.Added, d.Removed, d.Modified, wantAdded, wantRemoved, wantModified)
	}
	// An answer of the consumer removed modifies the webhook.
	d, err = Diff(mustParse(t, []byte(verdictDoc("3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}, "410": {description: gone}}`)))),
		mustParse(t, []byte(verdictDoc("3.1.0", verdictWebhookAnswers("[]", `{"200": {description: ok}}`)))))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	if want := []string{"webhook ev (POST)"}; len(d.Added)+len(d.Removed) != 0 || !slices.Equal(d.Modified, want) {
		t.Errorf("added, removed, modified: got %q %q %q, want modified %q", d.Added, d.Removed, d.Modified, want)
	}
}

// TestDiffCallbacksMatchedAsOasdiffMatchesOperations checks that a
// callback is compared with the callback of the operation oasdiff pairs
// its operation with: the one at the same path when there is one, else
// the first path of the same shape, every time.
func TestDiffCallbacksMatchedAsOasdiffMatchesOperations(t *testing.T) {
	cb := func(payload string) string {
		return strings.Replace(strings.Replace(verdictCallback(payload), "/subscribe:", "/a/{id}:", 1), "    post:\n",
			"    post:\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n", 1) +
			"  /a/{key}:\n    get:\n      parameters: [{name: key, in: path, required: true, schema: {type: string}}]\n      responses: {\"200\": {description: ok}}\n"
	}
	base := mustParse(t, []byte(verdictDoc("3.0.3", cb("{type: object, required: [a], properties: {a: {type: string}}}"))))
	rev := mustParse(t, []byte(verdictDoc("3.0.3", cb("{type: object}"))))
	const op = "callback onEvent of POST /a/{id}: POST {$request.body#/url}"
	for range 20 {
		d, err := Diff(base, rev)
		if err != nil {
			t.Fatalf("Diff: %v", err)
		}
		if got := d.BreakingChanges(); len(got) != 1 || got[0].ID != "response-required-property-removed" || got[0].Operation != op {
			t.Fatalf("breaking changes %+v; want response-required-property-removed on %s", got, op)
		}
	}
	// A path renamed (/a/{id} → /a/{key}, the only one of its shape) is
	// the same path; its callbacks are compared.
	renamed := func(payload string) string {
		return strings.Replace(strings.Replace(verdictCallback(payload), "/subscribe:", "/b/{key}:", 1), "    post:\n",
			"    post:\n      parameters: [{name: key, in: path, required: true, schema: {type: string}}]\n", 1)
	}
	d, err := Diff(mustParse(t, []byte(verdictDoc("3.0.3", strings.ReplaceAll(renamed("{type: object, required: [a], properties: {a: {type: string}}}"), "key", "id")))),
		mustParse(t, []byte(verdictDoc("3.0.3", renamed("{type: object}")))))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	const renamedOp = "callback onEvent of POST /b/{key}: POST {$request.body#/url}"
	if got := d.BreakingChanges(); len(got) != 1 || got[0].ID != "response-required-property-removed" || got[0].Operation != renamedOp {
		t.Errorf("breaking changes %+v; want response-required-property-removed on %s", got, renamedOp)
	}
}
