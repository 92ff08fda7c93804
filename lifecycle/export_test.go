package lifecycle

import "testing"

// SetRetirePage makes RetireDue read n due versions at a time for the rest
// of t.
func SetRetirePage(t *testing.T, n int) {
	old := retirePage
	retirePage = n
	t.Cleanup(func() { retirePage = old })
}
