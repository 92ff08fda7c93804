// Package profile holds the user's own profile page.
package profile

import "strconv"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
