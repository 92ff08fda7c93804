package spec

import (
	"errors"
	"os"
	"testing"
)

// fuzzMaxInput is the longest input FuzzParse parses.
const fuzzMaxInput = 16 << 10

func FuzzParse(f *testing.F) {
	for _, file := range sampleFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatalf("read %s: %v", file, err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"{",
		"openapi: 3.0.0",
		"openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {responses: {'200': {$ref: '#/paths/~1a'}}}}}\n",
		"swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {responses: {'200': {schema: {$ref: '#/definitions/X'}}}}}}\n",
		"openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n",
		"a: &a [*a, *a]\nopenapi: 3.0.0\n",
		`{"openapi": "3.0.0", "info": null, "paths": null}`,
		"swagger: '2.0'\npaths: {/a/{b}: {parameters: [{in: body, name: b}]}}\n",
		"openapi: 3.1.0\ninfo: {title: T, version: '1'}\nwebhooks: {w: {post: {responses: {'200': {description: ok}}}}}\n",
		"openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths: {/a: {post: {callbacks: {c: {'{$request.body#/u}': {post: {responses: {'200': {description: ok}}}}}}, responses: {'200': {description: ok}}}}}\n",
		"openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths: {/a: {post: {callbacks: {c: {$ref: '#/components/callbacks/c'}}, responses: {'200': {description: ok}}}}}\ncomponents: {callbacks: {c: {'{$url}': {$ref: '#/paths/~1a'}}}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Big samples are cut so the engine spends its time on many
		// mutations rather than on a few parses of 700 KB; the whole
		// samples are parsed by TestParseSamples.
		if len(data) > fuzzMaxInput {
			data = data[:fuzzMaxInput]
		}
		d, err := Parse(data)
		switch {
		case err == nil && d == nil:
			t.Fatal("Parse: got neither a document nor an error")
		case err != nil && d != nil:
			t.Fatalf("Parse: got both a document and error %v", err)
		case err != nil:
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("Parse: got error %v, want a *ValidationError with problems", err)
			}
			return
		}
		// What the pages, the index and the MCP tools read of a parsed description: every operation (webhooks' and
		// callbacks' too) is found again and has a detail.
		d.Overview()
		d.Tags()
		for _, op := range d.Operations() {
			if _, ok := d.Detail(op, SchemaLimits{Depth: 2, Properties: 10}); !ok {
				t.Fatalf("Detail(%s %s, webhook %v, callback %q of %q): got false, want its detail", op.Method, op.Path, op.Webhook, op.Callback, op.CallbackOf)
			}
		}
	})
}
