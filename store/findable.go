package store

import (
	"strings"
	"unicode/utf8"
)

// findable reports whether a key looked up by its text (a slug, a username,
// a version, a node's name) could be stored at all: no stored key holds a
// NUL byte or invalid UTF-8 (the services refuse them), PostgreSQL refuses
// both in a text parameter, and bun refuses to write a NUL into a query.
// A lookup of such a key finds nothing, before any query, on both
// databases alike, where it was a server error.
func findable(key string) bool {
	return utf8.ValidString(key) && strings.IndexByte(key, 0) < 0
}

// onlyFindable returns the keys of keys that findable accepts.
func onlyFindable(keys []string) []string {
	for _, k := range keys {
		if !findable(k) {
			out := make([]string, 0, len(keys))
			for _, k := range keys {
				if findable(k) {
					out = append(out, k)
				}
			}
			return out
		}
	}
	return keys
}
