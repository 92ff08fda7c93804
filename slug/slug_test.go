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

// TestFrom: From makes a slug of a name as `portico import` does of a file
// name and `portico demo` of a sample's: lowercase, every run of other
// characters a dash, no dash at either end, at most 64 characters.
func TestFrom(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Pets", "pets"},
		{"Other API!", "other-api"},
		{"  --Back office__v2.. ", "back-office-v2"},
		{"Café crème", "caf-cr-me"},
		{"!!!", ""},
		{strings.Repeat("a", 63) + "-b", strings.Repeat("a", 63)},
		{strings.Repeat("x", 70), strings.Repeat("x", 64)},
	}
	for _, tt := range tests {
		got := slug.From(tt.in)
		if got != tt.want {
			t.Errorf("From(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && !slug.Valid(got) {
			t.Errorf("From(%q) = %q: not a slug", tt.in, got)
		}
	}
}
