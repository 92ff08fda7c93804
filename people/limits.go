package people

// Length limits of the free texts people's service takes from outside, in
// characters (runes; the text must also be valid UTF-8). User names (64)
// and passwords (auth.MaxPasswordLength bytes) are bounded by their rules.
const (
	MaxTeamName        = 200
	MaxTeamDescription = 2000
	MaxDisplayName     = 200
	MaxEmail           = 254 // RFC 5321's limit of a forward path
	MaxTokenName       = 100
)
