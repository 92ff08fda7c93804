package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

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

func versionPath(a *store.API, v *store.APIVersion) string {
	return "/apis/" + a.Slug + "/versions/" + v.Version
}

func humanSize(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", (n+1023)/1024)
}

// specUpload reads the description from the form: the uploaded file when
// there is one, else the pasted text. Too large a file is a field error.
func specUpload(c *fiber.Ctx) (data []byte, pasted string, err error) {
	pasted = c.FormValue("spec")
	fh, ferr := c.FormFile("file")
	if ferr != nil || fh == nil || fh.Size == 0 {
		return []byte(pasted), pasted, nil
	}
	if fh.Size > spec.MaxSize {
		return nil, pasted, invalid(map[string]string{"spec": fmt.Sprintf("The file %s is %s; descriptions are limited to %s.", fh.Filename, humanSize(int(fh.Size)), humanSize(spec.MaxSize))})
	}
	f, err := fh.Open()
	if err != nil {
		return nil, pasted, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, spec.MaxSize+1))
	if err != nil {
		return nil, pasted, fmt.Errorf("read upload: %w", err)
	}
	return data, "", nil
}

// NewVersion renders the form to create a version.
func (h *Handler) NewVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	f := apis.VersionForm{API: apiHeader(a), MaxSize: humanSize(spec.MaxSize)}
	if err := h.fillLatest(c, a, &f); err != nil {
		return err
	}
	return h.render(c, apis.NewVersion(h.page(c, "New version of "+a.Name, "teams"), f))
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
	f := apis.VersionForm{API: apiHeader(a), MaxSize: humanSize(spec.MaxSize), Version: strings.TrimSpace(c.FormValue("version"))}
	data, pasted, err := specUpload(c)
	f.Spec = pasted
	var v *store.APIVersion
	if err == nil {
		v, err = h.life.CreateVersion(c.UserContext(), currentUser(c), a, f.Version, data)
	}
	if fields, ok := fieldErrors(err); ok {
		f.Errors = fields
		if ferr := h.fillLatest(c, a, &f); ferr != nil {
			return ferr
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apis.NewVersion(h.page(c, "New version of "+a.Name, "teams"), f))
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
	if lifecycle.State(v.State) != lifecycle.Draft {
		h.flash(c, "error", fmt.Sprintf("Only drafts can be edited; %s is %s. Create a new version instead.", v.Version, lifecycle.State(v.State).Label()))
		return seeOther(c, versionPath(a, v))
	}
	f := apis.VersionForm{API: apiHeader(a), MaxSize: humanSize(spec.MaxSize), Version: v.Version, Spec: v.SpecRaw, Editing: true}
	return h.render(c, apis.NewVersion(h.page(c, "Edit "+a.Name+" "+v.Version, "teams"), f))
}

// UpdateDraft replaces a draft's description.
func (h *Handler) UpdateDraft(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	f := apis.VersionForm{API: apiHeader(a), MaxSize: humanSize(spec.MaxSize), Version: v.Version, Editing: true}
	data, pasted, err := specUpload(c)
	f.Spec = pasted
	if err == nil {
		err = h.life.UpdateDraft(c.UserContext(), currentUser(c), a, v, data)
	}
	if fields, ok := fieldErrors(err); ok {
		f.Errors = fields
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apis.NewVersion(h.page(c, "Edit "+a.Name+" "+v.Version, "teams"), f))
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
func (h *Handler) ShowVersion(c *fiber.Ctx) error {
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	return h.renderVersion(c, v, func(*apis.Version) {})
}

func (h *Handler) renderVersion(c *fiber.Ctx, v *store.APIVersion, fill func(*apis.Version)) error {
	ctx := c.UserContext()
	a := currentAPI(c)
	doc, err := h.life.StoredSpec(v)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Slug, err)
	}
	vs, err := h.store.Versions(ctx, a.ID)
	if err != nil {
		return err
	}
	state := lifecycle.State(v.State)
	domain := policy.TeamDomain(a.Team.Slug)
	p := apis.Version{
		API: apiHeader(a), Version: v.Version, State: v.State, StateLabel: state.Label(), Format: v.SpecFormat,
		Created: fmtTime(v.CreatedAt), Published: fmtDate(v.PublishedAt), Deprecated: fmtDate(v.DeprecatedAt),
		Sunset: fmtDate(v.SunsetAt), Successor: v.Successor, Retired: fmtDate(v.RetiredAt),
		Docs: docsView(doc), Findings: spec.Lint(doc),
	}
	if d := lifecycle.Default(vs); d != nil && d.ID == v.ID {
		p.Default = true
	}
	if state == lifecycle.InReview {
		if r, err := h.store.OpenRequestFor(ctx, v.ID); err == nil {
			p.OpenReview = r.ID
		} else if !errors.Is(err, store.ErrNotFound) {
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
		p.MinSunset = h.earliestSunset().Format(pageDate)
		p.Deprecate.Sunset = p.MinSunset
	}
	fill(&p)
	return h.render(c, apis.ShowVersion(h.page(c, a.Name+" "+v.Version, "teams"), p))
}

// earliestSunset is the first whole day (UTC) that gives the minimum notice.
func (h *Handler) earliestSunset() time.Time {
	earliest := h.now().UTC().Add(h.life.MinSunsetNotice())
	day := earliest.Truncate(24 * time.Hour)
	if day.Before(earliest) {
		day = day.Add(24 * time.Hour)
	}
	return day
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
		h.flash(c, "success", fmt.Sprintf("%s %s is submitted for review. Reviewers have been notified.", a.Name, v.Version))
		return seeOther(c, fmt.Sprintf("/reviews/%d", r.ID))
	}
	return h.versionDone(c, v, err, "", func(p *apis.Version, fields map[string]string) {
		p.Submit = apis.SubmitForm{Note: note, Errors: fields}
	})
}

// parseSunsetDate reads the date input of the deprecation form as midnight UTC.
func parseSunsetDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(pageDate, s)
	if err != nil {
		return time.Time{}, invalid(map[string]string{"sunset": fmt.Sprintf("%q is not a date: use YYYY-MM-DD.", s)})
	}
	return t, nil
}

// DeprecateVersion announces a version's sunset.
func (h *Handler) DeprecateVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	form := apis.DeprecateForm{Sunset: c.FormValue("sunset"), Successor: c.FormValue("successor")}
	sunset, err := parseSunsetDate(form.Sunset)
	if err == nil {
		err = h.life.Deprecate(c.UserContext(), currentUser(c), a, v, sunset, form.Successor)
	}
	msg := fmt.Sprintf("%s %s is deprecated; it retires on %s.", a.Name, v.Version, sunset.Format(pageDate))
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
	return h.versionDone(c, v, err, fmt.Sprintf("%s %s is published again; its sunset is cancelled.", a.Name, v.Version), func(*apis.Version, map[string]string) {})
}

// RetireVersion retires a version. The form's checkbox confirms it.
func (h *Handler) RetireVersion(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		h.flash(c, "error", "Tick the confirmation box to retire "+v.Version+": retiring is final.")
		return seeOther(c, versionPath(a, v))
	}
	err = h.life.Retire(c.UserContext(), currentUser(c), a, v)
	return h.versionDone(c, v, err, fmt.Sprintf("%s %s is retired. It stays in the history.", a.Name, v.Version), func(*apis.Version, map[string]string) {})
}

// specFileName is the download name of a version's description.
func specFileName(a *store.API, v *store.APIVersion, ext string) string {
	return a.Slug + "-" + v.Version + ext
}

// DownloadSpec sends a version's description as it was uploaded.
func (h *Handler) DownloadSpec(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
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
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+specFileName(a, v, ".openapi.json")+`"`)
	return c.SendString(v.SpecJSON)
}

// ShowReference renders the interactive reference of a version.
func (h *Handler) ShowReference(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.pageVersion(c)
	if err != nil {
		return err
	}
	r := apis.Reference{API: apiHeader(a), Version: v.Version, State: v.State, SpecURL: versionPath(a, v) + "/openapi.json"}
	return h.render(c, apis.ShowReference(h.page(c, a.Name+" "+v.Version+" reference", "teams"), r))
}
