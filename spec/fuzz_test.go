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
		}
	})
}
