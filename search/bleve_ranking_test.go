package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// rankingIndex indexes docs (public, one team) with the default synonyms.
func rankingIndex(t *testing.T, docs ...Document) *Bleve {
	t.Helper()
	idx := openTestBleve(t).(*Bleve)
	if err := idx.SetSynonyms(context.Background(), DefaultSynonyms()); err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		docs[i].Team, docs[i].State, docs[i].Visibility = "team", "published", VisibilityPublic
	}
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	return idx
}

// What is left of a possessive or of a hyphenated abbreviation split by the tokenizer is not a word of the query.
func TestBlevePlanDropsSingleLetters(t *testing.T) {
	idx := rankingIndex(t, Document{ID: "a", Name: "Staff"})
	p, err := idx.plan("deactivate an employee's e-mail")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"deactivate", "employee", "mail"}; !slices.Equal(p.terms, want) {
		t.Errorf("terms: got %v, want %v", p.terms, want)
	}
	if !slices.Contains(stopWords(), "s") || !slices.Contains(stopWords(), "the") {
		t.Errorf("stop words (Meilisearch's too): got %v, want the English ones and the single letters", stopWords())
	}
}

// A word found in one field of an API that says what it does outranks the same word spread over every field of an
// API about something else, when the query's other word is the first one's: each word counts by its best field.
func TestBleveWordCountsByItsBestField(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "cards", Name: "Cards", Summary: "Cards in a sidebar.", Tags: []string{"cards"},
			Operations: []Operation{{Method: "get", Path: "/cards", Summary: "List cards"}, {Method: "post", Path: "/cards", Summary: "Create a card"}}},
		Document{ID: "payments", Name: "Payments", Summary: "Take payments.",
			Operations: []Operation{{Method: "post", Path: "/charges", Summary: "Charge a card"}, {Method: "post", Path: "/refunds", Summary: "Refund a charge"}}},
	)
	if got := hitIDs(mustSearch(t, idx, Query{Text: "charge a card", Viewer: admin()})); len(got) == 0 || got[0] != "payments" {
		t.Errorf("charge a card: got %v, want payments first", got)
	}
}

// A word weighs by how few APIs have it, not by how few have it in one field: "app", in most APIs' descriptions and
// operations, says as little in a name, and the API named "Apps" does not outrank the one with the query's rarer word.
func TestBleveWordWeighsByItsIDFOverWholeAPIs(t *testing.T) {
	docs := []Document{
		{ID: "reseller", Name: "Enterprise Apps Reseller", Summary: "Manage customers and their subscriptions.",
			Operations: []Operation{{Method: "get", Path: "/customers", Summary: "List customers"}}},
		{ID: "echo", Name: "HTTP Echo", Summary: "Echoes requests back.",
			Operations: []Operation{{Method: "get", Path: "/headers", Summary: "Return the request's headers"}}},
	}
	for _, id := range []string{"chat", "files", "maps", "notes", "photos", "tasks"} {
		docs = append(docs, Document{ID: id, Name: strings.ToUpper(id[:1]) + id[1:], Summary: "For your app.",
			Operations: []Operation{{Method: "post", Path: "/apps", Summary: "Register an app"}}})
	}
	idx := rankingIndex(t, docs...)
	if got := hitIDs(mustSearch(t, idx, Query{Text: "what headers is my app sending", Viewer: admin()})); len(got) == 0 || got[0] != "echo" {
		t.Errorf("what headers is my app sending: got %v, want echo first", got)
	}
}

// A synonym is another form of the query's word, not one more word: an API that has the query's two words ranks with
// one that has a word and the other's synonym, not below one that has a word and its synonym.
func TestBleveSynonymStandsForItsWord(t *testing.T) {
	idx := rankingIndex(t, Document{ID: "a", Name: "A"})
	th := idx.syn.Load()
	alts, at := th.alternativesAt([]string{"time", "ip"}, nil)
	i := slices.IndexFunc(alts, func(a []string) bool { return slices.Equal(a, []string{"ip", "address"}) })
	if i < 0 || !slices.Equal(at[i], []int{1}) {
		t.Fatalf("alternatives of time ip: got %v at %v, want [ip address] standing for word 1", alts, at)
	}
	idx = rankingIndex(t,
		Document{ID: "clock", Name: "World Time", Summary: "The current time.",
			Operations: []Operation{{Method: "get", Path: "/ip", Summary: "Current time of an IP"}}},
		Document{ID: "tax", Name: "Tax Rates", Summary: "Tax rates by country.",
			Operations: []Operation{{Method: "get", Path: "/ip-check", Summary: "Tax rates from an IP address"}}},
	)
	if got := hitIDs(mustSearch(t, idx, Query{Text: "what time is it for an ip address", Viewer: admin()})); len(got) == 0 || got[0] != "clock" {
		t.Errorf("what time is it for an ip address: got %v, want clock first", got)
	}
}

// A typo is searched as the words it most likely stands for, in every field: the API named by the word ranks first,
// not the one whose operations have more words one typo away.
func TestBleveTypoMatchesAsItsCorrection(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "translate", Name: "Translate", Summary: "Translate text.", Tags: []string{"translate"},
			Operations: []Operation{{Method: "post", Path: "/translate", Summary: "Translate text"}}},
		Document{ID: "gifs", Name: "Gifs", Summary: "Animated images.",
			Operations: []Operation{{Method: "get", Path: "/gifs/translate", Summary: "Translate a phrase to a gif"},
				{Method: "get", Path: "/stickers/translate", Summary: "Translating stickers"}}},
	)
	p, err := idx.plan("translaton")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.fixes) != 1 || !slices.Contains(p.fixes[0], "translat") {
		t.Errorf("corrections of translaton: got %v, want the stem of translate among them", p.fixes)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "translaton", Viewer: admin()})); len(got) != 2 || got[0] != "translate" {
		t.Errorf("translaton: got %v, want translate then gifs", got)
	}
}

// A word that starts a word of an API's name finds it, wherever it is in the query (not only the last word, which
// may still be typed): names often join words.
func TestBleveWordStartsNameWord(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "healthcare", Name: "Healthcare", Summary: "Pages and glossary."},
		Document{ID: "policy", Name: "Policy Agent", Summary: "Policies.",
			Operations: []Operation{{Method: "get", Path: "/status", Summary: "Status of the agent"}}},
	)
	if got := hitIDs(mustSearch(t, idx, Query{Text: "health status", Viewer: admin()})); !slices.Contains(got, "healthcare") {
		t.Errorf("health status: got %v, want healthcare among them", got)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "the health of an agent", Viewer: admin()})); !slices.Contains(got, "healthcare") {
		t.Errorf("the health of an agent: got %v, want healthcare among them", got)
	}
}

// A webhook says what happened, not what the API does: its words weigh as a description's, so an API that refunds
// payments outranks one that sends an event when a payment was refunded, which the same words as an operation of its
// own would have outranked.
func TestBleveWebhookWeighsAsDescription(t *testing.T) {
	docs := func(webhook bool) []Document {
		return []Document{
			{ID: "payments", Name: "Charges", Summary: "Take card payments.",
				Operations: []Operation{{Method: "post", Path: "/charges", Summary: "Charge a card"},
					{Method: "post", Path: "/refunds", Summary: "Refund a charge"}}},
			{ID: "events", Name: "Platform events", Summary: "Notifications for platform accounts.",
				Operations: []Operation{{Method: "post", Path: "/PAYMENT_REFUND", Summary: "Refund a payment", Webhook: webhook}}},
		}
	}
	query := Query{Text: "refund a payment", Viewer: admin()}
	if got := hitIDs(mustSearch(t, rankingIndex(t, docs(false)...), query)); len(got) == 0 || got[0] != "events" {
		t.Fatalf("refund a payment, the event an operation: got %v, want events first (the premise of this test)", got)
	}
	got := hitIDs(mustSearch(t, rankingIndex(t, docs(true)...), query))
	if !slices.Equal(got, []string{"payments", "events"}) {
		t.Errorf("refund a payment, the event a webhook: got %v, want payments, then events", got)
	}
	// So do a callback's.
	cb := docs(true)
	cb[1].Operations[0].Webhook, cb[1].Operations[0].Callback = false, "refunded"
	if got := hitIDs(mustSearch(t, rankingIndex(t, cb...), query)); !slices.Equal(got, []string{"payments", "events"}) {
		t.Errorf("refund a payment, the event a callback: got %v, want payments, then events", got)
	}
	// "webhook" finds the APIs that send some (their operation lines start with the word).
	if got := hitIDs(mustSearch(t, rankingIndex(t, docs(true)...), Query{Text: "webhook", Viewer: admin()})); !slices.Equal(got, []string{"events"}) {
		t.Errorf("webhook: got %v, want events", got)
	}
}

// A hit found through a word's English form or a synonym shows why: the words that have the query word's stem, or a
// one-word synonym's, are highlighted too.
func TestBleveHighlightsStemsAndSynonyms(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "staff", Name: "Staff", Summary: "People of the company.",
			Operations: []Operation{{Method: "get", Path: "/employees", Summary: "List employees"},
				{Method: "get", Path: "/employees/{id}/photo", Summary: "Show an employee's profile photo"}}},
	)
	for _, tc := range []struct{ query, want string }{
		{"listings", "<mark>List</mark> employees"},
		{"pictures", "profile <mark>photo</mark>"},
		{"employee listing", "<mark>List</mark> <mark>employees</mark>"},
	} {
		res := mustSearch(t, idx, Query{Text: tc.query, Viewer: admin()})
		if len(res.Hits) != 1 || !strings.Contains(strings.Join(res.Hits[0].Highlights, " "), tc.want) {
			t.Errorf("%s: got %v, want a highlight with %q", tc.query, res.Hits, tc.want)
		}
	}
}

// A typo of a word that only the synonym list has is corrected to that word, and then stands for its synonyms: no
// API says "geocoding", one says "address lookup".
func TestBleveTypoOfASynonymFindsItsGroup(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "places", Name: "Places", Summary: "Address lookup for any place."},
		Document{ID: "mail", Name: "Mail", Summary: "Send mail to a postal address."},
	)
	for _, q := range []string{"geocoding", "geocodign"} {
		if got := hitIDs(mustSearch(t, idx, Query{Text: q, Viewer: admin()})); len(got) == 0 || got[0] != "places" {
			t.Errorf("%s: got %v, want places first", q, got)
		}
	}
	p, err := idx.plan("geocodign")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.closest) != 1 || p.closest[0] != "geocoding" {
		t.Errorf("closest: got %q, want geocoding (the synonym list's word)", p.closest)
	}
}

// A typo inside a member of several words of the synonym list is corrected to that member's word when the query's
// other words complete the member: "continuous integraton" stands for "ci", as "continuous integration" does.
func TestBleveTypoInASynonymPhrase(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "builds", Name: "Builds", Summary: "Hosted CI: run the pipelines of your repositories."},
		Document{ID: "feeds", Name: "Feeds", Summary: "Continuous delivery of market prices."},
	)
	for _, q := range []string{"continuous integration", "continuous integraton"} {
		if got := hitIDs(mustSearch(t, idx, Query{Text: q, Viewer: admin()})); len(got) == 0 || got[0] != "builds" {
			t.Errorf("%s: got %v, want builds first", q, got)
		}
	}
	p, err := idx.plan("continuous integraton")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.closest) != 2 || p.closest[1] != "integration" {
		t.Errorf("closest: got %q, want integration (the synonym list's word) for the second word", p.closest)
	}
	// Alone, the word completes no member: it is not corrected to one.
	if p, err := idx.plan("integraton"); err != nil || p.closest[0] == "integration" {
		t.Errorf("integraton alone: got closest %q (error %v), want no correction to the list's phrase word", p.closest, err)
	}
}

// A word of the synonym list that no API has is not a typo: it stands for its own synonyms, not for those of the
// list's closest other word ("leaver" is not "leader").
func TestBleveSynonymListWordIsNotATypo(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "accounts", Name: "Accounts", Summary: "Deactivate the users of your organisation."},
		Document{ID: "teams", Name: "Teams", Summary: "Managers and their reports."},
	)
	if err := idx.SetSynonyms(context.Background(), Synonyms{{"leaver", OneWay, "deactivate"}, {"leader", "manager"}}); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "leaver", Viewer: admin()})); len(got) == 0 || got[0] != "accounts" {
		t.Errorf("leaver: got %v, want accounts first", got)
	}
}

// An operation about a service's own upkeep (/health, /version, /usage-check) says little of what it does: its words
// weigh as a description's, so an API whose work is about health outranks a policy engine's health check.
func TestBleveUpkeepOperationsWeighAsDescriptions(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "policies", Name: "Policies", Summary: "Evaluate access policies.",
			Operations: []Operation{{Method: "get", Path: "/health", Summary: "Health"},
				{Method: "get", Path: "/v1/data", Summary: "Get a document"}}},
		Document{ID: "coverage", Name: "Coverage", Summary: "Insurance marketplace.",
			Operations: []Operation{{Method: "get", Path: "/plans", Summary: "Search the plans of a state"},
				{Method: "get", Path: "/glossary", Summary: "Terms of health insurance explained"},
				{Method: "get", Path: "/articles", Summary: "Help articles"},
				{Method: "get", Path: "/states", Summary: "List the states"}}},
	)
	if got := hitIDs(mustSearch(t, idx, Query{Text: "health", Viewer: admin()})); len(got) != 2 || got[0] != "coverage" {
		t.Errorf("health: got %v, want coverage first, then policies", got)
	}
}

func TestOperationUpkeep(t *testing.T) {
	for path, want := range map[string]bool{
		"/health": true, "/v1/health": true, "/healthz/": true, "/usage-check": true, "/v2.1/version": true, "/Ping": true,
		"/v1/account": false, "/payments/{id}/status": false, "/v1/policies": false, "/me": false, "/health/{id}": false,
		"/status": false, "/": false, "/vat/health": false,
	} {
		if got := (Operation{Path: path}).upkeep(); got != want {
			t.Errorf("upkeep(%q): got %v, want %v", path, got, want)
		}
	}
}

// A member that its stop words make ("log in", "time off", "to-do") finds its synonyms only when the query has the
// phrase itself: its one word in another sense ("log errors", "current time") is not widened, and no other member
// finds it, as the index cannot tell the word from the phrase.
func TestBleveSynonymPhraseOfStopWords(t *testing.T) {
	idx := rankingIndex(t,
		Document{ID: "errors", Name: "Error Log", Summary: "Log errors of an application.",
			Operations: []Operation{{Method: "post", Path: "/errors", Summary: "Log an error"}}},
		Document{ID: "identity", Name: "Identity", Summary: "Sign users on.",
			Operations: []Operation{{Method: "post", Path: "/logon", Summary: "Logon of a user"}}},
		Document{ID: "clock", Name: "World Time", Summary: "The current time of a zone."},
		Document{ID: "hr", Name: "People", Summary: "Employees and their absences.",
			Operations: []Operation{{Method: "get", Path: "/absences", Summary: "List absences"}}},
	)
	if err := idx.SetSynonyms(context.Background(), Synonyms{{"log in", "logon"}, {"time off", "absence"}, {"to-do", "task"}, {"cut out", "cutout"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		want  []string // the synonyms the query is widened with, as stems
	}{
		{"log errors", nil},
		{"log in a user", []string{"logon"}},
		{"logged in users", []string{"logon"}},
		{"current time", nil},
		{"request time off", []string{"absenc"}},
		{"absences", nil},                     // "time off" is not a synonym anything finds: searched, it would be "time"
		{"a to-do list", []string{"task"}},    // stop words only: its synonym is one more word of the query
		{"what users are allowed to do", nil}, // a hyphenated word is one word: "to do" is not "to-do"
		{"cut out a person", []string{"cutout"}},
		{"a cut-out of a person", []string{"cutout"}}, // "cut-out" is also read as "cut out"
		{"cut people out", nil},
		{"tasks", nil},
	} {
		p, err := idx.plan(c.query)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range p.alts {
			got = append(got, strings.Join(a, " "))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: got synonyms %q, want %q", c.query, got, c.want)
		}
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "request time off", Viewer: admin()})); !slices.Contains(got, "hr") {
		t.Errorf("request time off: got %v, want hr among them", got)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "log errors", Viewer: admin()})); slices.Contains(got, "identity") {
		t.Errorf("log errors: got %v, want no sign-in API", got)
	}
}

// A word found among a large API's many operations still counts as found (BM25+'s floor, opsFloor): an API whose
// operations have each of the query's words ranks above a small one whose name has only one of them in another sense.
func TestBleveWordAmongManyOperationsCounts(t *testing.T) {
	payments := Document{ID: "payments", Name: "Payments", Summary: "Online payments.",
		Operations: []Operation{
			{Method: "post", Path: "/charges", Summary: "Create a charge on a credit card"},
			{Method: "post", Path: "/refunds", Summary: "Refund a charge"},
			{Method: "post", Path: "/customers/{id}/sources", Summary: "Save a card to a customer"},
		}}
	for i := range 200 {
		r := fmt.Sprint(i)
		payments.Operations = append(payments.Operations,
			Operation{Method: "get", Path: "/objects" + r, Summary: "Retrieve object " + r + " of the account with its metadata and history"})
	}
	docs := []Document{payments,
		{ID: "board", Name: "Board cards", Summary: "Cards on a project board.",
			Operations: []Operation{{Method: "get", Path: "/cards", Summary: "List the cards of a board"}}}}
	for _, id := range []string{"chat", "files", "maps", "notes", "photos", "tasks"} {
		docs = append(docs, Document{ID: id, Name: strings.ToUpper(id[:1]) + id[1:], Summary: "Keep " + id + ".",
			Operations: []Operation{{Method: "get", Path: "/" + id, Summary: "List " + id}}})
	}
	idx := rankingIndex(t, docs...)
	if got := hitIDs(mustSearch(t, idx, Query{Text: "charge a credit card", Viewer: admin()})); len(got) == 0 || got[0] != "payments" {
		t.Errorf("charge a credit card: got %v, want payments first", got)
	}
}
