// Package agent serves the catalog to AI agents over the Model Context
// Protocol (MCP): tools that search the catalog and read an API's versions
// and operations, and each version's OpenAPI description as a resource.
//
// An agent acts for the user whose personal access token it sends, and sees
// exactly what that user sees in the catalog: the search runs as the user
// (catalog.ViewerOf, catalog.Search) and every API and version is read
// through the lifecycle's visibility rules (lifecycle.Service.VisibleAPI and
// friends), which answer a hidden API like a missing one.
//
// The transport is MCP's Streamable HTTP, stateless: every POST is answered
// on its own with a JSON body, so any portal instance behind a load balancer
// answers any request and nothing is kept between them.
package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// DefaultCallsPerMinute is the default of Options.CallsPerMinute.
const DefaultCallsPerMinute = 120

// maxRequestBody bounds one MCP request: tool arguments are a few short
// strings.
const maxRequestBody = 1 << 20

// instructions tell the model what the server is for and how its tools fit
// together.
const instructions = `Portico is this organisation's API catalog. Everything you see is what your user may see.
Find APIs with search_apis (by purpose, name, tag or operation), then read one with get_api (description and versions),
list its endpoints with list_operations, and read one endpoint's parameters, request body and responses with get_operation.
my_subscriptions lists the user's apps and their subscriptions (never key secrets).
Each version's full OpenAPI description is the resource portico://apis/{api}/versions/{version}/openapi.json.`

// Options configures a Server.
type Options struct {
	Store     *store.Store
	Lifecycle *lifecycle.Service
	// Search is the catalog's index; nil makes search_apis answer that
	// search is not available.
	Search search.Index
	// Subscriptions gives get_api the API's plans and my_subscriptions
	// the user's apps and subscriptions; nil leaves both out.
	Subscriptions *subscriptions.Service
	// Logger receives one line per tool call or resource read; nil discards.
	Logger *slog.Logger
	// Version is the portal's version, told to clients.
	Version string
	// CallsPerMinute and Burst limit the tool calls and resource reads of
	// each token: Burst at once, refilled at CallsPerMinute. Zero means
	// DefaultCallsPerMinute, and a burst of a quarter of CallsPerMinute.
	CallsPerMinute, Burst int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// PublicGatewayURL is the gateway nodes' public base URL (as
	// gateway.ParsePublicURL returns it): get_api gives each published or
	// deprecated version the URL to call it at. Empty leaves it out.
	PublicGatewayURL string
	// Gateway tells get_api, beside each URL, how many gateway nodes serve
	// the version's current settings; nil leaves the counts out.
	Gateway *control.Service
}

// Caller is who an MCP request acts for: the user of the personal access
// token it carried, and that token's id (calls are limited per token).
type Caller struct {
	User    *store.User
	TokenID int64
}

// Server answers MCP requests.
type Server struct {
	store   *store.Store
	life    *lifecycle.Service
	index   search.Index
	subs    *subscriptions.Service
	log     *slog.Logger
	version string
	// gatewayURL is Options.PublicGatewayURL.
	gatewayURL string
	gw         *control.Service
	limits     *limiter
	schemas    *mcp.SchemaCache
	http       *mcp.StreamableHTTPHandler
}

// New returns a Server.
func New(opts Options) *Server {
	s := &Server{store: opts.Store, life: opts.Lifecycle, index: opts.Search, subs: opts.Subscriptions, log: opts.Logger, version: opts.Version, schemas: mcp.NewSchemaCache(),
		gatewayURL: opts.PublicGatewayURL, gw: opts.Gateway}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.version == "" {
		s.version = "dev"
	}
	perMinute, burst := opts.CallsPerMinute, opts.Burst
	if perMinute <= 0 {
		perMinute = DefaultCallsPerMinute
	}
	if burst <= 0 {
		burst = max(1, perMinute/4)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s.limits = newLimiter(perMinute, burst, now)
	s.http = mcp.NewStreamableHTTPHandler(func(r *http.Request) *mcp.Server {
		srv, _ := r.Context().Value(serverKey{}).(*mcp.Server)
		return srv
	}, &mcp.StreamableHTTPOptions{
		Stateless:           true,
		JSONResponse:        true,
		MaxRequestBodyBytes: maxRequestBody,
		// Every request carries a bearer token that a page cannot read or
		// set, so DNS rebinding gains nothing; and the check would refuse
		// a reverse proxy on the same host that forwards its own Host.
		DisableLocalhostProtection: true,
	})
	return s
}

type serverKey struct{}

// MaxBatch is the most messages one JSON-RPC batch may hold (MCP before
// 2025-06-18 allows batches; later versions do not). The calls of a batch
// are each rate limited, but listing the tools or templates and pings are
// not calls: a batch of thousands of tools/list made a request of a few
// hundred kilobytes answer tens of megabytes.
const MaxBatch = 20

// ServeHTTP answers one request of the Streamable HTTP transport as caller,
// whom the portal has authenticated.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request, caller Caller) {
	if r.Method == http.MethodPost && r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if err != nil {
			http.Error(w, "failed to read body", http.StatusBadRequest)
			return
		}
		if batchTooLarge(body) {
			http.Error(w, fmt.Sprintf("a JSON-RPC batch holds at most %d messages", MaxBatch), http.StatusRequestEntityTooLarge)
			return
		}
		// The transport reads the body again, and bounds it (a body over
		// maxRequestBody is refused there).
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	}
	srv := s.newSession(caller)
	s.http.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), serverKey{}, srv)))
}

// newSession builds the MCP server of one request, its tools bound to the
// caller. Tool schemas are derived once and cached.
func (s *Server) newSession(caller Caller) *mcp.Server {
	srv := mcp.NewServer(&mcp.Implementation{Name: "portico", Title: "Portico API catalog", Version: s.version}, &mcp.ServerOptions{
		Instructions: instructions,
		SchemaCache:  s.schemas,
	})
	t := &tools{s: s, caller: caller}
	t.register(srv)
	srv.AddReceivingMiddleware(s.recoverPanics, s.meter(caller), notFoundAsJSON, nullArguments)
	return srv
}

// recoverPanics turns a panic while answering a request into an internal
// error for that request, logged with its stack. The SDK runs a request's
// handlers in a goroutine of its own that nothing else recovers, so a
// panic there (in a tool, or in the SDK's decoding of its arguments, as a
// null once did) ended the portal's process for every user.
func (s *Server) recoverPanics(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (res mcp.Result, err error) {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("mcp request panicked", "method", method, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				res, err = nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "Something went wrong on our side. It has been logged."}
			}
		}()
		return next(ctx, method, req)
	}
}

// nullArguments reads a tool call whose arguments are JSON null as a call
// without arguments. The SDK decoded null into a nil map and then set the
// schema's defaults in it (search_apis has one): the panic, in the SDK's
// own goroutine, ended the portal's process.
func nullArguments(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if r, ok := req.(*mcp.CallToolRequest); ok && r.Params != nil && bytes.Equal(bytes.TrimSpace(r.Params.Arguments), []byte("null")) {
			r.Params.Arguments = json.RawMessage("{}")
		}
		return next(ctx, method, req)
	}
}

// notFoundAsJSON gives the error of a read its data as JSON. The SDK's
// ResourceNotFoundError quotes the URI into its data with Go's %q, which is
// not JSON for a control character or DEL: the answer could not be encoded
// and the client got an empty body for its read.
func notFoundAsJSON(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		var rpc *jsonrpc.Error
		if r, ok := req.(*mcp.ReadResourceRequest); ok && errors.As(err, &rpc) && len(rpc.Data) > 0 && !json.Valid(rpc.Data) {
			data, _ := json.Marshal(map[string]string{"uri": r.Params.URI}) // a map of strings always encodes
			err = &jsonrpc.Error{Code: rpc.Code, Message: rpc.Message, Data: data}
		}
		return res, err
	}
}

// meter limits and logs the tool calls and resource reads of caller: user,
// tool (or "resources/read"), duration, result size and outcome. Arguments
// are not logged, and the token never reaches this package.
func (s *Server) meter(caller Caller) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			var name string
			switch r := req.(type) {
			case *mcp.CallToolRequest:
				name = r.Params.Name
			case *mcp.ReadResourceRequest:
				name = method
			default:
				return next(ctx, method, req)
			}
			start := time.Now()
			if wait, ok := s.limits.allow(caller.TokenID); !ok {
				s.logCall(caller, name, start, 0, "rate_limited")
				secs := int64((wait + time.Second - 1) / time.Second)
				msg := fmt.Sprintf("Rate limit reached: %d calls a minute per token. Try again in %ds.", s.limits.perMinute, secs)
				if method == "resources/read" {
					return nil, errors.New(msg)
				}
				res := &mcp.CallToolResult{}
				res.SetError(errors.New(msg))
				return res, nil
			}
			res, err := next(ctx, method, req)
			outcome := "ok"
			if cr, ok := res.(*mcp.CallToolResult); err != nil || (ok && cr.IsError) {
				outcome = "error"
			}
			s.logCall(caller, name, start, resultSize(res), outcome)
			return res, err
		}
	}
}

func (s *Server) logCall(caller Caller, tool string, start time.Time, size int, outcome string) {
	s.log.Info("mcp call", "user", caller.User.Username, "tool", tool,
		"duration_ms", time.Since(start).Milliseconds(), "result_bytes", size, "outcome", outcome)
}

// resultSize is the size of a result as sent: its JSON for a tool call,
// the contents for a resource read.
func resultSize(res mcp.Result) int {
	switch r := res.(type) {
	case *mcp.ReadResourceResult:
		if r == nil {
			return 0
		}
		n := 0
		for _, c := range r.Contents {
			n += len(c.Text) + len(c.Blob)
		}
		return n
	case *mcp.CallToolResult:
		if r == nil {
			return 0
		}
	case nil:
		return 0
	}
	b, err := json.Marshal(res)
	if err != nil {
		return 0
	}
	return len(b)
}

// batchTooLarge reports whether body is a JSON array of more than MaxBatch
// elements. Anything else (a single message, malformed JSON) is left to the
// transport to answer.
func batchTooLarge(body []byte) bool {
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '[' {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return false
	}
	n := 0
	for dec.More() {
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
		if n++; n > MaxBatch {
			return true
		}
	}
	return false
}
