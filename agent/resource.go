package agent

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/portico-dev/portico/store"
)

// specURITemplate names the OpenAPI description of each version.
const specURITemplate = "portico://apis/{api}/versions/{version}/openapi.json"

// specURI is the resource URI of a version's OpenAPI description.
func specURI(api, version string) string {
	return "portico://apis/" + url.PathEscape(api) + "/versions/" + url.PathEscape(version) + "/openapi.json"
}

// parseSpecURI reads the API slug and version of a specURI.
func parseSpecURI(uri string) (api, version string, ok bool) {
	rest, ok := strings.CutPrefix(uri, "portico://apis/")
	if !ok {
		return "", "", false
	}
	rest, ok = strings.CutSuffix(rest, "/openapi.json")
	if !ok {
		return "", "", false
	}
	api, version, ok = strings.Cut(rest, "/versions/")
	if !ok || api == "" || version == "" || strings.Contains(api, "/") || strings.Contains(version, "/") {
		return "", "", false
	}
	api, err1 := url.PathUnescape(api)
	version, err2 := url.PathUnescape(version)
	return api, version, err1 == nil && err2 == nil
}

// readSpec answers a read of a version's OpenAPI description: the
// normalised OpenAPI 3 JSON that the portal serves, derived from the stored
// source (through the process's parser and its cache). A version
// the caller may not see is not found, as a missing one is. The answer may
// be cached by the caller's client only.
func (t *tools) readSpec(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	slug, version, ok := parseSpecURI(uri)
	if !ok {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	a, err := t.s.life.VisibleAPI(ctx, t.caller.User, slug)
	if err == nil {
		var v *store.APIVersion
		v, err = t.s.life.VisibleVersion(ctx, t.caller.User, a, version)
		var js []byte
		if err == nil {
			js, err = t.specJSON(ctx, v)
		}
		if err == nil {
			return &mcp.ReadResourceResult{
				Cacheable: mcp.Cacheable{CacheScope: "private"},
				Contents:  []*mcp.ResourceContents{{URI: uri, MIMEType: "application/json", Text: string(js)}},
			}, nil
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	t.s.log.Error("mcp resource read failed", "user", t.caller.User.Username, "err", err)
	return nil, errInternal
}

// specJSON is the normalised OpenAPI 3 JSON of a stored version.
func (t *tools) specJSON(ctx context.Context, v *store.APIVersion) ([]byte, error) {
	doc, err := t.s.life.StoredSpec(ctx, v)
	if err != nil {
		return nil, err
	}
	return doc.JSON()
}
