package spec

import (
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
