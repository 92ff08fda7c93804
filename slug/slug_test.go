package slug_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/slug"
)

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"a", true},
		{"payments", true},
		{"payments-eu-2", true},
		{"0x", true},
		{strings.Repeat("a", slug.MaxLength), true},
		{strings.Repeat("a", slug.MaxLength+1), false},
		{"", false},
		{"-payments", false},
		{"payments-", false},
		{"Payments", false},
		{"pay ments", false},
		{"pay_ments", false},
		{"*", false},
		{"team:*", false},
		{"paiements-é", false},
	}
	for _, tt := range tests {
		if got := slug.Valid(tt.in); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := slug.Normalize("  Payments "); got != "payments" {
		t.Errorf("Normalize = %q, want payments", got)
	}
}
