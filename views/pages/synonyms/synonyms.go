// Package synonyms holds the page of the org's search synonyms.
package synonyms

// Page is the synonym list, editable by org admins.
type Page struct {
	// Text is the list, one group per line, members separated by commas.
	Text string
	// Lines are the groups, one per line as in Text.
	Lines   []string
	Default bool // the list is Portico's default (no admin saved one)
	CanEdit bool
	Error   string
	// LockVersion is the list's lock version when the form was read (0 for the default list).
	LockVersion int64
	// FormError is an error of the whole form (another admin saved first).
	FormError string
	// Max* are the bounds of a list, for the hint.
	MaxGroups, MaxPerGroup, MaxLength int
}
