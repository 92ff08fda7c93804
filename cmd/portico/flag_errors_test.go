package main

import (
	"context"
	"strings"
	"testing"
)

// TestBadFlagSaysSoFirst: a flag a command does not know, or one without
// its value, printed the command's every flag (some fifty lines) between
// the flag package's complaint and the error, which came last. The error
// is now the one line printed, with the command whose -h lists the flags.
func TestBadFlagSaysSoFirst(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--bogus"}, "flag provided but not defined: -bogus (run `portico serve -h` for the flags)"},
		{[]string{"--bogus"}, "flag provided but not defined: -bogus (run `portico serve -h` for the flags)"},
		{[]string{"migrate", "--addr"}, "flag needs an argument: -addr (run `portico migrate -h` for the flags)"},
		{[]string{"user", "create", "--usrname", "ops"}, "flag provided but not defined: -usrname (run `portico user create -h` for the flags)"},
		{[]string{"import", "spec.yaml", "--tem", "pay"}, "flag provided but not defined: -tem (run `portico import -h` for the flags)"},
		// An unknown command printed the whole usage text first too.
		{[]string{"frobnicate", "--data", "x"}, "unknown command \"frobnicate\" (run `portico help` for the commands)"},
		{[]string{"backup", "--force=maybe"}, `invalid boolean value "maybe" for -force: parse error (run ` + "`portico backup -h` for the flags)"},
	}
	for _, tt := range tests {
		e, out, errOut := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
		err := runEnv(context.Background(), tt.args, e)
		if err == nil || err.Error() != tt.want {
			t.Errorf("portico %v: error %v, want %q", tt.args, err, tt.want)
		}
		if out.String() != "" || errOut.String() != "" {
			t.Errorf("portico %v printed, before its error:\n%s%s", tt.args, out.String(), errOut.String())
		}
	}
	// -h still prints the flags.
	e, _, errOut := testEnv(nil, "")
	if err := runEnv(context.Background(), []string{"serve", "-h"}, e); err != nil || !strings.Contains(errOut.String(), "Usage of portico serve:\n") || !strings.Contains(errOut.String(), "-data") {
		t.Errorf("serve -h: %v, printed:\n%s", err, errOut.String())
	}
}
