// Package samples carries real public OpenAPI descriptions (see README.md
// for where each comes from and under which terms). The tests read them from
// this directory and `portico demo` publishes them from the binary, so a
// fresh clone needs nothing beside the repository.
package samples

import (
	"embed"
	"io/fs"
)

//go:embed openapi/*.yaml
var files embed.FS

// FS returns the descriptions, one file per API at the root (provider__name__version.yaml).
func FS() fs.FS {
	sub, err := fs.Sub(files, "openapi")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return sub
}
