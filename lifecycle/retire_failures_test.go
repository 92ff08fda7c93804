package lifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// refuseRetiring makes the database refuse, by a trigger, to retire the
// version id, as a row its retirement's transaction cannot write would.
func refuseRetiring(t *testing.T, s *store.Store, id int64) (drop func()) {
	t.Helper()
	return storetest.Refuse(t, s, "retire_fail", "UPDATE", "api_versions",
		fmt.Sprintf("NEW.state = 'retired' AND NEW.id = %d", id), "retirement refused by the test")
}

// TestFailingRetirementBlocksNoOther: a version whose retirement failed,
// at every minute, stopped the whole run, so every version due after it
// was never retired and kept being served past its sunset. Now the run
// goes on with the others and returns the failures, naming each version;
// the failing one is retired once the database takes it.
func TestFailingRetirementBlocksNoOther(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		vs := pastSunset(t, f, s, "first", "second")
		drop := refuseRetiring(t, s, vs[0].ID) // the first found (by id)
		n, err := f.svc.RetireDue(ctx)
		if n != 1 {
			t.Errorf("RetireDue with the first version's retirement failing = %d; want 1 (the second)", n)
		}
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("version %d", vs[0].ID)) {
			t.Errorf("RetireDue's error %v; want the first version's failure, naming it", err)
		}
		if got, err := s.VersionMeta(ctx, vs[1].ID); err != nil || got.State != "retired" {
			t.Errorf("the second version after the run: %v, %v; want retired", stateOf(got), err)
		}
		drop()
		if n, err := f.svc.RetireDue(ctx); n != 1 || err != nil {
			t.Errorf("RetireDue once the database takes it = %d, %v; want 1, nil", n, err)
		}
		if got, err := s.VersionMeta(ctx, vs[0].ID); err != nil || got.State != "retired" {
			t.Errorf("the first version after the trigger is dropped: %v, %v; want retired", stateOf(got), err)
		}
	})
}

// pastSunset creates an API of each slug with a version 1.0.0 published,
// deprecated and past its sunset, and returns the versions.
func pastSunset(t *testing.T, f *fixture, s *store.Store, slugs ...string) []*store.APIVersion {
	t.Helper()
	ctx := context.Background()
	var vs []*store.APIVersion
	for _, slug := range slugs {
		a, err := f.svc.CreateAPI(ctx, f.maintainer, f.team, lifecycle.APIInput{Slug: slug, Name: slug})
		if err != nil {
			t.Fatal(err)
		}
		v := f.publish(t, a, "1.0.0", spectest.PetsV1)
		if err := f.svc.Deprecate(ctx, f.maintainer, a, v, time.Now().Add(8*24*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
		passSunset(t, s, v)
		vs = append(vs, v)
	}
	return vs
}

func stateOf(v *store.APIVersion) string {
	if v == nil {
		return "none"
	}
	return v.State
}

// TestFailingRetirementsFillingAPageBlockNoOther: RetireDue read the first
// page of due versions only (500, by id), so once as many versions failed
// at every run as a page holds, they were the whole page and every version
// due after them stayed served past its sunset. Now it pages on by id.
func TestFailingRetirementsFillingAPageBlockNoOther(t *testing.T) {
	lifecycle.SetRetirePage(t, 2)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		vs := pastSunset(t, f, s, "first", "second", "third")
		// The first two (a page) fail at every run.
		refuseRetiring(t, s, vs[0].ID)
		storetest.Refuse(t, s, "retire_fail_2", "UPDATE", "api_versions",
			fmt.Sprintf("NEW.state = 'retired' AND NEW.id = %d", vs[1].ID), "retirement refused by the test")
		if n, err := f.svc.RetireDue(ctx); n != 1 || err == nil {
			t.Errorf("RetireDue with the first page failing = %d, %v; want 1 (the third) and the two failures", n, err)
		}
		if got, err := s.VersionMeta(ctx, vs[2].ID); err != nil || got.State != "retired" {
			t.Errorf("the third version after the run: %v, %v; want retired", stateOf(got), err)
		}
	})
}
