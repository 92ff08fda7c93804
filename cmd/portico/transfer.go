package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/portico-dev/portico/store"
)

// cmdAPITransfer moves an API to another team (lifecycle.Service.Transfer),
// acting for the user named by --as: their permissions apply and the
// audit log names them, as with import.
func cmdAPITransfer(ctx context.Context, args []string, e env) error {
	var api, team, as string
	c, err := parse("api transfer", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&api, "api", "", "slug of the API to move (required)")
		fs.StringVar(&team, "team", "", "slug of the team that owns it from now on (required)")
		fs.StringVar(&as, "as", "", "user the move acts for; their permissions apply and the audit log names them (required)")
	})
	if err != nil {
		return err
	}
	switch {
	case api == "":
		return errors.New("api transfer needs --api SLUG")
	case team == "":
		return errors.New("api transfer needs --team SLUG")
	case as == "":
		return errors.New("api transfer needs --as USER")
	}
	s, err := openStore(ctx, c, "api transfer")
	if err != nil {
		return err
	}
	defer s.Close()
	_, life, err := newLifecycle(ctx, s, c)
	if err != nil {
		return err
	}
	actor, err := actingUser(ctx, s, as)
	if err != nil {
		return err
	}
	a, err := s.APIBySlug(ctx, api)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no API %q (--api)", api)
	} else if err != nil {
		return err
	}
	from := a.Team.Slug
	to, err := life.Transfer(ctx, actor, a, team)
	if err != nil {
		return flagErrors(err)
	}
	fmt.Fprintf(e.stdout, "moved %s from %s to %s\n", a.Slug, from, to.Slug)
	return nil
}
