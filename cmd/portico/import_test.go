package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// samplesDir holds the real-world descriptions of samples/.
const samplesDir = "../../samples/openapi"

// importFixture is a data directory with an org admin "admin", a team
// "payments" with a maintainer "maint" and a developer "dev", and a member
// "mallory" in no team.
func importFixture(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{"PORTICO_DATA_DIR": dir}
	e, _, _ := testEnv(vars, "a long enough password\n")
	if err := runEnv(context.Background(), []string{"user", "create", "--username", "admin", "--password-stdin", "--admin"}, e); err != nil {
		t.Fatal(err)
	}
	withStore(t, vars, func(s *store.Store) {
		ctx := context.Background()
		team := &store.Team{Slug: "payments", Name: "Payments"}
		if err := s.CreateTeam(ctx, s.DB(), team); err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct{ name, teamRole string }{{"maint", policy.RoleMaintainer}, {"dev", policy.RoleDeveloper}, {"mallory", ""}} {
			user := &store.User{Username: u.name, OrgRole: policy.RoleMember}
			if err := s.CreateUser(ctx, s.DB(), user); err != nil {
				t.Fatal(err)
			}
			if u.teamRole != "" {
				if _, err := s.SetTeamMember(ctx, s.DB(), team.ID, user.ID, u.teamRole); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
	return vars
}

// withStore opens the fixture's database.
func withStore(t *testing.T, vars map[string]string, fn func(s *store.Store)) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, "", vars["PORTICO_DATA_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fn(s)
}

// importFindings are the samples that import with validation findings,
// with part of the note.
var importFindings = map[string]string{
	// Two path templates that differ only in parameter names are ambiguous:
	// accepted, and judged.
	"healthcare.gov__healthcare__1.0.0.yaml": `2 validation findings, first: line 251: conflicting paths "/es/{stateName}{mediaTypeExtension}" and "/es/{pageName}{mediaTypeExtension}"`,
}

var importLine = regexp.MustCompile(`^(imported|refused ) (\S+): (.+)$`)

// TestImportSamples imports every sample with --dir --publish: each is
// published (those with validation problems too, with their findings), none
// crashes the process, and a second run changes nothing.
func TestImportSamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no OpenAPI samples in %s (relative to cmd/portico)", samplesDir)
	}
	vars := importFixture(t)
	args := []string{"import", "--team", "payments", "--dir", samplesDir, "--publish", "--as", "admin"}
	e, out, _ := testEnv(vars, "")
	err = runEnv(context.Background(), args, e)
	if err != nil {
		t.Errorf("import error %v, want none", err)
	}
	seen := map[string]bool{}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	for _, line := range lines[:len(lines)-1] {
		m := importLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("unexpected output line %q", line)
			continue
		}
		name, outcome, detail := m[2], strings.TrimSpace(m[1]), m[3]
		seen[name] = true
		want, judged := importFindings[name]
		switch {
		case outcome != "imported" || !strings.Contains(detail, " is published ("):
			t.Errorf("%s: got %s %q, want published", name, outcome, detail)
		case judged && !strings.Contains(detail, want):
			t.Errorf("%s: got %q, want the findings noted: %q", name, detail, want)
		case !judged && strings.Contains(detail, "validation finding"):
			t.Errorf("%s: got %q, want no validation finding", name, detail)
		}
	}
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("no output line for %s", filepath.Base(f))
		}
	}
	if last := lines[len(lines)-1]; last != "36 imported, 0 refused, of 36 files" {
		t.Errorf("summary %q, want \"36 imported, 0 refused, of 36 files\"", last)
	}
	withStore(t, vars, func(s *store.Store) {
		events, err := s.ListAudit(context.Background(), store.AuditFilter{Action: "version.import", Actor: "admin", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 36 {
			t.Errorf("audit has %d imports, want 36", len(events))
		}
		a, err := s.APIBySlug(context.Background(), "stripe-com-stripe-2018-05-21")
		if err != nil {
			t.Fatal(err)
		}
		if v, err := s.Version(context.Background(), a.ID, "2018.5.21"); err != nil || v.State != "published" || v.SpecFormat != "swagger-2.0" || a.Name != "Stripe" {
			t.Errorf("stripe: version %+v, err %v, name %q; want 2018.5.21 published from Swagger 2.0, named Stripe", v, err, a.Name)
		}
	})

	// Running the same import again changes nothing.
	e, out, _ = testEnv(vars, "")
	err = runEnv(context.Background(), args, e)
	if err != nil {
		t.Errorf("second run: %v, want none", err)
	}
	if n := strings.Count(out.String(), "unchanged)\n"); n != 36 {
		t.Errorf("second run: %d unchanged, want 36:\n%s", n, out.String())
	}
}

const importPets = `openapi: 3.0.3
info: {title: Pet Store, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200": {description: ok}
`

// TestImportFile imports single files step by step, as a pipeline would.
func TestImportFile(t *testing.T) {
	vars := importFixture(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	v1 := write("pets.yaml", importPets)
	v1b := write("pets-b.yaml", strings.Replace(importPets, "listPets", "listAllPets", 1))
	bad := write("bad.yaml", "openapi: 3.0.3\ninfo: {title: Bad}\npaths: {}\n") // no paths: nothing to publish
	long := write("long.yaml", importPets)
	other := write("Other API!.json", `{"openapi":"3.0.3","info":{"title":"Other","version":"v2","description":"Sends **other** things. Fast, too."},"paths":{"/o":{"get":{"responses":{"200":{"description":"ok"}}}}}}`)

	tests := []struct {
		name    string
		args    []string
		wantOut string // part of the output, when it succeeds
		wantErr string // part of the error, when it fails
	}{
		{"developers may not create APIs", []string{"--api", "pets", "--version", "1.0.0", "--as", "dev", v1}, "", `"create" permission`},
		{"draft created", []string{"--api", "pets", "--version", "1.0.0", "--as", "maint", v1}, "imported pets.yaml: pets 1.0.0 is draft (API created, draft created)", ""},
		{"draft updated", []string{"--api", "pets", "--version", "1.0.0", "--as", "dev", v1b}, "pets 1.0.0 is draft (draft updated)", ""},
		{"submitted", []string{"--api", "pets", "--version", "1.0.0", "--submit", "--as", "dev", v1}, "pets 1.0.0 is in review (draft updated, publication request #1 opened)", ""},
		{"same spec again", []string{"--api", "pets", "--version", "1.0.0", "--as", "dev", v1}, "pets 1.0.0 is in review (unchanged)", ""},
		{"other spec on a version in review", []string{"--api", "pets", "--version", "1.0.0", "--as", "dev", v1b}, "", "only drafts change"},
		{"flags after the file", []string{"--api", "pets", v1b, "--version", "1.1.0", "--as", "dev"}, "pets 1.1.0 is draft (draft created)", ""},
		{"publish by a developer", []string{"--api", "pets", "--version", "1.2.0", "--publish", "--as", "dev", v1}, "", "--publish is for org admins"},
		// --as is read as every username is: trimmed and lowercased.
		{"--as read as a username", []string{"--api", "pets", "--version", "1.2.0", "--publish", "--as", " Dev ", v1}, "", "--publish is for org admins and dev is not one"},
		{"--as blank", []string{"--as", "  ", v1}, "", "--as USER"},
		{"no permission", []string{"--api", "mallory-api", "--as", "mallory", v1}, "", `"create" permission`},
		{"invalid spec", []string{"--as", "dev", bad}, "", "spec is invalid"},
		{"missing file", []string{"--as", "dev", filepath.Join(dir, "nope.yaml")}, "", "no such file"},
		{"unknown user", []string{"--as", "ghost", v1}, "", `no user "ghost"`},
		{"no actor", []string{v1}, "", "--as USER"},
		{"submit and publish", []string{"--submit", "--publish", "--as", "admin", v1}, "", "not both"},
		{"dir with api", []string{"--dir", dir, "--api", "x", "--as", "admin"}, "", "apply to a single FILE"},
		{"two files", []string{"--as", "admin", v1, v1b}, "", "one FILE"},
		// An explicit name is refused when too long, as the pages and
		// the JSON API refuse it (it was cut to 200 characters).
		{"name too long", []string{"--name", strings.Repeat("n", 201), "--as", "admin", long}, "", "--name: Give the API a name of up to 200 characters."},
		{"published by an admin, named", []string{"--name", "Others", "--publish", "--as", "admin", other}, "other-api 2.0.0 is published (version 2.0.0 coerced from info.version \"v2\", API created, draft created)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, out, _ := testEnv(vars, "")
			err := runEnv(context.Background(), append([]string{"import", "--team", "payments"}, tt.args...), e)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v, want none", err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q, want it to contain %q", out.String(), tt.wantOut)
			}
		})
	}
	withStore(t, vars, func(s *store.Store) {
		a, err := s.APIBySlug(context.Background(), "other-api")
		if err != nil || a.Name != "Others" || a.Visibility != store.VisibilityPublic {
			t.Fatalf("other-api: %+v, %v; want a public API named Others", a, err)
		}
		// Described by its spec's info.description, the first sentence its summary.
		if a.Description != "Sends **other** things. Fast, too." || a.Summary != "Sends other things." {
			t.Errorf("other-api: got description %q, summary %q; want those of info.description", a.Description, a.Summary)
		}
		if a, err := s.APIBySlug(context.Background(), "long"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("long: got %+v, %v; want no API created under a refused --name", a, err)
		}
		// A spec without info.description leaves them empty.
		pets, err := s.APIBySlug(context.Background(), "pets")
		if err != nil || pets.Description != "" || pets.Summary != "" {
			t.Errorf("pets: got %+v, %v; want no description nor summary", pets, err)
		}
	})
}

func TestSlugAndVersionFromFile(t *testing.T) {
	slugs := []struct{ in, want string }{
		{"dir/stripe.com__stripe__2018-05-21.yaml", "stripe-com-stripe-2018-05-21"},
		{"--Weird  Name!!.json", "weird-name"},
		{"___.yml", ""},
		{strings.Repeat("ab-", 30) + ".yaml", strings.TrimRight(strings.Repeat("ab-", 30)[:64], "-")},
	}
	for _, tt := range slugs {
		if got := slugFromFile(tt.in); got != tt.want {
			t.Errorf("slugFromFile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	versions := []struct{ in, want string }{
		{"1.2.3", "1.2.3"}, {"2.0.0-beta.1", "2.0.0-beta.1"}, {"v1", "1.0.0"}, {"1.0", "1.0.0"},
		{"2018-05-21", "2018.5.21"}, {"latest", "1.0.0"}, {"", "1.0.0"}, {"1.2.3.4", "1.0.0"},
	}
	for _, tt := range versions {
		got, note := versionFromSpec(tt.in)
		if got != tt.want {
			t.Errorf("versionFromSpec(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if (note == "") != (got == tt.in) {
			t.Errorf("versionFromSpec(%q) note %q: a changed version must be said, an unchanged one not", tt.in, note)
		}
	}
}

// TestImportRealWorldOddities imports the odd descriptions of
// spec/testdata/realworld, written from the patterns that made real public
// descriptions fail to import: each usable one is published with its
// findings noted; the truly broken ones are refused with the line.
func TestImportRealWorldOddities(t *testing.T) {
	const dir = "../../spec/testdata/realworld"
	vars := importFixture(t)
	e, out, _ := testEnv(vars, "")
	err := runEnv(context.Background(), []string{"import", "--team", "payments", "--dir", dir, "--publish", "--as", "admin"}, e)
	if err == nil || err.Error() != "3 of 10 files were refused" {
		t.Errorf("import error %v, want \"3 of 10 files were refused\"", err)
	}
	want := map[string]string{
		"array-without-items.yaml":       "imported: 3 validation findings, first: line 19: this schema is an array but does not say what its items are",
		"example-without-value.yaml":     "imported: ",
		"guillemet-schema-names.yaml":    "imported: 1 validation finding, first: line 15: the component name",
		"pattern-as-number.yaml":         "imported: 1 validation finding, first: line 11: pattern is written as a number",
		"query-in-path.yaml":             "imported: 1 validation finding, first: line 5: the path holds a query string",
		"swagger-names-with-spaces.yaml": "imported: ",
		"vendor-top-level-key.yaml":      "imported: 1 validation finding, first: line 4: unknown field",
		"broken-reference.yaml":          "refused: spec is invalid: line 12: reference",
		"broken-yaml.yaml":               "refused: spec is invalid: line 4: not valid YAML or JSON",
		"no-paths.yaml":                  "refused: spec is invalid: line 4, paths: the description has no paths",
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		m := importLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, got := m[2], strings.TrimSpace(m[1])+": "+m[3]
		if w, ok := want[name]; !ok || !strings.HasPrefix(got, strings.SplitN(w, ": ", 2)[0]) || !strings.Contains(got, strings.SplitN(w, ": ", 2)[1]) {
			t.Errorf("%s: got %q, want %q", name, got, w)
		}
		delete(want, name)
	}
	for name := range want {
		t.Errorf("no output line for %s", name)
	}
}

// TestImportDirFollowsSymlinks: --dir imports every *.yaml, *.yml and *.json
// file of the folder, also those that are symbolic links (a Kubernetes
// ConfigMap or a Nix store presents its files so); a link to what is not a
// file is refused, and counted, rather than left out.
func TestImportDirFollowsSymlinks(t *testing.T) {
	vars := importFixture(t)
	specs, elsewhere := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(specs, "pets.yaml"), []byte(importPets), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(elsewhere, "store.yaml")
	if err := os.WriteFile(target, []byte(strings.Replace(importPets, "Pet Store", "Store", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(specs, "store.yaml")); err != nil {
		t.Fatal(err)
	}
	e, out, _ := testEnv(vars, "")
	err := runEnv(context.Background(), []string{"import", "--team", "payments", "--dir", specs, "--as", "maint"}, e)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "imported store.yaml: store 1.0.0 is draft") || !strings.HasSuffix(out.String(), "2 imported, 0 refused, of 2 files\n") {
		t.Errorf("import --dir with a linked file printed:\n%s\nwant both files imported", out.String())
	}

	// A link to a folder named like a description is refused, and so the
	// import fails, instead of being left out silently.
	if err := os.Symlink(elsewhere, filepath.Join(specs, "folder.json")); err != nil {
		t.Fatal(err)
	}
	e, out, _ = testEnv(vars, "")
	err = runEnv(context.Background(), []string{"import", "--team", "payments", "--dir", specs, "--as", "maint"}, e)
	if err == nil || !strings.Contains(out.String(), "refused  folder.json: not a regular file") {
		t.Errorf("import --dir with a link to a folder: error %v, printed:\n%s\nwant it refused", err, out.String())
	}
}

// TestImportDropsControlCharacters: a spec whose title or description holds
// control characters or bidirectional overrides (which API names, summaries
// and descriptions may not hold) is imported with those characters dropped
// from the API's name, summary and description, not refused.
func TestImportDropsControlCharacters(t *testing.T) {
	vars := importFixture(t)
	p := filepath.Join(t.TempDir(), "odd.json")
	spec := `{"openapi":"3.0.3","info":{"title":"Odd\u001b[31m \u202eAPI","version":"1.0.0","description":"Sends\u0007 \u202bodd things.\tFast.\nReally."},"paths":{"/o":{"get":{"responses":{"200":{"description":"ok"}}}}}}`
	if err := os.WriteFile(p, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	e, _, _ := testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"import", "--team", "payments", "--as", "admin", p}, e); err != nil {
		t.Fatalf("import: %v, want the API created", err)
	}
	withStore(t, vars, func(s *store.Store) {
		a, err := s.APIBySlug(context.Background(), "odd")
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "Odd[31m API" || a.Summary != "Sends odd things." || a.Description != "Sends \u202bodd things.\tFast.\nReally." {
			t.Errorf("got name %q, summary %q, description %q; want the control characters dropped", a.Name, a.Summary, a.Description)
		}
	})
}

// TestImportReadsTheTeamAsSlugsAreRead: --team is a team's slug read as the
// pages and the JSON API read one (trimmed, any case), and blank is the
// missing flag.
func TestImportReadsTheTeamAsSlugsAreRead(t *testing.T) {
	vars := importFixture(t)
	p := filepath.Join(t.TempDir(), "odd.json")
	spec := `{"openapi":"3.0.3","info":{"title":"Odd","version":"1.0.0"},"paths":{"/o":{"get":{"responses":{"200":{"description":"ok"}}}}}}`
	if err := os.WriteFile(p, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	e, _, _ := testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"import", "--team", "  Payments ", "--as", "admin", p}, e); err != nil {
		t.Fatalf("import --team '  Payments ': %v, want the API created in payments", err)
	}
	if err := runEnv(context.Background(), []string{"import", "--team", "  ", "--as", "admin", p}, e); err == nil || !strings.Contains(err.Error(), "--team TEAM") {
		t.Errorf("import --team '  ': %v, want the missing --team refused", err)
	}
	withStore(t, vars, func(s *store.Store) {
		a, err := s.APIBySlug(context.Background(), "odd")
		if err != nil || a.Team.Slug != "payments" {
			t.Errorf("odd: %+v, %v; want it in payments", a, err)
		}
	})
}
