package markdown

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestToHTMLSanitises(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string // substrings that must appear
		notWant []string // substrings that must not appear
	}{
		{
			name:    "script tag",
			src:     "Hello <script>alert(1)</script> world",
			want:    []string{"Hello", "world"},
			notWant: []string{"<script", "alert(1)</script>"},
		},
		{
			name:    "event handler",
			src:     `<img src="x.png" onerror="alert(1)"> <a href="/x" onclick="steal()">x</a>`,
			notWant: []string{"onerror", "onclick", "steal()"},
		},
		{
			name:    "javascript link in markdown",
			src:     "[click me](javascript:alert(1))",
			want:    []string{"click me"},
			notWant: []string{"javascript:"},
		},
		{
			name:    "javascript link in raw html",
			src:     `<a href="javascript:alert(1)">x</a>`,
			notWant: []string{"javascript:"},
		},
		{
			name: "table kept",
			src:  "| code | meaning |\n|---|---|\n| 402 | payment required |\n",
			want: []string{"<table>", "<th>code</th>", "<td>402</td>"},
		},
		{
			name: "external link gets nofollow noopener",
			src:  "See [the docs](https://example.com/docs).",
			want: []string{`href="https://example.com/docs"`, `rel="nofollow noopener"`, `target="_blank"`},
		},
		{
			name: "autolink",
			src:  "Status at https://status.example.com today",
			want: []string{`<a href="https://status.example.com"`},
		},
		{
			name: "formatting kept",
			src:  "# Title\n\n**bold** and `code`\n\n- one\n- two\n",
			want: []string{"<h1", "<strong>bold</strong>", "<code>code</code>", "<li>one</li>"},
		},
		{
			name: "empty",
			src:  "   ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ToHTML(tt.src)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("ToHTML(%q) = %q, want it to contain %q", tt.src, got, w)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(got, nw) {
					t.Errorf("ToHTML(%q) = %q, want no %q", tt.src, got, nw)
				}
			}
			if strings.TrimSpace(tt.src) == "" && got != "" {
				t.Errorf("ToHTML(%q) = %q, want empty", tt.src, got)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"heading and emphasis", "# Payments\n\nMove **money** _safely_.", "Payments\nMove money safely."},
		{"link text and autolink", "Read [the guide](https://x.test/g) or https://y.test", "Read the guide or https://y.test"},
		{"text of raw html kept", "Hi <b>there</b>\n\n<div>block</div>\n", "Hi there\nblock"},
		{"html description", `<p>Capture the payment <a href="#create_charge">created a charge</a>.</p><p>Then &amp; now</p>`,
			"Capture the payment created a charge.\nThen & now"},
		{"script and comment dropped", "<div>a<script>alert(1)</script><!-- note --><style>p{}</style>b</div>", "ab"},
		{"inline script dropped", "Pay <script>alert(1)</script> now <style>p{}</style>", "Pay now"},
		{"entities in markdown", "Fish &amp; chips &lt;b&gt;", "Fish & chips <b>"},
		{"list", "- one\n- two", "one\ntwo"},
		{"table cells", "| a | b |\n|---|---|\n| 1 | 2 |", "a b\n1 2"},
		{"code block", "```\ncurl -X POST\n```", "curl -X POST"},
		{"soft breaks", "line one\nline two", "line one line two"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.src); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestFirstSentence(t *testing.T) {
	long := strings.Repeat("é", 310)
	for _, tt := range []struct{ text, want string }{
		{"Pay. Then refund.", "Pay."},
		{"  Pay\n now.\tThen  refund.", "Pay now."},
		{"No full stop", "No full stop"},
		{"v1.2 is out. More.", "v1.2 is out."},
		{". Then. More.", ". Then. More."}, // a stop at the start ends no sentence
		{long, strings.Repeat("é", 297) + "…"},
		{strings.Repeat("é", 300), strings.Repeat("é", 300)},
		{"", ""},
	} {
		if got := FirstSentence(tt.text); got != tt.want {
			t.Errorf("FirstSentence(%.20q) = %.20q (%d runes), want %.20q", tt.text, got, utf8.RuneCountInString(got), tt.want)
		}
	}
}

// TestToHTMLConcurrently: the converter and the sanitiser are built once
// and shared; concurrent renders give what a single one gives (run with
// -race to check the sharing).
func TestToHTMLConcurrently(t *testing.T) {
	src := "# Title\n\nSome *text* with [a link](https://example.com) and <script>alert(1)</script>.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	want := ToHTML(src)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if got := ToHTML(src); got != want {
					t.Errorf("concurrent ToHTML = %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
