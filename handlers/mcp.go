package handlers

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/agent"
	"github.com/portico-dev/portico/store"
)

func currentToken(c *fiber.Ctx) *store.APIToken {
	t, _ := c.Locals(tokenKey).(*store.APIToken)
	return t
}

// ServeMCP hands a request of the MCP endpoint to the agent server, acting
// for the user of the bearer token that authenticate checked. The errors the
// transport answers in plain text (a missing Accept, a GET, a body that is
// not JSON) are turned into problem documents, as the rest of the API
// answers.
func (h *Handler) ServeMCP(c *fiber.Ctx) error {
	caller := agent.Caller{User: currentUser(c)}
	if t := currentToken(c); t != nil {
		caller.TokenID = t.ID
	}
	path := c.Path()
	return serveHTTP(c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pw := &problemWriter{ResponseWriter: w}
		h.agent.ServeHTTP(pw, r, caller)
		if pw.status == 0 {
			return
		}
		detail := strings.TrimSpace(pw.text.String())
		if pw.status >= 500 {
			h.log.Error("request failed", "method", r.Method, "path", path, "err", detail)
			detail = "Something went wrong on our side. It has been logged."
		}
		p := problem{Type: "about:blank", Title: http.StatusText(pw.status), Status: pw.status, Detail: detail, Instance: path}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(pw.status)
		_ = json.NewEncoder(w).Encode(p)
	}))
}

// maxProblemDetail bounds the transport's message kept as a problem's detail.
const maxProblemDetail = 300

// problemWriter holds back an error answered in anything but JSON, keeping
// its status and the start of its text, for ServeMCP to answer as a
// problem document. Every other answer passes through.
type problemWriter struct {
	http.ResponseWriter
	status int // the held-back error's status; 0 while passing through
	text   strings.Builder
}

func (w *problemWriter) WriteHeader(status int) {
	if status >= 400 && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		w.status = status
		w.Header().Del("Content-Type")
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *problemWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		return w.ResponseWriter.Write(b)
	}
	if room := maxProblemDetail - w.text.Len(); room > 0 {
		w.text.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}

// Flush lets the transport stream an answer that is not held back.
func (w *problemWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok && w.status == 0 {
		f.Flush()
	}
}
