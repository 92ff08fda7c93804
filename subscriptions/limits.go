package subscriptions

// Length limits of the free texts the subscriptions service takes from
// outside, in characters (runes; the text must also be valid UTF-8).
const (
	MaxAppName         = 200
	MaxAppDescription  = 2000
	MaxContact         = 200
	MaxPurpose         = 1000 // what the app will use the API for
	MaxReason          = 2000 // of a rejection or revocation
	MaxKeyName         = 100
	MaxPlanName        = 100
	MaxPlanDescription = 2000
	MaxShortField      = 64 // a major version, a date, a grace period, a state or a cursor
)
