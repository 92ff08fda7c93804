package markdown

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// linkifyScanned parses src, one paragraph, and gives the bytes its
// autolink expressions were allowed to read.
func linkifyScanned(t *testing.T, src string) int {
	t.Helper()
	pc := parser.NewContext()
	converter().Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(pc))
	st, _ := pc.Get(inlineBudgetKey).(*inlineBudgetState)
	if st == nil {
		return 0
	}
	return st.linkScanned
}

// TestLinkifyIsBounded: on text where every few bytes a "www." or URL
// starts whose host never ends in ".tld", Linkify's expressions read the
// 260 bytes after each in vain. The bytes they may read stay within the
// paragraph's budget, linear in its size, and once it is spent the
// autolink at the end stays text.
func TestLinkifyIsBounded(t *testing.T) {
	const tail = " see www.example.com"
	for _, unit := range []string{"_www.", "*www.", "(www.", "~www.", "_http://a", " www._", "_https://a_"} {
		for _, size := range []int{100_000, 400_000} {
			src := strings.Repeat(unit, size/len(unit)) + tail
			got := linkifyScanned(t, src)
			if limit := max(minLinkifyBytes, linkifyBytes*len(src)); got > limit {
				t.Errorf("%q × %d: linkify read %d bytes, want at most %d", unit, size/len(unit), got, limit)
			}
		}
	}
	html := ToHTML(strings.Repeat("_www.", 20_000) + tail)
	if strings.Contains(html, `href="http://www.example.com"`) {
		t.Errorf("the autolink after the budget was made: …%q", html[max(0, len(html)-200):])
	}
}

// TestAutolinksInProse: URLs, www. addresses and e-mail addresses in
// ordinary prose, a few or hundreds in one paragraph, are all linked.
func TestAutolinksInProse(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"url", "Status at https://status.example.com/incidents?since=2024-01-01 today.",
			[]string{`<a href="https://status.example.com/incidents?since=2024-01-01"`}},
		{"www", "Read the guide at www.example.com/docs/guide (section 2), then try it.",
			[]string{`<a href="http://www.example.com/docs/guide"`}},
		{"email", "Write to api-support@payments.example.com or *ops@example.org*.",
			[]string{`<a href="mailto:api-support@payments.example.com"`, `<a href="mailto:ops@example.org"`}},
		{"after emphasis", "_see_ www.example.com and ~~old~~ https://example.org/v2.",
			[]string{`<a href="http://www.example.com"`, `<a href="https://example.org/v2"`}},
		{"long url", "Callback: https://hooks.example.com/" + strings.Repeat("segment/", 300) + "end done",
			[]string{`<a href="https://hooks.example.com/` + strings.Repeat("segment/", 300) + `end"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ToHTML(tt.src)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("ToHTML(%.80q) = %.300q, want it to contain %.120q", tt.src, got, w)
				}
			}
		})
	}

	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, "Mirror %d is www.mirror%d.example.com, status at https://status.example.com/m/%d, mail ops%d@example.com. ", i, i, i, i)
	}
	html := ToHTML(b.String())
	for _, want := range []string{`href="http://www.mirror`, `href="https://status.example.com/m/`, `href="mailto:ops`} {
		if got := strings.Count(html, want); got != 500 {
			t.Errorf("%d links %s…, want 500", got, want)
		}
	}
}

// TestAutolinkBudgetNotReachedByProse: a paragraph of 200 URLs, whatever
// separates them (spaces, commas, line breaks, parentheses, emphasis) and
// however long they are (past maxLinkifyScan too), links all 200, and its
// autolink expressions are charged no more than the paragraph's bytes: a
// successful match consumes the bytes it read, so only runs that fail to
// match and hold further "www." or URLs spend the budget (twice the
// paragraph's bytes) faster than the text itself does.
func TestAutolinkBudgetNotReachedByProse(t *testing.T) {
	for name, url := range map[string]func(i int) string{
		"spaces":      func(i int) string { return fmt.Sprintf("https://api.example.com/v1/items/%d ", i) },
		"commas":      func(i int) string { return fmt.Sprintf("https://api.example.com/v1/items/%d, ", i) },
		"lines":       func(i int) string { return fmt.Sprintf("https://api.example.com/v1/items/%d\n", i) },
		"parentheses": func(i int) string { return fmt.Sprintf("(see https://api.example.com/v1/items/%d) ", i) },
		"emphasis":    func(i int) string { return fmt.Sprintf("_https://api.example.com/v1/items/%d_ ", i) },
		"www":         func(i int) string { return fmt.Sprintf("www.mirror%d.example.com ", i) },
		"short":       func(i int) string { return fmt.Sprintf("https://a.io/%d ", i) },
		"long": func(i int) string {
			return fmt.Sprintf("https://api.example.com/%s/%d ", strings.Repeat("seg/", 80), i)
		},
	} {
		var b strings.Builder
		for i := range 200 {
			b.WriteString(url(i))
		}
		src := b.String()
		html := ToHTML(src)
		if got := strings.Count(html, "<a href="); got != 200 {
			t.Errorf("%s: %d of 200 URLs linked", name, got)
		}
		if got := linkifyScanned(t, src); got > len(src) {
			t.Errorf("%s: autolinks charged %d bytes, more than the paragraph's %d", name, got, len(src))
		}
	}
}
