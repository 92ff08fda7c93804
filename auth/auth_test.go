package auth

import (
	"strings"
	"testing"
)

func TestHasher(t *testing.T) {
	h := NewTestHasher()
	hash, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, "correct horse") {
		t.Fatalf("hash %q contains the password", hash)
	}
	tests := []struct {
		password, hash string
		want           bool
	}{
		{"correct horse battery", hash, true},
		{"correct horse batterY", hash, false},
		{"", hash, false},
		{"correct horse battery", "", false},
		{"correct horse battery", "garbage", false},
	}
	for _, tt := range tests {
		if got := h.Check(tt.password, tt.hash); got != tt.want {
			t.Errorf("Check(%q, %q) = %v, want %v", tt.password, tt.hash, got, tt.want)
		}
	}
	if _, err := h.Hash("short"); err != ErrWeakPassword {
		t.Errorf("Hash(short) error = %v, want ErrWeakPassword", err)
	}
}

func TestPersonalToken(t *testing.T) {
	tok, display := NewPersonalToken()
	if err := CheckTokenFormat(tok); err != nil {
		t.Fatalf("CheckTokenFormat(new token) = %v", err)
	}
	if !strings.HasPrefix(tok, display) || len(display) != len(TokenPrefix)+6 {
		t.Errorf("display %q is not a short prefix of the token", display)
	}
	other, _ := NewPersonalToken()
	if other == tok {
		t.Error("two tokens are equal")
	}
	if got := HashToken(tok); len(got) != 64 || got == tok {
		t.Errorf("HashToken = %q, want 64 hex chars", got)
	}
	for _, bad := range []string{"", "pat_short", "Bearer x", strings.Repeat("a", 60)} {
		if err := CheckTokenFormat(bad); err == nil {
			t.Errorf("CheckTokenFormat(%q) = nil, want error", bad)
		}
	}
}
