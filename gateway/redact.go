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
// ("compat_" is no token; after an escape such as a JSON string's "\n" or
// a URL's "%20", it starts one), followed by at least the length of a secret's
// start in the characters of keys and tokens (letters, digits, '-', '_'),
// so an ordinary path is not changed. s is returned as it is, without
// allocating, when it holds no secret.
func RedactSecrets(s string) string {
	var b []byte
	done := 0 // s[:done] is in b, when b is not nil
	eachSecret(s, func(_ int, _, keep, end int) bool {
		if b == nil {
			b = make([]byte, 0, len(s))
		}
		b = append(b, s[done:keep]...)
		b = append(b, Redacted...)
		done = end
		return true
	})
	if b == nil {
		return s
	}
	return string(append(b, s[done:]...))
}

// HoldsSecret reports whether s holds a Portico secret that a text kept
// and shown to others must not: one RedactSecrets hides, unless it is a
// personal access token's or a node token's shape written in words. Their
// secret is random URL-safe base64, whose letters mix both cases in every
// part between '_' and '-'; "PAT_EXPIRY_WARNING_THRESHOLD_IN_DAYS" (a
// personal access token's setting), "pat_primary_care_physician_id" (a
// patient's) or "pgn_move_history_with_annotations" (a chess game's) is
// an identifier, in one case per word (or capitalised), which a secret
// of 26 characters or more is with a chance under one in a million. An
// API key's shape (ptk_, a 16-character id, '_') is not found in words.
func HoldsSecret(s string) bool {
	found := false
	eachSecret(s, func(shape int, start, _, end int) bool {
		if secretShapes[shape].afterFirst != 0 || !inWords(s[start+len(secretShapes[shape].prefix):end]) {
			found = true
			return false
		}
		return true
	})
	return found
}

// inWords reports whether s, a run of token characters, is words joined
// by '_' or '-': each part's letters in one case, or a capital and then
// lower case, digits anywhere.
func inWords(s string) bool {
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == '_' || r == '-' }) {
		upper, lower, lowerAfterUpper := 0, 0, false
		for i := 0; i < len(part); i++ {
			switch c := part[i]; {
			case c >= 'A' && c <= 'Z':
				upper++
				if lower > 0 {
					return false
				}
			case c >= 'a' && c <= 'z':
				lower++
				if upper > 0 {
					lowerAfterUpper = true
				}
			}
		}
		if lowerAfterUpper && upper > 1 {
			return false
		}
	}
	return true
}

// eachSecret calls fn, in order, with each secret in s: its shape's index
// in secretShapes, where it starts (its prefix), where its public part
// ends and where it ends. It stops when fn returns false.
func eachSecret(s string, fn func(shape, start, keep, end int) bool) {
	for i := 3; i < len(s); i++ {
		if s[i] != '_' || i > 3 && tokenChar(s[i-4]) && !afterEscape(s[:i-3]) {
			continue
		}
		start := i - 3
		for n, sh := range secretShapes {
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
			if !fn(n, start, keep, end) {
				return
			}
			i = end - 1
			break
		}
	}
}

// afterEscape reports whether s ends with an escape of a character that
// is no key's or token's, so that what follows starts a word of the text
// it encodes: a JSON or YAML string's "\n", "\t", "\r", "\b", "\f" (the
// raw source of a description holds a line break so), "\u003c" (as
// encoding/json writes '<'), YAML's "\x0a" and "\U0000000a", or a
// percent-encoded byte ("Bearer%20", "token%3D" in a URL's query). An
// escaped letter or digit ("%41", "\u0061") continues the word, and so
// does a letter after an escaped backslash ("\\n").
func afterEscape(s string) bool {
	n := len(s)
	for _, e := range [...]struct {
		lead   byte
		digits int
	}{{'x', 2}, {'u', 4}, {'U', 8}} {
		if at := n - 2 - e.digits; at >= 0 && s[at] == '\\' && s[at+1] == e.lead && isHex(s[at+2:]) && escapes(s[:at+1]) {
			return !tokenCode(s[at+2:])
		}
	}
	switch {
	case n >= 2 && s[n-2] == '\\' && strings.IndexByte("ntrbf", s[n-1]) >= 0 && escapes(s[:n-1]):
		return true
	case n >= 3 && s[n-3] == '%' && isHex(s[n-2:]):
		return !tokenCode(s[n-2:])
	}
	return false
}

// escapes reports whether the backslash that ends s starts an escape: it
// is not itself escaped (an odd number of backslashes ends s).
func escapes(s string) bool {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
}

// isHex reports whether s is hexadecimal digits.
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !hexDigit(s[i]) {
			return false
		}
	}
	return true
}

// tokenCode reports whether the character of code point h (hexadecimal
// digits, at most 8) may be part of a key or token.
func tokenCode(h string) bool {
	var c uint64
	for i := 0; i < len(h); i++ {
		d := h[i]
		switch {
		case d >= 'a':
			d -= 'a' - 10
		case d >= 'A':
			d -= 'A' - 10
		default:
			d -= '0'
		}
		c = c<<4 | uint64(d)
	}
	return c < 0x80 && tokenChar(byte(c))
}

// hexDigit reports whether c is a hexadecimal digit.
func hexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// tokenChar reports whether c may be part of a key or token.
func tokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
