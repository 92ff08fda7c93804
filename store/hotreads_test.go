package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestHotReadsMatchBunScans reads rows whose every column holds a value of
// its own through the hand-written hot reads (APIBySlug, Versions, Plans,
// an API page's ListAudit, UserTokens) and through bun's scan of the whole
// model: both must give the same structs. A column left out of, or out of
// order in, a hot read's list fails it; so does a field added to a model
// and not to the fixture (every field must be filled, see nonZero).
func TestHotReadsMatchBunScans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		at := func(minutes int) time.Time { return time.Date(2026, 3, 4, 5, minutes, 7, 0, time.UTC) }
		ptr := func(minutes int) *time.Time { v := at(minutes); return &v }

		u := &store.User{Username: "hot", DisplayName: "Hot", Email: "hot@example.com", PasswordHash: "x", OrgRole: "member"}
		if err := s.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}
		team := &store.Team{Slug: "hot-team", Name: "Hot team", Description: "the team", NameKey: "hot-key", NameKeyOf: "Hot team", SortKey: "hot team key", CreatedAt: at(1), UpdatedAt: at(2), DeletedAt: ptr(18)}
		a := &store.API{Slug: "hot-api", Name: "Hot API", SortKey: "hot api key", Summary: "sum", Description: "desc", Tags: store.StringList{"t1", "t2"},
			Visibility: "public", Upstreams: store.StringList{"https://up.example.com"}, LockVersion: 3, CreatedAt: at(3), UpdatedAt: at(4)}
		v := &store.APIVersion{Version: "1.2.3-rc.1", Major: 1, Minor: 2, Patch: 3, Prerelease: "rc.1", State: "deprecated",
			SpecRaw: "raw", SpecJSON: "{}", SpecFormat: "openapi-3.1", Title: "Title", Operations: 7, CreatedBy: &u.ID,
			LockVersion: 4, CreatedAt: at(5), UpdatedAt: at(6), PublishedAt: ptr(7), DeprecatedAt: ptr(8), SunsetAt: ptr(9),
			Successor: "2.0.0", RetiredAt: ptr(10)}
		p := &store.Plan{Slug: "gold", Name: "Gold", SortKey: "gold key", Description: "plan", RatePerMinute: 60, Burst: 10, QuotaPerDay: 1000,
			Approval: "manual", Open: true, LockVersion: 5, CreatedAt: at(11), UpdatedAt: at(12)}
		tok := &store.APIToken{UserID: u.ID, Name: "ci", Prefix: "pat_abc", TokenHash: "hash", CreatedAt: at(13),
			LastUsedAt: ptr(14), ExpiresAt: ptr(15), RevokedAt: ptr(16)}
		if _, err := db.NewInsert().Model(team).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		a.TeamID = team.ID
		if _, err := db.NewInsert().Model(a).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		v.APIID, p.APIID = a.ID, a.ID
		for _, m := range []any{v, p, tok} {
			if _, err := db.NewInsert().Model(m).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ev := &store.AuditEvent{CreatedAt: at(17), ActorID: &u.ID, Actor: "hot", Action: "version.deprecate",
			ObjectType: "version", ObjectID: "hot-api@1.2.3-rc.1", TeamID: &team.ID, OtherTeamID: ptrInt(team.ID + 1000), Before: "published", After: "deprecated", Reason: "why"}
		if _, err := db.NewInsert().Model(ev).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		// APIBySlug, with its team.
		var wantAPI store.API
		if err := db.NewSelect().Model(&wantAPI).Relation("Team").Where("a.slug = ?", a.Slug).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		gotAPI, err := s.APIBySlug(ctx, a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		nonZero(t, wantAPI)
		nonZero(t, *wantAPI.Team)
		if !reflect.DeepEqual(*gotAPI, wantAPI) || !reflect.DeepEqual(*gotAPI.Team, *wantAPI.Team) {
			t.Errorf("APIBySlug = %+v (team %+v),\nbun scan %+v (team %+v)", *gotAPI, *gotAPI.Team, wantAPI, *wantAPI.Team)
		}

		// Versions, without their specs.
		var wantVs []store.APIVersion
		if err := db.NewSelect().Model(&wantVs).ExcludeColumn("spec_raw", "spec_json").Where("v.api_id = ?", a.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		gotVs, err := s.Versions(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(wantVs) != 1 {
			t.Fatalf("bun read %d versions", len(wantVs))
		}
		nonZero(t, wantVs[0], "SpecRaw", "SpecJSON")
		if !reflect.DeepEqual(gotVs, wantVs) {
			t.Errorf("Versions = %+v,\nbun scan %+v", gotVs, wantVs)
		}

		// Plans.
		var wantPs []store.Plan
		if err := db.NewSelect().Model(&wantPs).Where("p.api_id = ?", a.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		gotPs, err := s.Plans(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(wantPs) != 1 {
			t.Fatalf("bun read %d plans", len(wantPs))
		}
		nonZero(t, wantPs[0])
		if !reflect.DeepEqual(gotPs, wantPs) {
			t.Errorf("Plans = %+v,\nbun scan %+v", gotPs, wantPs)
		}

		// An API page's history.
		var wantEvs []store.AuditEvent
		if err := db.NewSelect().Model(&wantEvs).Where("id = ?", ev.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		gotEvs, err := s.ListAudit(ctx, store.AuditFilter{TeamID: team.ID, APISlug: a.Slug, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if len(wantEvs) != 1 {
			t.Fatalf("bun read %d events", len(wantEvs))
		}
		nonZero(t, wantEvs[0])
		if !reflect.DeepEqual(gotEvs, wantEvs) {
			t.Errorf("ListAudit = %+v,\nbun scan %+v", gotEvs, wantEvs)
		}

		// A user's tokens, without their hashes.
		var wantToks []store.APIToken
		if err := db.NewSelect().Model(&wantToks).ExcludeColumn("token_hash").Where("user_id = ?", u.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		gotToks, err := s.UserTokens(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(wantToks) != 1 {
			t.Fatalf("bun read %d tokens", len(wantToks))
		}
		nonZero(t, wantToks[0], "TokenHash", "User")
		if !reflect.DeepEqual(gotToks, wantToks) {
			t.Errorf("UserTokens = %+v,\nbun scan %+v", gotToks, wantToks)
		}
	})
}

// nonZero fails t when a field of the struct v, other than its bun model,
// its relations (pointers to structs) and the fields named in except, is
// its zero value: the fixture must fill every column.
func nonZero(t *testing.T, v any, except ...string) {
	t.Helper()
	rv := reflect.ValueOf(v)
	skip := map[string]bool{"BaseModel": true}
	for _, e := range except {
		skip[e] = true
	}
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		if skip[f.Name] {
			continue
		}
		if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct && f.Type.Elem() != reflect.TypeOf(time.Time{}) {
			continue // a relation
		}
		if rv.Field(i).IsZero() {
			t.Errorf("%s.%s is zero in the fixture: fill it, and check the hot read lists its column", rv.Type().Name(), f.Name)
		}
	}
}

func ptrInt(n int64) *int64 { return &n }
