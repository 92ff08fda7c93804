// Package cliconftest checks what the README says of a command's flags
// against the flags themselves.
package cliconftest

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// flagRow is a row of one of the README's flag tables:
// | `--addr` | `PORTICO_ADDR` | `:8080` | what it does |
var flagRow = regexp.MustCompile("^\\| (`--[^|]+) \\| ([^|]+) \\| ([^|]+) \\|")

var codeSpan = regexp.MustCompile("`([^`]*)`")

// CheckFlagTable compares the README's table rows whose environment
// variables mine picks (the rows of one command) with fs, the flags that
// command registers with no environment set: every flag has a row and
// every such row names a flag; the row's variable is the one the flag's
// usage names; its default is the flag's, in a code span first (the
// i-th span of the cell for a row of several flags), or starts with
// "empty" or "required" for a flag whose default is empty.
func CheckFlagTable(t testing.TB, readme string, fs *flag.FlagSet, mine func(env string) bool) {
	t.Helper()
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for n, line := range strings.Split(string(b), "\n") {
		m := flagRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		flags, envs, defaults := spans(m[1]), spans(m[2]), strings.TrimSpace(m[3])
		if len(envs) == 0 || !mine(envs[0]) {
			continue
		}
		if len(envs) != len(flags) {
			t.Errorf("README.md:%d: %d flags and %d environment variables", n+1, len(flags), len(envs))
			continue
		}
		for i, name := range flags {
			name = strings.TrimPrefix(name, "--")
			rows[name] = true
			f := fs.Lookup(name)
			if f == nil {
				t.Errorf("README.md:%d: --%s is not a flag of this command", n+1, name)
				continue
			}
			// "…_LOG_FORMAT" stands for the first variable's prefix.
			env := `\b` + regexp.QuoteMeta(envs[i]) + `\b`
			if suffix, ok := strings.CutPrefix(envs[i], "…"); ok {
				env = `\bPORTICO_[A-Z_]*` + regexp.QuoteMeta(suffix) + `\b`
			}
			if !regexp.MustCompile(env).MatchString(f.Usage) {
				t.Errorf("README.md:%d: --%s is given the variable %s, its usage names another: %q", n+1, name, envs[i], f.Usage)
			}
			if f.DefValue == "" {
				if len(flags) == 1 && !strings.HasPrefix(defaults, "empty") && !strings.HasPrefix(defaults, "required") {
					t.Errorf("README.md:%d: --%s has no default, the README says %q", n+1, name, defaults)
				}
				continue
			}
			ds := spans(defaults)
			if len(flags) == 1 && !strings.HasPrefix(defaults, "`") || i >= len(ds) || ds[i] != f.DefValue {
				t.Errorf("README.md:%d: --%s defaults to %q, the README says %q", n+1, name, f.DefValue, defaults)
			}
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if !rows[f.Name] {
			t.Errorf("--%s is in no row of the README's flag table", f.Name)
		}
	})
}

func spans(cell string) []string {
	var out []string
	for _, m := range codeSpan.FindAllStringSubmatch(cell, -1) {
		out = append(out, m[1])
	}
	return out
}
