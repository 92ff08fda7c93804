// Package meaning matches a query with an API by meaning rather than by words: each is a point in a space of word
// vectors (GloVe, see NOTICE), the weighted mean of the vectors of its words, and two texts about the same thing are
// close even when they share no word ("is it going to rain" and a weather forecast API).
//
// A text's vector is the smooth inverse frequency (SIF) mean of the unit vectors of its words: a word of frequency
// rank r weighs a/(a+p), p = 1/((r+1)·H) its share of a text as Zipf's law has it (H the harmonic number of the
// source's vocabulary), so that common words ("get", "data") count little and rare ones ("forecast") much. Words are
// split at camelCase and at anything but letters and digits, lowercased; stop words and words without a vector are
// left out. A text of several fields is the weighted sum of each field's mean, scaled to unit length.
package meaning

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed vectors.bin
var embedded []byte

// sifA is SIF's a: the weight of a word is a/(a+p(w)).
const sifA = 1e-5

// Table is a set of word vectors: each word's unit vector stored as signed bytes with a scale, and its SIF weight.
type Table struct {
	dims   int
	index  map[string]int32
	vecs   []int8    // len(index) × dims
	scales []float32 // by word
	weight []float32 // SIF weight by word
}

// Dims is the length of the table's vectors.
func (t *Table) Dims() int { return t.dims }

// Words is the number of words of the table.
func (t *Table) Words() int { return len(t.scales) }

var (
	defaultOnce  sync.Once
	defaultTable *Table
	defaultErr   error
)

// Default is the table embedded in the program (vectors.bin), read once on first use.
func Default() (*Table, error) {
	defaultOnce.Do(func() { defaultTable, defaultErr = Read(embedded) })
	return defaultTable, defaultErr
}

// Word is a word of a table and its frequency rank in the source (0 for the most frequent).
type Word struct {
	Text string
	Rank uint32
}

// Plain reports whether w is a word the tables keep: lowercase letters a to z only.
func Plain(w string) bool {
	if w == "" || len(w) > 255 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// The file format, little-endian: "PMV1", the source's vocabulary size, the number of words n and of dimensions d
// (uint32 each); n words in frequency order, each as the uvarint of its rank less the previous word's, its length
// (one byte) and its bytes; then n vectors, each a float32 scale and d signed bytes (the unit vector is the bytes
// times the scale).
const magic = "PMV1"

// Write writes a table of words with their vectors (any length, scaled to unit length here) to w.
func Write(w io.Writer, vocabulary, dims int, words []Word, vecs [][]float64) error {
	if len(words) != len(vecs) {
		return errors.New("meaning: as many vectors as words needed")
	}
	head := make([]byte, 0, 16)
	head = append(head, magic...)
	head = binary.LittleEndian.AppendUint32(head, uint32(vocabulary))
	head = binary.LittleEndian.AppendUint32(head, uint32(len(words)))
	head = binary.LittleEndian.AppendUint32(head, uint32(dims))
	if _, err := w.Write(head); err != nil {
		return err
	}
	var buf []byte
	prev := uint32(0)
	for i, wd := range words {
		if !Plain(wd.Text) || (i > 0 && wd.Rank <= prev) {
			return fmt.Errorf("meaning: word %q (rank %d) is not a plain word in frequency order", wd.Text, wd.Rank)
		}
		buf = binary.AppendUvarint(buf[:0], uint64(wd.Rank-prev))
		buf = append(buf, byte(len(wd.Text)))
		buf = append(buf, wd.Text...)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		prev = wd.Rank
	}
	for _, v := range vecs {
		if len(v) != dims {
			return fmt.Errorf("meaning: a vector of %d dimensions, want %d", len(v), dims)
		}
		norm, peak := 0.0, 0.0
		for _, x := range v {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			norm = 1
		}
		for _, x := range v {
			peak = max(peak, math.Abs(x/norm))
		}
		scale := peak / 127
		if scale == 0 {
			scale = 1
		}
		buf = binary.LittleEndian.AppendUint32(buf[:0], math.Float32bits(float32(scale)))
		for _, x := range v {
			buf = append(buf, byte(int8(math.Round(x/norm/scale))))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// Read reads a table written by Write.
func Read(b []byte) (*Table, error) {
	bad := errors.New("meaning: not a table of word vectors")
	if len(b) < 16 || string(b[:4]) != magic {
		return nil, bad
	}
	vocabulary := int(binary.LittleEndian.Uint32(b[4:]))
	n := int(binary.LittleEndian.Uint32(b[8:]))
	dims := int(binary.LittleEndian.Uint32(b[12:]))
	if n <= 0 || dims <= 0 || dims > 4096 || vocabulary < n || n > len(b)/(dims+4) {
		return nil, bad
	}
	b = b[16:]
	t := &Table{dims: dims, index: make(map[string]int32, n), vecs: make([]int8, n*dims),
		scales: make([]float32, n), weight: make([]float32, n)}
	// p(w) = 1/((rank+1)·H): Zipf's law over the source's vocabulary.
	h := 0.0
	for r := 1; r <= vocabulary; r++ {
		h += 1 / float64(r)
	}
	rank := uint64(0)
	for i := range n {
		d, k := binary.Uvarint(b)
		if k <= 0 || k >= len(b) {
			return nil, bad
		}
		rank += d
		l := int(b[k])
		if k+1+l > len(b) {
			return nil, bad
		}
		t.index[string(b[k+1:k+1+l])] = int32(i)
		p := 1 / (float64(rank+1) * h)
		t.weight[i] = float32(sifA / (sifA + p))
		b = b[k+1+l:]
	}
	if len(b) != n*(4+dims) {
		return nil, bad
	}
	for i := range n {
		t.scales[i] = math.Float32frombits(binary.LittleEndian.Uint32(b))
		for j := range dims {
			t.vecs[i*dims+j] = int8(b[4+j])
		}
		b = b[4+dims:]
	}
	return t, nil
}

// Model turns texts into vectors with a table, leaving out stop words.
type Model struct {
	t    *Table
	stop map[string]bool
}

// New is a model of the table t that leaves out the stop words.
func New(t *Table, stop []string) *Model {
	m := &Model{t: t, stop: make(map[string]bool, len(stop))}
	for _, w := range stop {
		m.stop[w] = true
	}
	return m
}

// Dims is the length of the model's vectors.
func (m *Model) Dims() int { return m.t.dims }

// Field is texts of one kind (an API's name and tags, its descriptions…) and their weight in the vector.
type Field struct {
	Weight float64
	Texts  []string
}

// Vector is the unit vector of the fields: the sum of each field's SIF mean times its weight, scaled to unit length;
// nil when no word of them has a vector.
func (m *Model) Vector(fields ...Field) []float32 {
	d := m.t.dims
	sum := make([]float64, d)
	field := make([]float64, d)
	found := false
	for _, f := range fields {
		clear(field)
		total := 0.0
		for _, text := range f.Texts {
			words(text, func(w string) {
				if m.stop[w] {
					return
				}
				i, ok := m.t.lookup(w)
				if !ok {
					return
				}
				wt := float64(m.t.weight[i])
				s := wt * float64(m.t.scales[i])
				for j, x := range m.t.vecs[int(i)*d : int(i)*d+d] {
					field[j] += s * float64(x)
				}
				total += wt
			})
		}
		if total == 0 || f.Weight == 0 {
			continue
		}
		found = true
		for j := range sum {
			sum[j] += f.Weight * field[j] / total
		}
	}
	if !found {
		return nil
	}
	norm := 0.0
	for _, x := range sum {
		norm += x * x
	}
	if norm == 0 {
		return nil
	}
	norm = math.Sqrt(norm)
	out := make([]float32, d)
	for j, x := range sum {
		out[j] = float32(x / norm)
	}
	return out
}

// lookup finds the word w, or its singular when w is a plural the table does not have ("gifs", "proxies", "boxes").
func (t *Table) lookup(w string) (int32, bool) {
	if i, ok := t.index[w]; ok {
		return i, true
	}
	if len(w) < 4 || w[len(w)-1] != 's' || strings.HasSuffix(w, "ss") {
		return 0, false
	}
	if strings.HasSuffix(w, "ies") {
		if i, ok := t.index[w[:len(w)-3]+"y"]; ok {
			return i, true
		}
	}
	if strings.HasSuffix(w, "es") {
		if i, ok := t.index[w[:len(w)-2]]; ok {
			return i, true
		}
	}
	i, ok := t.index[w[:len(w)-1]]
	return i, ok
}

// Cosine is the cosine of two unit vectors of the same model, 0 when either is nil.
func Cosine(a, b []float32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	s := float32(0)
	for i, x := range a {
		s += x * b[i]
	}
	return float64(s)
}

// words calls yield with each word of text, lowercased: runs of letters and digits, split where a lowercase letter is
// followed by an uppercase one ("sendSms") and before the last of several uppercase letters followed by a lowercase
// one ("HTTPServer"), and between letters and digits.
func words(text string, yield func(string)) {
	var buf []byte
	flush := func() {
		if len(buf) > 0 {
			yield(string(buf))
			buf = buf[:0]
		}
	}
	var prev rune
	for i, w := 0, 0; i < len(text); i += w {
		r, size := utf8.DecodeRuneInString(text[i:])
		w = size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			prev = 0
			continue
		}
		if prev != 0 {
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			switch {
			case unicode.IsLower(prev) && unicode.IsUpper(r),
				unicode.IsUpper(prev) && unicode.IsUpper(r) && unicode.IsLower(next),
				unicode.IsDigit(prev) != unicode.IsDigit(r):
				flush()
			}
		}
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
		prev = r
	}
	flush()
}

// Packed is a unit vector stored as signed bytes times a scale: a quarter of the memory of float32s, and read faster
// when many are compared with one (a catalog's APIs with a query). The cosine it gives is the float one's within
// about 0.01.
type Packed struct {
	V     []int8
	Scale float32
}

// Pack packs the unit vector v; nil gives an empty Packed.
func Pack(v []float32) Packed {
	if len(v) == 0 {
		return Packed{}
	}
	peak := float32(0)
	for _, x := range v {
		peak = max(peak, x, -x)
	}
	if peak == 0 {
		return Packed{}
	}
	p := Packed{V: make([]int8, len(v)), Scale: peak / 127}
	for i, x := range v {
		p.V[i] = int8(math.Round(float64(x / p.Scale)))
	}
	return p
}

// Cosine is the cosine of p with the unit vector q, 0 when either is empty.
func (p Packed) Cosine(q []float32) float64 { return CosinePacked(q, p.V, p.Scale) }

// CosinePacked is the cosine of the unit vector q with the packed one v times scale, 0 when either is empty or their
// lengths differ.
func CosinePacked(q []float32, v []int8, scale float32) float64 {
	if len(q) == 0 || len(q) != len(v) {
		return 0
	}
	s := float32(0)
	for i, x := range v {
		s += q[i] * float32(x)
	}
	return float64(s * scale)
}
