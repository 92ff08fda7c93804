package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"
	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/samples"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// demoTeams are the teams the demo creates.
var demoTeamNames = [][2]string{
	{"payments", "Payments"}, {"platform", "Platform"}, {"commerce", "Commerce"}, {"media", "Media"}, {"data", "Data"},
}

// demoUser is a demo account: an org role and at most one team role.
type demoUser struct {
	username, display, orgRole, team, teamRole string
}

func demoUsers() []demoUser {
	return []demoUser{
		{"ada", "Ada Okafor", policy.RoleMember, "payments", policy.RoleOwner},
		{"bruno", "Bruno Silva", policy.RoleMember, "payments", policy.RoleDeveloper},
		{"chen", "Chen Wei", policy.RoleMember, "platform", policy.RoleOwner},
		{"devi", "Devi Rao", policy.RoleMember, "platform", policy.RoleDeveloper},
		{"emma", "Emma Larsen", policy.RoleMember, "commerce", policy.RoleOwner},
		{"farid", "Farid Haddad", policy.RoleMember, "commerce", policy.RoleDeveloper},
		{"gus", "Gus Moreau", policy.RoleMember, "media", policy.RoleMaintainer},
		{"hana", "Hana Sato", policy.RoleMember, "data", policy.RoleOwner},
		{"ivan", "Ivan Petrov", policy.RoleMember, "data", policy.RoleViewer},
		{"rita", "Rita Gomez", policy.RoleApprover, "", ""},
	}
}

// sampleInfo places a sample of samples/openapi in the demo catalog,
// by provider (the file name before "__").
type sampleInfo struct {
	team       string
	tags       []string
	visibility string
	// deprecate publishes a new major version and deprecates the first with it as successor.
	deprecate bool
	// review leaves a new minor version waiting for review.
	review bool
}

func demoSamples() map[string]sampleInfo {
	pub := store.VisibilityPublic
	return map[string]sampleInfo{
		"adyen.com":            {team: "payments", tags: []string{"payments", "cards"}, visibility: pub},
		"stripe.com":           {team: "payments", tags: []string{"payments", "billing"}, visibility: pub},
		"vatapi.com":           {team: "payments", tags: []string{"tax", "finance"}, visibility: pub},
		"exchangerate-api.com": {team: "payments", tags: []string{"finance", "currency"}, visibility: pub, deprecate: true},
		"circleci.com":         {team: "platform", tags: []string{"ci", "devops"}, visibility: pub},
		"circl.lu":             {team: "platform", tags: []string{"security"}, visibility: pub},
		"elmah.io":             {team: "platform", tags: []string{"logging", "monitoring"}, visibility: pub},
		"httpbin.org":          {team: "platform", tags: []string{"testing", "http"}, visibility: pub},
		"okta.local":           {team: "platform", tags: []string{"identity", "users"}, visibility: store.VisibilityTeam},
		"openpolicy.local":     {team: "platform", tags: []string{"security", "policy"}, visibility: pub},
		"extendsclass.com":     {team: "platform", tags: []string{"storage", "json"}, visibility: pub},
		"worldtimeapi.org":     {team: "platform", tags: []string{"time"}, visibility: pub, deprecate: true},
		"dweet.io":             {team: "platform", tags: []string{"iot", "messaging"}, visibility: pub},
		"walmart.com":          {team: "commerce", tags: []string{"retail", "products"}, visibility: pub},
		"hubapi.com":           {team: "commerce", tags: []string{"crm", "sales"}, visibility: pub},
		"nexmo.com":            {team: "commerce", tags: []string{"messaging", "sms"}, visibility: pub},
		"postmarkapp.com":      {team: "commerce", tags: []string{"email", "messaging"}, visibility: pub},
		"slack.com":            {team: "commerce", tags: []string{"chat", "messaging"}, visibility: pub},
		"asana.com":            {team: "commerce", tags: []string{"projects", "tasks"}, visibility: pub},
		"transavia.com":        {team: "commerce", tags: []string{"travel", "airports"}, visibility: pub},
		"giphy.com":            {team: "media", tags: []string{"images", "gifs"}, visibility: pub, review: true},
		"spotify.com":          {team: "media", tags: []string{"music", "audio"}, visibility: pub},
		"nasa.gov":             {team: "media", tags: []string{"space", "images"}, visibility: pub},
		"xkcd.com":             {team: "media", tags: []string{"comics"}, visibility: pub, deprecate: true},
		"rawg.io":              {team: "media", tags: []string{"games"}, visibility: pub},
		"remove.bg":            {team: "media", tags: []string{"images", "ai"}, visibility: pub},
		"nytimes.com":          {team: "media", tags: []string{"news", "search"}, visibility: pub},
		"mastodon.local":       {team: "media", tags: []string{"social"}, visibility: pub},
		"libretranslate.local": {team: "media", tags: []string{"translation", "language"}, visibility: pub},
		"archive.org":          {team: "data", tags: []string{"search", "archives"}, visibility: pub},
		"healthcare.gov":       {team: "data", tags: []string{"health", "government"}, visibility: pub},
		"schooldigger.com":     {team: "data", tags: []string{"education"}, visibility: pub},
		"opencagedata.com":     {team: "data", tags: []string{"geo", "geocoding"}, visibility: pub},
		"visualcrossing.com":   {team: "data", tags: []string{"weather", "forecast"}, visibility: pub},
		"personio.de":          {team: "data", tags: []string{"hr", "employees"}, visibility: store.VisibilityTeam},
	}
}

// cmdDemo fills an empty portal with demo teams, users and APIs.
func cmdDemo(ctx context.Context, args []string, e env) error {
	var samplesDir string
	var synthetic, synthSubs int
	c, err := parse("demo", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&samplesDir, "samples", "", "directory of OpenAPI descriptions to publish (default: the real public descriptions built into portico)")
		fs.IntVar(&synthetic, "synthetic", 0, "also generate this many APIs with realistic operations, for scale tests")
		fs.IntVar(&synthSubs, "subscriptions", 0, "also generate this many subscriptions (two keys each when active) to the synthetic APIs, for scale tests")
	})
	if err != nil {
		return err
	}
	if synthetic < 0 || synthetic > 200000 {
		return errors.New("invalid --synthetic: use a number of APIs from 0 to 200000")
	}
	if synthSubs < 0 || synthSubs > 1000000 {
		return errors.New("invalid --subscriptions: use a number of subscriptions from 0 to 1000000")
	}
	if synthSubs > 0 && synthetic < 10 {
		// Checked before anything is written: demo runs only on an empty portal.
		return errors.New("--subscriptions needs --synthetic 10 or more: the subscriptions are to the public synthetic APIs")
	}
	sampleFS, source := samples.FS(), "the built-in samples"
	if samplesDir != "" {
		sampleFS, source = os.DirFS(samplesDir), samplesDir
	}
	files, err := sampleFiles(sampleFS, source)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, c, "demo")
	if err != nil {
		return err
	}
	defer s.Close()
	if n, err := s.CountAPIs(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("this portal has %d APIs already: portico demo only fills an empty portal (use a new --data directory or database to try it)", n)
	}
	// Open the index first: a running server holds the embedded one, and
	// then that server indexes the demo from the index log instead.
	idx, idxErr := openSearch(c, func(what string) { fmt.Fprintln(e.stdout, what) }, nil)
	if idx != nil {
		defer idx.Close()
	}

	start := time.Now()
	password := auth.RandomToken(9)
	enforcer, life, err := newLifecycle(ctx, s, c)
	if err != nil {
		return err
	}
	ppl := newPeople(s, enforcer, e.passwordHasher())
	// On a fresh portal the demo users would be its first users, and serve
	// would then create no org admin: create it here, as serve would.
	var admin bytes.Buffer
	if err := firstStart(ctx, ppl, &admin); err != nil {
		return err
	}
	users, teams, err := demoAccounts(ctx, s, ppl, password)
	if err != nil {
		return err
	}
	notice, _ := c.minSunsetNotice()
	d := &demo{s: s, life: life, users: users, teams: teams, out: e.stdout, sunset: time.Now().Add(notice + 90*24*time.Hour)}
	published := 0
	for _, f := range files {
		ok, err := d.publishSample(ctx, sampleFS, f)
		if err != nil {
			return err
		}
		if ok {
			published++
		}
	}
	if len(files) > 0 {
		fmt.Fprintf(e.stdout, "published %d sample APIs from %s\n", published, source)
	}
	subs := subscriptions.New(s, enforcer, life, subscriptions.Options{})
	if len(files) > 0 {
		summary, err := d.demoSubscriptions(ctx, subs)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "subscriptions: %s\n", summary)
	}
	if synthetic > 0 {
		if err := d.synthesize(ctx, synthetic); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "generated %d synthetic APIs\n", synthetic)
	}
	if synthSubs > 0 {
		keys, err := d.synthesizeSubscriptions(ctx, synthSubs)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "generated %d subscriptions with %d keys\n", synthSubs, keys)
	}

	if idx != nil {
		n, took, err := reindexWithProgress(ctx, s, idx, c, e.stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "indexed %d APIs in %s\n", n, took)
	} else {
		fmt.Fprintf(e.stdout, "search index not opened (%v): the running server indexes the demo from the index log\n", idxErr)
	}

	fmt.Fprintf(e.stdout, "\nDemo ready in %s: %d teams, %d users.\n", time.Since(start).Round(100*time.Millisecond), len(teams), len(users))
	// The password is shown this once: demo must not exit 0 leaving users
	// nobody can log in as.
	if _, err := fmt.Fprintf(e.stdout, "Demo users share one password, shown once: %s\n", password); err != nil {
		if created := createdDemoUsers(users); len(created) > 0 {
			return demoPasswordNotShown(err, created, admin.Len() > 0)
		}
	}
	for _, u := range demoUsers() {
		role := u.orgRole
		if u.team != "" {
			role = u.teamRole + " of " + u.team
		} else {
			role = "org " + role
		}
		note := ""
		if users[u.username].existing {
			note = " (existed already: password unchanged)"
		}
		fmt.Fprintf(e.stdout, "  %-7s %s%s\n", u.username, role, note)
	}
	if admin.Len() > 0 {
		if _, err := io.WriteString(e.stdout, admin.String()); err != nil {
			return firstAdminNotShown(err)
		}
	} else {
		fmt.Fprintln(e.stdout, "\nThe portal had users already, so no org admin was created; if it has none, make one with:\n  echo \"$PASSWORD\" | portico user create --username NAME --password-stdin --admin")
	}
	fmt.Fprintf(e.stdout, "Next: run the portal on the same data (portico serve, or go run ./cmd/portico, with the same flags) and log in at %s as admin or as a demo user.\n", demoLoginURL(c.Addr, c.TLS.On()))
	return nil
}

// createdDemoUsers names the demo users this run created, who have the
// shared password (the others kept theirs), in the order demo lists them.
func createdDemoUsers(users map[string]demoAccount) []string {
	var out []string
	for _, du := range demoUsers() {
		if a, ok := users[du.username]; ok && !a.existing {
			out = append(out, du.username)
		}
	}
	return out
}

// demoPasswordNotShown is the failure of a demo that created users but
// could not write their shared password: nobody can log in as them, and no
// command sets another's password, so the operator starts again. When the
// demo also created the first org admin, whose password was to follow, it
// says how to make another.
func demoPasswordNotShown(err error, created []string, admin bool) error {
	msg := fmt.Sprintf("the demo users %s were created but their shared password was not written to standard output (%v): nobody has it; run portico demo again on a new --data directory or database",
		strings.Join(created, ", "), err)
	if admin {
		msg += "; the first org admin's one-time password was not shown either: to keep this data, make an org admin with: echo \"$PASSWORD\" | portico user create --username NAME --password-stdin --admin"
	}
	return errors.New(msg)
}

// demoLoginURL is where the portal serving addr (over TLS or not) will
// take logins.
func demoLoginURL(addr string, tls bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = "", "8080"
	}
	return hostLoginURL(host, port, tls)
}

// sampleFiles lists the OpenAPI descriptions at the root of fsys, sorted;
// source names it in messages.
func sampleFiles(fsys fs.FS, source string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("cannot read the OpenAPI samples in %s (%v): pass --samples DIR, a directory of OpenAPI descriptions (.yaml, .yml or .json)", source, err)
	}
	var out []string
	for _, en := range entries {
		switch strings.ToLower(path.Ext(en.Name())) {
		case ".yaml", ".yml", ".json":
			if !en.IsDir() {
				out = append(out, en.Name())
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no OpenAPI descriptions (.yaml, .yml, .json) in %s: pass --samples DIR", source)
	}
	sort.Strings(out)
	return out, nil
}

type demoAccount struct {
	user     *store.User
	existing bool
}

// demoAccounts creates (or reuses) the demo teams and users, through the
// people service as the console named "demo".
func demoAccounts(ctx context.Context, s *store.Store, svc *people.Service, password string) (map[string]demoAccount, map[string]*store.Team, error) {
	console := svc.Console("demo")
	teams := map[string]*store.Team{}
	users := map[string]demoAccount{}
	for _, tn := range demoTeamNames {
		t, err := s.TeamBySlug(ctx, tn[0])
		if errors.Is(err, store.ErrNotFound) {
			t, err = console.CreateTeam(ctx, people.TeamInput{Slug: tn[0], Name: tn[1]})
		}
		if err != nil {
			return nil, nil, fmt.Errorf("demo team %s: %w", tn[0], err)
		}
		teams[t.Slug] = t
	}
	for _, du := range demoUsers() {
		u, err := s.UserByUsername(ctx, du.username)
		existing := err == nil
		if errors.Is(err, store.ErrNotFound) {
			u, err = console.CreateUser(ctx, people.UserInput{Username: du.username, DisplayName: du.display, OrgRole: du.orgRole}, password)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("demo user %s: %w", du.username, err)
		}
		if du.team != "" {
			if _, err := console.SetMember(ctx, teams[du.team], people.MemberInput{Username: u.Username, Role: du.teamRole}); err != nil {
				return nil, nil, fmt.Errorf("demo user %s in %s: %w", du.username, du.team, err)
			}
		}
		users[du.username] = demoAccount{user: u, existing: existing}
	}
	return users, teams, nil
}

type demo struct {
	s      *store.Store
	life   *lifecycle.Service
	users  map[string]demoAccount
	teams  map[string]*store.Team
	out    io.Writer
	sunset time.Time
	// synthetic are the public synthetic APIs, for --subscriptions.
	synthetic []synthAPIRef
}

// member returns the demo user with a team role (owner or maintainer for
// "lead", developer for "dev", falling back to the lead).
func (d *demo) member(team, kind string) *store.User {
	var lead, dev *store.User
	for _, du := range demoUsers() {
		if du.team != team {
			continue
		}
		switch du.teamRole {
		case policy.RoleOwner, policy.RoleMaintainer:
			lead = d.users[du.username].user
		case policy.RoleDeveloper:
			dev = d.users[du.username].user
		}
	}
	if kind == "dev" && dev != nil {
		return dev
	}
	return lead
}

// demoVersion turns info.version into a semantic version ("v1" → 1.0.0,
// "2018-05-21" → 2018.5.21), else 1.0.0.
func demoVersion(v string) string {
	v = strings.TrimSpace(v)
	if sv, err := semver.StrictNewVersion(v); err == nil {
		return sv.String()
	}
	if sv, err := semver.NewVersion(strings.ReplaceAll(v, "-", ".")); err == nil {
		return fmt.Sprintf("%d.%d.%d", sv.Major(), sv.Minor(), sv.Patch())
	}
	return "1.0.0"
}

var tagChars = regexp.MustCompile(`[^a-z0-9 ._-]+`)

// demoTags are the sample's own tags (up to five, made valid) after its category tags.
func demoTags(category, fromSpec []string) []string {
	out := append([]string(nil), category...)
	n := 0
	for _, t := range fromSpec {
		if n == 5 {
			break
		}
		t = strings.TrimSpace(tagChars.ReplaceAllString(strings.ToLower(t), " "))
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || utf8.RuneCountInString(t) > 40 || t[0] == '.' || t[0] == '_' || t[0] == '-' {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == t
		}
		if !dup {
			out = append(out, t)
			n++
		}
	}
	return out
}

func truncateMarkdown(src string, max int) string {
	if utf8.RuneCountInString(src) <= max {
		return src
	}
	cut := string([]rune(src)[:max])
	if i := strings.LastIndex(cut, "\n\n"); i > max/2 {
		cut = cut[:i]
	}
	return cut
}

// publishSample publishes one sample through the real lifecycle: the team
// lead creates the API, a developer drafts and submits the version, the
// approver approves it. It reports false for a sample that is skipped.
func (d *demo) publishSample(ctx context.Context, fsys fs.FS, file string) (bool, error) {
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return false, err
	}
	provider, slug := samples.Slug(file)
	info, ok := demoSamples()[provider]
	if !ok {
		teams := []string{"platform", "commerce", "media", "data", "payments"}
		info = sampleInfo{team: teams[len(slug)%len(teams)], visibility: store.VisibilityPublic}
	}
	doc, err := spec.Parse(raw)
	if err != nil {
		fmt.Fprintf(d.out, "skipped %s: %v\n", filepath.Base(file), err)
		return false, nil
	}
	plain := markdown.PlainText(doc.Description)
	summary := markdown.FirstSentence(plain)
	if summary == "" {
		summary = "The " + doc.Title + " API from " + provider + "."
	}
	team := d.teams[info.team]
	lead, dev, approver := d.member(info.team, "lead"), d.member(info.team, "dev"), d.users["rita"].user
	a, err := d.life.CreateAPI(ctx, lead, team, lifecycle.APIInput{
		Slug: slug, Name: doc.Title, Summary: summary, Description: truncateMarkdown(doc.Description, 20000),
		Tags: demoTags(info.tags, doc.Tags()), Visibility: info.visibility, Upstreams: doc.Servers()[:min(len(doc.Servers()), 1)],
	})
	var ie *apperr.InputError
	if errors.As(err, &ie) && ie.Fields["upstreams"] != "" {
		a, err = d.life.CreateAPI(ctx, lead, team, lifecycle.APIInput{
			Slug: slug, Name: doc.Title, Summary: summary, Description: truncateMarkdown(doc.Description, 20000),
			Tags: demoTags(info.tags, doc.Tags()), Visibility: info.visibility,
		})
	}
	if err != nil {
		return false, fmt.Errorf("create demo api %s: %w", slug, err)
	}
	version := demoVersion(doc.Version)
	v, err := d.publish(ctx, a, dev, approver, version, raw)
	if err != nil {
		return false, err
	}
	if info.deprecate {
		next := fmt.Sprintf("%d.0.0", v.Major+1)
		if _, err := d.publish(ctx, a, dev, approver, next, nil); err != nil {
			return false, err
		}
		if err := d.life.Deprecate(ctx, lead, a, v, d.sunset, next); err != nil {
			return false, fmt.Errorf("deprecate demo %s %s: %w", slug, v.Version, err)
		}
	}
	if info.review {
		nv, err := d.life.CreateVersion(ctx, dev, a, fmt.Sprintf("%d.%d.0", v.Major, v.Minor+1), nil)
		if err != nil {
			return false, fmt.Errorf("draft demo %s: %w", slug, err)
		}
		if _, err := d.life.Submit(ctx, dev, a, nv, "Adds nothing yet: a demo request waiting for review."); err != nil {
			return false, fmt.Errorf("submit demo %s: %w", slug, err)
		}
	}
	return true, nil
}

// publish drafts, submits and approves one version (a copy of the latest one when raw is nil).
func (d *demo) publish(ctx context.Context, a *store.API, dev, approver *store.User, version string, raw []byte) (*store.APIVersion, error) {
	v, err := d.life.CreateVersion(ctx, dev, a, version, raw)
	if err != nil {
		return nil, fmt.Errorf("draft demo %s %s: %w", a.Slug, version, err)
	}
	r, err := d.life.Submit(ctx, dev, a, v, "Demo publication.")
	if err != nil {
		return nil, fmt.Errorf("submit demo %s %s: %w", a.Slug, version, err)
	}
	if err := d.life.Approve(ctx, approver, r, "Reviewed for the demo.", false); err != nil {
		return nil, fmt.Errorf("approve demo %s %s: %w", a.Slug, version, err)
	}
	return d.s.Version(ctx, a.ID, v.Version)
}

// syntheticBatch is the number of synthetic APIs written per transaction.
const syntheticBatch = 500

// synthesize writes n generated APIs, each with one published version,
// straight to the store in batches (no review: they are test data, recorded
// in the audit log as demo imports). Each batch appends its APIs to the
// index log, which every instance's search index follows.
func (d *demo) synthesize(ctx context.Context, n int) error {
	gen := newSynth()
	teamSlugs := make([]string, 0, len(demoTeamNames))
	for _, tn := range demoTeamNames {
		teamSlugs = append(teamSlugs, tn[0])
	}
	for start := 0; start < n; start += syntheticBatch {
		end := min(start+syntheticBatch, n)
		err := d.s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			ids := make([]int64, 0, end-start)
			for i := start; i < end; i++ {
				api := gen.api(i)
				team := d.teams[teamSlugs[i%len(teamSlugs)]]
				a := &store.API{TeamID: team.ID, Slug: api.slug, Name: api.name, Summary: api.summary, Description: api.description,
					Tags: api.tags, Visibility: api.visibility, Upstreams: store.StringList{}}
				now := store.Now()
				if err := d.s.CreateAPI(ctx, tx, a, now); err != nil {
					return fmt.Errorf("synthetic api %s: %w", api.slug, err)
				}
				v := &store.APIVersion{APIID: a.ID, Version: api.version, Major: api.major, Minor: api.minor, State: string(lifecycle.Published),
					SpecRaw: api.specJSON, SpecJSON: api.specJSON, SpecFormat: spec.FormatOpenAPI30, Title: api.name, Operations: api.operations, PublishedAt: &now}
				if err := d.s.CreateVersion(ctx, tx, v, now); err != nil {
					return fmt.Errorf("synthetic version %s: %w", api.slug, err)
				}
				if err := d.s.Audit(ctx, tx, &store.AuditEvent{Actor: "demo", Action: "version.import", ObjectType: "version", ObjectID: api.slug + "@" + api.version,
					TeamID: &team.ID, After: string(lifecycle.Published), Reason: "portico demo --synthetic"}, now); err != nil {
					return err
				}
				ids = append(ids, a.ID)
				if a.Visibility == store.VisibilityPublic {
					d.synthetic = append(d.synthetic, synthAPIRef{id: a.ID, teamID: a.TeamID, major: api.major})
				}
			}
			_, err := d.s.AppendIndexLogTx(ctx, tx, ids...)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(d.out, "\rgenerating %d/%d", end, n)
	}
	fmt.Fprintln(d.out)
	return nil
}

// synthResource is a collection an API manages.
type synthResource struct{ plural, singular string }

type synthDomain struct {
	name      string
	purpose   string
	resources []synthResource
}

func synthDomains() []synthDomain {
	r := func(p, s string) synthResource { return synthResource{p, s} }
	return []synthDomain{
		{"billing", "bills customers and collects payments", []synthResource{r("invoices", "invoice"), r("payments", "payment"), r("refunds", "refund"), r("credit-notes", "credit note"), r("subscriptions", "subscription")}},
		{"shipping", "ships parcels and tracks deliveries", []synthResource{r("shipments", "shipment"), r("parcels", "parcel"), r("labels", "label"), r("carriers", "carrier"), r("tracking-events", "tracking event")}},
		{"identity", "manages accounts, sign-in and access", []synthResource{r("users", "user"), r("groups", "group"), r("sessions", "session"), r("roles", "role"), r("tokens", "token")}},
		{"messaging", "sends notifications by SMS, email and push", []synthResource{r("messages", "message"), r("templates", "template"), r("conversations", "conversation"), r("contacts", "contact"), r("webhooks", "webhook")}},
		{"inventory", "tracks stock across warehouses", []synthResource{r("items", "item"), r("warehouses", "warehouse"), r("stock-levels", "stock level"), r("reservations", "reservation")}},
		{"analytics", "collects events and builds reports", []synthResource{r("reports", "report"), r("dashboards", "dashboard"), r("events", "event"), r("metrics", "metric"), r("exports", "export")}},
		{"products", "publishes the product catalog and prices", []synthResource{r("products", "product"), r("categories", "category"), r("prices", "price"), r("variants", "variant"), r("reviews", "review")}},
		{"media", "stores and streams videos and images", []synthResource{r("videos", "video"), r("images", "image"), r("playlists", "playlist"), r("captions", "caption")}},
		{"maps", "geocodes addresses and plans routes", []synthResource{r("places", "place"), r("addresses", "address"), r("routes", "route"), r("geofences", "geofence")}},
		{"people", "keeps employee records and absences", []synthResource{r("employees", "employee"), r("absences", "absence"), r("payslips", "payslip"), r("departments", "department"), r("candidates", "candidate")}},
		{"support", "handles customer tickets", []synthResource{r("tickets", "ticket"), r("agents", "agent"), r("macros", "macro"), r("surveys", "survey")}},
		{"documents", "stores documents and collects signatures", []synthResource{r("documents", "document"), r("signatures", "signature"), r("folders", "folder"), r("envelopes", "envelope")}},
	}
}

func synthQualifiers() []string {
	return []string{"Core", "Partner", "Internal", "Legacy", "Realtime", "Batch", "Global", "Europe", "Mobile", "Edge", "Retail", "Wholesale", "Marketplace", "Enterprise", "Self-service", "Back-office"}
}

// synth generates APIs deterministically: the same index gives the same API.
type synth struct {
	domains    []synthDomain
	qualifiers []string
}

func newSynth() *synth { return &synth{domains: synthDomains(), qualifiers: synthQualifiers()} }

type synthAPI struct {
	slug, name, summary, description string
	tags                             []string
	visibility                       string
	version                          string
	major, minor                     int
	specJSON                         string
	operations                       int
}

func (g *synth) api(i int) synthAPI {
	rng := rand.New(rand.NewPCG(42, uint64(i)))
	dom := g.domains[rng.IntN(len(g.domains))]
	q := g.qualifiers[rng.IntN(len(g.qualifiers))]
	// Two resources of the domain, five operations each: ten operations per API.
	first := rng.IntN(len(dom.resources))
	second := (first + 1 + rng.IntN(len(dom.resources)-1)) % len(dom.resources)
	res := []synthResource{dom.resources[first], dom.resources[second]}
	title := strings.ToUpper(dom.name[:1]) + dom.name[1:]
	name := fmt.Sprintf("%s %s %s API", q, title, titleWords(res[0].singular))
	a := synthAPI{
		slug:       fmt.Sprintf("%s-%s-%s-%05d", slug.From(q), dom.name, res[0].plural, i),
		name:       name,
		summary:    fmt.Sprintf("%s %s: %s and %s.", q, dom.name, strings.ReplaceAll(res[0].plural, "-", " "), strings.ReplaceAll(res[1].plural, "-", " ")),
		tags:       []string{dom.name, res[0].singular},
		visibility: store.VisibilityPublic,
		major:      1 + rng.IntN(3),
		minor:      rng.IntN(10),
	}
	a.description = fmt.Sprintf("The %s %s. It manages %s and %s.", name, dom.purpose, strings.ReplaceAll(res[0].plural, "-", " "), strings.ReplaceAll(res[1].plural, "-", " "))
	if rng.IntN(10) == 0 {
		a.visibility = store.VisibilityTeam
	}
	a.version = fmt.Sprintf("%d.%d.0", a.major, a.minor)
	paths := map[string]any{}
	for _, r := range res {
		coll := fmt.Sprintf("/v%d/%s", a.major, r.plural)
		idName := camel(r.singular) + "Id"
		item := coll + "/{" + idName + "}"
		cname, sname := pascal(strings.ReplaceAll(r.plural, "-", " ")), pascal(r.singular)
		article := "a"
		if strings.ContainsRune("aeiou", rune(r.singular[0])) {
			article = "an"
		}
		ok := map[string]any{"200": map[string]any{"description": "OK"}}
		idParam := []any{map[string]any{"name": idName, "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}
		paths[coll] = map[string]any{
			"get":  map[string]any{"operationId": "list" + cname, "summary": "List " + strings.ReplaceAll(r.plural, "-", " "), "description": fmt.Sprintf("Returns the %s, newest first, page by page.", strings.ReplaceAll(r.plural, "-", " ")), "tags": []string{r.singular}, "responses": ok},
			"post": map[string]any{"operationId": "create" + sname, "summary": fmt.Sprintf("Create %s %s", article, r.singular), "tags": []string{r.singular}, "responses": ok},
		}
		paths[item] = map[string]any{
			"parameters": idParam,
			"get":        map[string]any{"operationId": "get" + sname, "summary": fmt.Sprintf("Get %s %s", article, r.singular), "tags": []string{r.singular}, "responses": ok},
			"patch":      map[string]any{"operationId": "update" + sname, "summary": fmt.Sprintf("Update %s %s", article, r.singular), "tags": []string{r.singular}, "responses": ok},
			"delete":     map[string]any{"operationId": "delete" + sname, "summary": fmt.Sprintf("Delete %s %s", article, r.singular), "tags": []string{r.singular}, "responses": ok},
		}
		a.operations += 5
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": name, "version": a.version, "description": a.description},
		"servers": []any{map[string]any{"url": "https://api.example.com/" + dom.name}},
		"paths":   paths,
	}
	b, _ := json.Marshal(doc) // maps of strings: cannot fail
	a.specJSON = string(b)
	return a
}

func titleWords(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		ws[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(ws, " ")
}

func pascal(s string) string {
	return strings.ReplaceAll(titleWords(strings.ReplaceAll(s, "-", " ")), " ", "")
}

func camel(s string) string {
	p := pascal(s)
	return strings.ToLower(p[:1]) + p[1:]
}
