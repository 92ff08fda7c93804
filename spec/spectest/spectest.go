// Package spectest holds small OpenAPI descriptions that tests across
// Portico share: a valid API and a breaking revision of it.
package spectest

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
