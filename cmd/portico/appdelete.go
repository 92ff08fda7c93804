package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// cmdAppDelete removes an app (subscriptions.Service.DeleteApp): its live
// subscriptions are cancelled and their keys revoked at once. It acts for
// the user named by --as: their permissions apply and the audit log names
// them, as with api transfer.
func cmdAppDelete(ctx context.Context, args []string, e env) error {
	var app, as string
	c, err := parse("app delete", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&app, "app", "", "slug of the app to remove (required)")
		fs.StringVar(&as, "as", "", "user the removal acts for; their permissions apply and the audit log names them (required)")
	})
	if err != nil {
		return err
	}
	switch {
	case app == "":
		return errors.New("app delete needs --app SLUG")
	case as == "":
		return errors.New("app delete needs --as USER")
	}
	s, err := openStore(ctx, c, "app delete")
	if err != nil {
		return err
	}
	defer s.Close()
	enforcer, life, err := newLifecycle(ctx, s, c)
	if err != nil {
		return err
	}
	actor, err := actingUser(ctx, s, as)
	if err != nil {
		return err
	}
	a, err := s.AppBySlug(ctx, app)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no app %q (--app)", app)
	} else if err != nil {
		return err
	}
	subs := subscriptions.New(s, enforcer, life, subscriptions.Options{})
	if err := subs.DeleteApp(ctx, actor, a); err != nil {
		return flagErrors(err)
	}
	fmt.Fprintf(e.stdout, "removed app %s\n", a.Slug)
	return nil
}
