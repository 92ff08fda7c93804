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

// TestSecretAfterAnEscape: a key or token in a JSON or YAML string starts
// a line of the text after "\n" (a JSON description's line break, as the
// raw source holds it), and one in a URL's query after a percent-encoded
// separator ("Bearer%20", "token%3D"): the escape's last character is a
// letter or digit, yet the secret starts a word of the text it encodes.
func TestSecretAfterAnEscape(t *testing.T) {
	const (
		key = "ptk_mfrggzdfmztwq2lk_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"
		pat = "pat_Ss3v0WxOqpTFE21yeVShkPFkZ4akPjS8G5Z4izh3w6U"
	)
	for _, tc := range []struct{ in, want string }{
		{`"description": "Your key looks so:\n` + key + `"`, `"description": "Your key looks so:\nptk_mfrggzdfmztwq2lk_` + gateway.Redacted + `"`},
		{`"description": "Call it with\t` + pat + `"`, `"description": "Call it with\tpat_Ss3v0W` + gateway.Redacted + `"`},
		{"https://x.example/cb?auth=Bearer%20" + pat, "https://x.example/cb?auth=Bearer%20pat_Ss3v0W" + gateway.Redacted},
		{"https://x.example/cb?next=%2Fv1%3Fkey%3D" + key, "https://x.example/cb?next=%2Fv1%3Fkey%3Dptk_mfrggzdfmztwq2lk_" + gateway.Redacted},
		// encoding/json writes '<' and '&' as \u003c and \u0026; YAML's
		// double-quoted strings have \x and \u escapes too.
		{`"description": "Send \u003c` + key + `\u003e"`, `"description": "Send \u003cptk_mfrggzdfmztwq2lk_` + gateway.Redacted + `\u003e"`},
		{`description: "line\x0a` + pat + `"`, `description: "line\x0apat_Ss3v0W` + gateway.Redacted + `"`},
		{`"a\U0000000A` + pat + `"`, `"a\U0000000Apat_Ss3v0W` + gateway.Redacted + `"`},
	} {
		if got := gateway.RedactSecrets(tc.in); got != tc.want {
			t.Errorf("RedactSecrets(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if !gateway.HoldsSecret(tc.in) {
			t.Errorf("HoldsSecret(%q) = false, want true", tc.in)
		}
	}
	// Words after an escape are still words, and a prefix inside a word
	// still none.
	// An escape of a letter or digit ("%41" is "A", "\u0061" is "a"), or
	// an escaped backslash before "n" ("\\n" is a backslash and "n"),
	// leaves the prefix inside a word.
	for _, v := range []string{`"a\npat_primary_care_physician_identifier"`, "q=%20pgn_move_history_with_annotations_url", `"\ncompat_` + key[4:] + `"`, "x%2Gptk_mfrggzdfmztwq2lk_abcdefghijklmnop",
		"x%41" + key, `"\u0061` + key + `"`, `"C:\\n` + key + `"`} {
		if gateway.HoldsSecret(v) {
			t.Errorf("HoldsSecret(%q) = true, want false", v)
		}
	}
}
