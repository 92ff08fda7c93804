package encoder

import (
	"encoding/json"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// testdata/tokens.json holds the ids the JS tokenizer of
// @energetic-ai/embeddings gives (node, unicode 17): cases with the real
// vocabulary, and synthetic vocabularies (null scores, duplicates, astral
// pieces, ties, a reserved piece 0 longer than one unit) that reach the
// quirks the real one rarely shows.
type tokenFixture struct {
	Source    string         `json:"source"`
	Cases     []tokenCase    `json:"cases"`
	Synthetic []synthFixture `json:"synthetic"`
}

type tokenCase struct {
	Text string  `json:"text"`
	IDs  []int32 `json:"ids"`
}

type synthFixture struct {
	Vocab [][2]any    `json:"vocab"`
	Cases []tokenCase `json:"cases"`
}

func loadFixture(t testing.TB) tokenFixture {
	t.Helper()
	b, err := os.ReadFile("testdata/tokens.json")
	if err != nil {
		t.Fatal(err)
	}
	var f tokenFixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

var (
	sharedOnce sync.Once
	shared     *Tokenizer
	sharedErr  error
)

func testTokenizer(t testing.TB) *Tokenizer {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = NewTokenizer() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func TestVocabulary(t *testing.T) {
	tok := testTokenizer(t)
	if got := tok.VocabSize(); got != 8000 {
		t.Fatalf("VocabSize = %d, want 8000", got)
	}
	for id, want := range map[int32]string{0: "�", 6: ".", 9: "▁the", 30: "▁", 57: ":"} {
		if got := tok.Piece(id); got != want {
			t.Errorf("Piece(%d) = %q, want %q", id, got, want)
		}
	}
	if tok.Piece(-1) != "" || tok.Piece(8000) != "" {
		t.Error("Piece out of range is not empty")
	}
}

func TestTokenizeMatchesJS(t *testing.T) {
	f := loadFixture(t)
	if len(f.Cases) < 60 {
		t.Fatalf("only %d fixture cases", len(f.Cases))
	}
	tok := testTokenizer(t)
	for _, c := range f.Cases {
		if got := tok.Tokenize(c.Text); !slices.Equal(got, c.IDs) {
			t.Errorf("Tokenize(%q)\n got %v\nwant %v", c.Text, got, c.IDs)
		}
	}
}

func TestTokenizeSyntheticMatchesJS(t *testing.T) {
	f := loadFixture(t)
	if len(f.Synthetic) == 0 {
		t.Fatal("no synthetic fixtures")
	}
	for k, s := range f.Synthetic {
		pieces := make([]string, len(s.Vocab))
		scores := make([]float64, len(s.Vocab))
		for i, e := range s.Vocab {
			pieces[i] = e[0].(string)
			if e[1] != nil { // null, as in JS arithmetic, is 0
				scores[i] = e[1].(float64)
			}
		}
		tok := newTokenizer(pieces, scores, reservedSymbols)
		for _, c := range s.Cases {
			if got := tok.Tokenize(c.Text); !slices.Equal(got, c.IDs) {
				t.Errorf("vocab %d: Tokenize(%q)\n got %v\nwant %v", k, c.Text, got, c.IDs)
			}
		}
	}
}

// The separator and space handling seen through the pieces.
func TestTokenizePieces(t *testing.T) {
	tok := testTokenizer(t)
	var ps []string
	for _, id := range tok.Tokenize("list users") {
		ps = append(ps, tok.Piece(id))
	}
	if got := strings.Join(ps, "|"); got != "▁list|▁users" {
		t.Errorf("pieces = %q", got)
	}
	if got := tok.Tokenize(""); got != nil {
		t.Errorf("Tokenize(\"\") = %v, want nil", got)
	}
}

func TestTokenizeLongInputIsCut(t *testing.T) {
	tok := testTokenizer(t)
	unit := "find the customer's invoices by date, página ²三 "
	huge := strings.Repeat(unit, 1_000_000/utf8.RuneCountInString(unit)+1)
	prefix := string([]rune(huge)[:MaxRunes])

	// The work is bounded by MaxRunes, not by the input: normalising or
	// copying the whole input would allocate its size at least.
	tok.Tokenize(prefix) // fills the lattice pool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got := tok.Tokenize(huge)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(len(huge)/4) {
		t.Errorf("Tokenize of %d bytes allocated %d bytes, want its work bounded by its first %d runes", len(huge), alloc, MaxRunes)
	}
	if want := tok.Tokenize(prefix); !slices.Equal(got, want) {
		t.Errorf("huge input is not tokenised as its first %d runes", MaxRunes)
	}
	if len(got) == 0 || len(got) > MaxRunes+1 {
		t.Errorf("len = %d", len(got))
	}

	// NFKC lengthens U+FDFA to 18 runes; the symbols are cut too.
	if got := tok.Tokenize(strings.Repeat("\uFDFA", MaxRunes)); len(got) == 0 || len(got) > MaxRunes+1 {
		t.Errorf("expanding input: len = %d", len(got))
	}
}

func TestTokenizeInvalidUTF8(t *testing.T) {
	tok := testTokenizer(t)
	got := tok.Tokenize("ab\xffc\xe2\x82")
	want := tok.Tokenize("ab\uFFFDc\uFFFD\uFFFD")
	if !slices.Equal(got, want) {
		t.Errorf("invalid UTF-8: got %v, want %v", got, want)
	}
}

func TestTokenizeConcurrent(t *testing.T) {
	tok := testTokenizer(t)
	f := loadFixture(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, c := range f.Cases {
				if got := tok.Tokenize(c.Text); !slices.Equal(got, c.IDs) {
					t.Errorf("concurrent Tokenize(%q) = %v", c.Text, got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzTokenize(f *testing.F) {
	for _, c := range loadFixture(f).Cases {
		f.Add(c.Text)
	}
	f.Add("ab\xffc\xe2\x82")
	f.Add(strings.Repeat("\uFDFA", 300))
	tok := testTokenizer(f)
	f.Fuzz(func(t *testing.T, s string) {
		ids := tok.Tokenize(s)
		if len(ids) > MaxRunes+1 {
			t.Fatalf("%d ids", len(ids))
		}
		if len(ids) > 18*utf8.RuneCountInString(s)+1 {
			t.Fatalf("%d ids for %d runes", len(ids), utf8.RuneCountInString(s))
		}
		for i, id := range ids {
			if id < 0 || int(id) >= tok.VocabSize() {
				t.Fatalf("id %d out of range", id)
			}
			if id == UnknownID && i > 0 && ids[i-1] == UnknownID {
				t.Fatalf("unmerged unknowns in %v", ids)
			}
		}
		if s != "" && len(ids) == 0 { // NFKC drops nothing: "▁" at least
			t.Fatalf("no ids for %q", s)
		}
	})
}

func BenchmarkTokenize(b *testing.B) {
	tok := testTokenizer(b)
	b.ReportAllocs()
	for b.Loop() {
		tok.Tokenize("how do I refund a payment?")
	}
}

func BenchmarkTokenizeLong(b *testing.B) {
	tok := testTokenizer(b)
	text := strings.Repeat("Returns the paged list of orders for a customer; ", 40)
	b.ReportAllocs()
	for b.Loop() {
		tok.Tokenize(text)
	}
}

func BenchmarkNewTokenizer(b *testing.B) {
	for b.Loop() {
		if _, err := NewTokenizer(); err != nil {
			b.Fatal(err)
		}
	}
}
