package main

import (
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/slug"
)

// FuzzImportNames derives an API slug from an arbitrary file name and a
// version from an arbitrary info.version, as portico import --dir does for
// each file: the slug is empty (the file is refused with a message) or one
// the lifecycle accepts, and the version is always one it accepts.
func FuzzImportNames(f *testing.F) {
	for _, s := range [][2]string{
		{"specs/circl.lu__hashlookup__1.0.yaml", "1.0"},
		{"Payments API (v2).JSON", "v2"},
		{"a/b/.yaml", "2018-05-21"},
		{"---.yml", "2018-00-31"},
		{"Ünïcödé_名前.yaml", "1.0.0-beta.1+build.5"},
		{"x.yaml", " 01.02.03 "},
		{"y.yaml", "99999999999999999999.1.1"},
		{"z.yaml", "latest"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, info string) {
		if s := slugFromFile(path); s != "" && !slug.Valid(s) {
			t.Fatalf("slugFromFile(%q) = %q: not a slug (%s)", path, s, slug.Rule)
		}
		v, _ := versionFromSpec(info)
		if _, err := lifecycle.ParseVersion(v); err != nil {
			t.Fatalf("versionFromSpec(%q) = %q, which the lifecycle refuses: %v", info, v, err)
		}
	})
}
