// Package docs holds the pages the README links to for what was measured
// on the way; this test keeps the links between them and the README's
// references to its own sections true as headings are renamed.
package docs

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// pages are the Markdown files a user reads, relative to this directory:
// the README and every page here.
func pages(t *testing.T) []string {
	here, err := filepath.Glob("*.md")
	if err != nil || len(here) == 0 {
		t.Fatalf("the pages of docs: %v %v", here, err)
	}
	return append([]string{"../README.md"}, here...)
}

var (
	// link is a Markdown link or image whose target is relative (no
	// scheme): [text](target), target up to the closing parenthesis.
	link = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	// seeSection is the README's way to point at one of its own
	// sections: see "Running several instances".
	seeSection = regexp.MustCompile(`[Ss]ee "([^"]+)"`)
	fence      = regexp.MustCompile("^\\s*(```|~~~)")
	heading    = regexp.MustCompile(`^(#{1,6})\s+(.+?)\s*#*\s*$`)
	// leadIn is a paragraph's or a list item's bold title, which the
	// README's references name as they name headings: **Stopping**: …
	leadIn = regexp.MustCompile(`^(?:\s*- )?\*\*([^*]+?)[.:]?\*\*`)
)

// TestLinksAndSectionsResolve: every relative link of the README and of
// these pages names a file that exists and, after a #, a heading of that
// file (as GitHub makes its anchors), and every section the README tells
// the reader to see ("see "Stopping"") is one of its headings or the bold
// title a paragraph or list item starts with.
func TestLinksAndSectionsResolve(t *testing.T) {
	anchors := map[string]map[string]bool{}
	titles := map[string]map[string]bool{}
	texts := map[string][]string{}
	all := pages(t)
	for _, p := range all {
		lines, err := readLines(p)
		if err != nil {
			t.Fatal(err)
		}
		texts[p] = lines
		anchors[p], titles[p] = headings(lines)
	}
	for _, p := range all {
		for n, line := range texts[p] {
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				file, anchor, _ := strings.Cut(target, "#")
				dest := p
				if file != "" {
					dest = filepath.ToSlash(filepath.Join(filepath.Dir(p), file))
					if _, err := os.Stat(dest); err != nil {
						t.Errorf("%s:%d: link %q: %v", p, n+1, target, err)
						continue
					}
				}
				if anchor == "" {
					continue
				}
				a, ok := anchors[dest]
				if !ok {
					t.Errorf("%s:%d: link %q: %s is not one of the pages this test reads its headings from", p, n+1, target, dest)
					continue
				}
				if !a[anchor] {
					t.Errorf("%s:%d: link %q: %s has no heading whose anchor is #%s", p, n+1, target, dest, anchor)
				}
			}
		}
	}
	readme := "../README.md"
	for n, line := range texts[readme] {
		for _, m := range seeSection.FindAllStringSubmatch(line, -1) {
			if !titles[readme][m[1]] {
				t.Errorf("%s:%d: see %q: the README has no such heading", readme, n+1, m[1])
			}
		}
	}
}

// TestAnchor: the anchors GitHub gives headings, for the forms these
// pages use.
func TestAnchor(t *testing.T) {
	for _, c := range []struct{ title, want string }{
		{"Portal speed", "portal-speed"},
		{"Processes sharing the port (SO_REUSEPORT), tried", "processes-sharing-the-port-so_reuseport-tried"},
		{"The access log, a correction (3 December)", "the-access-log-a-correction-3-december"},
		{"`bench/gateway.sh`", "benchgatewaysh"},
		{"Catalog and search", "catalog-and-search"},
		{"4–5 December, 23:10–00:30 UTC: a sentence encoder", "45-december-23100030-utc-a-sentence-encoder"},
		{"[Usage](#usage) and *quotas*", "usage-and-quotas"},
	} {
		if got := anchor(c.title); got != c.want {
			t.Errorf("anchor(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}

func readLines(p string) ([]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

// headings returns the anchors of a page's headings (outside code
// blocks), a repeated one numbered as GitHub does (x, x-1, x-2), and
// the titles of its headings and bold lead-ins, without Markdown.
func headings(lines []string) (anchors, titles map[string]bool) {
	anchors, titles = map[string]bool{}, map[string]bool{}
	seen := map[string]int{}
	inCode := false
	for _, line := range lines {
		if fence.MatchString(line) {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		if m := leadIn.FindStringSubmatch(line); m != nil {
			titles[plain(m[1])] = true
		}
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		titles[plain(m[2])] = true
		a := anchor(m[2])
		if k := seen[a]; k > 0 {
			anchors[a+"-"+strconv.Itoa(k)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors, titles
}

var mdLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// plain is a heading's text without Markdown: a link's text kept, code
// spans' backticks and emphasis dropped.
func plain(title string) string {
	title = mdLink.ReplaceAllString(title, "$1")
	return strings.NewReplacer("`", "", "**", "", "*", "").Replace(title)
}

// anchor is GitHub's anchor of a heading: its plain text in lower case,
// letters, digits, spaces, hyphens and underscores kept, each space a
// hyphen.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(plain(title)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
