package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/gateway"
)

// Request body limits, by class of route. The server reads no body larger
// than SpecBodyLimit; each route then refuses a body beyond its class's
// limit (413, a problem document for programs, the error page for
// browsers) before it is authenticated, parsed or stored.
const (
	// SpecBodyLimit is the limit of the routes that take an OpenAPI
	// description (spec.MaxSize, 10 MiB, and the form or JSON around it);
	// it is the server-wide limit.
	SpecBodyLimit = 16 << 20
	// UsageBodyLimit is the limit of a gateway node's usage batch.
	UsageBodyLimit = gateway.MaxUsageBatchBytes
	// FormBodyLimit is the limit of every other route: forms and JSON
	// bodies, whose longest text (a description of 20,000 characters)
	// fits even percent-encoded.
	FormBodyLimit = 256 << 10
)

// specUpload reports whether the route takes an OpenAPI description.
func (r Route) specUpload() bool {
	switch r.Method + " " + r.Path {
	case "POST /apis/:api/versions", "POST /apis/:api/versions/:version/spec",
		"POST /api/v1/apis/:api/versions", "PUT /api/v1/apis/:api/versions/:version":
		return true
	}
	return false
}

// BodyLimit is the largest request body the route accepts, in bytes.
func (r Route) BodyLimit() int {
	switch {
	case r.specUpload():
		return SpecBodyLimit
	case r.Method == fiber.MethodPost && r.Path == gateway.UsagePath:
		return UsageBodyLimit
	}
	return FormBodyLimit
}

// limitBody refuses a request whose announced or read body exceeds the
// route's limit. A page's refusal reads the session first, so that the error
// page has the user's navigation, as every page has.
func (h *Handler) limitBody(r Route) fiber.Handler {
	max := r.BodyLimit()
	var msg string
	if max >= 1<<20 {
		msg = fmt.Sprintf("The request is larger than the %d MiB this address accepts.", max>>20)
	} else {
		msg = fmt.Sprintf("The request is larger than the %d KiB this address accepts: shorten the texts sent.", max>>10)
	}
	return func(c *fiber.Ctx) error {
		if c.Request().Header.ContentLength() > max || len(c.Request().Body()) > max {
			if !r.API() && r.Perm.Scope != Node {
				if err := h.authenticateSession(c); err == nil {
					h.ensureCSRF(c) //nolint:errcheck // the page is an error page either way
				}
			}
			return clientError(fiber.StatusRequestEntityTooLarge, msg)
		}
		return c.Next()
	}
}
