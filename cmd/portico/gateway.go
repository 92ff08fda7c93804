package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/policy"
)

// cmdGatewayNodeCreate registers a gateway node and prints its token (shown
// this once) and the command that starts the node.
func cmdGatewayNodeCreate(ctx context.Context, args []string, e env) error {
	var in control.NodeInput
	c, err := parse("gateway-node create", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&in.Name, "name", "", "the node's name, e.g. edge-eu-1 (required)")
	})
	if err != nil {
		return err
	}
	s, err := openStore(ctx, c, "gateway-node create")
	if err != nil {
		return err
	}
	defer s.Close()
	enforcer, err := policy.New(ctx, s)
	if err != nil {
		return err
	}
	svc := control.New(s, enforcer, control.NewSource(s, nil), nil, control.Options{})
	n, token, err := svc.Console("cli").RegisterNode(ctx, in)
	if err != nil {
		return flagErrors(err)
	}
	fmt.Fprintf(e.stderr, "registered gateway node %s; its token (shown this once) is on standard output. Start the node with:\n"+
		"  PORTICO_GATEWAY_TOKEN=<token> portico-gateway --portal <this portal's URL> --addr :8081 --admin-addr :9091 --data ./gateway-data\n", n.Name)
	// The token is shown this once: a script must not go on as if it had it.
	if _, err := fmt.Fprintln(e.stdout, token); err != nil {
		return fmt.Errorf("gateway node %s was registered but its token was not written to standard output (%v): nobody has it; revoke the node (Gateway page) and register it again", n.Name, err)
	}
	return nil
}
