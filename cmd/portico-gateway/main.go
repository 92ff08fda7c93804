// Command portico-gateway is Portico's data plane: a gateway node that takes
// its configuration from the portal and serves the published APIs to
// subscribers' keys.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "portico-gateway:", err)
		os.Exit(1)
	}
}
