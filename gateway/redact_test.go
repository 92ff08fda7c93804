package gateway_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/gateway"
)

func TestRedactSecrets(t *testing.T) {
	const (
		kid    = "mfrggzdfmztwq2lk"
		secret = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst" // 52
		key    = "ptk_" + kid + "_" + secret
		pat    = "pat_Ab3-_x" + "0123456789abcdefghijklmnopqrstuvwxyz-_A" // 4 + 43
		pgn    = "pgn_" + "Zz9_-0123456789abcdefghijklmnopqrstuvwxyzA"
	)
	for _, tc := range []struct{ in, want string }{
		{"/pets/v1/pets", "/pets/v1/pets"},
		{"", ""},
		{"/api/v1/keys/" + kid, "/api/v1/keys/" + kid},
		{"/api/v1/keys/ptk_" + kid, "/api/v1/keys/ptk_" + kid},
		{"/api/v1/keys/" + key, "/api/v1/keys/ptk_" + kid + "_" + gateway.Redacted},
		{"/api/v1/keys/" + key + "/rotate", "/api/v1/keys/ptk_" + kid + "_" + gateway.Redacted + "/rotate"},
		{key, "ptk_" + kid + "_" + gateway.Redacted},
		{"/x/" + strings.ToUpper(key), "/x/PTK_" + strings.ToUpper(kid) + "_" + gateway.Redacted},
		{"/x/" + key[:len(key)-30], "/x/ptk_" + kid + "_" + gateway.Redacted}, // a key cut short
		{"/x/" + key[:len("ptk_")+16+1+7], "/x/" + key[:len("ptk_")+16+1+7]},  // too short to be a secret
		{"/a/" + pat + "/b/" + pgn, "/a/pat_Ab3-_x" + gateway.Redacted + "/b/pgn_Zz9_-0" + gateway.Redacted},
		{"Bearer " + pat, "Bearer pat_Ab3-_x" + gateway.Redacted},
		{"/compat_" + secret, "/compat_" + secret}, // not at the start of a word
		{"/pat_history_records", "/pat_history_records"},
		{"/pets/pgn_" + strings.Repeat("a", 31), "/pets/pgn_" + strings.Repeat("a", 31)},
		{"/pets/pgn_" + strings.Repeat("a", 32), "/pets/pgn_aaaaaa" + gateway.Redacted},
	} {
		if got := gateway.RedactSecrets(tc.in); got != tc.want {
			t.Errorf("RedactSecrets(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	path := "/pets/v1/pets/some_id/pat_x/ptk_" + kid + "/orders?x=1"
	if n := testing.AllocsPerRun(100, func() { _ = gateway.RedactSecrets(path) }); n != 0 {
		t.Errorf("RedactSecrets of a path without a secret allocates %v times, want 0", n)
	}
}
