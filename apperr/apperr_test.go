package apperr

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		value string
		max   int
		want  string // part of the message, "" when accepted
	}{
		{"", 3, ""},
		{"abc", 3, ""},
		{"ééé", 3, ""}, // characters, not bytes
		{"abcd", 3, "at most 3 characters: this has 4"},
		{"éééé", 3, "at most 3 characters: this has 4"},
		{"ab\xff", 3, "not valid UTF-8"},
	}
	for _, tt := range tests {
		errs := map[string]string{}
		ok := Text(errs, "name", tt.value, tt.max)
		got := errs["name"]
		if ok != (tt.want == "") || !strings.Contains(got, tt.want) || (tt.want == "" && got != "") {
			t.Errorf("Text(%q, %d): got %v %q, want message containing %q", tt.value, tt.max, ok, got, tt.want)
		}
	}
	errs := map[string]string{"name": "first"}
	Text(errs, "name", "abcd", 3)
	if errs["name"] != "first" {
		t.Errorf("Text replaced an earlier message: got %q", errs["name"])
	}
	if err := CheckText("note", "abcd", 3); err == nil || !strings.Contains(err.Error(), "note: Use at most 3") {
		t.Errorf("CheckText: got %v, want an input error for note", err)
	}
	if err := CheckText("note", "abc", 3); err != nil {
		t.Errorf("CheckText within the limit: got %v", err)
	}
}

func TestCutBytes(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 0, ""},
		{"", 5, ""},
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abc", 2, "ab"},
		{"abc", 0, ""},
		{"abc", -1, ""},
		{"héllo", 2, "h"},             // é is 2 bytes: not split
		{"héllo", 3, "hé"},            // ends right after é
		{"a€b", 3, "a"},               // € is 3 bytes: 1 and 2 of them are dropped
		{"a€b", 2, "a"},               // ...and 1 of them
		{"a€b", 4, "a€"},              // the whole €
		{"😀😀", 7, "😀"},                // 4-byte characters
		{"😀😀", 8, "😀😀"},               // exactly fits
		{"😀", 3, ""},                  // no whole character fits
		{"ab\xff\xfecd", 3, "ab\xff"}, // an invalid byte is a byte of its own
		{"ab\x80cd", 2, "ab"},         // a stray continuation byte splits no character
		{"ab\xe2\x82", 3, "ab\xe2"},   // nor does a truncated one
	}
	for _, tt := range tests {
		if got := CutBytes(tt.s, tt.n); got != tt.want {
			t.Errorf("CutBytes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestSecretRefused(t *testing.T) {
	key := "ptk_abcdefghijklmnop_" + strings.Repeat("q", 52)
	// Tokens as issued: random URL-safe base64 of 32 bytes.
	pat := "pat_Ss3v0WxOqpTFE21yeVShkPFkZ4akPjS8G5Z4izh3w6U"
	node := "pgn_FI9AWwMCCP5tqDTXJxt6cNhRmQvL6xggXlWj-H8YjcE"
	for _, v := range []string{key, "staging " + key, pat, "token: " + pat + ".", node, strings.ToUpper(node[:4]) + node[4:], "'" + pat[:36] + "'"} {
		for _, check := range []func(map[string]string, string, string, int) bool{Text, Line} {
			errs := map[string]string{}
			if check(errs, "name", v, 500) || errs["name"] != SecretMessage {
				t.Errorf("%q: errs %v, want SecretMessage", v, errs)
			}
			if strings.Contains(errs["name"], v) {
				t.Errorf("%q: the message quotes it", v)
			}
		}
		if errs := map[string]string{}; !Query(errs, "q", v, 500) {
			t.Errorf("Query(%q) refused it (%v): a search's text is not kept", v, errs)
		}
		if errs := map[string]string{"name": "Too long."}; Secret(errs, "name", v) || errs["name"] != SecretMessage {
			t.Errorf("Secret(%q): errs %v, want SecretMessage in place of the other message", v, errs)
		}
	}
	for _, v := range []string{"ptk_", "ptk_<key id>_<secret>", "ptk_abcdefghijklmnop_short", "compat_" + strings.Repeat("a", 40), "pat_short", "production"} {
		errs := map[string]string{}
		if !Line(errs, "name", v, 500) || !Secret(errs, "name", v) {
			t.Errorf("%q: refused (%v), want accepted: it is no secret", v, errs)
		}
	}
}

// TestOrdinaryTextIsNoSecret: "pat" (a personal access token, a patient)
// and "pgn" (a chess game's notation) start ordinary identifiers that an
// API's description or a note quotes; written in words, they are no
// random secret and are kept.
func TestOrdinaryTextIsNoSecret(t *testing.T) {
	for _, v := range []string{
		"Set `PAT_EXPIRY_WARNING_THRESHOLD_IN_DAYS` to change when a token's owner is warned.",
		"The record's pat_primary_care_physician_identifier names the doctor.",
		"Returns pgn_move_history_with_annotations_url, the game's moves.",
		"See Pat_Emergency_Contact_Phone_Number_List_Entries.",
		"PGN_EXPORT_INCLUDES_CLOCK_TIMES_AND_COMMENTS_2",
	} {
		errs := map[string]string{}
		if !Text(errs, "description", v, 500) || HoldsSecret(v) {
			t.Errorf("%q: refused (%v), want accepted: ordinary words, no secret", v, errs)
		}
	}
}
