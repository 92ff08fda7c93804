package gateway

import "testing"

// DecodeMust decodes a wire delta or fails the test.
func DecodeMust(t *testing.T, b []byte) *Delta {
	t.Helper()
	d, err := DecodeDelta(b, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
