package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	portauth "github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/gateway"
)

// Authenticator finds the node a token belongs to. The portal stores node
// tokens hashed; a revoked or unknown token returns ErrUnknownNode.
type Authenticator interface {
	AuthenticateNode(ctx context.Context, token string) (Node, error)
}

// Node is a node's registration: its name, and the id of the registration
// the token belongs to. A name is registered again (with a new id, greater
// than the old one's) to replace a node's token.
type Node struct {
	Name string
	ID   int64
}

// ErrUnknownNode is an unknown or revoked node token.
var ErrUnknownNode = errors.New("unknown node token")

// Handler serves POST gateway.SyncPath over net/http: it authenticates the
// node's bearer token, reads the bounded request, calls Sync and writes the
// reply (gzip when the node accepts it). A fiber portal mounts it with the
// adaptor middleware or calls Hub.Sync the same way.
func (h *Hub) Handler(auth Authenticator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			problem(w, http.StatusMethodNotAllowed, "use POST")
			return
		}
		token, ok := portauth.Bearer(r.Header.Get("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="portico-gateway"`)
			problem(w, http.StatusUnauthorized, "a node token is required (Authorization: Bearer)")
			return
		}
		node, err := auth.AuthenticateNode(r.Context(), token)
		if errors.Is(err, ErrUnknownNode) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="portico-gateway", error="invalid_token"`)
			problem(w, http.StatusUnauthorized, "the node token is not valid")
			return
		}
		if err != nil {
			h.log.Error("gateway node not authenticated", "err", err)
			problem(w, http.StatusServiceUnavailable, "the portal cannot check node tokens now")
			return
		}
		body, err := gateway.ReadLimited(r.Body, gateway.MaxSyncRequestBytes)
		if err != nil {
			problem(w, http.StatusRequestEntityTooLarge, "the sync request is larger than 16 KiB")
			return
		}
		// Fields it does not know are ignored: nodes are upgraded before
		// the portals, so a request may come from a newer node, which would
		// otherwise not sync until every portal instance is upgraded.
		var req gateway.SyncRequest
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&req); err != nil {
			problem(w, http.StatusBadRequest, "the sync request is not valid JSON")
			return
		}
		if err := req.Validate(); err != nil {
			problem(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
		if v := r.Header.Get(gateway.ReportHeader); v != "" {
			if req.Report, err = gateway.ParseReport(v); err != nil {
				problem(w, http.StatusBadRequest, err.Error())
				return
			}
		}
		reply, err := h.Sync(r.Context(), node, req)
		switch {
		case errors.Is(err, ErrDisconnected):
			problem(w, http.StatusUnauthorized, "the node was disconnected")
			return
		case r.Context().Err() != nil:
			// The portal is stopping (or the node hung up): a node still
			// there logs why and retries.
			problem(w, http.StatusServiceUnavailable, "the portal is stopping: retry shortly")
			return
		case err != nil:
			h.log.Error("gateway sync failed", "node", node.Name, "err", err)
			problem(w, http.StatusServiceUnavailable, "the portal cannot read the gateway configuration now")
			return
		}
		w.Header().Set("Content-Type", reply.Media)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Add("Vary", "Accept-Encoding")
		out := reply.Body
		if len(out) > 1024 && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			out = reply.Gzip()
			w.Header().Set("Content-Encoding", "gzip")
		}
		if _, err := w.Write(out); err != nil {
			h.log.Debug("gateway sync answer not delivered", "node", node.Name, "err", err)
		}
	})
}

// acceptsGzip reads Accept-Encoding: gzip listed without q=0.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		f, err := strconv.ParseFloat(q, 64)
		return err == nil && f > 0
	}
	return false
}

func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail})
	w.Write(b)
}
