package slug

import (
	"strings"
	"testing"
)

// FuzzValid checks Valid against the rule it states in words, and that a
// slug is its own normal form and never holds the '*' of a permission
// pattern.
func FuzzValid(f *testing.F) {
	for _, s := range []string{"payments", "a", "a-b-c", "-a", "a-", "A", "ü", "a*", strings.Repeat("a", 64), strings.Repeat("a", 65), "a\n", " a", "a--b", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := len(s) >= 1 && len(s) <= MaxLength && s[0] != '-' && s[len(s)-1] != '-' &&
			strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
		if got := Valid(s); got != want {
			t.Fatalf("Valid(%q) = %v, want %v (%s)", s, got, want, Rule)
		}
		if Valid(s) && (Normalize(s) != s || strings.Contains(s, "*")) {
			t.Fatalf("slug %q: normal form %q", s, Normalize(s))
		}
	})
}
