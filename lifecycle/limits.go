package lifecycle

// Length limits of the free texts the lifecycle takes from outside, in
// characters (runes; the text must also be valid UTF-8). Pages, the JSON
// API and the CLI are refused alike, with a field error naming the limit.
const (
	MaxAPIName        = 200
	MaxSummary        = 500
	MaxDescription    = 20000
	MaxUpstreamURL    = 500
	MaxNote           = 4000 // the note of a publication request
	MaxReason         = 4000 // the reason of a rejection
	MaxComment        = 4000 // the comment of an approval
	MaxFindingReason  = 2000 // why a reviewer accepts a finding
	MaxVersionLength  = 64   // a version number (a successor named by a deprecation)
	MaxFindingKey     = 200
	MaxRuleID         = 100
	MaxSeverityLength = 20
)
