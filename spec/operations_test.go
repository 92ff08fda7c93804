package spec

import (
	"fmt"
	"slices"
	"testing"
)

const operationsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1.0"}
servers:
  - url: https://api.example.com/v1
  - url: https://sandbox.example.com/v1
tags:
  - name: pets
  - name: admin
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    trace:
      responses: {"200": {description: ok}}
    patch:
      responses: {"200": {description: ok}}
    head:
      responses: {"200": {description: ok}}
    options:
      responses: {"200": {description: ok}}
    delete:
      tags: [pets]
      deprecated: true
      responses: {"204": {description: gone}}
    post:
      responses: {"200": {description: ok}}
    put:
      responses: {"200": {description: ok}}
    get:
      operationId: getPet
      summary: Get a pet
      description: Returns one pet.
      tags: [pets, store]
      responses: {"200": {description: ok}}
  /pets:
    get:
      operationId: listPets
      tags: [extra, pets]
      responses: {"200": {description: ok}}
`

func TestOperations(t *testing.T) {
	d := mustParse(t, []byte(operationsSpec))
	ops := d.Operations()

	var got []string
	for _, op := range ops {
		got = append(got, op.Method+" "+op.Path)
	}
	want := []string{
		"GET /pets",
		"GET /pets/{id}", "PUT /pets/{id}", "POST /pets/{id}", "DELETE /pets/{id}",
		"OPTIONS /pets/{id}", "HEAD /pets/{id}", "PATCH /pets/{id}", "TRACE /pets/{id}",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("operations: got %q, want %q", got, want)
	}

	get := ops[1]
	if get.OperationID != "getPet" || get.Summary != "Get a pet" || get.Description != "Returns one pet." ||
		!slices.Equal(get.Tags, []string{"pets", "store"}) || get.Deprecated {
		t.Errorf("GET /pets/{id}: got %+v, want operationId getPet, its summary, description and tags", get)
	}
	if del := ops[4]; !del.Deprecated {
		t.Errorf("DELETE /pets/{id} Deprecated: got false, want true")
	}
}

func TestTagsAndServers(t *testing.T) {
	d := mustParse(t, []byte(operationsSpec))
	if got, want := d.Tags(), []string{"pets", "admin", "extra", "store"}; !slices.Equal(got, want) {
		t.Errorf("Tags: got %q, want %q", got, want)
	}
	if got, want := d.Servers(), []string{"https://api.example.com/v1", "https://sandbox.example.com/v1"}; !slices.Equal(got, want) {
		t.Errorf("Servers: got %q, want %q", got, want)
	}
}

func TestSwaggerServers(t *testing.T) {
	d := mustParse(t, []byte("swagger: '2.0'\ninfo: {title: T, version: '1'}\nhost: api.example.com\nbasePath: /v2\nschemes: [https]\npaths: {/a: {get: {responses: {\"200\": {description: ok}}}}}\n"))
	if got, want := d.Servers(), []string{"https://api.example.com/v2"}; !slices.Equal(got, want) {
		t.Errorf("Servers: got %q, want %q", got, want)
	}
}

const webhooksSpec = `openapi: 3.1.0
info: {title: Pets, version: "1.0"}
servers: [{url: "https://api.example.com"}]
paths:
  /pets:
    post:
      operationId: addPet
      summary: Add a pet
      tags: [pets]
      callbacks:
        petAdopted:
          "{$request.body#/callbackUrl}":
            post:
              operationId: onPetAdopted
              summary: The added pet was adopted
              requestBody:
                content:
                  application/json:
                    schema: {type: object, properties: {pet: {type: string}}}
              responses: {"200": {description: received}}
      responses: {"201": {description: created}}
webhooks:
  petSold:
    post:
      operationId: onPetSold
      summary: A pet was sold
      tags: [sales]
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {id: {type: string}}}
      responses: {"200": {description: received}}
  /adopted:
    put:
      summary: A pet was adopted
      responses: {"200": {description: received}}
    post:
      summary: An adoption was asked for
      responses: {"200": {description: received}}
`

func TestOperationsListWebhooksAfterPaths(t *testing.T) {
	d := mustParse(t, []byte(webhooksSpec))
	var got []string
	for _, op := range d.Operations() {
		got = append(got, fmt.Sprintf("%s %s %v %q %q %v %s", op.Method, op.Path, op.Webhook, op.Callback, op.CallbackOf, op.Sent(), op.Summary))
	}
	want := []string{
		`POST /pets false "" "" false Add a pet`,
		`POST {$request.body#/callbackUrl} false "petAdopted" "POST /pets" true The added pet was adopted`,
		`PUT /adopted true "" "" true A pet was adopted`, `POST /adopted true "" "" true An adoption was asked for`,
		`POST petSold true "" "" true A pet was sold`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("operations: got %q, want %q", got, want)
	}
	if got, want := d.Tags(), []string{"pets", "sales"}; !slices.Equal(got, want) {
		t.Errorf("Tags: got %q, want %q (a webhook's tags count)", got, want)
	}
}

func TestFindAndDetailAWebhook(t *testing.T) {
	d := mustParse(t, []byte(webhooksSpec))
	op, ok := d.FindOperation("onPetSold")
	if !ok || !op.Webhook || op.Path != "petSold" {
		t.Fatalf("FindOperation(onPetSold): got %+v, %v, want the webhook petSold", op, ok)
	}
	// "METHOD /path" names a path: the webhook named /adopted is not one.
	if op, ok := d.FindOperation("PUT /adopted"); ok {
		t.Errorf("FindOperation(PUT /adopted): got %+v, want none (a webhook, not a path)", op)
	}
	det, ok := d.Detail(op, SchemaLimits{Depth: 4})
	if !ok {
		t.Fatalf("Detail(petSold): got false, want its detail")
	}
	if det.RequestBody == nil || det.RequestBody.ContentType != "application/json" {
		t.Errorf("Detail(petSold) request body: got %+v, want the JSON body the webhook sends", det.RequestBody)
	}
	if len(det.Servers) != 0 {
		t.Errorf("Detail(petSold) servers: got %q, want none (a webhook goes to the consumer's URL)", det.Servers)
	}
	cb, ok := d.FindOperation("onPetAdopted")
	if !ok || cb.Callback != "petAdopted" || cb.CallbackOf != "POST /pets" {
		t.Fatalf("FindOperation(onPetAdopted): got %+v, %v, want the callback petAdopted of POST /pets", cb, ok)
	}
	cbd, ok := d.Detail(cb, SchemaLimits{Depth: 4})
	if !ok || cbd.RequestBody == nil || len(cbd.Servers) != 0 {
		t.Errorf("Detail(onPetAdopted): got %+v, %v, want its body and no servers", cbd, ok)
	}
	if ov := d.Overview(); len(ov.Groups) == 0 || ov.Groups[0].Tag != "pets" || len(ov.Groups[0].Operations) != 2 || ov.Groups[0].Operations[1].Callback != "petAdopted" {
		t.Errorf("Overview: got %+v, want the callback listed after POST /pets under its tag", ov.Groups)
	}
	// A path operation with the webhook's method and name is not the webhook.
	if _, ok := d.Detail(Operation{Method: "POST", Path: "petSold"}, SchemaLimits{Depth: 1}); ok {
		t.Errorf("Detail(POST petSold as a path): got true, want false")
	}
}
