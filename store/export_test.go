package store

import "time"

// SkewProcessClock sets s's process clock off by skew, as the clock of a
// portal instance on another host may be.
func SkewProcessClock(s *Store, skew time.Duration) {
	s.now = func() time.Time { return Now().Add(skew) }
}
