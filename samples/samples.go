// Package samples carries real public OpenAPI descriptions (see README.md
// for where each comes from and under which terms). The tests read them from
// this directory and `portico demo` publishes them from the binary, so a
// fresh clone needs nothing beside the repository.
package samples

import (
	"embed"
	"io/fs"
	"path"
	"strings"

	"github.com/portico-dev/portico/slug"
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

// Slug makes the catalog slug of a sample file and names its provider: "nexmo-sms" and "nexmo.com" of
// "nexmo.com__sms__1.0.11.yaml". The provider's domain suffix is left out, and so is its name when the API's has it
// ("stripe" of "stripe.com__stripe__2018-05-21.yaml"). `portico demo` publishes each sample under it, and the
// relevance evaluation indexes it so.
func Slug(file string) (provider, apiSlug string) {
	parts := strings.Split(strings.TrimSuffix(path.Base(file), path.Ext(file)), "__")
	provider = parts[0]
	name := Organisation(provider)
	if len(parts) > 1 && !strings.Contains(strings.ToLower(parts[1]), strings.ToLower(name)) {
		name += "-" + parts[1]
	} else if len(parts) > 1 {
		name = parts[1]
	}
	return provider, slug.From(name)
}

// Organisation is a provider's name without its domain suffix: "okta" of "okta.local", "exchangerate-api" of
// "exchangerate-api.com".
func Organisation(provider string) string {
	if i := strings.LastIndexByte(provider, '.'); i > 0 {
		return provider[:i]
	}
	return provider
}
