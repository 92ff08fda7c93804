package spec

import (
	"encoding/json"
	"strings"
	"testing"
)

const detailSpec = `openapi: 3.0.3
info: {title: Shop, version: "1.0"}
servers: [{url: "https://shop.example.com"}]
security: [{key: []}]
paths:
  /orders/{orderId}:
    parameters:
      - {name: orderId, in: path, required: true, description: The order., schema: {type: string}}
      - {name: verbose, in: query, schema: {type: boolean}}
    get:
      operationId: getOrder
      summary: Get an order
      parameters:
        - {name: verbose, in: query, description: Replaced., schema: {type: integer}}
      responses:
        "200":
          description: The order.
          content:
            application/xml: {schema: {type: string}}
            application/json: {schema: {$ref: "#/components/schemas/Order"}}
        default: {description: An error.}
    put:
      operationId: replaceOrder
      security: [{oauth: [write]}, {}]
      servers: [{url: "https://write.example.com"}]
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: "#/components/schemas/Order"}}
      responses:
        "204": {description: Replaced.}
  /orders:
    get:
      operationId: listOrders
      responses:
        "200":
          description: Orders.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Order"}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: "https://auth.example.com/token", scopes: {write: Write.}}}
  schemas:
    Order:
      type: object
      required: [id, status]
      properties:
        id: {type: string, description: "The order's id, a long description that goes on and on."}
        status: {type: string, enum: [open, paid, shipped]}
        total: {type: number, minimum: 0}
        customer: {$ref: "#/components/schemas/Customer"}
        parent: {$ref: "#/components/schemas/Order"}
    Customer:
      type: object
      properties:
        name: {type: string}
        address:
          type: object
          properties:
            city: {type: string}
`

func TestFindOperation(t *testing.T) {
	d := mustParse(t, []byte(detailSpec))
	tests := []struct {
		ref  string
		want string // "METHOD /path", "" when not found
	}{
		{"getOrder", "GET /orders/{orderId}"},
		{"GETORDER", "GET /orders/{orderId}"},
		{"  listOrders ", "GET /orders"},
		{"GET /orders/{orderId}", "GET /orders/{orderId}"},
		{"put /orders/{orderId}", "PUT /orders/{orderId}"},
		{"GET /orders/{id}", "GET /orders/{orderId}"},
		{"DELETE /orders/{orderId}", ""},
		{"GET /orders/42/items", ""},
		{"getorders", ""},
		{"", ""},
	}
	for _, tt := range tests {
		op, ok := d.FindOperation(tt.ref)
		got := ""
		if ok {
			got = op.Method + " " + op.Path
		}
		if got != tt.want {
			t.Errorf("FindOperation(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

// asJSON re-encodes v so that tests read it as decoded JSON.
func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDetailResolvesSchemas(t *testing.T) {
	d := mustParse(t, []byte(detailSpec))
	op, _ := d.FindOperation("getOrder")
	det, ok := d.Detail(op, SchemaLimits{Depth: 5})
	if !ok {
		t.Fatal("Detail: not found")
	}
	if got, want := strings.Join(det.Servers, ","), "https://shop.example.com"; got != want {
		t.Errorf("servers %q, want %q", got, want)
	}
	if got, want := strings.Join(det.Security, "|"), "key (apiKey in header X-Key)"; got != want {
		t.Errorf("security %q, want %q", got, want)
	}
	var params []string
	for _, p := range det.Parameters {
		params = append(params, p.In+":"+p.Name+":"+p.Description+":"+asJSON(t, map[string]any{"s": p.Schema})["s"].(map[string]any)["type"].(string))
	}
	if got, want := strings.Join(params, ","), "path:orderId:The order.:string,query:verbose:Replaced.:integer"; got != want {
		t.Errorf("parameters %q, want %q", got, want)
	}
	if len(det.Responses) != 2 || det.Responses[0].Status != "200" || det.Responses[1].Status != "default" {
		t.Fatalf("responses %+v, want 200 then default", det.Responses)
	}
	r := det.Responses[0]
	if r.ContentType != "application/json" || strings.Join(r.ContentTypes, ",") != "application/json,application/xml" {
		t.Errorf("content types %q of %q, want the JSON schema of both", r.ContentType, r.ContentTypes)
	}
	order := asJSON(t, r.Schema)
	if order["title"] != "Order" || order["type"] != "object" {
		t.Errorf("schema %v, want the Order object", order)
	}
	props := order["properties"].(map[string]any)
	status := props["status"].(map[string]any)
	if len(status["enum"].([]any)) != 3 {
		t.Errorf("status %v, want its enum", status)
	}
	city := props["customer"].(map[string]any)["properties"].(map[string]any)["address"].(map[string]any)["properties"].(map[string]any)["city"].(map[string]any)
	if city["type"] != "string" {
		t.Errorf("customer.address.city %v, want it resolved", city)
	}
	parent := props["parent"].(map[string]any)
	if parent["$ref"] != "#/components/schemas/Order" || !strings.HasPrefix(parent["x-cut"].(string), "recursive") {
		t.Errorf("parent %v, want a recursive stub", parent)
	}
	if !det.Cut {
		t.Error("Cut = false, want true: a recursive schema was cut")
	}
	if det.Responses[1].Schema != nil {
		t.Errorf("default response schema %v, want none", det.Responses[1].Schema)
	}
}

func TestDetailRequestBodyAndOperationSecurity(t *testing.T) {
	d := mustParse(t, []byte(detailSpec))
	op, _ := d.FindOperation("PUT /orders/{orderId}")
	det, _ := d.Detail(op, SchemaLimits{Depth: 5})
	if det.RequestBody == nil || !det.RequestBody.Required || det.RequestBody.ContentType != "application/json" {
		t.Fatalf("request body %+v, want a required JSON body", det.RequestBody)
	}
	if got := asJSON(t, det.RequestBody.Schema)["title"]; got != "Order" {
		t.Errorf("body schema title %v, want Order", got)
	}
	if got, want := strings.Join(det.Security, "|"), "oauth (oauth2) scopes: write|none"; got != want {
		t.Errorf("security %q, want %q", got, want)
	}
	if got, want := strings.Join(det.Servers, ","), "https://write.example.com"; got != want {
		t.Errorf("servers %q, want the operation's own %q", got, want)
	}
}

func TestDetailLimits(t *testing.T) {
	d := mustParse(t, []byte(detailSpec))
	op, _ := d.FindOperation("listOrders")
	tests := []struct {
		name  string
		lim   SchemaLimits
		check func(t *testing.T, items map[string]any)
	}{
		{"depth", SchemaLimits{Depth: 1}, func(t *testing.T, items map[string]any) {
			customer := items["properties"].(map[string]any)["customer"].(map[string]any)
			if customer["$ref"] != "#/components/schemas/Customer" || !strings.Contains(customer["x-cut"].(string), "deeper than the 1 levels") {
				t.Errorf("customer %v, want a stub cut by depth", customer)
			}
		}},
		{"properties", SchemaLimits{Depth: 5, Properties: 2}, func(t *testing.T, items map[string]any) {
			props := items["properties"].(map[string]any)
			if len(props) != 2 || props["id"] == nil || props["status"] == nil {
				t.Errorf("properties %v, want the two required ones", props)
			}
			if items["x-cut"] != "2 of 5 properties shown (required ones first)" {
				t.Errorf("x-cut %v", items["x-cut"])
			}
		}},
		{"text", SchemaLimits{Depth: 5, Text: 20}, func(t *testing.T, items map[string]any) {
			desc := items["properties"].(map[string]any)["id"].(map[string]any)["description"].(string)
			if desc != "The order's id, a…" {
				t.Errorf("description %q, want it cut at a word", desc)
			}
		}},
		{"nodes", SchemaLimits{Depth: 5, Nodes: 2}, func(t *testing.T, items map[string]any) {
			customer := items["properties"].(map[string]any)["customer"].(map[string]any)
			if !strings.Contains(customer["x-cut"].(string), "size limit") {
				t.Errorf("customer %v, want a stub cut by the node budget", customer)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			det, _ := d.Detail(op, tt.lim)
			arr := asJSON(t, map[string]any{"s": det.Responses[0].Schema})["s"].(map[string]any)
			if arr["type"] != "array" {
				t.Fatalf("schema %v, want an array", arr)
			}
			tt.check(t, arr["items"].(map[string]any))
			if !det.Cut {
				t.Error("Cut = false, want true")
			}
		})
	}
}

func TestDetailEnumCut(t *testing.T) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n        - name: c\n          in: query\n          schema:\n            type: string\n            enum: [")
	for i := 0; i < 60; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("v")
		b.WriteString(strings.Repeat("x", i%5))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(string(rune('a' + i/26)))
	}
	b.WriteString("]\n      responses: {'200': {description: ok}}\n")
	d := mustParse(t, []byte(b.String()))
	op, _ := d.FindOperation("GET /x")
	det, _ := d.Detail(op, SchemaLimits{Depth: 3})
	s := asJSON(t, map[string]any{"s": det.Parameters[0].Schema})["s"].(map[string]any)
	if n := len(s["enum"].([]any)); n != maxEnum {
		t.Errorf("%d enum values, want %d", n, maxEnum)
	}
	if s["x-cut"] != "50 of 60 enum values shown" || !det.Cut {
		t.Errorf("x-cut %v, cut %v", s["x-cut"], det.Cut)
	}
}
