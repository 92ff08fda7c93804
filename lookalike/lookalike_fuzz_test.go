package lookalike

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReadsAs reads arbitrary names: what a name reads as reads as itself,
// so a team named with the text another's name reads as is found as its
// lookalike (equal keys); it has no format character, no space at either
// end nor two in a row, and no upper case.
func FuzzReadsAs(f *testing.F) {
	for _, s := range []string{
		"Search", "Se\u200barch", "ｓｅａｒｃｈ", "  Pay   ments  ", "\u202eevil", "ﬁnance", "Ⅻ team", "ǅemo", "İstanbul",
		"ΣΊΣΥΦΟΣ", "\ufdfa", "straße", "K\u0301", "㍿", "\u00a0a\u2003b\u3000", "e\u0301\u0301",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || len(s) > 1000 {
			return // names are UTF-8 and bounded before they are keyed
		}
		r := ReadsAs(s)
		if again := ReadsAs(r); again != r {
			t.Fatalf("ReadsAs(%q) = %q, which reads as %q: Key(%q) != Key(%q)", s, r, again, s, r)
		}
		if strings.HasPrefix(r, " ") || strings.HasSuffix(r, " ") || strings.Contains(r, "  ") {
			t.Fatalf("ReadsAs(%q) = %q: spaces at an end or doubled", s, r)
		}
		if Key(s) != Key(r) {
			t.Fatalf("Key(%q) != Key(%q)", s, r)
		}
	})
}
