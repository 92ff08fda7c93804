package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/cliconf"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
)

// importOptions are the flags of `portico import`.
type importOptions struct {
	team, api, version, name, dir, as string
	submit, publish                   bool
	file                              string
}

// cmdImport creates or updates draft versions from spec files, optionally
// submitting them for review or (org admins) publishing them directly. It
// acts for the user named by --as: their permissions apply and the audit
// log names them.
func cmdImport(ctx context.Context, args []string, e env) error {
	var o importOptions
	var c config
	fs := flag.NewFlagSet("portico import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	c.register(fs, e.getenv)
	fs.StringVar(&o.team, "team", "", "slug of the team that owns the APIs (required)")
	fs.StringVar(&o.as, "as", "", "user the import acts for; their permissions apply and the audit log names them (required)")
	fs.StringVar(&o.api, "api", "", "API slug (default: derived from the file name)")
	fs.StringVar(&o.version, "version", "", "version to create or update (default: the spec's info.version, coerced to semver)")
	fs.StringVar(&o.name, "name", "", "API name when the API is created (default: the spec's info.title)")
	fs.StringVar(&o.dir, "dir", "", "import every *.yaml, *.yml and *.json file of this folder instead of one FILE")
	fs.BoolVar(&o.submit, "submit", false, "open a publication request for each imported draft")
	fs.BoolVar(&o.publish, "publish", false, "publish directly, without review (org admins only; recorded as an import)")
	// Flags may come before or after FILE.
	var positional []string
	rest := args
	for {
		if err := cliconf.Parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if err := c.check(fs, e.getenv); err != nil {
		return err
	}
	if err := o.check(positional); err != nil {
		return err
	}
	s, err := openStore(ctx, &c, "import")
	if err != nil {
		return err
	}
	defer s.Close()
	enforcer, life, err := newLifecycle(ctx, s, &c)
	if err != nil {
		return err
	}
	imp := &importer{store: s, life: life, opts: o, out: e.stdout}
	if imp.actor, err = actingUser(ctx, s, o.as); err != nil {
		return err
	}
	if imp.team, err = s.TeamBySlug(ctx, o.team); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no team %q (--team)", o.team)
	} else if err != nil {
		return err
	}
	if o.publish {
		ok, err := enforcer.Allowed(ctx, imp.actor.ID, policy.TeamDomain(imp.team.Slug), "api", lifecycle.Permission(lifecycle.Import))
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("--publish is for org admins and %s is not one: use --submit to open publication requests instead", imp.actor.Username)
		}
	}
	if o.dir == "" {
		line, err := imp.importFile(ctx, o.file, o.api, o.version)
		if err != nil {
			return fmt.Errorf("import %s: %w", filepath.Base(o.file), err)
		}
		fmt.Fprintf(e.stdout, "imported %s: %s\n", filepath.Base(o.file), line)
		return nil
	}
	return imp.importDir(ctx, o.dir)
}

// check validates the flag combination.
func (o *importOptions) check(positional []string) error {
	o.as = people.NormalizeUsername(o.as)
	o.team = slug.Normalize(o.team)
	switch {
	case o.as == "":
		return errors.New("import needs --as USER: the user the import acts for (their permissions apply and the audit log names them)")
	case o.team == "":
		return errors.New("import needs --team TEAM: the team that owns the APIs")
	case o.submit && o.publish:
		return errors.New("choose --submit (open a publication request) or --publish (publish without review), not both")
	case o.dir != "" && len(positional) > 0:
		return fmt.Errorf("give either --dir DIR or one FILE, not both (got %q)", positional[0])
	case o.dir != "" && (o.api != "" || o.version != "" || o.name != ""):
		return errors.New("--api, --version and --name apply to a single FILE; with --dir they come from each file's name and spec")
	case o.dir == "" && len(positional) == 0:
		return errors.New("import needs a FILE, or --dir DIR")
	case len(positional) > 1:
		return fmt.Errorf("import takes one FILE; got %d (use --dir for a folder)", len(positional))
	}
	if len(positional) == 1 {
		o.file = positional[0]
	}
	return nil
}

// importer imports spec files for one actor into one team.
type importer struct {
	store *store.Store
	life  *lifecycle.Service
	opts  importOptions
	actor *store.User
	team  *store.Team
	out   io.Writer
}

// importDir imports every spec file of dir, one line per file, and fails
// when any file was refused.
func (imp *importer) importDir(ctx context.Context, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read --dir: %w", err)
	}
	var files []string
	for _, en := range entries {
		switch strings.ToLower(filepath.Ext(en.Name())) {
		case ".yaml", ".yml", ".json":
			// A symbolic link is imported as what it points to (a
			// ConfigMap's files are links): importFile refuses, and
			// counts, one that leads to no regular file.
			if en.Type().IsRegular() || en.Type()&fs.ModeSymlink != 0 {
				files = append(files, en.Name())
			}
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("%s has no *.yaml, *.yml or *.json file to import", dir)
	}
	refused := 0
	for _, name := range files {
		line, err := imp.importFile(ctx, filepath.Join(dir, name), "", "")
		if err != nil {
			refused++
			fmt.Fprintf(imp.out, "refused  %s: %s\n", name, oneLine(err.Error()))
			continue
		}
		fmt.Fprintf(imp.out, "imported %s: %s\n", name, line)
	}
	fmt.Fprintf(imp.out, "%d imported, %d refused, of %d files\n", len(files)-refused, refused, len(files))
	if refused > 0 {
		return fmt.Errorf("%d of %d files were refused", refused, len(files))
	}
	return nil
}

// importFile creates the API if needed and creates or updates the version
// from one file, then submits or publishes it as asked. It returns what it
// did, in words.
func (imp *importer) importFile(ctx context.Context, path, slug, version string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("read file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", errors.New("not a regular file")
	}
	if st.Size() > spec.MaxSize {
		return "", fmt.Errorf("the file is %d bytes, more than the %d bytes a description may have", st.Size(), spec.MaxSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read file: %w", err)
	}
	doc, err := spec.Parse(data)
	if err != nil {
		return "", err
	}
	var notes []string
	if n := len(doc.Validation); n > 0 {
		notes = append(notes, fmt.Sprintf("%d validation %s, first: line %d: %s", n, plural(n, "finding", "findings"), doc.Validation[0].Line, doc.Validation[0].Message))
	}
	if slug == "" {
		if slug = slugFromFile(path); slug == "" {
			return "", errors.New("no API slug can be derived from the file name: use --api")
		}
	}
	if version == "" {
		var note string
		version, note = versionFromSpec(doc.Version)
		if note != "" {
			notes = append(notes, note)
		}
	}
	a, created, err := imp.ensureAPI(ctx, slug, doc.Title, doc.Description)
	if err != nil {
		return "", err
	}
	if created {
		notes = append(notes, "API created")
	}
	v, err := imp.store.Version(ctx, a.ID, version)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if v, err = imp.life.CreateVersion(ctx, imp.actor, a, version, data); err != nil {
			return "", err
		}
		notes = append(notes, "draft created")
	case err != nil:
		return "", err
	case lifecycle.State(v.State) == lifecycle.Draft:
		if err := imp.life.UpdateDraft(ctx, imp.actor, a, v, data); err != nil {
			return "", err
		}
		notes = append(notes, "draft updated")
	case v.SpecRaw == string(data):
		notes = append(notes, "unchanged")
		return describe(a, v, notes), nil
	default:
		return "", fmt.Errorf("version %s of %s is %s and its spec differs from the file: only drafts change; import the file as a new version", v.Version, a.Slug, lifecycle.State(v.State).Label())
	}
	switch {
	case imp.opts.submit:
		r, err := imp.life.Submit(ctx, imp.actor, a, v, "imported from "+filepath.Base(path))
		if err != nil {
			return "", err
		}
		notes = append(notes, fmt.Sprintf("publication request #%d opened", r.ID))
	case imp.opts.publish:
		if err := imp.life.Import(ctx, imp.actor, a, v); err != nil {
			return "", err
		}
	}
	return describe(a, v, notes), nil
}

func describe(a *store.API, v *store.APIVersion, notes []string) string {
	return fmt.Sprintf("%s %s is %s (%s)", a.Slug, v.Version, lifecycle.State(v.State).Label(), strings.Join(notes, ", "))
}

// ensureAPI returns the API with slug in the importer's team, creating it
// when it does not exist: public, named after --name or the spec's title, and
// described by the spec's info.description (its first sentence the summary),
// so that the catalog and its search know what the API does.
func (imp *importer) ensureAPI(ctx context.Context, slug, title, description string) (*store.API, bool, error) {
	a, err := imp.store.APIBySlug(ctx, slug)
	if err == nil {
		if a.TeamID != imp.team.ID {
			return nil, false, fmt.Errorf("API %q belongs to team %q, not %q", slug, a.Team.Slug, imp.team.Slug)
		}
		return a, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	// A name given with --name is the service's to accept or refuse, as
	// on the pages and the JSON API; only one derived from the spec's
	// title is cut to fit.
	name := strings.TrimSpace(imp.opts.name)
	explicit := name != ""
	if !explicit {
		name = strings.Join(strings.Fields(apperr.Clean(title, true)), " ")
		if utf8.RuneCountInString(name) > lifecycle.MaxAPIName {
			name = string([]rune(name)[:lifecycle.MaxAPIName])
		}
	}
	if name == "" {
		name = slug
	}
	description = strings.TrimSpace(description)
	if !utf8.ValidString(description) {
		description = "" // the spec's own checks report it; the API is created without
	}
	// Control characters (and in the name, bidirectional overrides) are
	// refused in what people type; from a spec they are dropped.
	description = apperr.Clean(description, false)
	a, err = imp.life.CreateAPI(ctx, imp.actor, imp.team, lifecycle.APIInput{Slug: slug, Name: name, Visibility: store.VisibilityPublic,
		Summary: apperr.Clean(markdown.FirstSentence(markdown.PlainText(description)), true), Description: truncateMarkdown(description, lifecycle.MaxDescription)})
	var ie *apperr.InputError
	if explicit && errors.As(err, &ie) && ie.Fields["name"] != "" {
		return nil, false, fmt.Errorf("--name: %s", ie.Fields["name"])
	}
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}

// slugFromFile derives an API slug from a file name without its folder
// and extension (see slug.From).
func slugFromFile(path string) string {
	base := filepath.Base(path)
	return slug.From(strings.TrimSuffix(base, filepath.Ext(base)))
}

var isoDate = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// versionFromSpec turns a spec's info.version into the version to import:
// itself when it is semver, else coerced ("v1" and "1.0" become 1.0.0, a
// date 2018-05-21 becomes 2018.5.21), else 1.0.0. The note says what was
// done when the version is not info.version.
func versionFromSpec(info string) (string, string) {
	info = strings.TrimSpace(info)
	if v, err := lifecycle.ParseVersion(info); err == nil {
		return v.Original(), ""
	}
	coerce := info
	if m := isoDate.FindStringSubmatch(info); m != nil {
		coerce = m[1] + "." + strings.TrimLeft(m[2], "0") + "." + strings.TrimLeft(m[3], "0")
	}
	if v, err := semver.NewVersion(coerce); err == nil {
		if _, err := lifecycle.ParseVersion(v.String()); err == nil {
			return v.String(), fmt.Sprintf("version %s coerced from info.version %q", v.String(), info)
		}
	}
	return "1.0.0", fmt.Sprintf("info.version %q is not a version; imported as 1.0.0", info)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// oneLine keeps an error message on one output line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
