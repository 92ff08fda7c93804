// Package slug is the one grammar of the identifiers Portico puts in URLs,
// gateway routes and permission domains: team slugs and API slugs. The
// people and lifecycle services check them here, so both accept and refuse
// the same strings.
package slug

import (
	"regexp"
	"strings"
)

// MaxLength is the longest slug.
const MaxLength = 64

var pattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// Rule says in words what Valid accepts, for field messages.
const Rule = "Use 1 to 64 lowercase letters, digits and dashes, not starting or ending with a dash."

// Normalize trims s and lowercases it, as every form and API body is read.
func Normalize(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// From makes a slug of a name (a file name, a sample's): lowercase, every
// run of characters other than a-z and 0-9 a dash, no dash at either end,
// cut to MaxLength. It returns "" for a name with no letter or digit in
// a-z and 0-9; anything else it returns is Valid.
func From(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > MaxLength {
		s = strings.TrimRight(s[:MaxLength], "-")
	}
	return s
}

// Valid reports whether s is a slug: 1 to 64 lowercase ASCII letters,
// digits and dashes, neither starting nor ending with a dash. A slug never
// contains '*', so no team's permission domain can be mistaken for a
// pattern (see policy.EveryTeam).
func Valid(s string) bool { return pattern.MatchString(s) }
