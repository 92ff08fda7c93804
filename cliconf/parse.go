package cliconf

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Parse parses args with fs. Asked for help (-h, -help, --help), it
// prints fs's usage to fs's output and returns flag.ErrHelp, as
// fs.Parse does. A flag fs does not know, or one without its value, is
// returned as one line, the flag package's complaint and the command
// whose -h lists the flags (fs's name): fs.Parse printed the complaint,
// then the usage and every flag, and the caller's error came last, some
// fifty lines below.
func Parse(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		} else {
			fmt.Fprintf(out, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		return err
	case err != nil:
		return fmt.Errorf("%w (run `%s -h` for the flags)", err, fs.Name())
	}
	return nil
}
