package handlers

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/portico-dev/portico/views/components"
)

// distinctLabels adds its value (a slug) to the label of every option
// whose label reads like another's: team and app names are not unique,
// only their slugs are, so two teams may both be called "Search" (or
// "Search" and "search", or one with a zero-width character), and a picker
// must not offer two choices that look the same.
func distinctLabels(opts []components.Option) []components.Option {
	seen := make(map[string]int, len(opts))
	for _, o := range opts {
		seen[readsAs(o.Label)]++
	}
	for i := range opts {
		if seen[readsAs(opts[i].Label)] > 1 {
			opts[i].Label += " · " + opts[i].Value
		}
	}
	return opts
}

// readsAs is how a name reads: compatibility-normalised, without format
// characters (zero-width spaces and joiners, direction marks), with its
// runs of spaces as one, in lower case.
func readsAs(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKC.String(s) {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
