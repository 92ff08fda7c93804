package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/apis"
)

// pageVersion loads the version named by :version of the current API. A
// draft or a version in review is work in progress: it is 404 for those who
// may see the API but not read the team's APIs.
func (h *Handler) pageVersion(c *fiber.Ctx) (*store.APIVersion, error) {
	a := currentAPI(c)
	name, err := url.PathUnescape(c.Params("version"))
	if err != nil {
		return nil, errNotFound
	}
	return h.life.VisibleVersion(c.UserContext(), currentUser(c), a, name)
}

// pageVersionMeta is pageVersion without the version's description.
func (h *Handler) pageVersionMeta(c *fiber.Ctx) (*store.APIVersion, error) {
	name, err := url.PathUnescape(c.Params("version"))
	if err != nil {
		return nil, errNotFound
	}
	return h.life.VisibleVersionMeta(c.UserContext(), currentUser(c), currentAPI(c), name)
}

func versionPath(a *store.API, v *store.APIVersion) string {
	return "/apis/" + a.Slug + "/versions/" + v.Version
}

func humanSize(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", (n+1023)/1024)
}

// refillLimit bounds the uploaded description a form puts back into its
// text area after an error; a larger file is named, not echoed.
const refillLimit = 1 << 20

// specInput is the description a version form sent: the uploaded file when
// there is one, else the pasted text.
type specInput struct {
	data []byte
	// kept is what the text area shows again when the form comes back with
	// an error, and file the name of the upload it holds.
	kept, file string
}

// specUpload reads the description from the form. An upload that is too
// large or not text is an error of the file field; any other upload is
// kept, so that a form returned with errors still holds it.
func specUpload(c *fiber.Ctx) (specInput, error) {
	pasted := c.FormValue("spec")
	fh, ferr := c.FormFile("file")
	if ferr != nil || fh == nil || fh.Size == 0 {
		return specInput{data: []byte(pasted), kept: pasted}, nil
	}
	in := specInput{kept: pasted}
	if fh.Size > spec.MaxSize {
		return in, invalid(map[string]string{"file": fmt.Sprintf("The file %s is %s; descriptions are limited to %s.", fh.Filename, humanSize(int(fh.Size)), humanSize(spec.MaxSize))})
	}
	f, err := fh.Open()
	if err != nil {
		return in, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, spec.MaxSize+1))
	if err != nil {
		return in, fmt.Errorf("read upload: %w", err)
	}
	if !utf8.Valid(data) {
		return in, invalid(map[string]string{"file": fmt.Sprintf("The file %s is not text: upload an OpenAPI description in YAML or JSON (UTF-8).", fh.Filename)})
	}
	in.data = data
	if len(data) <= refillLimit {
		in.kept, in.file = string(data), fh.Filename
	} else {
		in.kept = ""
	}
	return in, nil
}

// keepUpload puts what the user sent back into the form after an error.
// The description's errors belong where its text is: on the text area when
// it holds the upload again, on the file field when the upload was too large
// to echo.
func keepUpload(f *apis.VersionForm, in specInput, fields map[string]string, fileName string) {
	f.Spec, f.FromFile = in.kept, in.file
	if msg, ok := fields["spec"]; ok && fileName != "" && in.file == "" {
		delete(fields, "spec")
		fields["file"] = msg + " (The file " + fileName + " is larger than " + humanSize(refillLimit) + ", so it is not shown here: choose it again after correcting it.)"
	}
}

// uploadName is the name of the file the form uploaded, or "".
func uploadName(c *fiber.Ctx) string {
	if fh, err := c.FormFile("file"); err == nil && fh != nil && fh.Size > 0 {
		return fh.Filename
	}
	return ""
}

// NewVersion renders the form to create a version.
func (h *Handler) NewVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	f := apis.VersionForm{API: header, MaxSize: humanSize(spec.MaxSize)}
	if err := h.fillLatest(c, a, &f); err != nil {
		return err
	}
	return h.render(c, apis.NewVersion(h.page(c, "New version of "+store.Isolate(a.Name), "catalog"), f))
}

func (h *Handler) fillLatest(c *fiber.Ctx, a *store.API, f *apis.VersionForm) error {
	vs, err := h.store.Versions(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		f.Latest = vs[0].Version
	}
	return nil
}

// CreateVersion creates a draft from an uploaded or pasted description, or
// as a copy of the latest version when neither is given.
func (h *Handler) CreateVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	f := apis.VersionForm{API: header, MaxSize: humanSize(spec.MaxSize), Version: strings.TrimSpace(c.FormValue("version"))}
	in, err := specUpload(c)
	var v *store.APIVersion
	if err == nil {
		err = h.once(c, "a version", "", func(ctx context.Context) (string, error) {
			var err error
			if v, err = h.life.CreateVersion(ctx, currentUser(c), a, f.Version, in.data); err != nil {
				return "", err
			}
			return versionPath(a, v), nil
		})
	}
	if fields, ok := fieldErrors(err); ok {
		keepUpload(&f, in, fields, uploadName(c))
		f.Errors = fields
		if ferr := h.fillLatest(c, a, &f); ferr != nil {
			return ferr
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apis.NewVersion(h.page(c, "New version of "+store.Isolate(a.Name), "catalog"), f))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", fmt.Sprintf("Draft %s created with %d operations. Submit it for review when it is ready.", v.Version, v.Operations))
	return seeOther(c, versionPath(a, v))
}

// EditDraft renders the form to replace a draft's description.
func (h *Handler) EditDraft(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	if err := lifecycle.Editable(v); err != nil {
		h.flash(c, "error", err.Error())
		return seeOther(c, versionPath(a, v))
	}
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	f := apis.VersionForm{API: header, MaxSize: humanSize(spec.MaxSize), Version: v.Version, Spec: v.SpecRaw, Editing: true}
	return h.render(c, apis.NewVersion(h.page(c, "Edit "+store.Isolate(a.Name)+" "+v.Version, "catalog"), f))
}

// UpdateDraft replaces a draft's description.
func (h *Handler) UpdateDraft(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	f := apis.VersionForm{API: header, MaxSize: humanSize(spec.MaxSize), Version: v.Version, Editing: true}
	in, err := specUpload(c)
	if err == nil {
		err = h.life.UpdateDraft(c.UserContext(), currentUser(c), a, v, in.data)
	}
	if fields, ok := fieldErrors(err); ok {
		keepUpload(&f, in, fields, uploadName(c))
		f.Errors = fields
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apis.NewVersion(h.page(c, "Edit "+store.Isolate(a.Name)+" "+v.Version, "catalog"), f))
	}
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, versionPath(a, v))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", fmt.Sprintf("Replaced the description of draft %s (%d operations).", v.Version, v.Operations))
	return seeOther(c, versionPath(a, v))
}

// ShowVersion renders a version's page: docs, lint and lifecycle actions.
// It reads the version without its description: the documentation comes
// from the cache of rendered docs (versionDocs), which reads it on a miss.
// ?q= narrows the operations to those matching every word.
func (h *Handler) ShowVersion(c *fiber.Ctx) error {
	v, err := h.pageVersionMeta(c)
	if err != nil {
		return err
	}
	return h.renderVersion(c, v, func(*apis.Version) {})
}

func (h *Handler) renderVersion(c *fiber.Ctx, v *store.APIVersion, fill func(*apis.Version)) error {
	ctx := c.UserContext()
	a := currentAPI(c)
	docs, err := h.versionDocs(ctx, v)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Slug, err)
	}
	vs, err := h.store.Versions(ctx, a.ID)
	if err != nil {
		return err
	}
	state := lifecycle.State(v.State)
	domain := policy.TeamDomain(a.Team.Slug)
	filter := cutFilter(strings.TrimSpace(c.Query("q")))
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	// A published or deprecated version whose major has no upstream
	// targets in force has no route on the gateway: no URL is given for
	// it, and those who may set targets are told.
	var calls versionCalls
	if liveVersion(v) {
		if calls, err = h.readVersionCalls(ctx, a.ID); err != nil {
			return err
		}
		if h.gatewayURL == "" {
			if calls.Served, err = control.ServedRoutes(ctx, h.store, []int64{a.ID}); err != nil {
				return err
			}
		}
	}
	served := calls.Served
	p := apis.Version{
		API: header, Version: v.Version, State: v.State, StateLabel: state.Label(), Format: v.SpecFormat,
		Created: fmtTime(v.CreatedAt), Published: fmtDate(v.PublishedAt), Deprecated: fmtDate(v.DeprecatedAt),
		Sunset: fmtDate(v.SunsetAt), Successor: v.Successor, Retired: fmtDate(v.RetiredAt),
		Docs: docs.filtered(filterWords(filter)), GatewayURL: h.versionCallURL(served, a.Slug, v),
		NotServed: liveVersion(v) && !served.Serves(a.ID, v.Major) && h.can(c, domain, "api", control.ActAPIGateway),
	}
	p.Docs.Filter = filter
	if r := calls.reach(p.GatewayURL, a.ID, v.Major); r != nil {
		p.Reach = r.Status()
	}
	if p.ExampleURL = p.GatewayURL; p.GatewayURL != "" && docs.example != nil {
		p.ExampleURL += strings.TrimPrefix(docs.example.path, "/")
		p.ExampleOperation = docs.example.method + " " + docs.example.path
	}
	judged, err := h.life.JudgeFindings(ctx, docs.report)
	if err != nil {
		return err
	}
	for _, it := range judged.Items {
		p.Findings = append(p.Findings, spec.Finding{Rule: it.Rule, Severity: it.Severity, Location: it.Location, Line: it.Line, Message: it.Message})
	}
	def := lifecycle.Default(vs)
	if def != nil && def.ID == v.ID {
		p.Default = true
	}
	insider := h.can(c, domain, "api", "read")
	for i := range vs {
		o := &vs[i]
		if o.ID != v.ID && !insider && !lifecycle.VersionIsPublic(o) {
			continue
		}
		p.Versions = append(p.Versions, apis.VersionLink{Version: o.Version, State: o.State, StateLabel: lifecycle.State(o.State).Label(),
			Default: def != nil && def.ID == o.ID, Current: o.ID == v.ID})
	}
	if state == lifecycle.InReview {
		if r, err := h.store.OpenRequestFor(ctx, v.ID); err == nil {
			p.OpenReview = r.ID
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if state == lifecycle.Draft {
		if p.Rejection, err = h.rejection(ctx, v); err != nil {
			return err
		}
	}
	for _, act := range lifecycle.Allowed(state) {
		if !h.can(c, domain, "api", lifecycle.Permission(act)) {
			continue
		}
		switch act {
		case lifecycle.Submit:
			p.CanSubmit = true
		case lifecycle.Deprecate:
			p.CanDeprecate = true
		case lifecycle.Undeprecate:
			p.CanUndeprecate = true
		case lifecycle.Retire:
			p.CanRetire = true
		}
	}
	p.CanEditDraft = state == lifecycle.Draft && h.can(c, domain, "api", "draft")
	if p.CanDeprecate {
		p.Successors = []components.Option{{Value: "", Label: "None"}}
		for _, o := range vs {
			if o.ID != v.ID && lifecycle.State(o.State) == lifecycle.Published {
				p.Successors = append(p.Successors, components.Option{Value: o.Version, Label: o.Version})
			}
		}
		p.MinSunset = h.life.EarliestSunset().Format(pageDate)
		p.Deprecate.Sunset = p.MinSunset
	}
	if p.CanRetire {
		if p.Retire, err = h.retireForm(ctx, a, v, vs); err != nil {
			return err
		}
	}
	fill(&p)
	return h.render(c, apis.ShowVersion(h.page(c, store.Isolate(a.Name)+" "+v.Version, "catalog"), p))
}

// retireForm says what retiring v would do, from the lifecycle's own
// account of it (lifecycle.Service.RetireImpact), for the danger zone.
func (h *Handler) retireForm(ctx context.Context, a *store.API, v *store.APIVersion, vs []store.APIVersion) (apis.RetireForm, error) {
	imp, err := h.life.RetireImpact(ctx, a, v)
	if err != nil {
		return apis.RetireForm{}, err
	}
	var f apis.RetireForm
	subs := fmt.Sprintf("%s to v%d", pluralize(imp.Subscriptions, "pending or active subscription", "pending or active subscriptions"), imp.Major)
	if len(imp.Named) > 0 {
		subs += " (" + strings.Join(imp.Named, ", ")
		if imp.Subscriptions > len(imp.Named) {
			subs += fmt.Sprintf(" and %d more", imp.Subscriptions-len(imp.Named))
		}
		subs += ")"
	}
	switch {
	case imp.Refused:
		f.Refusal = fmt.Sprintf("%s cannot be retired now: it is the last live version of v%d, which has %s. Deprecate it first: its subscribers are told the sunset, and it is retired on that day.", v.Version, imp.Major, subs)
	case imp.OtherLive > 0:
		f.Consequences = append(f.Consequences, fmt.Sprintf("v%d stays served by its %s: its %s and the gateway's route are not affected.",
			imp.Major, pluralize(imp.OtherLive, "other live version", "other live versions"), pluralize(imp.Subscriptions, "subscription", "subscriptions")))
	case imp.EndsSubscriptions:
		f.Consequences = append(f.Consequences, fmt.Sprintf("Retiring %s ends the %s: their keys stop working at once and their teams are notified.", v.Version, subs))
	default:
		f.Consequences = append(f.Consequences, fmt.Sprintf("No app subscribes to v%d, so no subscription ends.", imp.Major))
	}
	if imp.GatewayGone || imp.EndsSubscriptions {
		f.Consequences = append(f.Consequences, fmt.Sprintf("The gateway answers 410 Gone to every call to v%d of %s.", imp.Major, a.Slug))
	}
	if f.Refusal == "" {
		rest := make([]store.APIVersion, 0, len(vs))
		for _, o := range vs {
			if o.ID != v.ID {
				rest = append(rest, o)
			}
		}
		if def := lifecycle.Default(vs); def != nil && def.ID == v.ID {
			if next := lifecycle.Default(rest); next != nil {
				f.Consequences = append(f.Consequences, fmt.Sprintf("The catalog shows %s as the API's version instead.", next.Version))
			} else {
				f.Consequences = append(f.Consequences, "The API has no live version left: the catalog lists it as retired.")
			}
		}
		f.Consequences = append(f.Consequences, "Retiring is final: the version and its documentation stay in the history, but it cannot be published again.")
	}
	return f, nil
}

// versionDone ends a lifecycle action from a page: field errors re-render
// the version page with them (422); refusals flash their reason and go back
// to the version page; success flashes msg.
func (h *Handler) versionDone(c *fiber.Ctx, v *store.APIVersion, err error, msg string, fill func(*apis.Version, map[string]string)) error {
	a := currentAPI(c)
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderVersion(c, v, func(p *apis.Version) { fill(p, fields) })
	}
	if reason, ok := refusal(err); ok {
		h.flash(c, "error", reason)
		return seeOther(c, versionPath(a, v))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", msg)
	return seeOther(c, versionPath(a, v))
}

// SubmitVersion submits a draft for review.
func (h *Handler) SubmitVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	note := c.FormValue("note")
	r, err := h.life.Submit(c.UserContext(), currentUser(c), a, v, note)
	if err == nil {
		h.flash(c, "success", versionName(a, v.Version)+" is submitted for review. Reviewers have been notified.")
		return seeOther(c, fmt.Sprintf("/reviews/%d", r.ID))
	}
	return h.versionDone(c, v, err, "", func(p *apis.Version, fields map[string]string) {
		p.Submit = apis.SubmitForm{Note: note, Errors: fields}
	})
}

// versionName names a version of an API in a message: the API's name and
// the version, each isolated (store.Isolate) so that a right-to-left name
// does not reorder the sentence. Every lifecycle action's message names
// the version through it.
func versionName(a *store.API, version string) string {
	return store.Isolate(a.Name) + " " + store.Isolate(version)
}

// DeprecateVersion announces a version's sunset.
func (h *Handler) DeprecateVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	form := apis.DeprecateForm{Sunset: c.FormValue("sunset"), Successor: c.FormValue("successor")}
	sunset, err := parseSunset(form.Sunset)
	if err == nil {
		err = h.life.Deprecate(c.UserContext(), currentUser(c), a, v, sunset, form.Successor)
	}
	msg := versionName(a, v.Version) + " is deprecated; it retires on " + sunset.Format(pageDate) + "."
	return h.versionDone(c, v, err, msg, func(p *apis.Version, fields map[string]string) {
		form.Errors = fields
		p.Deprecate = form
	})
}

// UndeprecateVersion returns a deprecated version to published.
func (h *Handler) UndeprecateVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	err = h.life.Undeprecate(c.UserContext(), currentUser(c), a, v)
	return h.versionDone(c, v, err, versionName(a, v.Version)+" is published again; its sunset is cancelled.", func(*apis.Version, map[string]string) {})
}

// RetireVersion retires a version. The form's confirmation is the
// version typed again; without it nothing happens and the page comes back
// with what retiring would do.
func (h *Handler) RetireVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	confirm := strings.TrimSpace(c.FormValue("confirm"))
	if confirm != v.Version {
		err = invalid(map[string]string{"confirm": fmt.Sprintf("Type %s to confirm: retiring is final. What it does is listed above.", v.Version)})
	} else {
		err = h.life.Retire(c.UserContext(), currentUser(c), a, v)
	}
	return h.versionDone(c, v, err, versionName(a, v.Version)+" is retired. It stays in the history.", func(p *apis.Version, fields map[string]string) {
		p.Retire.Confirm, p.Retire.Errors = confirm, fields
	})
}

// specFileName is the download name of a version's description.
func specFileName(a *store.API, v *store.APIVersion, ext string) string {
	return a.Slug + "-" + v.Version + ext
}

// fileForHTMX answers an htmx request for a file with HX-Redirect to it,
// so that the browser fetches it itself. A boosted link to a file (the
// page's own are not boosted, but a description's Markdown may hold one)
// would have htmx swap the file's text into the page as HTML: the markup
// of an uploaded description, htmx attributes included.
func fileForHTMX(c *fiber.Ctx, location string) (bool, error) {
	c.Vary("HX-Request")
	if c.Get("HX-Request") != "true" {
		return false, nil
	}
	// HX-Redirect even to htmx restoring its history (seeOther would
	// redirect to this same address): the file is never swapped in.
	c.Set("HX-Redirect", location)
	return true, c.SendStatus(fiber.StatusOK)
}

// DownloadSpec sends a version's description as it was uploaded.
func (h *Handler) DownloadSpec(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	if done, err := fileForHTMX(c, versionPath(a, v)+"/openapi"); done {
		return err
	}
	ctype, ext := "application/yaml; charset=utf-8", ".yaml"
	if trimmed := strings.TrimLeft(v.SpecRaw, " \t\r\n\ufeff"); strings.HasPrefix(trimmed, "{") {
		ctype, ext = "application/json; charset=utf-8", ".json"
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+specFileName(a, v, ext)+`"`)
	return c.SendString(v.SpecRaw)
}

// DownloadSpecJSON sends a version's normalised OpenAPI 3 JSON.
func (h *Handler) DownloadSpecJSON(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	if done, err := fileForHTMX(c, versionPath(a, v)+"/openapi.json"); done {
		return err
	}
	doc, err := h.life.StoredSpec(c.UserContext(), v)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Slug, err)
	}
	js, err := doc.JSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+specFileName(a, v, ".openapi.json")+`"`)
	return c.Send(js)
}

// ShowReference renders the interactive reference of a version. Its
// servers come with the cached documentation, without reading the spec.
func (h *Handler) ShowReference(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersionMeta(c)
	if err != nil {
		return err
	}
	c.Vary("HX-Request", "HX-History-Restore-Request")
	if c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true" {
		// A boosted link would swap this page into the one it leaves, whose
		// Content-Security-Policy the browser keeps: Test Request could
		// reach none of the servers named below. The page is loaded whole.
		// (htmx follows no HX-Redirect when it restores a page of its
		// history, which it does in the reference's own document.)
		return seeOther(c, versionPath(a, v)+"/reference")
	}
	docs, err := h.versionDocs(c.UserContext(), v)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Slug, err)
	}
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	r := apis.Reference{API: header, Version: v.Version, State: v.State, SpecURL: versionPath(a, v) + "/openapi.json"}
	r.TryOrigins, r.Unreachable = tryTargets(docs.servers, c.Protocol() == "https")
	c.Set("Content-Security-Policy", contentSecurityPolicy(r.TryOrigins...))
	return h.render(c, apis.ShowReference(h.page(c, store.Isolate(a.Name)+" "+v.Version+" reference", "catalog"), r))
}

// tryTargets splits a description's servers into the origins the
// reference's "Test Request" may reach from this page and the server URLs
// it cannot: relative or non-http(s) ones, and plain http from a page
// served over https (the browser blocks mixed content).
func tryTargets(servers []spec.ServerTarget, httpsPage bool) (origins, unreachable []string) {
	seen := map[string]bool{}
	for _, s := range servers {
		if s.Origin == "" || (httpsPage && strings.HasPrefix(s.Origin, "http:")) {
			unreachable = append(unreachable, s.URL)
			continue
		}
		if !seen[s.Origin] {
			seen[s.Origin] = true
			origins = append(origins, s.Origin)
		}
	}
	return origins, unreachable
}

type apiVersionSummary struct {
	Version      string     `json:"version"`
	State        string     `json:"state"`
	Title        string     `json:"title"`
	SpecFormat   string     `json:"spec_format"`
	Operations   int        `json:"operations"`
	LockVersion  int64      `json:"lock_version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	PublishedAt  *time.Time `json:"published_at"`
	DeprecatedAt *time.Time `json:"deprecated_at"`
	SunsetAt     *time.Time `json:"sunset_at"`
	Successor    string     `json:"successor"`
	RetiredAt    *time.Time `json:"retired_at"`
	// GatewayURL is where consumers call a published or deprecated
	// version through the gateway nodes; absent when the portal is not
	// told their public address (--public-gateway-url).
	GatewayURL string `json:"gateway_url,omitempty"`
	// NodesServing of NodesTotal registered gateway nodes serve the
	// version's current gateway settings (control.Reach); present with
	// GatewayURL.
	NodesServing *int `json:"nodes_serving,omitempty"`
	NodesTotal   *int `json:"nodes_total,omitempty"`
}

type apiVersionDetail struct {
	apiVersionSummary
	API        string   `json:"api"`
	Actions    []string `json:"actions"`
	OpenReview *int64   `json:"open_review"`
	Spec       string   `json:"spec"`
	// Validation and Lint are the findings of the OpenAPI specification's
	// rules and of the lint rules, at the org's severities.
	Validation []apiFinding `json:"validation"`
	Lint       []apiFinding `json:"lint"`
	LintError  string       `json:"lint_error,omitempty"`
}

type apiFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Location string `json:"location"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
}

// toAPIFindings lists the judged items of one kind as findings.
func toAPIFindings(j *spec.Judgement, kind string) []apiFinding {
	out := []apiFinding{}
	for _, it := range j.Items {
		if it.Kind == kind {
			out = append(out, apiFinding{Rule: it.Rule, Severity: it.Severity, Location: it.Location, Line: it.Line, Message: it.Message})
		}
	}
	return out
}

// toAPIVersionSummary is v, a version of api, as the JSON API lists it;
// calls (readVersionCalls) tell whether its major is served by the
// gateway, and by how many nodes.
func (h *Handler) toAPIVersionSummary(calls versionCalls, api string, v *store.APIVersion) apiVersionSummary {
	out := apiVersionSummary{Version: v.Version, State: v.State, Title: v.Title, SpecFormat: v.SpecFormat, Operations: v.Operations,
		LockVersion: v.LockVersion, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, PublishedAt: v.PublishedAt,
		DeprecatedAt: v.DeprecatedAt, SunsetAt: v.SunsetAt, Successor: v.Successor, RetiredAt: v.RetiredAt,
		GatewayURL: h.versionCallURL(calls.Served, api, v)}
	if r := calls.reach(out.GatewayURL, v.APIID, v.Major); r != nil {
		out.NodesServing, out.NodesTotal = &r.Serving, &r.Total
	}
	return out
}

// versionCallURL is where consumers call v, a version of api, through the
// gateway nodes (callURL): only a published or deprecated version whose
// major has upstream targets in force (served) is served there.
func (h *Handler) versionCallURL(served control.Served, api string, v *store.APIVersion) string {
	if !liveVersion(v) {
		return ""
	}
	return h.callURL(served, v.APIID, api, v.Major)
}

// liveVersion reports whether v is published or deprecated: a version
// consumers call.
func liveVersion(v *store.APIVersion) bool {
	st := lifecycle.State(v.State)
	return st == lifecycle.Published || st == lifecycle.Deprecated
}

// versionJSON returns a version with its spec as uploaded, its lint
// findings, the actions the lifecycle allows from its state and its open
// publication request.
func (h *Handler) versionJSON(ctx context.Context, a *store.API, v *store.APIVersion) (apiVersionDetail, error) {
	if v.SpecRaw == "" {
		full, err := h.store.VersionByID(ctx, v.ID)
		if err != nil {
			return apiVersionDetail{}, err
		}
		v = full
	}
	calls, err := h.readVersionCalls(ctx, a.ID)
	if err != nil {
		return apiVersionDetail{}, err
	}
	out := apiVersionDetail{apiVersionSummary: h.toAPIVersionSummary(calls, a.Slug, v), API: a.Slug, Spec: v.SpecRaw, Actions: []string{}, Lint: []apiFinding{}, Validation: []apiFinding{}}
	for _, act := range lifecycle.Allowed(lifecycle.State(v.State)) {
		out.Actions = append(out.Actions, string(act))
	}
	j, err := h.life.VersionFindings(ctx, v)
	var invalid *spec.ValidationError
	switch {
	case errors.As(err, &invalid):
		// The description itself (stored before a parser change) is
		// what is wrong: its problems are the author's to read.
		out.LintError = "The stored description could not be read for linting: " + invalid.Error()
	case err != nil:
		// The server's (the database, a busy parser): an error, never
		// "no findings" with an internal message.
		return apiVersionDetail{}, err
	default:
		out.Lint, out.Validation = toAPIFindings(j, spec.ItemLint), toAPIFindings(j, spec.ItemValidation)
	}
	if lifecycle.State(v.State) == lifecycle.InReview {
		r, err := h.store.OpenRequestFor(ctx, v.ID)
		switch {
		case err == nil:
			out.OpenReview = &r.ID
		case !errors.Is(err, store.ErrNotFound):
			return apiVersionDetail{}, err
		}
	}
	return out, nil
}

// currentVersion loads the version named by the :version parameter of the
// current API: 404 when there is none, or when it is a draft or in review
// and the caller may not read the team's APIs.
func (h *Handler) currentVersion(c *fiber.Ctx) (*store.APIVersion, error) {
	a := currentAPI(c)
	name, err := url.PathUnescape(c.Params("version"))
	if err != nil {
		name = c.Params("version")
	}
	v, err := h.life.VisibleVersion(c.UserContext(), currentUser(c), a, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, clientError(fiber.StatusNotFound, fmt.Sprintf("%s has no version %s.", store.Isolate(a.Name), store.Echo(name, 80)))
	}
	return v, err
}

// APIListVersions lists the API's versions the caller may see, newest first, without specs.
func (h *Handler) APIListVersions(c *fiber.Ctx) error {
	vs, err := h.visibleVersions(c, currentAPI(c))
	if err != nil {
		return err
	}
	a := currentAPI(c)
	calls, err := h.readVersionCalls(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	out := make([]apiVersionSummary, 0, len(vs))
	for i := range vs {
		out = append(out, h.toAPIVersionSummary(calls, a.Slug, &vs[i]))
	}
	return c.JSON(struct {
		Versions []apiVersionSummary `json:"versions"`
	}{out})
}

// APICreateVersion adds a draft version; without a spec it copies the latest version's.
func (h *Handler) APICreateVersion(c *fiber.Ctx) error {
	var body struct {
		Version string  `json:"version"`
		Spec    *string `json:"spec"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	var data []byte
	if body.Spec != nil {
		// The service reads no bytes as "copy the latest version": an
		// explicit "" is refused here instead. Any other blank description
		// goes to the service, which refuses it as it does the form's.
		if *body.Spec == "" {
			return invalid(map[string]string{"spec": "The spec is empty: send the OpenAPI description as a string, or omit spec to copy the latest version's."})
		}
		data = []byte(*body.Spec)
	}
	ctx := c.UserContext()
	a := currentAPI(c)
	v, err := h.life.CreateVersion(ctx, currentUser(c), a, body.Version, data)
	if err != nil {
		return err
	}
	out, err := h.versionJSON(ctx, a, v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/apis/"+a.Slug+"/versions/"+v.Version)
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIGetVersion returns a version with its spec and lint findings.
func (h *Handler) APIGetVersion(c *fiber.Ctx) error {
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	out, err := h.versionJSON(c.UserContext(), currentAPI(c), v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APIUpdateVersion replaces a draft's spec.
func (h *Handler) APIUpdateVersion(c *fiber.Ctx) error {
	var body struct {
		Spec string `json:"spec"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	a := currentAPI(c)
	if err := h.life.UpdateDraft(ctx, currentUser(c), a, v, []byte(body.Spec)); err != nil {
		return err
	}
	out, err := h.versionJSON(ctx, a, v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APISubmitVersion opens a publication request for a draft.
func (h *Handler) APISubmitVersion(c *fiber.Ctx) error {
	var body struct {
		Note string `json:"note"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := h.life.Submit(ctx, currentUser(c), currentAPI(c), v, body.Note)
	if err != nil {
		return err
	}
	full, err := h.store.Request(ctx, r.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, fmt.Sprintf("/api/v1/reviews/%d", r.ID))
	return c.Status(fiber.StatusCreated).JSON(toAPIReview(full))
}

// parseSunset reads a sunset as a date (2027-01-31, midnight UTC) or an RFC
// 3339 time: the deprecation form's date field and the JSON API's sunset
// alike, so that both take the same values and refuse the others in the
// same words.
func parseSunset(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, invalid(map[string]string{"sunset": fmt.Sprintf("%s is not a date: use YYYY-MM-DD (e.g. 2027-01-31) or an RFC 3339 time.", store.Echo(s, 80))})
}

// APIDeprecateVersion announces a version's sunset.
func (h *Handler) APIDeprecateVersion(c *fiber.Ctx) error {
	var body struct {
		Sunset    string `json:"sunset"`
		Successor string `json:"successor"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	sunset, err := parseSunset(body.Sunset)
	if err != nil {
		return err
	}
	return h.versionAction(c, v, func(ctx context.Context, u *store.User, a *store.API) error {
		return h.life.Deprecate(ctx, u, a, v, sunset, body.Successor)
	})
}

// APIUndeprecateVersion returns a deprecated version to published.
func (h *Handler) APIUndeprecateVersion(c *fiber.Ctx) error {
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	return h.versionAction(c, v, func(ctx context.Context, u *store.User, a *store.API) error {
		return h.life.Undeprecate(ctx, u, a, v)
	})
}

// APIRetireVersion retires a version.
func (h *Handler) APIRetireVersion(c *fiber.Ctx) error {
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	return h.versionAction(c, v, func(ctx context.Context, u *store.User, a *store.API) error {
		return h.life.Retire(ctx, u, a, v)
	})
}

// versionAction applies a lifecycle action to v and answers with the version.
func (h *Handler) versionAction(c *fiber.Ctx, v *store.APIVersion, act func(context.Context, *store.User, *store.API) error) error {
	ctx := c.UserContext()
	a := currentAPI(c)
	if err := act(ctx, currentUser(c), a); err != nil {
		return err
	}
	out, err := h.versionJSON(ctx, a, v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// rejection is the answer to the draft's last publication request when it
// was rejected (the draft's page shows the reason to the team), nil when the
// draft was never submitted or its last request ended otherwise.
func (h *Handler) rejection(ctx context.Context, v *store.APIVersion) (*apis.Rejection, error) {
	last, err := h.store.Requests(ctx, store.RequestFilter{VersionID: v.ID, Limit: 1})
	if err != nil || len(last) == 0 || last[0].State != store.RequestRejected {
		return nil, err
	}
	r := &last[0]
	out := &apis.Rejection{Request: r.ID, Reason: r.DecisionComment}
	if r.Decider != nil {
		out.By = r.Decider.Username
	}
	if r.DecidedAt != nil {
		out.On = fmtTime(*r.DecidedAt)
	}
	return out, nil
}
