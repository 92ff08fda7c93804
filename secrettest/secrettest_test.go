package secrettest

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestFindsEveryForm(t *testing.T) {
	key := "ptk_mfrggzdfmztwq2lk_" + strings.Repeat("abcd", 13)
	tok := "pat_" + base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	s := New(t)
	s.Add("key", key)
	s.Add("token", tok)
	s.Add("password", "correct horse battery staple")
	raw, _ := base64.RawURLEncoding.DecodeString(tok[4:])
	secret := key[len(key)-52:]
	for _, tc := range []struct {
		text string
		want string
	}{
		{"x " + key + " y", "key"},
		{"only the secret " + secret, "key"},
		{"hex " + strings.ToUpper(hex.EncodeToString([]byte(key))), "key"},
		{"std " + base64.StdEncoding.EncodeToString([]byte(tok)), "token"},
		{"raw bytes " + hex.EncodeToString(raw), "token"},
		{"b64 of the raw bytes " + base64.StdEncoding.EncodeToString(raw), "token"},
		{"password=correct horse battery staple", "password"},
		{"ptk_mfrggzdfmztwq2lk pat_" + tok[4:10] + " a sha256 " + strings.Repeat("0", 64), ""},
	} {
		if got := strings.Join(s.Find(tc.text), ","); got != tc.want {
			t.Errorf("Find(%.40q…) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
