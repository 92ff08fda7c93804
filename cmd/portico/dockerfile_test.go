package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// No Docker engine runs where the tests run, so the Dockerfile is never
// built by them. This test reads it for the mistakes a build would only show
// on a user's machine: a stage copying from one that does not exist, a
// variable used in a stage that does not declare it (an ARG ends with its
// stage, and a stage built FROM another inherits its ENV, not its ARGs: an
// undeclared one expands to nothing, so -X main.version= would silently be
// empty), a `go build` of a package that is not there, and an image that
// exposes ports other than the ones its environment makes it listen on.

type dockerStage struct {
	name, parent string
	args, env    map[string]string
	runs         []string
	from         []string
	expose       []string
	entrypoint   string
}

func parseDockerfile(t *testing.T, path string) []*dockerStage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		stages []*dockerStage
		cur    *dockerStage
		line   string
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if line == "" && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if strings.HasSuffix(text, "\\") {
			line += strings.TrimSuffix(text, "\\") + " "
			continue
		}
		line += text
		fields := strings.Fields(line)
		line = ""
		instr, rest := strings.ToUpper(fields[0]), fields[1:]
		if instr == "FROM" {
			cur = &dockerStage{parent: rest[0], args: map[string]string{}, env: map[string]string{}}
			if len(rest) == 3 && strings.EqualFold(rest[1], "AS") {
				cur.name = rest[2]
			}
			stages = append(stages, cur)
			continue
		}
		if cur == nil {
			continue // global ARGs before the first FROM: none used
		}
		switch instr {
		case "ARG":
			k, v, _ := strings.Cut(rest[0], "=")
			cur.args[k] = v
		case "ENV":
			for _, kv := range rest {
				k, v, _ := strings.Cut(kv, "=")
				cur.env[k] = v
			}
		case "RUN":
			cur.runs = append(cur.runs, strings.Join(rest, " "))
		case "COPY":
			for _, a := range rest {
				if from, ok := strings.CutPrefix(a, "--from="); ok {
					cur.from = append(cur.from, from)
				}
			}
		case "EXPOSE":
			cur.expose = append(cur.expose, rest...)
		case "ENTRYPOINT":
			cur.entrypoint = strings.Join(rest, " ")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

func TestDockerfile(t *testing.T) {
	root := filepath.Join("..", "..")
	stages := parseDockerfile(t, filepath.Join(root, "Dockerfile"))
	byName := map[string]*dockerStage{}
	varRef := regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)
	buildPkg := regexp.MustCompile(`go build .*?(\./cmd/[a-z0-9-]+)`)
	for i, st := range stages {
		label := st.name
		if label == "" {
			label = "the last stage"
		}
		for _, from := range st.from {
			if byName[from] == nil {
				t.Errorf("%s copies --from=%s, which is no earlier stage", label, from)
			}
		}
		// What a RUN may use: this stage's ARGs, and the ENV of this stage
		// and of the stages it is built from.
		known := map[string]bool{}
		for k := range st.args {
			known[k] = true
		}
		for s := st; s != nil; s = byName[s.parent] {
			for k := range s.env {
				known[k] = true
			}
		}
		for _, run := range st.runs {
			for _, m := range varRef.FindAllStringSubmatch(run, -1) {
				if !known[m[1]] {
					t.Errorf("%s: RUN uses $%s, which the stage does not declare (an ARG must be repeated in every stage that uses it)", label, m[1])
				}
			}
			for _, m := range buildPkg.FindAllStringSubmatch(run, -1) {
				if fi, err := os.Stat(filepath.Join(root, m[1])); err != nil || !fi.IsDir() {
					t.Errorf("%s builds %s, which is not a package of this repository", label, m[1])
				}
			}
		}
		if st.entrypoint != "" {
			var want []string
			for s := st; s != nil; s = byName[s.parent] {
				for k, v := range s.env {
					if strings.HasSuffix(k, "_ADDR") {
						_, port, _ := strings.Cut(v, ":")
						want = append(want, port)
					}
				}
			}
			if !slices.Equal(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(st.expose))) {
				t.Errorf("%s exposes %v but its environment listens on %v", label, st.expose, want)
			}
		}
		if st.name != "" {
			byName[st.name] = st
		}
		if i == len(stages)-1 && !strings.Contains(st.entrypoint, "/portico\"") {
			t.Errorf("the default target (the last stage) runs %s, want the portal", st.entrypoint)
		}
	}
	if gw := byName["gateway"]; gw == nil || !strings.Contains(gw.entrypoint, "portico-gateway") {
		t.Error("no stage named gateway running portico-gateway (the README's docker build --target gateway)")
	}
}
