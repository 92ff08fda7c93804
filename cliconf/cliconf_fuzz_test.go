package cliconf

import (
	"strings"
	"testing"
	"time"
)

// FuzzMaskURL masks arbitrary URLs with a password in them, as every
// command prints a database or Redis URL it was given: the password is
// not in what is printed, whatever else the URL holds.
func FuzzMaskURL(f *testing.F) {
	for _, s := range [][4]string{
		{"postgres", "portico", "s3cret-pw", "db.internal:5432/portico?sslmode=require"},
		{"redis", "default", "pw#with/odd?chars", "redis:6379/0"},
		{"postgres", "", "only-a-password", "h/db"},
		{"postgres", "u@x", "p@ss:word", "h:5432"},
		{"http", "u", "pa%zzss", "[::1]:80/a"},
		{"redis", "u", "pw#frag", "host/x#y"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, scheme, user, password, rest string) {
		// A password worth hiding: long enough not to occur by chance in
		// the scheme or the user. The rest, the host part, has no "@":
		// the password is before the URL's last "@", where the masked
		// URL must not have it.
		if len(password) < 6 || strings.Contains(scheme+"://"+user+":", password) || strings.Contains(password, "xxxxx") || strings.Contains(rest, "@") {
			return
		}
		s := scheme + "://" + user + ":" + password + "@" + rest
		got := MaskURL(s)
		if at := strings.LastIndex(got, "@"); at < 0 || strings.Contains(got[:at], password) {
			t.Fatalf("MaskURL(%q) = %q: the password %q is in it", s, got, password)
		}
	})
}

// FuzzShutdownDrain reads arbitrary --shutdown-drain values: one accepted is
// from 0s to 5m.
func FuzzShutdownDrain(f *testing.F) {
	for _, s := range []string{"10s", "0", "0s", "5m", "5m1ns", "-1s", " 30s ", "1h", "9223372036854775807ns", "1.5m", "10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, err := ShutdownDrain(v)
		if err == nil && (d < 0 || d > 5*time.Minute) {
			t.Fatalf("ShutdownDrain(%q) = %v, out of 0s to 5m", v, d)
		}
	})
}
