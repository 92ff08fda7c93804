package store_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

func TestListAuditByAPISlug(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, id := range []string{"pay", "pay@1.0.0", "pay@2.0.0", "pay-v2", "pay-v2@1.0.0", "payx", "pa_", "pay@zeta-9", "payA", "pay?", "pax@1.0.0"} {
			if err := s.Audit(ctx, s.DB(), &store.AuditEvent{Actor: "system", Action: "test", ObjectType: "api", ObjectID: id}); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			slug string
			want []string
		}{
			// "pay@zeta-9" sorts after "payA" in some collations, not byte by byte.
			{"pay", []string{"pay@zeta-9", "pay@2.0.0", "pay@1.0.0", "pay"}},
			{"pay-v2", []string{"pay-v2@1.0.0", "pay-v2"}},
			{"pa_", []string{"pa_"}},
			{"nothing", nil},
		}
		for _, tt := range tests {
			events, err := s.ListAudit(ctx, store.AuditFilter{APISlug: tt.slug})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range events {
				got = append(got, e.ObjectID)
			}
			if len(got) != len(tt.want) {
				t.Errorf("APISlug %q: got %v, want %v", tt.slug, got, tt.want)
				continue
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("APISlug %q: got %v, want %v", tt.slug, got, tt.want)
					break
				}
			}
		}
	})
}
