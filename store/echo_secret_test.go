package store

import (
	"strings"
	"testing"
)

// TestEchoHidesSecrets: a refusal that quotes an input hides the secret part
// of a Portico key or token in it, as logs do.
func TestEchoHidesSecrets(t *testing.T) {
	secret := strings.Repeat("q", 52)
	got := Echo("for ptk_abcdefghijklmnop_"+secret+" here", MaxEcho)
	if strings.Contains(got, secret) || !strings.Contains(got, "ptk_abcdefghijklmnop_[redacted] here") {
		t.Errorf("Echo = %q, want the key's secret replaced", got)
	}
	if got := Echo("edge-1", MaxEcho); !strings.Contains(got, `"edge-1"`) {
		t.Errorf("Echo(edge-1) = %q, want it quoted as it is", got)
	}
}
