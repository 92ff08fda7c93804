package gatewaytest

import (
	"testing"
	"time"
)

func TestUntilClearOfMidnight(t *testing.T) {
	day := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		now  time.Time
		d    time.Duration
		want time.Duration
	}{
		{day.Add(12 * time.Hour), time.Minute, 0},
		{day.Add(24*time.Hour - 2*time.Minute), time.Minute, 0},
		{day.Add(24*time.Hour - 30*time.Second), time.Minute, 31 * time.Second},
		{day.Add(24*time.Hour - time.Nanosecond), time.Minute, time.Second + time.Nanosecond},
		{day, time.Minute, 0},
		// A clock in another zone is read as UTC.
		{day.Add(24*time.Hour - 10*time.Second).In(time.FixedZone("UTC+5", 5*3600)), time.Minute, 11 * time.Second},
	} {
		if got := untilClearOfMidnight(tt.now, tt.d); got != tt.want {
			t.Errorf("at %v for %v: wait %v, want %v", tt.now, tt.d, got, tt.want)
		}
	}
}
