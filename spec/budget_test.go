package spec

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/portico-dev/portico/spec/spectest"
)

// TestHostileSpecs feeds descriptions built to exhaust the server and checks
// that each is refused quickly, with a message that says where, and that
// refusing it allocates little: the budget is checked before anything
// expands the description.
func TestHostileSpecs(t *testing.T) {
	const maxAlloc = 64 << 20 // bytes allocated while refusing one
	tests := []struct {
		name    string
		input   string
		message string
	}{
		{"anchor bomb in schemas", spectest.AnchorBomb(6), "the alias *s"},
		{"anchor bomb, seven levels", spectest.AnchorBomb(7), "expands the description to more than"},
		{"anchor bomb in Swagger 2.0", spectest.SwaggerBomb(7), "expands the description to more than"},
		{"long anchor chain", spectest.AnchorChain(5000), "nest more than 64 levels"},
		{"deep items chains", spectest.DeepItems(2, 9000), "nests more than 64 levels deep"},
		{"huge flat array", spectest.FlatArray(5 << 20), "holds more than 300,000 values"},
		{"flat flow array", "openapi: 3.0.3\ninfo: {title: F, version: '1'}\npaths: {/a: {get: {responses: {\"200\": {description: ok}}}}}\nx-list: [" + strings.Repeat("1,", 4<<20) + "1]\n", "holds more than 300,000 values"},
		{"recursive alias", "openapi: 3.0.3\ninfo: {title: R, version: '1'}\npaths: {/a: {get: {responses: {\"200\": {description: ok}}}}}\nx-loop: &a [*a]\n", "refers to the value that contains it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.input)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			d, err := Parse(data)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			var verr *ValidationError
			if d != nil || !errors.As(err, &verr) {
				t.Fatalf("Parse of %d bytes: got %v, %v; want a refusal", len(data), d != nil, err)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q, want it to contain %q", err, tt.message)
			}
			if verr.Problems[0].Line == 0 {
				t.Errorf("problem %+v has no line", verr.Problems[0])
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
				t.Errorf("refusing %d bytes allocated %d MiB, want at most %d MiB", len(data), alloc>>20, maxAlloc>>20)
			}
			// Generous: the refusals take milliseconds; before the budget
			// the bomb took 27 s and the chains 41 s.
			if elapsed > 10*time.Second {
				t.Errorf("refusal took %v", elapsed)
			}
		})
	}
}

// TestBudgetAcceptsAliasesWithinIt parses a description that uses anchors
// as real ones do: the expansion is counted, and parsed.
func TestBudgetAcceptsAliasesWithinIt(t *testing.T) {
	d, err := Parse([]byte(spectest.AnchorBomb(2)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if d.Nodes < 100*4 || d.Nodes > 2000 {
		t.Errorf("Nodes = %d, want the expanded count (about 100 copies of s0)", d.Nodes)
	}
	if !bytes.Equal(d.Source, []byte(spectest.AnchorBomb(2))) {
		t.Error("Source is not the description as uploaded")
	}
}

func TestEstimateNodesBoundsRealSamples(t *testing.T) {
	for _, f := range sampleFiles(t) {
		data := readSample(t, f[len(samplesDir)+1:])
		m, verr := measureSource(data)
		if verr != nil {
			t.Fatalf("%s: %v", f, verr)
		}
		est, _ := estimateNodes(data, MaxNodes, nil)
		if est < m.nodes {
			t.Errorf("%s: estimate %d is below the real count %d: it must be an upper bound", f, est, m.nodes)
		}
		if est > 2*m.nodes+100 {
			t.Errorf("%s: estimate %d is more than twice the real count %d", f, est, m.nodes)
		}
	}
}

func TestParseEncodings(t *testing.T) {
	const doc = "openapi: 3.0.3\ninfo: {title: Caf\u00e9, version: '1'}\npaths: {/a: {get: {responses: {\"200\": {description: ok}}}}}\n"
	utf16le := func(s string, bom bool) []byte {
		var out []byte
		if bom {
			out = append(out, 0xFF, 0xFE)
		}
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	utf16be := func(s string) []byte {
		out := []byte{0xFE, 0xFF}
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u>>8), byte(u))
		}
		return out
	}
	for name, data := range map[string][]byte{
		"utf-16le with bom": utf16le(doc, true),
		"utf-16le no bom":   utf16le(doc, false),
		"utf-16be with bom": utf16be(doc),
	} {
		t.Run(name, func(t *testing.T) {
			d, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if string(d.Source) != doc || d.Title != "Café" {
				t.Errorf("Source %q, title %q; want the UTF-8 text", d.Source, d.Title)
			}
		})
	}
	latin1 := []byte("openapi: 3.0.3\ninfo: {title: Caf\xe9, version: '1'}\npaths: {/a: {get: {responses: {\"200\": {description: ok}}}}}\n")
	_, err := Parse(latin1)
	var verr *ValidationError
	if !errors.As(err, &verr) || verr.Problems[0].Line != 2 || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("Latin-1: got %v, want a refusal on line 2 saying it is not UTF-8", err)
	}
}

func TestParseDuplicateKeys(t *testing.T) {
	for name, input := range map[string]string{
		"json": "{\"openapi\": \"3.0.3\",\n \"info\": {\"title\": \"A\", \"version\": \"1\"},\n \"paths\": {},\n \"info\": {\"title\": \"B\", \"version\": \"2\"}}",
		"yaml": "openapi: 3.0.3\ninfo: {title: A, version: '1'}\npaths: {/a: {get: {responses: {\"200\": {description: ok}}}}}\ninfo: {title: B, version: '2'}\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(input))
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.Problems[0].Line != 4 || !strings.Contains(err.Error(), `the key "info" is defined twice`) {
				t.Errorf("got %v, want a refusal on line 4 naming the key", err)
			}
		})
	}
}

func TestParseSwaggerPathItemReference(t *testing.T) {
	for name, ref := range map[string]string{
		"external": "other.yaml#/paths/~1a",
		"internal": "#/x-paths/a",
	} {
		t.Run(name, func(t *testing.T) {
			input := "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    $ref: '" + ref + "'\n"
			d, err := Parse([]byte(input))
			var verr *ValidationError
			if d != nil || !errors.As(err, &verr) || verr.Problems[0].Location != "paths./a" {
				t.Errorf("got %v, %v; want a refusal at paths./a rather than an empty path", d, err)
			}
		})
	}
}
