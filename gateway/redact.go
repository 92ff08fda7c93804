package gateway

import "strings"

// Redacted replaces the secret part of a key or token in a text that is
// logged or echoed (RedactSecrets).
const Redacted = "[redacted]"

// secretShapes are the prefixes of Portico's secrets, with how many
// characters after the prefix are public (an API key's id; the short
// prefix of a token that lists show) and how many more characters make
// the rest a secret to hide.
var secretShapes = [...]struct {
	prefix     string
	public     int
	minSecret  int
	afterFirst byte // the character between the public part and the secret, if any
}{
	{"ptk_", 16, 8, '_'}, // API keys: ptk_<key id>_<secret>
	{"pat_", 6, 26, 0},   // personal access tokens: pat_<43 characters>
	{"pgn_", 6, 26, 0},   // gateway node tokens: pgn_<43 characters>
}

// RedactSecrets returns s with the secret part of every API key, personal
// access token and gateway node token in it replaced by Redacted, the
// public part kept (an API key's id, a token's prefix). A secret sent
// where it does not belong (a key pasted into a URL's path) is thus
// neither logged nor echoed. A prefix counts only at the start of a word
// ("compat_" is no token), followed by at least the length of a secret's
// start in the characters of keys and tokens (letters, digits, '-', '_'),
// so an ordinary path is not changed. s is returned as it is, without
// allocating, when it holds no secret.
func RedactSecrets(s string) string {
	var b []byte
	done := 0 // s[:done] is in b, when b is not nil
	for i := 3; i < len(s); i++ {
		if s[i] != '_' || i > 3 && tokenChar(s[i-4]) {
			continue
		}
		start := i - 3
		for _, sh := range secretShapes {
			if !strings.EqualFold(s[start:i+1], sh.prefix) {
				continue
			}
			end := i + 1
			for end < len(s) && tokenChar(s[end]) {
				end++
			}
			keep := i + 1 + sh.public
			if sh.afterFirst != 0 {
				if keep >= end || s[keep] != sh.afterFirst {
					break
				}
				keep++
			}
			if end-keep < sh.minSecret {
				break
			}
			if b == nil {
				b = make([]byte, 0, len(s))
			}
			b = append(b, s[done:keep]...)
			b = append(b, Redacted...)
			done = end
			i = end - 1
			break
		}
	}
	if b == nil {
		return s
	}
	return string(append(b, s[done:]...))
}

// tokenChar reports whether c may be part of a key or token.
func tokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
