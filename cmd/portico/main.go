// Command portico runs the Portico API portal and its administration commands.
package main

import (
	"fmt"
	"os"

	"github.com/portico-dev/portico/cliconf"
)

func main() {
	// SIGTERM or Ctrl-C stops a command; serve drains first, and a second
	// signal skips the rest of its drain.
	ctx, again, stop := cliconf.StopSignals()
	err := runEnv(ctx, os.Args[1:], env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, again: again})
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "portico:", err)
		os.Exit(1)
	}
}
