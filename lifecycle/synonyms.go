package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// SearchSynonyms is the org's synonym list and when an admin last saved it (zero while it is Portico's default list).
// LockVersion counts the saves (0 for the default list): a save names the one it replaces.
type SearchSynonyms struct {
	Groups      search.Synonyms
	Default     bool
	UpdatedAt   time.Time
	LockVersion int64
}

// Synonyms returns the org's search synonyms: the list an admin saved, or Portico's defaults.
func (s *Service) Synonyms(ctx context.Context) (SearchSynonyms, error) {
	row, err := s.store.GetSearchSynonyms(ctx)
	return synonymsOf(row, err)
}

// synonymsOf reads a saved row (err: what reading it returned) as the org's search synonyms.
func synonymsOf(row *store.SearchSynonyms, err error) (SearchSynonyms, error) {
	if errors.Is(err, store.ErrNotFound) {
		return SearchSynonyms{Groups: search.DefaultSynonyms(), Default: true}, nil
	}
	if err != nil {
		return SearchSynonyms{}, err
	}
	var groups [][]string
	if err := json.Unmarshal([]byte(row.GroupsJSON), &groups); err != nil {
		return SearchSynonyms{}, fmt.Errorf("search synonyms: %w", err)
	}
	syn, err := search.NormalizeSynonyms(groups)
	if err != nil {
		// A list saved before a rule was added (a synonym holding a comma): its groups that still pass are kept,
		// so that search and the page go on working; the admin's next save writes the list as it is now.
		syn = search.Synonyms{}
		for _, g := range groups {
			if ok, err := search.NormalizeSynonyms([][]string{g}); err == nil {
				syn = append(syn, ok...)
			}
		}
	}
	return SearchSynonyms{Groups: syn, UpdatedAt: row.UpdatedAt, LockVersion: row.LockVersion}, nil
}

// msgSynonymsChanged refuses the save of a synonym list that another admin saved since it was read.
const msgSynonymsChanged = "The synonym list was saved by someone else since you read it (lock_version %d, now %d): read it again and reapply your change."

// SetSynonyms replaces the org's search synonyms (org admins only) with groups, checked and normalised (see
// search.NormalizeSynonyms), and returns the list in force with whether the call changed it. The change is audited;
// every instance's search applies it within a few seconds. A list equal to the one in force (once normalised;
// Portico's defaults while none was saved) changes nothing: no write, no audit entry, and the instances have nothing to
// re-apply. lockVersion, when not nil, is the list's lock version as the caller read it: when another admin saved
// since, nothing changes and SetSynonyms returns a ConflictError, the list being identical or not.
func (s *Service) SetSynonyms(ctx context.Context, actor *store.User, groups [][]string, lockVersion *int64) (SearchSynonyms, bool, error) {
	if actor == nil {
		return SearchSynonyms{}, false, apperr.Denied("An actor is required.")
	}
	ok, err := s.auth.Allowed(ctx, actor.ID, policy.OrgDomain, "synonyms", "manage")
	if err != nil {
		return SearchSynonyms{}, false, err
	}
	if !ok {
		return SearchSynonyms{}, false, apperr.Denied("Only org admins change the search synonyms.")
	}
	syn, err := search.NormalizeSynonyms(groups)
	if err != nil {
		return SearchSynonyms{}, false, apperr.Field("synonyms", strings.TrimPrefix(err.Error(), search.ErrInvalidSynonyms.Error()+": "))
	}
	raw, err := json.Marshal(syn)
	if err != nil {
		return SearchSynonyms{}, false, err
	}
	var out SearchSynonyms
	changed := false
	save := func(ctx context.Context, tx bun.Tx) error {
		row, err := s.store.LockSearchSynonyms(ctx, tx)
		before, err := synonymsOf(row, err)
		if err != nil {
			return err
		}
		if lockVersion != nil && *lockVersion != before.LockVersion {
			return apperr.Conflict(fmt.Sprintf(msgSynonymsChanged, *lockVersion, before.LockVersion))
		}
		out = before
		// Equal to the saved list as written (a list saved before a rule it breaks is rewritten), or to the
		// defaults in force.
		if (before.Default && before.Groups.Text() == syn.Text()) || (!before.Default && row.GroupsJSON == string(raw)) {
			return nil
		}
		// Written only over the save read here: a first save that inserted the row meanwhile (there was none to
		// lock) makes this one a conflict.
		if err := s.store.SetSearchSynonyms(ctx, tx, string(raw), actor.ID, before.LockVersion); err != nil {
			if errors.Is(err, store.ErrConflict) && lockVersion != nil {
				return apperr.Conflict(fmt.Sprintf(msgSynonymsChanged, before.LockVersion, before.LockVersion+1))
			}
			return err
		}
		changed = true
		if out, err = synonymsOf(s.store.LockSearchSynonyms(ctx, tx)); err != nil {
			return err
		}
		return s.store.Audit(ctx, tx, &store.AuditEvent{Action: "search.synonyms.update", ObjectType: "search", ObjectID: "synonyms",
			ActorID: &actor.ID, Actor: actor.Username, Before: before.Groups.Text(), After: syn.Text()}, s.now())
	}
	err = s.store.RunInTx(ctx, save)
	if errors.Is(err, store.ErrConflict) && lockVersion == nil {
		// An unconditional save raced with a first save (no row to lock yet): once more, over that save.
		changed = false
		err = s.store.RunInTx(ctx, save)
	}
	if err != nil {
		return SearchSynonyms{}, false, err
	}
	return out, changed, nil
}

// SynonymsApplier keeps a search index's synonyms equal to the org's list: every instance runs one, so that a change
// saved on one instance applies on all within one interval.
type SynonymsApplier struct {
	svc     *Service
	idx     search.Index
	applied string // the text of the list last applied; "" before the first
}

// NewSynonymsApplier returns an applier of the org's synonyms to idx.
func (s *Service) NewSynonymsApplier(idx search.Index) *SynonymsApplier {
	return &SynonymsApplier{svc: s, idx: idx}
}

// Apply applies the org's synonyms to the index when they differ from those it last applied, and reports whether it
// did.
func (a *SynonymsApplier) Apply(ctx context.Context) (bool, error) {
	syn, err := a.svc.Synonyms(ctx)
	if err != nil {
		return false, err
	}
	text := "list:" + syn.Groups.Text()
	if text == a.applied {
		return false, nil
	}
	if err := a.idx.SetSynonyms(ctx, syn.Groups); err != nil {
		return false, err
	}
	a.applied = text
	return true, nil
}
