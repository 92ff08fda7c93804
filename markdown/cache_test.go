package markdown

import (
	"strings"
	"sync"
	"testing"
)

// TestCacheServesWhatToHTMLGives: the cache answers each text with its own
// rendering (an edited text is rendered anew, never served the old HTML),
// stays within its bytes, and is safe for concurrent use (run with -race).
func TestCacheServesWhatToHTMLGives(t *testing.T) {
	c := NewCache(8 << 10)
	texts := []string{"# One\n\n*first*", "# One\n\n*first*.", "<script>alert(1)</script> **two**", ""}
	for round := 0; round < 2; round++ {
		for _, src := range texts {
			if got, want := c.ToHTML(src), ToHTML(src); got != want {
				t.Fatalf("round %d: ToHTML(%q) = %q, want %q", round, src, got, want)
			}
		}
	}
	if strings.Contains(c.ToHTML(texts[2]), "<script") {
		t.Fatalf("cached HTML is not sanitised")
	}
	for i := range 200 {
		src := strings.Repeat("word ", 50) + string(rune('a'+i%26)) + strings.Repeat("x", i)
		if got, want := c.ToHTML(src), ToHTML(src); got != want {
			t.Fatalf("ToHTML of text %d: got %q, want %q", i, got, want)
		}
	}
	if n, bytes := c.Size(); bytes > 8<<10 || n == 0 {
		t.Fatalf("cache holds %d texts, %d bytes; want some, within 8192", n, bytes)
	}
	big := strings.Repeat("long text ", 400)
	if got := c.ToHTML(big); got != ToHTML(big) {
		t.Fatalf("a text larger than the cache is rendered wrong")
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				src := texts[(g+i)%len(texts)]
				if got := c.ToHTML(src); got != ToHTML(src) {
					t.Errorf("concurrent ToHTML(%q) = %q", src, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
