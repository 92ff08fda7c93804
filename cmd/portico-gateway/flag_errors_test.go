package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBadFlagSaysSoFirst: a flag the node does not know printed the usage
// text and every flag (some sixty lines) before the error, which came
// last. The error is now the one line printed, with a hint at -h.
func TestBadFlagSaysSoFirst(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--portl", "https://portal.example.com"}, "flag provided but not defined: -portl (run `portico-gateway -h` for the flags)"},
		{[]string{"--portal"}, "flag needs an argument: -portal (run `portico-gateway -h` for the flags)"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tt.args, func(string) string { return "" }, &out, &errOut)
		if err == nil || err.Error() != tt.want {
			t.Errorf("portico-gateway %v: error %v, want %q", tt.args, err, tt.want)
		}
		if out.Len() != 0 || errOut.Len() != 0 {
			t.Errorf("portico-gateway %v printed, before its error:\n%s%s", tt.args, out.String(), errOut.String())
		}
	}
	// -h still prints the usage and the flags.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, func(string) string { return "" }, &out, &out); err != nil || !strings.Contains(out.String(), "-portal") {
		t.Errorf("-h: %v, printed:\n%s", err, out.String())
	}
}
