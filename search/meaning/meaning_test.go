package meaning

import (
	"bytes"
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	for text, want := range map[string][]string{
		"getUserById":               {"get", "user", "by", "id"},
		"HTTPServer listens":        {"http", "server", "listens"},
		"/v2/orders/{payment_id}":   {"v", "2", "orders", "payment", "id"},
		"Send an SMS, or an e-mail": {"send", "an", "sms", "or", "an", "e", "mail"},
		"Météo à Zürich":            {"météo", "à", "zürich"},
		"oauth2Token":               {"oauth", "2", "token"},
		"":                          nil,
	} {
		var got []string
		words(text, func(w string) { got = append(got, w) })
		if !slices.Equal(got, want) {
			t.Errorf("words(%q): got %q, want %q", text, got, want)
		}
	}
}

// A table written and read back has the words, their order (the SIF weights rise with the rank) and their unit vectors.
func TestWriteRead(t *testing.T) {
	words := []Word{{"the", 0}, {"weather", 900}, {"forecast", 2500}, {"drizzle", 40000}}
	vecs := [][]float64{{1, 0, 0}, {0, 3, 4}, {0, 4, 3}, {0, 0, -2}}
	var buf bytes.Buffer
	if err := Write(&buf, 50000, 3, words, vecs); err != nil {
		t.Fatal(err)
	}
	tb, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if tb.Words() != 4 || tb.Dims() != 3 {
		t.Fatalf("read back: got %d words of %d dimensions, want 4 of 3", tb.Words(), tb.Dims())
	}
	for i := 1; i < 4; i++ {
		if tb.weight[i] <= tb.weight[i-1] {
			t.Errorf("SIF weights: got %v, want rising with the rank", tb.weight)
		}
	}
	m := New(tb, []string{"the"})
	if v := m.Vector(Field{Weight: 1, Texts: []string{"the"}}); v != nil {
		t.Errorf("a stop word alone: got %v, want nil", v)
	}
	if v := m.Vector(Field{Weight: 1, Texts: []string{"unknown words"}}); v != nil {
		t.Errorf("words without vectors: got %v, want nil", v)
	}
	w := m.Vector(Field{Weight: 1, Texts: []string{"Weather"}})
	f := m.Vector(Field{Weight: 1, Texts: []string{"forecasts"}}) // the plural finds the singular
	d := m.Vector(Field{Weight: 1, Texts: []string{"drizzle"}})
	if c := Cosine(w, w); c < 0.999 || c > 1.001 {
		t.Errorf("a unit vector with itself: got %v, want 1", c)
	}
	if c := Cosine(w, f); c < 0.95 || c > 0.97 { // (0,.6,.8)·(0,.8,.6) = 0.96
		t.Errorf("weather and forecasts: got %v, want 0.96", c)
	}
	if c := Cosine(w, d); c > -0.79 || c < -0.81 {
		t.Errorf("weather and drizzle: got %v, want -0.8", c)
	}
	if Cosine(nil, w) != 0 {
		t.Errorf("a nil vector: got a cosine, want 0")
	}
	// Fields are weighted means: a field of weight 0 counts for nothing.
	if c := Cosine(w, m.Vector(Field{Weight: 1, Texts: []string{"weather"}}, Field{Weight: 0, Texts: []string{"drizzle"}})); c < 0.999 {
		t.Errorf("a field of weight 0: got cosine %v with the other field alone, want 1", c)
	}
	if _, err := Read(buf.Bytes()[:buf.Len()-1]); err == nil {
		t.Errorf("a truncated table: got no error")
	}
	if err := Write(&bytes.Buffer{}, 10, 3, []Word{{"b", 2}, {"a", 1}}, vecs[:2]); err == nil {
		t.Errorf("words out of frequency order: got no error")
	}
}

// The embedded vectors place words about the same thing close together.
func TestDefault(t *testing.T) {
	tb, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if tb.Words() < 50000 || tb.Dims() != 100 {
		t.Fatalf("embedded table: got %d words of %d dimensions", tb.Words(), tb.Dims())
	}
	m := New(tb, []string{"will", "it"})
	snow := m.Vector(Field{Weight: 1, Texts: []string{"will it snow"}})
	weather := m.Vector(Field{Weight: 1, Texts: []string{"Hourly weather forecasts: temperature, precipitation, wind"}})
	invoices := m.Vector(Field{Weight: 1, Texts: []string{"Create and send invoices to customers"}})
	if cw, ci := Cosine(snow, weather), Cosine(snow, invoices); cw <= ci+0.2 {
		t.Errorf("snow: got cosine %.3f with a forecast and %.3f with invoices, want the forecast well above", cw, ci)
	}
}
