// Command portico-gateway is Portico's data plane: a gateway node that takes
// its configuration from the portal and serves the published APIs to
// subscribers' keys.
package main

import (
	"fmt"
	"os"

	"github.com/portico-dev/portico/cliconf"
)

func main() {
	// SIGTERM or Ctrl-C stops the node after its drain; a second signal
	// skips the rest of the drain.
	ctx, again, stop := cliconf.StopSignals()
	err := runNode(ctx, again, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "portico-gateway:", err)
		os.Exit(1)
	}
}
