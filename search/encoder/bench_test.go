package encoder

import (
	"fmt"
	"testing"
)

// BenchmarkEncode times EncodeIDs on a 6- and a 12-token query and a
// 60-token text (token ids of the parity fixture, repeated as needed).
func BenchmarkEncode(b *testing.B) {
	m, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	var pool []int32
	for _, c := range loadParity(b) {
		pool = append(pool, c.IDs...)
	}
	for _, n := range []int{6, 12, 60} {
		ids := pool[:n]
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.EncodeIDs(ids)
			}
		})
	}
}
