package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/views/pages/synonyms"
)

// The org's search synonyms: the page every user may read and org admins edit, and its JSON API. Changes go through
// the lifecycle service, which checks the permission and audits them; every instance applies them within seconds
// (lifecycle.SynonymsApplier), this one at once.

// maxSynonymsBody bounds the JSON body of a synonyms update.
const maxSynonymsBody = 64 << 10

type apiSynonyms struct {
	Synonyms    [][]string `json:"synonyms"`
	Default     bool       `json:"default"`
	LockVersion int64      `json:"lock_version"`
}

// ShowSynonyms renders the synonym list.
func (h *Handler) ShowSynonyms(c *fiber.Ctx) error {
	p, err := h.synonymsPage(c)
	if err != nil {
		return err
	}
	return h.renderSynonyms(c, p)
}

// synonymsPage is the page of the list in force.
func (h *Handler) synonymsPage(c *fiber.Ctx) (synonyms.Page, error) {
	syn, err := h.life.Synonyms(c.UserContext())
	if err != nil {
		return synonyms.Page{}, err
	}
	lines := make([]string, len(syn.Groups))
	for i, g := range syn.Groups {
		lines[i] = search.GroupText(g)
	}
	return synonyms.Page{Text: syn.Groups.Text(), Lines: lines, Default: syn.Default, LockVersion: syn.LockVersion}, nil
}

func (h *Handler) renderSynonyms(c *fiber.Ctx, p synonyms.Page) error {
	p.CanEdit = h.can(c, policy.OrgDomain, "synonyms", "manage")
	p.MaxGroups, p.MaxPerGroup, p.MaxLength = search.MaxSynonymGroups, search.MaxSynonymsPerGroup, search.MaxSynonymLength
	return h.render(c, synonyms.Show(h.page(c, "Search synonyms", "catalog"), p))
}

// UpdateSynonyms saves the form's list, or Portico's defaults. The form carries the lock version it was read at, so
// that a save after another admin's is refused, not written over theirs.
func (h *Handler) UpdateSynonyms(c *fiber.Ctx) error {
	ctx := c.UserContext()
	// The index keeps the list's words (its typo corrections towards them):
	// they must not point into the request's buffer, which the next request
	// overwrites.
	text := strings.Clone(c.FormValue("synonyms"))
	var lock *int64
	if v, err := strconv.ParseInt(c.FormValue("lock_version"), 10, 64); err == nil {
		lock = &v
	}
	// A refused form keeps the lock version it was read at.
	refused := func(p synonyms.Page) error {
		c.Status(fiber.StatusUnprocessableEntity)
		if lock != nil {
			p.LockVersion = *lock
		}
		return h.renderSynonyms(c, p)
	}
	var groups [][]string
	switch {
	case c.FormValue("defaults") != "":
		groups = search.DefaultSynonyms()
	case !c.Request().PostArgs().Has("synonyms"):
		return refused(synonyms.Page{Error: "Send the list in the synonyms field (an empty list removes every synonym)."})
	default:
		parsed, err := search.ParseSynonyms(text)
		if err != nil {
			return refused(synonyms.Page{Text: text, Error: strings.TrimPrefix(err.Error(), search.ErrInvalidSynonyms.Error()+": ")})
		}
		groups = parsed
	}
	syn, changed, err := h.life.SetSynonyms(ctx, currentUser(c), groups, lock)
	if err != nil {
		if fields, ok := fieldErrors(err); ok {
			return refused(synonyms.Page{Text: text, Error: fields["synonyms"]})
		}
		var ce *apperr.ConflictError
		if errors.As(err, &ce) {
			// The form again, with the list in force and its lock version.
			p, perr := h.synonymsPage(c)
			if perr != nil {
				return perr
			}
			c.Status(fiber.StatusConflict)
			p.FormError = "Someone else saved the synonym list while you were editing it. The form now holds their list: make your changes again, then save."
			return h.renderSynonyms(c, p)
		}
		return err
	}
	if !changed {
		h.flash(c, "success", "Nothing changed: this is the synonym list in force.")
		return seeOther(c, "/search/synonyms")
	}
	h.applySynonyms(c, syn.Groups)
	h.flash(c, "success", pluralize(len(syn.Groups), "synonym group saved", "synonym groups saved")+".")
	return seeOther(c, "/search/synonyms")
}

// applySynonyms applies a saved list to this instance's index at once; should that fail (the engine is down), the
// instance's applier retries.
func (h *Handler) applySynonyms(c *fiber.Ctx, syn search.Synonyms) {
	if h.search == nil {
		return
	}
	if err := h.search.SetSynonyms(c.UserContext(), syn); err != nil {
		h.log.Warn("apply search synonyms", "err", err)
	}
}

// APIGetSynonyms returns the org's synonym list.
func (h *Handler) APIGetSynonyms(c *fiber.Ctx) error {
	syn, err := h.life.Synonyms(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(apiSynonyms{Synonyms: syn.Groups, Default: syn.Default, LockVersion: syn.LockVersion})
}

// APISetSynonyms replaces the org's synonym list. An optional lock_version (as GET gives it) makes the change
// conditional on nobody having saved the list since the caller read it (409 otherwise).
func (h *Handler) APISetSynonyms(c *fiber.Ctx) error {
	if len(c.Body()) > maxSynonymsBody {
		return clientError(fiber.StatusRequestEntityTooLarge, "Keep the synonym list under 64 KB.")
	}
	var body struct {
		Synonyms    *[][]string `json:"synonyms"`
		LockVersion *int64      `json:"lock_version"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Synonyms == nil {
		return clientError(fiber.StatusUnprocessableEntity, "Send the list as {\"synonyms\": [[\"repo\", \"repository\"], …]}.")
	}
	// An identical list changes nothing and answers 200 with it, like a changed one: the PUT is idempotent.
	syn, changed, err := h.life.SetSynonyms(c.UserContext(), currentUser(c), *body.Synonyms, body.LockVersion)
	if err != nil {
		return err
	}
	if changed {
		h.applySynonyms(c, syn.Groups)
	}
	return c.JSON(apiSynonyms{Synonyms: syn.Groups, Default: syn.Default, LockVersion: syn.LockVersion})
}
