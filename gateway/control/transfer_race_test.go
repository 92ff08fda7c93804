package control_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSettingsChangesOnCopyReadBeforeTransfer: a maintainer of the team an
// API left, whose request read the API before the move committed, neither
// deploys gateway settings for it nor rolls them back: both are refused as
// made meanwhile (409) and write no deployment.
func TestSettingsChangesOnCopyReadBeforeTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, _ := f.publishAPI(t, "cats", []string{"http://cats.internal:8080"}, "1.0.0")
		first, _, err := f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://cats-1.internal:8080"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://cats-2.internal:8080"}}); err != nil {
			t.Fatal(err)
		}
		storetest.Team(t, s, "birds", "Birds")
		moved := *a
		if _, err := f.life.Transfer(ctx, f.admin, &moved, "birds"); err != nil {
			t.Fatal(err)
		}
		var ce *apperr.ConflictError
		_, _, err = f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://elsewhere.internal:8080"}})
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "moved to another team meanwhile") {
			t.Errorf("a maintainer of the team the API left deployed settings on a copy read before the move: %v; want a conflict", err)
		}
		_, err = f.svc.Rollback(ctx, f.maint, a, 1, first.ID)
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "moved to another team meanwhile") {
			t.Errorf("a maintainer of the team the API left rolled settings back on a copy read before the move: %v; want a conflict", err)
		}
		n, err := s.DB().NewSelect().Table("gateway_deployments").Where("api_id = ?", a.ID).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("deployments of cats: %d, want the 2 made before the move", n)
		}
	})
}
