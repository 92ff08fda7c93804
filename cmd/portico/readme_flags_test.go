package main

import (
	"flag"
	"strings"
	"testing"

	"github.com/portico-dev/portico/cliconf/cliconftest"
)

// TestREADMEFlagTable: the README's table of the portal's configuration
// flags names every flag, with its variable and default, and no other.
func TestREADMEFlagTable(t *testing.T) {
	var c config
	fs := flag.NewFlagSet("portico", flag.ContinueOnError)
	c.register(fs, func(string) string { return "" })
	cliconftest.CheckFlagTable(t, "../../README.md", fs, func(env string) bool {
		return strings.HasPrefix(env, "PORTICO_") && !strings.HasPrefix(env, "PORTICO_GATEWAY_")
	})
}
