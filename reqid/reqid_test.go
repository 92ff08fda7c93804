package reqid

import (
	"strings"
	"testing"
)

func TestNextIsUniqueAndValid(t *testing.T) {
	a, b := New(), New()
	seen := map[string]bool{}
	for _, s := range []*Source{a, b} {
		for range 1000 {
			id := s.Next()
			if seen[id] || !Valid([]byte(id)) {
				t.Fatalf("id %q: seen before %v, valid %v", id, seen[id], Valid([]byte(id)))
			}
			seen[id] = true
		}
	}
}

func TestValid(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"abc-123_x.y:z", true}, {"", false}, {strings.Repeat("a", 128), true}, {strings.Repeat("a", 129), false},
		{"a b", false}, {"a\nb", false}, {"é", false},
	} {
		if got := Valid([]byte(tc.id)); got != tc.want {
			t.Errorf("Valid(%.20q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
