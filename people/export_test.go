package people

import (
	"context"
	"time"
)

// SetSleep replaces how a slowed-down login waits, for tests.
func SetSleep(s *Service, sleep func(context.Context, time.Duration) error) { s.sleep = sleep }
