package handlers

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/agent"
	"github.com/portico-dev/portico/store"
)

func currentToken(c *fiber.Ctx) *store.APIToken {
	t, _ := c.Locals(tokenKey).(*store.APIToken)
	return t
}

// ServeMCP hands a request of the MCP endpoint to the agent server, acting
// for the user of the bearer token that authenticate checked.
func (h *Handler) ServeMCP(c *fiber.Ctx) error {
	caller := agent.Caller{User: currentUser(c)}
	if t := currentToken(c); t != nil {
		caller.TokenID = t.ID
	}
	return serveHTTP(c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.agent.ServeHTTP(w, r, caller)
	}))
}
