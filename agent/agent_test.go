package agent_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

type searchResult struct {
	Total int `json:"total"`
	Hits  []struct {
		API            string   `json:"api"`
		Name           string   `json:"name"`
		Team           string   `json:"team"`
		State          string   `json:"state"`
		DefaultVersion string   `json:"default_version"`
		Matched        []string `json:"matched"`
	} `json:"hits"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

func (r searchResult) slugs() []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.API)
	}
	return out
}

type apiResult struct {
	API            string `json:"api"`
	Name           string `json:"name"`
	Team           string `json:"team"`
	State          string `json:"state"`
	DefaultVersion string `json:"default_version"`
	Versions       []struct {
		Version  string `json:"version"`
		State    string `json:"state"`
		Resource string `json:"resource"`
	} `json:"versions"`
}

type operationsResult struct {
	Version    string `json:"version"`
	Total      int    `json:"total"`
	Matching   int    `json:"matching"`
	Operations []struct {
		Method      string `json:"method"`
		Path        string `json:"path"`
		OperationID string `json:"operation_id"`
		Webhook     bool   `json:"webhook"`
		Callback    string `json:"callback"`
		CallbackOf  string `json:"callback_of"`
	} `json:"operations"`
}

type operationResult struct {
	Webhook     bool     `json:"webhook"`
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	OperationID string   `json:"operation_id"`
	Servers     []string `json:"servers"`
	Parameters  []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	RequestBody *struct {
		Required bool           `json:"required"`
		Schema   map[string]any `json:"schema"`
	} `json:"request_body"`
	Responses []struct {
		Status string         `json:"status"`
		Schema map[string]any `json:"schema"`
	} `json:"responses"`
	Notes    []string `json:"notes"`
	Resource string   `json:"resource"`
}

// TestToolsMatchTheAPI drives the server with the SDK's own client over
// HTTP: initialize, list the tools, call each one, and compare with what the
// JSON API answers the same user.
func TestToolsMatchTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s, 0, 0)
		p.catalogFixture()
		ann := p.user("ann", policy.RoleMember, "payments", policy.RoleViewer)
		token, _ := p.token(ann)
		cs := p.mustConnect(token)

		init := cs.InitializeResult()
		if init.ServerInfo.Name != "portico" || !strings.Contains(init.Instructions, "search_apis") {
			t.Errorf("server %+v, instructions %q", init.ServerInfo, init.Instructions)
		}
		tools, err := cs.ListTools(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tool := range tools.Tools {
			names = append(names, tool.Name)
			if tool.Description == "" || tool.InputSchema == nil || tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
				t.Errorf("tool %s: description %q, schema %v, annotations %+v", tool.Name, tool.Description, tool.InputSchema, tool.Annotations)
			}
		}
		slices.Sort(names)
		if got, want := strings.Join(names, ","), "get_api,get_operation,list_operations,my_subscriptions,search_apis"; got != want {
			t.Errorf("tools %s, want %s", got, want)
		}
		templates, err := cs.ListResourceTemplates(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(templates.ResourceTemplates) != 1 || templates.ResourceTemplates[0].URITemplate != "portico://apis/{api}/versions/{version}/openapi.json" {
			t.Errorf("resource templates %+v", templates.ResourceTemplates)
		}

		// search_apis finds what /api/v1/search finds, in the same order.
		for _, q := range []struct {
			args  map[string]any
			query string
		}{
			{map[string]any{"query": "sms"}, "q=sms"},
			{map[string]any{"query": ""}, ""},
			{map[string]any{"query": "", "tag": "money"}, "tag=money"},
			{map[string]any{"query": "invoices", "team": "payments"}, "q=invoices&team=payments"},
			{map[string]any{"query": "", "limit": 1}, "per_page=1"},
		} {
			var got searchResult
			structured(t, cs, "search_apis", q.args, &got)
			var want struct {
				Total int `json:"total"`
				Hits  []struct {
					API string `json:"api"`
				} `json:"hits"`
			}
			if status := p.getJSON("/api/v1/search?"+q.query, token, &want); status != 200 {
				t.Fatalf("/api/v1/search?%s: %d", q.query, status)
			}
			var wantSlugs []string
			for _, h := range want.Hits {
				wantSlugs = append(wantSlugs, h.API)
			}
			if got.Total != want.Total || !slices.Equal(got.slugs(), wantSlugs) {
				t.Errorf("search_apis %v: %d %v, want %d %v as /api/v1/search", q.args, got.Total, got.slugs(), want.Total, wantSlugs)
			}
		}
		var sms searchResult
		structured(t, cs, "search_apis", map[string]any{"query": "sms"}, &sms)
		if len(sms.Hits) == 0 || sms.Hits[0].API != "sms" || sms.Hits[0].DefaultVersion != "1.0.0" || sms.Hits[0].Team != "commerce" ||
			len(sms.Hits[0].Matched) == 0 || !strings.Contains(strings.Join(sms.Hits[0].Matched, " "), "**SMS**") {
			t.Errorf("search sms: %+v", sms.Hits)
		}

		// get_api lists the versions the API page lists: a team viewer sees the draft.
		var billing apiResult
		structured(t, cs, "get_api", map[string]any{"api": "billing"}, &billing)
		var page struct {
			Versions []struct {
				Version string `json:"version"`
				State   string `json:"state"`
			} `json:"versions"`
		}
		p.getJSON("/api/v1/apis/billing", token, &page)
		var got, want []string
		for _, v := range billing.Versions {
			got = append(got, v.Version+":"+v.State)
		}
		for _, v := range page.Versions {
			want = append(want, v.Version+":"+v.State)
		}
		if !slices.Equal(got, want) || len(got) != 2 || billing.DefaultVersion != "1.0.0" || billing.Team != "payments" {
			t.Errorf("get_api billing: %v default %q, want %v as /api/v1/apis/billing", got, billing.DefaultVersion, want)
		}
		if billing.Versions[1].Resource != "portico://apis/billing/versions/1.0.0/openapi.json" {
			t.Errorf("resource %q", billing.Versions[1].Resource)
		}

		// list_operations: the default version's operations, filtered by words.
		var ops operationsResult
		structured(t, cs, "list_operations", map[string]any{"api": "sms"}, &ops)
		var lines []string
		for _, op := range ops.Operations {
			lines = append(lines, op.Method+" "+op.Path+" "+op.OperationID)
		}
		if got, want := strings.Join(lines, ","), "GET /messages listMessages,POST /messages sendSms,GET /messages/{id} getMessage"; ops.Version != "1.0.0" || got != want {
			t.Errorf("list_operations sms: %s %s, want 1.0.0 %s", ops.Version, got, want)
		}
		structured(t, cs, "list_operations", map[string]any{"api": "sms", "version": "1.0.0", "filter": "get message id"}, &ops)
		if ops.Total != 3 || ops.Matching != 1 || len(ops.Operations) != 1 || ops.Operations[0].OperationID != "getMessage" {
			t.Errorf("list_operations filtered: %+v", ops)
		}

		// Callbacks and webhooks are listed after the paths, marked; a webhook is found by its operationId, without the
		// API's servers.
		structured(t, cs, "list_operations", map[string]any{"api": "billing", "version": "1.0.0"}, &ops)
		if ops.Total != 4 || len(ops.Operations) != 4 || ops.Operations[0].Webhook || !ops.Operations[3].Webhook ||
			ops.Operations[3].Path != "invoicePaid" || ops.Operations[3].OperationID != "onInvoicePaid" ||
			ops.Operations[2].Callback != "invoiceSent" || ops.Operations[2].CallbackOf != "POST /invoices" {
			t.Errorf("list_operations billing: %+v, want GET and POST /invoices, the callback invoiceSent of POST /invoices, then the webhook invoicePaid", ops)
		}
		var hook operationResult
		structured(t, cs, "get_operation", map[string]any{"api": "billing", "version": "1.0.0", "operation": "onInvoicePaid"}, &hook)
		if !hook.Webhook || hook.Method != "POST" || hook.Path != "invoicePaid" || hook.RequestBody == nil || len(hook.Servers) != 0 {
			t.Errorf("get_operation onInvoicePaid: %+v, want the webhook with its body and no servers", hook)
		}

		// get_operation, by operationId and by method and path.
		for _, name := range []string{"sendSms", "POST /messages", "post /messages"} {
			var op operationResult
			structured(t, cs, "get_operation", map[string]any{"api": "sms", "version": "1.0.0", "operation": name}, &op)
			if op.Method != "POST" || op.Path != "/messages" || op.OperationID != "sendSms" || op.RequestBody == nil || !op.RequestBody.Required {
				t.Fatalf("get_operation %q: %+v", name, op)
			}
			props, _ := op.RequestBody.Schema["properties"].(map[string]any)
			if op.RequestBody.Schema["title"] != "Message" || props["to"] == nil || len(op.Responses) != 1 || op.Responses[0].Schema["title"] != "Message" {
				t.Errorf("get_operation %q: body %v responses %+v, want the Message schema resolved", name, op.RequestBody.Schema, op.Responses)
			}
			if len(op.Servers) != 1 || op.Servers[0] != "https://sms.example.com" || op.Resource != "portico://apis/sms/versions/1.0.0/openapi.json" {
				t.Errorf("get_operation %q: servers %v resource %q", name, op.Servers, op.Resource)
			}
		}
		if msg := toolError(t, cs, "get_operation", map[string]any{"api": "sms", "version": "1.0.0", "operation": "deleteEverything"}); !strings.Contains(msg, "list_operations") {
			t.Errorf("unknown operation: %q", msg)
		}

		// The resource is the normalised JSON the portal serves, derived from the stored source.
		res, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "portico://apis/sms/versions/1.0.0/openapi.json"})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := s.APIBySlug(context.Background(), "sms")
		v, _ := s.Version(context.Background(), a.ID, "1.0.0")
		served, perr := spec.Parse([]byte(v.SpecRaw))
		if perr != nil {
			t.Fatal(perr)
		}
		wantJSON, _ := served.JSON()
		if len(res.Contents) != 1 || res.Contents[0].Text != string(wantJSON) || res.Contents[0].MIMEType != "application/json" || res.CacheScope != "private" {
			t.Errorf("resource: %d contents, mime %q, cache %q, same text %v", len(res.Contents), res.Contents[0].MIMEType, res.CacheScope, res.Contents[0].Text == string(wantJSON))
		}
	})
}

// TestTeamOnlyAPIIsInvisibleToOutsiders checks that an outsider's agent
// finds no trace of a team-only API, nor of a public API's draft, in any
// tool result, count or error, while a member of the team reads them.
func TestTeamOnlyAPIIsInvisibleToOutsiders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s, 0, 0)
		p.catalogFixture()
		otto := p.user("otto", policy.RoleMember, "media", policy.RoleOwner)
		ann := p.user("ann", policy.RoleMember, "payments", policy.RoleViewer)
		approver := p.user("rita", policy.RoleApprover, "", "")
		ottoToken, _ := p.token(otto)
		annToken, _ := p.token(ann)
		ritaToken, _ := p.token(approver)
		outsider := p.mustConnect(ottoToken)
		insider := p.mustConnect(annToken)

		secrets := []string{"quillwort", "Quillwort", "reconcile"}
		leaks := func(who, text string) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s: %q leaks into %s", who, s, text)
				}
			}
		}

		// Search: no hit, no count, no facet value.
		for _, args := range []map[string]any{
			{"query": "quillwort"}, {"query": "reconcile entries"}, {"query": ""}, {"query": "", "tag": "quillwort-secret"},
			{"query": "", "team": "payments"}, {"query": "", "tag": "money"}, {"query": "ledger", "state": "published"},
		} {
			var got searchResult
			raw := structured(t, outsider, "search_apis", args, &got)
			leaks("search_apis "+mustJSON(args), raw)
			var want struct {
				Total int `json:"total"`
			}
			q := "q=" + strings.ReplaceAll(args["query"].(string), " ", "+")
			for _, k := range []string{"team", "tag", "state"} {
				if v, ok := args[k]; ok {
					q += "&" + k + "=" + v.(string)
				}
			}
			p.getJSON("/api/v1/search?"+q, ottoToken, &want)
			if got.Total != want.Total {
				t.Errorf("search_apis %v: total %d, /api/v1/search %d", args, got.Total, want.Total)
			}
		}
		var money searchResult
		structured(t, outsider, "search_apis", map[string]any{"query": "", "tag": "money"}, &money)
		if money.Total != 1 || money.slugs()[0] != "billing" {
			t.Errorf("outsider's money APIs: %d %v, want billing alone", money.Total, money.slugs())
		}
		// The insider finds it: the test would see a leak.
		var found searchResult
		structured(t, insider, "search_apis", map[string]any{"query": "quillwort"}, &found)
		if !slices.Contains(found.slugs(), "quillwort") {
			t.Fatalf("insider's search: %v, want quillwort", found.slugs())
		}

		// Direct reads answer as for an API that does not exist.
		same := func(tool string, hidden, missing map[string]any, swap [2]string) {
			t.Helper()
			got := toolError(t, outsider, tool, hidden)
			want := strings.ReplaceAll(toolError(t, outsider, tool, missing), swap[1], swap[0])
			if got != want {
				t.Errorf("%s %v: %q, want the answer for a missing one %q", tool, hidden, got, want)
			}
		}
		noSuch := [2]string{"quillwort", "nosuchapixx"}
		same("get_api", map[string]any{"api": "quillwort"}, map[string]any{"api": "nosuchapixx"}, noSuch)
		same("list_operations", map[string]any{"api": "quillwort"}, map[string]any{"api": "nosuchapixx"}, noSuch)
		same("list_operations", map[string]any{"api": "quillwort", "version": "1.0.0"}, map[string]any{"api": "nosuchapixx", "version": "1.0.0"}, noSuch)
		same("get_operation", map[string]any{"api": "quillwort", "version": "1.0.0", "operation": "reconcileQuillwortEntries"},
			map[string]any{"api": "nosuchapixx", "version": "1.0.0", "operation": "reconcileQuillwortEntries"}, noSuch)
		same("get_operation", map[string]any{"api": "quillwort", "version": "1.0.0", "operation": "POST /entries/reconcile"},
			map[string]any{"api": "nosuchapixx", "version": "1.0.0", "operation": "POST /entries/reconcile"}, noSuch)
		// A public API's draft is the team's work in progress.
		draft := [2]string{"1.1.0", "9.9.9"}
		same("list_operations", map[string]any{"api": "billing", "version": "1.1.0"}, map[string]any{"api": "billing", "version": "9.9.9"}, draft)
		same("get_operation", map[string]any{"api": "billing", "version": "1.1.0", "operation": "listInvoices"},
			map[string]any{"api": "billing", "version": "9.9.9", "operation": "listInvoices"}, draft)
		var billing apiResult
		raw := structured(t, outsider, "get_api", map[string]any{"api": "billing"}, &billing)
		if len(billing.Versions) != 1 || billing.Versions[0].Version != "1.0.0" || strings.Contains(raw, "1.1.0") {
			t.Errorf("outsider's billing versions: %s, want 1.0.0 alone", raw)
		}
		for _, uri := range []string{"portico://apis/quillwort/versions/1.0.0/openapi.json", "portico://apis/billing/versions/1.1.0/openapi.json"} {
			_, hiddenErr := outsider.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: uri})
			missing := strings.NewReplacer("quillwort", "nosuchapixx", "1.1.0", "9.9.9").Replace(uri)
			_, missingErr := outsider.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: missing})
			if hiddenErr == nil || missingErr == nil || strings.ReplaceAll(hiddenErr.Error(), uri, missing) != missingErr.Error() {
				t.Errorf("read %s: %v, want as for %s: %v", uri, hiddenErr, missing, missingErr)
			}
		}

		// Insiders read them, and so does an org approver, as on the API pages.
		for who, cs := range map[string]*mcp.ClientSession{"ann": insider, "rita": p.mustConnect(ritaToken)} {
			var ops operationsResult
			structured(t, cs, "list_operations", map[string]any{"api": "quillwort"}, &ops)
			if len(ops.Operations) != 1 || ops.Operations[0].OperationID != "reconcileQuillwortEntries" {
				t.Errorf("%s: quillwort operations %+v", who, ops.Operations)
			}
			if _, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "portico://apis/billing/versions/1.1.0/openapi.json"}); err != nil {
				t.Errorf("%s reads the billing draft: %v", who, err)
			}
		}
		if status := p.getJSON("/api/v1/apis/quillwort", ritaToken, nil); status != 200 {
			t.Errorf("approver on /api/v1/apis/quillwort: %d, want 200 as the MCP tools answer", status)
		}
		if status := p.getJSON("/api/v1/apis/quillwort", ottoToken, nil); status != 404 {
			t.Errorf("outsider on /api/v1/apis/quillwort: %d, want 404", status)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestTokens checks that the endpoint needs a valid token: none or a
// revoked one is 401, and no token ever reaches the logs.
func TestTokens(t *testing.T) {
	p := newPortal(t, storetest.New(t), 0, 0)
	p.catalogFixture()
	ann := p.user("ann", policy.RoleMember, "payments", policy.RoleViewer)
	token, id := p.token(ann)
	cs := p.mustConnect(token)
	var r searchResult
	structured(t, cs, "search_apis", map[string]any{"query": "sms"}, &r)

	post := func(header string) *http.Response {
		t.Helper()
		req, err := http.NewRequest("POST", p.url+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post("Bearer " + token); res.StatusCode != 200 {
		t.Errorf("valid token: %d, want 200", res.StatusCode)
	}
	for _, h := range []string{"", "Bearer ", "Basic abc", "Bearer pt_notatoken"} {
		res := post(h)
		if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") || res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: %d %q %q, want 401 with a problem and WWW-Authenticate", h, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("WWW-Authenticate"))
		}
	}

	if _, err := s(p).RevokeToken(context.Background(), s(p).DB(), ann.ID, id); err != nil {
		t.Fatal(err)
	}
	if res := post("Bearer " + token); res.StatusCode != 401 {
		t.Errorf("revoked token: %d, want 401", res.StatusCode)
	}
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "search_apis", Arguments: map[string]any{"query": "sms"}}); err == nil {
		t.Error("a session opened before the revocation still calls tools")
	}
	if _, err := p.connect(token); err == nil {
		t.Error("connect with a revoked token succeeded")
	}
	if strings.Contains(p.logs.String(), token) {
		t.Error("the token is in the logs")
	}
}

func s(p *portal) *store.Store { return p.store }

// TestRateLimitPerToken checks that tool calls and resource reads are
// limited per token, not per user, and refill with time.
func TestRateLimitPerToken(t *testing.T) {
	p := newPortal(t, storetest.New(t), 60, 2)
	p.catalogFixture()
	ann := p.user("ann", policy.RoleMember, "", "")
	first, _ := p.token(ann)
	second, _ := p.token(ann)
	cs := p.mustConnect(first)
	for i := 0; i < 2; i++ {
		var r searchResult
		structured(t, cs, "search_apis", map[string]any{"query": "sms"}, &r)
	}
	if msg := toolError(t, cs, "search_apis", map[string]any{"query": "sms"}); msg != "Rate limit reached: 60 calls a minute per token. Try again in 1s." {
		t.Errorf("third call: %q", msg)
	}
	if _, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "portico://apis/sms/versions/1.0.0/openapi.json"}); err == nil || !strings.Contains(err.Error(), "Rate limit reached") {
		t.Errorf("resource read over the limit: %v", err)
	}
	// Listing tools is not a call.
	if _, err := cs.ListTools(context.Background(), nil); err != nil {
		t.Errorf("list tools over the limit: %v", err)
	}
	// Another token of the same user has its own bucket.
	var r searchResult
	structured(t, p.mustConnect(second), "search_apis", map[string]any{"query": "sms"}, &r)
	p.advance(time.Second)
	structured(t, cs, "search_apis", map[string]any{"query": "sms"}, &r)
	if n := strings.Count(p.logs.String(), "outcome=rate_limited"); n != 2 {
		t.Errorf("%d rate-limited calls logged, want 2:\n%s", n, p.logs.String())
	}
}

// TestCallsAreLogged checks one log line per call with the user, the tool,
// the duration, the result size and the outcome, and never the token.
func TestCallsAreLogged(t *testing.T) {
	p := newPortal(t, storetest.New(t), 0, 0)
	p.catalogFixture()
	ann := p.user("ann", policy.RoleMember, "", "")
	token, _ := p.token(ann)
	cs := p.mustConnect(token)
	var a apiResult
	structured(t, cs, "get_api", map[string]any{"api": "sms"}, &a)
	toolError(t, cs, "get_api", map[string]any{"api": "nosuchapi"})
	if _, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "portico://apis/sms/versions/1.0.0/openapi.json"}); err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, line := range strings.Split(p.logs.String(), "\n") {
		if strings.Contains(line, `msg="mcp call"`) {
			calls = append(calls, line)
		}
	}
	if len(calls) != 3 {
		t.Fatalf("%d call lines, want 3:\n%s", len(calls), strings.Join(calls, "\n"))
	}
	for i, want := range []string{"tool=get_api .* outcome=ok", "tool=get_api .* outcome=error", "tool=resources/read .* outcome=ok"} {
		if !regexp.MustCompile(`user=ann `+want).MatchString(calls[i]) || !regexp.MustCompile(`duration_ms=\d+ result_bytes=[1-9]\d* `).MatchString(calls[i]) {
			t.Errorf("line %d: %s, want user, %s, duration and a result size", i, calls[i], want)
		}
	}
	if strings.Contains(p.logs.String(), token) || strings.Contains(p.logs.String(), "Bearer") {
		t.Error("the token is in the logs")
	}
}
