package main

import "testing"

// FuzzBounds reads arbitrary --max-connections and --max-body settings: a
// value accepted is within the bounds the flags promise, 1 to 1,000,000
// connections and a body of 1 KiB to 1 GiB.
func FuzzBounds(f *testing.F) {
	for _, s := range [][2]string{
		{"10000", "16MiB"}, {"1", "1KiB"}, {"1000000", "1024MiB"}, {"0", "16"}, {" 5 ", " 64KiB "},
		{"1000001", "2048MiB"}, {"-1", "-1MiB"}, {"+7", "+1KiB"}, {"0x10", "1048576KiB"}, {"9223372036854775807", "9223372036854775807KiB"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, conns, body string) {
		c := config{MaxConnections: conns, MaxBody: body}
		n, b, err := c.bounds()
		if err != nil {
			return
		}
		if n < 1 || n > 1_000_000 {
			t.Fatalf("--max-connections %q accepted as %d connections", conns, n)
		}
		if b < 1<<10 || b > 1<<30 {
			t.Fatalf("--max-body %q accepted as %d bytes", body, b)
		}
	})
}
