package agent_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/portico-dev/portico/agent"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// portal is a whole portal listening on a loopback port, with an embedded
// search index, as `portico serve` wires it.
type portal struct {
	t     testing.TB
	store *store.Store
	life  *lifecycle.Service
	subs  *subscriptions.Service
	index *search.Bleve
	gw    *handlers.GatewayParts
	admin *store.User
	url   string
	logs  *logtest.Buffer
	now   time.Time
	clock sync.Mutex
}

// newPortal serves a portal over s. limits sets the agent's rate limit
// (calls a minute, burst); zero values keep the defaults.
func newPortal(t testing.TB, s *store.Store, perMinute, burst int) *portal {
	t.Helper()
	return newPortalAt(t, s, perMinute, burst, "")
}

// newPortalAt is newPortal told the gateways' public base URL.
func newPortalAt(t testing.TB, s *store.Store, perMinute, burst int, gatewayURL string) *portal {
	t.Helper()
	ctx := context.Background()
	p := &portal{t: t, store: s, logs: &logtest.Buffer{}, now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	enforcer, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	p.life = lifecycle.New(s, enforcer, lifecycle.Options{MinSunsetNotice: 24 * time.Hour})
	p.index, err = search.OpenBleve(filepath.Join(t.TempDir(), "search.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.index.Close() })
	log := slog.New(slog.NewTextHandler(p.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p.subs = subscriptions.New(s, enforcer, p.life, subscriptions.Options{Now: p.clockNow})
	p.gw = handlers.NewGatewayParts(s, enforcer, log)
	ag := agent.New(agent.Options{Store: s, Lifecycle: p.life, Search: p.index, Subscriptions: p.subs, Logger: log, Version: "test",
		CallsPerMinute: perMinute, Burst: burst, Now: p.clockNow, PublicGatewayURL: gatewayURL, Gateway: p.gw.Service})
	app := handlers.New(s, enforcer, handlers.Options{Logger: log, Hasher: auth.NewTestHasher(), Lifecycle: p.life, Search: p.index, Subscriptions: p.subs, Agent: ag,
		PublicGatewayURL: gatewayURL, Gateway: p.gw}).App()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	p.url = "http://" + ln.Addr().String()
	p.admin = p.user("admin", policy.RoleAdmin, "", "")
	return p
}

func (p *portal) clockNow() time.Time {
	p.clock.Lock()
	defer p.clock.Unlock()
	return p.now
}

func (p *portal) advance(d time.Duration) {
	p.clock.Lock()
	defer p.clock.Unlock()
	p.now = p.now.Add(d)
}

// team returns the team with slug, creating it when needed.
func (p *portal) team(slug string) *store.Team {
	p.t.Helper()
	ctx := context.Background()
	if t, err := p.store.TeamBySlug(ctx, slug); err == nil {
		return t
	}
	t := &store.Team{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:]}
	if err := p.store.CreateTeam(ctx, p.store.DB(), t); err != nil {
		p.t.Fatal(err)
	}
	return t
}

// user creates a user with an org role and, when team is set, a team role.
func (p *portal) user(name, orgRole, team, teamRole string) *store.User {
	p.t.Helper()
	ctx := context.Background()
	u := &store.User{Username: name, OrgRole: orgRole, PasswordHash: "unused"}
	if err := p.store.CreateUser(ctx, p.store.DB(), u); err != nil {
		p.t.Fatal(err)
	}
	if team != "" {
		if _, err := p.store.SetTeamMember(ctx, p.store.DB(), p.team(team).ID, u.ID, teamRole); err != nil {
			p.t.Fatal(err)
		}
	}
	return u
}

// token issues a personal access token; it returns the token and its id.
func (p *portal) token(u *store.User) (string, int64) {
	p.t.Helper()
	tok, display := auth.NewPersonalToken()
	row := &store.APIToken{UserID: u.ID, Name: "agent", Prefix: display, TokenHash: auth.HashToken(tok)}
	if err := p.store.CreateToken(context.Background(), p.store.DB(), row); err != nil {
		p.t.Fatal(err)
	}
	return tok, row.ID
}

// api creates an API in team and publishes each of published (as an org
// admin's import); drafts stay drafts.
func (p *portal) api(team string, in lifecycle.APIInput, specText []byte, published []string, drafts ...string) *store.API {
	p.t.Helper()
	ctx := context.Background()
	a, err := p.life.CreateAPI(ctx, p.admin, p.team(team), in)
	if err != nil {
		p.t.Fatalf("create %s: %v", in.Slug, err)
	}
	for _, version := range published {
		v, err := p.life.CreateVersion(ctx, p.admin, a, version, specText)
		if err != nil {
			p.t.Fatalf("version %s of %s: %v", version, in.Slug, err)
		}
		if err := p.life.Import(ctx, p.admin, a, v); err != nil {
			p.t.Fatalf("import %s of %s: %v", version, in.Slug, err)
		}
	}
	for _, version := range drafts {
		if _, err := p.life.CreateVersion(ctx, p.admin, a, version, specText); err != nil {
			p.t.Fatalf("draft %s of %s: %v", version, in.Slug, err)
		}
	}
	return a
}

// reindex rebuilds the search index from the database.
func (p *portal) reindex() {
	p.t.Helper()
	if _, err := catalog.Reindex(context.Background(), p.store, p.index, nil); err != nil {
		p.t.Fatal(err)
	}
}

// bearer adds a token to every request.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// connect opens an MCP session with the SDK's own client, as token.
func (p *portal) connect(token string) (*mcp.ClientSession, error) {
	client := mcp.NewClient(&mcp.Implementation{Name: "portico-test", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:   p.url + "/mcp",
		HTTPClient: &http.Client{Transport: bearer{token}, Timeout: 30 * time.Second},
		MaxRetries: -1,
	}, nil)
}

func (p *portal) mustConnect(token string) *mcp.ClientSession {
	p.t.Helper()
	cs, err := p.connect(token)
	if err != nil {
		p.t.Fatalf("connect: %v", err)
	}
	p.t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool and returns its result and the text of its content.
func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (*mcp.CallToolResult, string) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return res, b.String()
}

// structured calls a tool that must succeed and decodes its structured
// result into out.
func structured(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any, out any) string {
	t.Helper()
	res, text := call(t, cs, tool, args)
	if res.IsError {
		t.Fatalf("%s %v: tool error %q", tool, args, text)
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: decode %s: %v", tool, raw, err)
	}
	return string(raw)
}

// toolError calls a tool that must fail and returns its message.
func toolError(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) string {
	t.Helper()
	res, text := call(t, cs, tool, args)
	if !res.IsError {
		t.Fatalf("%s %v: succeeded with %s, want an error", tool, args, text)
	}
	return text
}

// getJSON calls the JSON API as token.
func (p *portal) getJSON(path, token string, out any) int {
	p.t.Helper()
	req, err := http.NewRequest("GET", p.url+path, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	if out != nil && res.StatusCode == 200 {
		if err := json.Unmarshal(raw, out); err != nil {
			p.t.Fatalf("GET %s: %v in %s", path, err, raw)
		}
	}
	return res.StatusCode
}

// smsSpec is a small public API's description.
var smsSpec = []byte(`openapi: 3.0.3
info: {title: SMS, version: 1.0.0}
servers: [{url: "https://sms.example.com"}]
paths:
  /messages:
    post:
      operationId: sendSms
      summary: Send an SMS
      tags: [messages]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Message"}
      responses:
        "201":
          description: Sent.
          content:
            application/json: {schema: {$ref: "#/components/schemas/Message"}}
    get:
      operationId: listMessages
      summary: List sent messages
      tags: [messages]
      parameters: [{name: limit, in: query, schema: {type: integer, maximum: 100}}]
      responses:
        "200":
          description: Messages.
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Message"}}}
  /messages/{id}:
    get:
      operationId: getMessage
      summary: Get a message
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: The message.}}
components:
  schemas:
    Message:
      type: object
      required: [to, text]
      properties:
        to: {type: string, description: Phone number in E.164.}
        text: {type: string, maxLength: 160}
`)

// ledgerSpec is the description of a team-only API, with words found
// nowhere else.
var ledgerSpec = []byte(`openapi: 3.0.3
info: {title: Quillwort ledger, version: 1.0.0}
paths:
  /entries/reconcile:
    post:
      operationId: reconcileQuillwortEntries
      summary: Reconcile quillwort entries
      responses: {"204": {description: Reconciled.}}
`)

// billingSpec is a public API's description, with a webhook; its draft is
// team work.
var billingSpec = []byte(`openapi: 3.1.0
info: {title: Billing, version: 1.0.0}
servers: [{url: "https://billing.example.com"}]
paths:
  /invoices:
    get:
      operationId: listInvoices
      summary: List invoices
      responses: {"200": {description: Invoices.}}
    post:
      operationId: createInvoice
      summary: Create an invoice
      callbacks:
        invoiceSent:
          "{$request.body#/notify}":
            post:
              operationId: onInvoiceSent
              summary: The invoice was sent
              responses: {"200": {description: Received.}}
      responses: {"201": {description: Created.}}
webhooks:
  invoicePaid:
    post:
      operationId: onInvoicePaid
      summary: An invoice was paid
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {invoice: {type: string}}}
      responses: {"200": {description: Received.}}
`)

// catalogFixture publishes the APIs the tests read: sms (commerce, public),
// billing (payments, public, 1.0.0 published and 1.1.0 a draft) and
// quillwort (payments, team-only, tagged quillwort-secret).
func (p *portal) catalogFixture() {
	p.t.Helper()
	p.api("commerce", lifecycle.APIInput{Slug: "sms", Name: "SMS API", Summary: "Send text messages.", Tags: []string{"messaging"}, Visibility: store.VisibilityPublic},
		smsSpec, []string{"1.0.0"})
	p.api("payments", lifecycle.APIInput{Slug: "billing", Name: "Billing", Summary: "Invoices.", Tags: []string{"money"}, Visibility: store.VisibilityPublic},
		billingSpec, []string{"1.0.0"}, "1.1.0")
	p.api("payments", lifecycle.APIInput{Slug: "quillwort", Name: "Quillwort ledger", Summary: "The quillwort books.", Tags: []string{"money", "quillwort-secret"},
		Visibility: store.VisibilityTeam}, ledgerSpec, []string{"1.0.0"})
	p.reindex()
}
