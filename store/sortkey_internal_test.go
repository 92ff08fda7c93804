package store

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSortKeyOrder: names sorted by SortKey come in the order people
// expect, whatever their bytes; every key is valid UTF-8 without NUL (a
// PostgreSQL text), ends with the name, and stays within SortKeyMax.
func TestSortKeyOrder(t *testing.T) {
	want := []string{"", " lead", "(beta)", "_tools", "~home", "1st", "2", "007", "10", "alpha", "alpha beta",
		"alpha-beta", "alpha2", "alpha10", "Émile", "émile", "straße", "Strasse2", "Zulu", "Ωmega"}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortStableFunc(got, func(a, b string) int { return strings.Compare(SortKey(a), SortKey(b)) })
	if !slices.Equal(got, want) {
		t.Errorf("by SortKey:\n%q\nwant\n%q", got, want)
	}
	long := strings.Repeat("\ufdfa", 200) + strings.Repeat("9", 200)
	for _, n := range append(want, long, "a\x00b", "a\x01b", "\xff") {
		k := SortKey(n)
		if !utf8.ValidString(k) && utf8.ValidString(n) || strings.ContainsRune(k[:strings.IndexByte(k, sortKeySeparator)], 0) {
			t.Errorf("SortKey(%q) = %q: not a text", n, k)
		}
		if !strings.HasSuffix(k, string(rune(sortKeySeparator))+n) || len(k) > SortKeyMax(len(n)) {
			t.Errorf("SortKey(%q) = %q (%d bytes): not the name after the primary form, or longer than %d", n, k, len(k), SortKeyMax(len(n)))
		}
	}
}
