package main

import (
	"flag"
	"testing"
	"time"
)

// TestSessionTimes: the session settings' defaults keep today's 14-day
// lifetime and add a 12-hour idle timeout; 0 turns the idle timeout off
// (negative for handlers.Options); the environment sets them too.
func TestSessionTimes(t *testing.T) {
	for _, tt := range []struct {
		args           []string
		env            map[string]string
		lifetime, idle time.Duration
	}{
		{nil, nil, 14 * 24 * time.Hour, 12 * time.Hour},
		{[]string{"--session-idle-timeout", "0"}, nil, 14 * 24 * time.Hour, -1},
		{[]string{"--session-idle-timeout", "0s"}, nil, 14 * 24 * time.Hour, -1},
		{nil, map[string]string{"PORTICO_SESSION_LIFETIME": "8h", "PORTICO_SESSION_IDLE_TIMEOUT": "30m"}, 8 * time.Hour, 30 * time.Minute},
	} {
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.register(fs, func(k string) string { return tt.env[k] })
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		lifetime, idle, err := c.sessionTimes()
		if err != nil || lifetime != tt.lifetime || idle != tt.idle {
			t.Errorf("%v %v: %v %v %v, want %v %v", tt.args, tt.env, lifetime, idle, err, tt.lifetime, tt.idle)
		}
	}
}
