package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseSynonyms: a list an admin types is refused, or it is within the bounds, reads back the same from its
// text form, and is kept as it is by NormalizeSynonyms (the JSON API's form of the same list).
func FuzzParseSynonyms(f *testing.F) {
	for _, s := range []string{
		"repo, repository\n", "rain, snow => weather\n", "# c\n a , b \n\n", "=> a", "a =>", "a => b => c",
		"a, a => b", "a, b => a", "x=>y", "a, => , b", "A  B, c\r\nd, e", DefaultSynonyms().Text(),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		syn, err := ParseSynonyms(text)
		if err != nil {
			return
		}
		if len(syn) > MaxSynonymGroups {
			t.Fatalf("%d groups", len(syn))
		}
		for _, g := range syn {
			from, to := links(g)
			members := slices.Concat(from, to)
			if len(from) < len(g) && (len(from) == 0 || len(to) == 0) {
				t.Fatalf("one-way group %q with an empty side", g)
			}
			if len(from) == len(g) && len(g) < 2 {
				t.Fatalf("group %q of fewer than two", g)
			}
			if len(members) > 2*MaxSynonymsPerGroup || (len(from) < len(g) && len(members) > MaxSynonymsPerGroup) ||
				(len(from) == len(g) && len(g) > MaxSynonymsPerGroup) {
				t.Fatalf("group %q over %d members", g, MaxSynonymsPerGroup)
			}
			for _, m := range members {
				if m == "" || m == OneWay || strings.Contains(m, OneWay) || !utf8.ValidString(m) ||
					utf8.RuneCountInString(m) > MaxSynonymLength || len(strings.Fields(m)) > MaxSynonymWords ||
					m != strings.Join(strings.Fields(strings.ToLower(m)), " ") {
					t.Fatalf("member %q of %q out of bounds or not normalised", m, g)
				}
			}
		}
		again, err := ParseSynonyms(syn.Text())
		if err != nil || !slices.EqualFunc(again, syn, slices.Equal) {
			t.Fatalf("ParseSynonyms(Text()) = %q, %v; want %q", again, err, syn)
		}
		norm, err := NormalizeSynonyms(syn)
		if err != nil || !slices.EqualFunc(norm, syn, slices.Equal) {
			t.Fatalf("NormalizeSynonyms = %q, %v; want %q", norm, err, syn)
		}
	})
}

// FuzzNormalizeSynonyms: a list sent as JSON (groups of members; here the groups split on newlines and the members on
// "|") is refused, or its text form, the one the page shows an admin, reads back as the same list.
func FuzzNormalizeSynonyms(f *testing.F) {
	for _, s := range []string{"a|b", "rain|snow|=>|weather", "#x|y", "a,b|c", "a|=>|b|=>|c", " A |a b\nx|y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var groups [][]string
		for _, line := range strings.Split(in, "\n") {
			groups = append(groups, strings.Split(line, "|"))
		}
		syn, err := NormalizeSynonyms(groups)
		if err != nil {
			return
		}
		again, err := ParseSynonyms(syn.Text())
		if err != nil || !slices.EqualFunc(again, syn, slices.Equal) {
			t.Fatalf("ParseSynonyms(Text()) = %q, %v; want %q", again, err, syn)
		}
	})
}
