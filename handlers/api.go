package handlers

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"
)

//go:embed openapi.json
var apiDescription []byte

// APIDescription serves the OpenAPI description of the JSON API.
func (h *Handler) APIDescription(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(apiDescription)
}

// decodeJSON reads a JSON body strictly: unknown fields and trailing data are errors.
func decodeJSON(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return clientError(fiber.StatusBadRequest, "The request body is empty; send a JSON object.")
		}
		return clientError(fiber.StatusBadRequest, "The request body is not valid JSON for this operation: "+err.Error())
	}
	// Nothing but white space may follow: dec.More is false before a
	// stray "]" or "}", so read on and want the end.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return clientError(fiber.StatusBadRequest, "The request body has data after the JSON object.")
	}
	return nil
}

// decodeOptionalJSON decodes a JSON body that may be absent.
func decodeOptionalJSON(c *fiber.Ctx, v any) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return nil
	}
	return decodeJSON(c, v)
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
