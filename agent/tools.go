package agent

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// Bounds of the tools' answers.
const (
	// DefaultSearchLimit and MaxSearchLimit bound the hits of search_apis.
	DefaultSearchLimit = 10
	MaxSearchLimit     = 50
	// MaxListedOperations is the most operations list_operations returns.
	MaxListedOperations = 200
	// maxFacetValues is how many values of each facet search_apis returns.
	maxFacetValues = 10
	// maxVersions is how many versions get_api lists, newest first.
	maxVersions = 50
	// maxSummary is how many characters of an operation summary are listed.
	maxSummary = 200
	// maxArg bounds the api, version, filter and operation arguments.
	maxArg = 300
)

// notice is an error whose message is meant for the model: a wrong
// argument, something that does not exist (or is hidden: the same words).
// Other errors are logged and answered with errInternal.
type notice struct{ msg string }

func (n *notice) Error() string { return n.msg }

func noticef(format string, args ...any) error { return &notice{msg: fmt.Sprintf(format, args...)} }

var errInternal = &notice{msg: "Something went wrong on the portal; it has been logged. Try again later."}

// echo quotes an argument back in a notice as the portal's other refusals
// do (store.Echo): cut, Go-escaped and isolated, so that a right-to-left
// argument does not reorder the sentence around it.
func echo(s string) string { return store.Echo(s, store.MaxEcho) }

// noAPI is the answer for an API that does not exist and for one the
// caller may not see: they must not be told apart.
func noAPI(slug string) error {
	return noticef("There is no API %s. Find APIs and their slugs with search_apis.", echo(slug))
}

// noVersion is the answer for a version that does not exist and for one the
// caller may not see.
func noVersion(slug, version string) error {
	return noticef("API %s has no version %s. get_api lists its versions.", echo(slug), echo(version))
}

// tools are the tools of one request, acting for its caller.
type tools struct {
	s      *Server
	caller Caller
}

func readOnly(title string) *mcp.ToolAnnotations {
	closed := false
	return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: &closed}
}

// register adds the tools and the resource template to srv.
func (t *tools) register(srv *mcp.Server) {
	mcp.AddTool(srv, &mcp.Tool{
		Name: "search_apis",
		Description: "Search the organisation's API catalog by purpose, name, tag or operation (e.g. \"send an sms\", \"refund a payment\"). " +
			"Returns the matching APIs, best first, with their slug (the `api` argument of the other tools), team, lifecycle state, " +
			"default version and the snippets that matched (matches in **bold**), plus the total and counts by team, tag and state. " +
			"Retired APIs are left out unless state is \"retired\".",
		InputSchema: searchSchema(),
		Annotations: readOnly("Search APIs"),
	}, bind(t, t.searchAPIs))
	mcp.AddTool(srv, &mcp.Tool{
		Name: "get_api",
		Description: "Read one API of the catalog: its description (Markdown), team, tags, and its versions with their lifecycle state, " +
			"publication and deprecation dates, sunset date and successor version, and the resource URI of each version's OpenAPI description.",
		Annotations: readOnly("Get an API"),
	}, bind(t, t.getAPI))
	mcp.AddTool(srv, &mcp.Tool{
		Name: "list_operations",
		Description: fmt.Sprintf("List the operations (endpoints, then the callbacks and webhooks it sends, marked callback or webhook) of an API version: method, path, operationId and summary. "+
			"Without version, the API's default version (its newest published one). filter keeps the operations whose method, path, "+
			"operationId, summary or tags contain every word of it. At most %d operations are returned; narrow with filter.", MaxListedOperations),
		Annotations: readOnly("List operations"),
	}, bind(t, t.listOperations))
	mcp.AddTool(srv, &mcp.Tool{
		Name: "get_operation",
		Description: fmt.Sprintf("Read one operation of an API version: its parameters, request body and responses with their JSON schemas "+
			"resolved, its servers and security. Name the operation by operationId or as \"METHOD /path\". The answer is at most %d bytes "+
			"of JSON: large schemas are expanded less deep, and parts left out are marked x-cut.", MaxOperationBytes),
		Annotations: readOnly("Get an operation"),
	}, bind(t, t.getOperation))
	if t.s.subs != nil {
		mcp.AddTool(srv, &mcp.Tool{
			Name: "my_subscriptions",
			Description: fmt.Sprintf("List the user's apps (those of the teams they belong to) and the apps' subscriptions to APIs: API, major "+
				"version, plan with its limits, state (pending, active, rejected, cancelled, revoked or ended) and purpose, newest first, at "+
				"most %d. state keeps one state. Key secrets are never returned; keys are created on the portal's app page.", maxSubscriptions),
			Annotations: readOnly("My subscriptions"),
		}, bind(t, t.mySubscriptions))
	}
	srv.AddResourceTemplate(&mcp.ResourceTemplate{
		Name:        "openapi",
		Title:       "OpenAPI description of an API version",
		Description: "The full OpenAPI 3 description (JSON) of one version of an API, as get_api lists them.",
		MIMEType:    "application/json",
		URITemplate: specURITemplate,
	}, t.readSpec)
}

// bind adapts a tool function to the SDK: a notice is answered as a tool
// error the model reads; any other error is logged and answered with
// errInternal, so that internal details never reach the model.
func bind[In, Out any](t *tools, fn func(context.Context, In) (Out, error)) mcp.ToolHandlerFor[In, Out] {
	return func(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, Out, error) {
		out, err := fn(ctx, in)
		if err != nil {
			var n *notice
			if !errors.As(err, &n) {
				t.s.log.Error("mcp tool failed", "tool", req.Params.Name, "user", t.caller.User.Username, "err", err)
				err = errInternal
			}
			var zero Out
			return nil, zero, err
		}
		return nil, out, nil
	}
}

// arg trims a string argument and checks its length.
func arg(name, v string) (string, error) {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > maxArg {
		return "", noticef("%s is too long: at most %d characters.", name, maxArg)
	}
	return v, nil
}

// search_apis

type searchInput struct {
	Query string `json:"query" jsonschema:"what to look for: words of the API's purpose, name, tags or operations; empty lists every API"`
	Team  string `json:"team,omitempty" jsonschema:"only APIs of this team (its slug)"`
	Tag   string `json:"tag,omitempty" jsonschema:"only APIs with this tag"`
	State string `json:"state,omitempty" jsonschema:"only APIs in this lifecycle state"`
	Limit int    `json:"limit,omitempty" jsonschema:"how many APIs to return"`
}

func searchSchema() *jsonschema.Schema {
	s, err := jsonschema.For[searchInput](nil)
	if err != nil {
		panic(fmt.Sprintf("search_apis schema: %v", err)) // the type is fixed at build time
	}
	s.Properties["query"].MaxLength = jsonschema.Ptr(catalog.MaxQueryLength)
	states := make([]any, 0, len(lifecycle.States()))
	for _, st := range lifecycle.States() {
		states = append(states, string(st))
	}
	s.Properties["state"].Enum = states
	limit := s.Properties["limit"]
	limit.Minimum, limit.Maximum, limit.Default = jsonschema.Ptr(1.0), jsonschema.Ptr(float64(MaxSearchLimit)), []byte(strconv.Itoa(DefaultSearchLimit))
	return s
}

type searchOutput struct {
	Total  int          `json:"total" jsonschema:"how many APIs match in all; hits are the first of them"`
	Hits   []searchHit  `json:"hits"`
	Facets searchFacets `json:"facets" jsonschema:"how many matching APIs each team, tag and state has, the most frequent first"`
}

type searchHit struct {
	API            string   `json:"api" jsonschema:"the API's slug: pass it as api to the other tools"`
	Name           string   `json:"name"`
	Summary        string   `json:"summary"`
	Team           string   `json:"team"`
	State          string   `json:"state" jsonschema:"lifecycle state of the API's default version"`
	DefaultVersion string   `json:"default_version,omitempty" jsonschema:"the newest published version"`
	Matched        []string `json:"matched,omitempty" jsonschema:"snippets where the query matched, the matches in **bold**"`
	Related        bool     `json:"related,omitempty" jsonschema:"true when no word of the query is in the API: what it says it does is close in meaning"`
}

type searchFacets struct {
	Team  []facetValue `json:"team"`
	Tag   []facetValue `json:"tag"`
	State []facetValue `json:"state"`
}

type facetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func (t *tools) searchAPIs(ctx context.Context, in searchInput) (searchOutput, error) {
	var out searchOutput
	if t.s.index == nil {
		return out, noticef("Search is not available on this portal.")
	}
	query := strings.TrimSpace(in.Query)
	if utf8.RuneCountInString(query) > catalog.MaxQueryLength {
		return out, noticef("query is too long: at most %d characters.", catalog.MaxQueryLength)
	}
	limit := in.Limit
	if limit == 0 {
		limit = DefaultSearchLimit
	}
	if limit < 1 || limit > MaxSearchLimit {
		return out, noticef("limit must be from 1 to %d.", MaxSearchLimit)
	}
	q := search.Query{Text: query, PerPage: limit}
	for _, f := range []struct {
		name, value string
		dst         *[]string
	}{{"team", in.Team, &q.Teams}, {"tag", in.Tag, &q.Tags}, {"state", in.State, &q.States}} {
		v, err := arg(f.name, f.value)
		if err != nil {
			return out, err
		}
		if v != "" {
			*f.dst = []string{v}
		}
	}
	if len(q.States) > 0 && !slices.Contains(lifecycle.States(), lifecycle.State(q.States[0])) {
		return out, noticef("state must be one of draft, in_review, published, deprecated or retired.")
	}
	viewer, err := catalog.ViewerOf(ctx, t.s.life, t.caller.User)
	if err != nil {
		return out, err
	}
	res, err := catalog.Search(ctx, t.s.index, viewer, q)
	if err != nil {
		t.s.log.Error("mcp search failed", "err", err)
		return out, noticef("Search is unavailable right now; try again in a moment.")
	}
	out.Total = res.Total
	out.Hits = make([]searchHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hit := searchHit{API: h.Slug, Name: h.Name, Summary: h.Summary, Team: h.Team, State: h.State, DefaultVersion: h.DefaultVersion, Related: h.Related}
		for _, hl := range h.Highlights {
			hit.Matched = append(hit.Matched, markdownHighlight(hl))
		}
		out.Hits = append(out.Hits, hit)
	}
	out.Facets = searchFacets{Team: facet(res.Facets.Teams), Tag: facet(res.Facets.Tags), State: facet(res.Facets.States)}
	return out, nil
}

func facet(vs []search.FacetValue) []facetValue {
	out := make([]facetValue, 0, min(len(vs), maxFacetValues))
	for i, v := range vs {
		if i == maxFacetValues {
			break
		}
		out = append(out, facetValue{Value: v.Value, Count: v.Count})
	}
	return out
}

// markdownHighlight turns a search snippet (HTML: escaped text, matches in
// <mark>) into plain text with the matches in **bold**.
func markdownHighlight(s string) string {
	s = strings.ReplaceAll(s, "<mark>", "**")
	s = strings.ReplaceAll(s, "</mark>", "**")
	return html.UnescapeString(s)
}

// get_api

type apiInput struct {
	API string `json:"api" jsonschema:"the API's slug, as search_apis returns it"`
}

type apiOutput struct {
	API            string          `json:"api"`
	Name           string          `json:"name"`
	Summary        string          `json:"summary"`
	Description    string          `json:"description" jsonschema:"Markdown"`
	Team           string          `json:"team"`
	TeamName       string          `json:"team_name"`
	Visibility     string          `json:"visibility" jsonschema:"public (the whole organisation) or team (its team only)"`
	Tags           []string        `json:"tags"`
	State          string          `json:"state" jsonschema:"lifecycle state of the default version"`
	DefaultVersion string          `json:"default_version,omitempty" jsonschema:"the newest published version, used when a tool's version is left out"`
	Versions       []versionOutput `json:"versions" jsonschema:"newest first"`
	// Plans are the open plans a subscription can choose (absent without
	// subscriptions); Offer says why none can be subscribed to.
	Plans []planOutput `json:"plans,omitempty" jsonschema:"the plans open to new subscriptions"`
	Offer string       `json:"offer,omitempty" jsonschema:"why the API cannot be subscribed to, when it cannot"`
	Note  string       `json:"note,omitempty"`
}

type planOutput struct {
	Plan          string `json:"plan"`
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	RatePerMinute int    `json:"rate_per_minute" jsonschema:"sustained requests per minute per subscription; 0: no limit"`
	Burst         int    `json:"burst,omitempty" jsonschema:"requests allowed at once"`
	QuotaPerDay   int64  `json:"quota_per_day,omitempty" jsonschema:"requests per day; absent: no quota"`
	Approval      string `json:"approval" jsonschema:"auto (active at once) or manual (the API's team approves)"`
}

func planOf(p *store.Plan) planOutput {
	return planOutput{Plan: p.Slug, Name: p.Name, Description: p.Description, RatePerMinute: p.RatePerMinute, Burst: p.Burst,
		QuotaPerDay: p.QuotaPerDay, Approval: p.Approval}
}

type versionOutput struct {
	Version    string `json:"version"`
	State      string `json:"state" jsonschema:"draft, in_review, published, deprecated or retired"`
	Operations int    `json:"operations"`
	Published  string `json:"published,omitempty" jsonschema:"date of publication, YYYY-MM-DD"`
	Deprecated string `json:"deprecated,omitempty" jsonschema:"date of deprecation, YYYY-MM-DD"`
	Sunset     string `json:"sunset,omitempty" jsonschema:"date after which a deprecated version is retired, YYYY-MM-DD"`
	Successor  string `json:"successor,omitempty" jsonschema:"the version to move to from a deprecated one"`
	Resource   string `json:"resource" jsonschema:"URI of the resource holding this version's OpenAPI description"`
	GatewayURL string `json:"gateway_url,omitempty" jsonschema:"where clients call a published or deprecated version through the gateway, once its major has upstream targets: this URL followed by the operation's path (without a leading slash), with the API key in the X-API-Key header"`
	// NodesServing, NodesTotal and GatewayStatus are control.Reach, with
	// GatewayURL.
	NodesServing  *int   `json:"nodes_serving,omitempty" jsonschema:"with gateway_url: how many of the registered gateway nodes serve the version's current gateway settings (reachable, not rejecting, and have applied them)"`
	NodesTotal    *int   `json:"nodes_total,omitempty" jsonschema:"with gateway_url: how many gateway nodes are registered"`
	GatewayStatus string `json:"gateway_status,omitempty" jsonschema:"with gateway_url: the same in words, e.g. served by all 2 nodes"`
}

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// visibleAPI reads the API named by slug as the caller sees it.
func (t *tools) visibleAPI(ctx context.Context, slug string) (*store.API, error) {
	slug, err := arg("api", slug)
	if err != nil {
		return nil, err
	}
	if slug == "" {
		return nil, noticef("Name the API by its slug (api), as search_apis returns it.")
	}
	a, err := t.s.life.VisibleAPI(ctx, t.caller.User, slug)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noAPI(slug)
	}
	return a, err
}

func (t *tools) getAPI(ctx context.Context, in apiInput) (apiOutput, error) {
	a, err := t.visibleAPI(ctx, in.API)
	if err != nil {
		return apiOutput{}, err
	}
	vs, err := t.s.life.VisibleVersions(ctx, t.caller.User, a)
	if err != nil {
		return apiOutput{}, err
	}
	out := apiOutput{API: a.Slug, Name: a.Name, Summary: a.Summary, Description: a.Description, Visibility: a.Visibility,
		Tags: a.Tags, State: string(lifecycle.CatalogState(vs)), Versions: []versionOutput{}}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if a.Team != nil {
		out.Team, out.TeamName = a.Team.Slug, a.Team.Name
	}
	if d := lifecycle.Default(vs); d != nil {
		out.DefaultVersion = d.Version
	}
	// A major without upstream targets in force has no route on the
	// gateway: its URL would answer 404, and none is given.
	var calls control.Calls
	switch {
	case t.s.gatewayURL != "" && t.s.gw != nil:
		if calls, err = t.s.gw.Calls(ctx, []int64{a.ID}); err != nil {
			return apiOutput{}, err
		}
	case t.s.gatewayURL != "":
		if calls.Served, err = control.ServedRoutes(ctx, t.s.store, []int64{a.ID}); err != nil {
			return apiOutput{}, err
		}
	}
	for i := range vs {
		if i == maxVersions {
			out.Note = fmt.Sprintf("The %d newest of %d versions are listed.", maxVersions, len(vs))
			break
		}
		v := &vs[i]
		out.Versions = append(out.Versions, versionOutput{Version: v.Version, State: v.State, Operations: v.Operations,
			Published: date(v.PublishedAt), Deprecated: date(v.DeprecatedAt), Sunset: date(v.SunsetAt), Successor: v.Successor,
			Resource: specURI(a.Slug, v.Version)})
		if t.s.gatewayURL != "" && (v.State == string(lifecycle.Published) || v.State == string(lifecycle.Deprecated)) && calls.Serves(a.ID, v.Major) {
			vo := &out.Versions[len(out.Versions)-1]
			vo.GatewayURL = gateway.CallURL(t.s.gatewayURL, a.Slug, v.Major)
			if r := calls.Reach(a.ID, v.Major); r != nil {
				vo.NodesServing, vo.NodesTotal, vo.GatewayStatus = &r.Serving, &r.Total, r.Status()
			}
		}
	}
	if t.s.subs != nil {
		offer, err := t.s.subs.Offer(ctx, t.caller.User, a)
		if err != nil {
			return apiOutput{}, err
		}
		for i := range offer.Plans {
			out.Plans = append(out.Plans, planOf(&offer.Plans[i]))
		}
		out.Offer = offer.Why
	}
	return out, nil
}

// my_subscriptions

// maxSubscriptions bounds my_subscriptions' answer.
const maxSubscriptions = 100

type mySubscriptionsInput struct {
	State string `json:"state,omitempty" jsonschema:"keep the subscriptions in this state: pending, active, rejected, cancelled, revoked or ended"`
}

type mySubscriptionsOutput struct {
	Apps          []appOutput          `json:"apps"`
	Subscriptions []subscriptionOutput `json:"subscriptions" jsonschema:"newest first"`
	Note          string               `json:"note,omitempty"`
}

type appOutput struct {
	App      string `json:"app"`
	Name     string `json:"name"`
	Team     string `json:"team"`
	TeamName string `json:"team_name"`
}

type subscriptionOutput struct {
	ID      int64      `json:"id"`
	App     string     `json:"app"`
	API     string     `json:"api"`
	APIName string     `json:"api_name"`
	Major   int        `json:"major"`
	Plan    planOutput `json:"plan"`
	State   string     `json:"state"`
	Purpose string     `json:"purpose,omitempty"`
	Reason  string     `json:"reason,omitempty" jsonschema:"why it was rejected or revoked"`
	Since   string     `json:"since" jsonschema:"date it was requested, YYYY-MM-DD"`
}

func (t *tools) mySubscriptions(ctx context.Context, in mySubscriptionsInput) (mySubscriptionsOutput, error) {
	state, err := arg("state", in.State)
	if err != nil {
		return mySubscriptionsOutput{}, err
	}
	if state != "" && !subscriptions.ValidState(state) {
		return mySubscriptionsOutput{}, noticef("state must be one of pending, active, rejected, cancelled, revoked or ended.")
	}
	apps, _, err := t.s.subs.MyApps(ctx, t.caller.User, "", subscriptions.MaxAppsPage)
	if err != nil {
		return mySubscriptionsOutput{}, err
	}
	out := mySubscriptionsOutput{Apps: []appOutput{}, Subscriptions: []subscriptionOutput{}}
	for _, a := range apps.Apps {
		o := appOutput{App: a.Slug, Name: a.Name}
		if a.Team != nil {
			o.Team, o.TeamName = a.Team.Slug, a.Team.Name
		}
		out.Apps = append(out.Apps, o)
	}
	page, err := t.s.subs.List(ctx, t.caller.User, subscriptions.ListInput{Role: "consumer", State: state, Limit: maxSubscriptions})
	if err != nil {
		return mySubscriptionsOutput{}, err
	}
	for _, sub := range page.Subscriptions {
		o := subscriptionOutput{ID: sub.ID, Major: sub.Major, State: sub.State, Purpose: sub.Purpose, Reason: sub.Reason,
			Since: date(&sub.CreatedAt)}
		if sub.App != nil {
			o.App = sub.App.Slug
		}
		if sub.API != nil {
			o.API, o.APIName = sub.API.Slug, sub.API.Name
		}
		if sub.Plan != nil {
			o.Plan = planOf(sub.Plan)
		}
		out.Subscriptions = append(out.Subscriptions, o)
	}
	switch {
	case page.Next != "" && apps.Next != "":
		out.Note = fmt.Sprintf("The first %d apps by name and the %d newest subscriptions are listed; narrow with state, or see the Apps page.", len(apps.Apps), maxSubscriptions)
	case page.Next != "":
		out.Note = fmt.Sprintf("The %d newest subscriptions are listed; narrow with state, or see the Apps page.", maxSubscriptions)
	case apps.Next != "":
		out.Note = fmt.Sprintf("The first %d apps by name are listed; see the Apps page for the others.", len(apps.Apps))
	}
	return out, nil
}

// list_operations

type operationsInput struct {
	API     string `json:"api" jsonschema:"the API's slug"`
	Version string `json:"version,omitempty" jsonschema:"the version, e.g. 1.2.0; the default version when left out"`
	Filter  string `json:"filter,omitempty" jsonschema:"words that every listed operation's method, path, operationId, summary or tags contain"`
}

type operationsOutput struct {
	API          string          `json:"api"`
	Version      string          `json:"version"`
	VersionState string          `json:"version_state"`
	Total        int             `json:"total" jsonschema:"operations of this version"`
	Matching     int             `json:"matching" jsonschema:"operations matching the filter (all of them without one)"`
	Operations   []operationLine `json:"operations"`
	Note         string          `json:"note,omitempty"`
}

type operationLine struct {
	Method      string `json:"method"`
	Path        string `json:"path"`
	OperationID string `json:"operation_id,omitempty"`
	Summary     string `json:"summary,omitempty"`
	Deprecated  bool   `json:"deprecated,omitempty"`
	Webhook     bool   `json:"webhook,omitempty" jsonschema:"a webhook (OpenAPI 3.1): a request the API sends to the consumer; path is its name"`
	Callback    string `json:"callback,omitempty" jsonschema:"the name of the callback this request belongs to: the API sends it to a URL the caller gave; path is that URL's expression"`
	CallbackOf  string `json:"callback_of,omitempty" jsonschema:"the operation declaring the callback, as METHOD /path"`
}

// version returns the version of a named name, with its spec, or a's
// default version (else its newest one) when name is empty: as the caller
// sees them.
func (t *tools) version(ctx context.Context, a *store.API, name string) (*store.APIVersion, error) {
	name, err := arg("version", name)
	if err != nil {
		return nil, err
	}
	if name == "" {
		vs, err := t.s.life.VisibleVersions(ctx, t.caller.User, a)
		if err != nil {
			return nil, err
		}
		switch d := lifecycle.Default(vs); {
		case d != nil:
			name = d.Version
		case len(vs) > 0:
			name = vs[0].Version
		default:
			return nil, noticef("API %s has no published version yet.", echo(a.Slug))
		}
	}
	v, err := t.s.life.VisibleVersion(ctx, t.caller.User, a, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noVersion(a.Slug, name)
	}
	return v, err
}

func (t *tools) listOperations(ctx context.Context, in operationsInput) (operationsOutput, error) {
	var out operationsOutput
	filter, err := arg("filter", in.Filter)
	if err != nil {
		return out, err
	}
	a, err := t.visibleAPI(ctx, in.API)
	if err != nil {
		return out, err
	}
	v, err := t.version(ctx, a, in.Version)
	if err != nil {
		return out, err
	}
	doc, err := t.s.life.StoredSpec(ctx, v)
	if err != nil {
		return out, err
	}
	ops := doc.Operations()
	words := strings.Fields(strings.ToLower(filter))
	out = operationsOutput{API: a.Slug, Version: v.Version, VersionState: v.State, Total: len(ops), Operations: []operationLine{}}
	for _, op := range ops {
		if len(words) > 0 {
			text := strings.ToLower(strings.Join(append([]string{op.Method, op.Path, op.OperationID, op.Summary}, op.Tags...), " "))
			if !containsAll(text, words) {
				continue
			}
		}
		out.Matching++
		if len(out.Operations) < MaxListedOperations {
			out.Operations = append(out.Operations, operationLine{Method: op.Method, Path: op.Path, OperationID: op.OperationID,
				Summary: cut(strings.Join(strings.Fields(op.Summary), " "), maxSummary), Deprecated: op.Deprecated, Webhook: op.Webhook,
				Callback: op.Callback, CallbackOf: op.CallbackOf})
		}
	}
	if out.Matching > MaxListedOperations {
		out.Note = fmt.Sprintf("The first %d of %d operations are listed: narrow them with filter.", MaxListedOperations, out.Matching)
	}
	return out, nil
}

func containsAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// cut shortens s to n characters, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
