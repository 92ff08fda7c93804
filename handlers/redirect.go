package handlers

import (
	"net/url"
	"strings"
)

// localPath reports whether next may be followed as a redirect after login
// (or any other "return to" address): only a path on this site. It must
// start with one "/" and not "//" or "/\" (which browsers read as another
// host), and neither it nor its percent-decoded forms may hold a backslash,
// a control character (tab, CR, LF…: browsers drop them, so "/\t/evil"
// becomes "//evil"), or a decoded slash or backslash at its start; a
// path still encoded after three rounds of decoding is refused too. Having
// no scheme and no host follows from its start.
func localPath(next string) bool {
	if len(next) > 2048 {
		return false
	}
	s, stable := next, false
	for range 4 { // the raw form and up to three rounds of decoding
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
			return false
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
				return false
			}
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return false
		}
		if d == s {
			stable = true
			break
		}
		s = d
	}
	if !stable {
		return false
	}
	u, err := url.Parse(next)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == ""
}
