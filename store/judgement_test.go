package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

func TestJudgementStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		u := &store.User{Username: "admin", OrgRole: "admin"}
		if err := s.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}

		// Rule settings: set, change, reset.
		for _, sev := range []string{"warning", "off"} {
			if err := s.SetRuleSetting(ctx, db, "endpoint-added", sev, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.RuleSettings(ctx)
		if err != nil || len(got) != 1 || got["endpoint-added"] != "off" {
			t.Fatalf("rule settings %v, %v; want endpoint-added off", got, err)
		}
		if err := s.DeleteRuleSetting(ctx, db, "endpoint-added"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RuleSettings(ctx); len(got) != 0 {
			t.Errorf("after reset: %v", got)
		}

		// A request with a report, replaced, and an acceptance.
		team := &store.Team{Slug: "t", Name: "T"}
		if err := s.CreateTeam(ctx, db, team); err != nil {
			t.Fatal(err)
		}
		a := &store.API{TeamID: team.ID, Slug: "a", Name: "A", Visibility: "public"}
		if err := s.CreateAPI(ctx, db, a, store.Now()); err != nil {
			t.Fatal(err)
		}
		v := &store.APIVersion{APIID: a.ID, Version: "1.0.0", Major: 1, State: "in_review", SpecRaw: "x", SpecFormat: "openapi-3.0"}
		if err := s.CreateVersion(ctx, db, v, store.Now()); err != nil {
			t.Fatal(err)
		}
		r := &store.PublicationRequest{APIID: a.ID, VersionID: v.ID, RequesterID: u.ID}
		if err := s.CreateRequest(ctx, db, r, store.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewReportMeta(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("report of a request without one: %v, want ErrNotFound", err)
		}
		for _, body := range []string{`{"lint":[]}`, `{"lint":[],"validation":[]}`} {
			if err := s.SaveReviewReport(ctx, db, &store.ReviewReport{RequestID: r.ID, Report: body}); err != nil {
				t.Fatal(err)
			}
		}
		full, err := s.ReviewReportOf(ctx, r.ID)
		if err != nil || full.Report != `{"lint":[],"validation":[]}` || full.BaseVersionID != nil {
			t.Errorf("report %+v, %v; want the replaced one", full, err)
		}
		meta, err := s.ReviewReportMeta(ctx, r.ID)
		if err != nil || meta.Report != "" || !meta.ComputedAt.Equal(full.ComputedAt) {
			t.Errorf("meta %+v, %v; want no body and the same time", meta, err)
		}
		acc := &store.FindingAcceptance{RequestID: r.ID, FindingKey: "k1", RuleID: "r", Reason: "why", AcceptedBy: u.ID}
		if err := s.AcceptFinding(ctx, db, acc); err != nil {
			t.Fatal(err)
		}
		again := &store.FindingAcceptance{RequestID: r.ID, FindingKey: "k1", RuleID: "r", Reason: "again", AcceptedBy: u.ID}
		if err := s.AcceptFinding(ctx, db, again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("accepting twice: %v, want ErrConflict", err)
		}
		list, err := s.Acceptances(ctx, r.ID)
		if err != nil || len(list) != 1 || list[0].Accepter == nil || list[0].Accepter.Username != "admin" {
			t.Errorf("acceptances %+v, %v", list, err)
		}
	})
}
