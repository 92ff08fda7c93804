// Package users holds the user administration pages.
package users

func initials(u Row) string {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	r := []rune(name)
	if len(r) == 0 {
		return "?"
	}
	return string(r[0])
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
