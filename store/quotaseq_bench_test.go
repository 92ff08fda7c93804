package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// BenchmarkQuotaDayRead measures what the portal's gateway hub reads of the
// day's quota counts once a second, at 50,000 subscriptions counted, on
// each database: before the change sequence, the revision (QuotaDaySum)
// and, when it changed, every count (whole, QuotaDayMarked reads as
// QuotaDay did); now, the counts written since the last read (changes,
// after 1 % of them were written). rows/read is what a read returned.
//
//	go test ./store -run '^$' -bench QuotaDayRead -benchtime 20x
func BenchmarkQuotaDayRead(b *testing.B) {
	const subs, day = 50_000, 20_000
	for _, d := range storetest.Dialects(b) {
		s := storetest.Open(b, d)
		ctx := context.Background()
		counts := make([]store.QuotaCount, 0, subs)
		for i := range subs {
			counts = append(counts, store.QuotaCount{Day: day, SubscriptionID: int64(i + 1), Accepted: 1})
		}
		if _, err := s.AddQuotaCounts(ctx, s.DB(), counts); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/revision", d), func(b *testing.B) {
			for range b.N {
				if _, _, err := s.QuotaDaySum(ctx, day); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%s/whole", d), func(b *testing.B) {
			rows := 0
			for range b.N {
				r, _, err := s.QuotaDayMarked(ctx, day)
				if err != nil {
					b.Fatal(err)
				}
				rows += len(r)
			}
			b.ReportMetric(float64(rows)/float64(b.N), "rows/read")
		})
		b.Run(fmt.Sprintf("%s/changes-1%%", d), func(b *testing.B) {
			_, mark, err := s.QuotaDayMarked(ctx, day)
			if err != nil {
				b.Fatal(err)
			}
			rows := 0
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				part := make([]store.QuotaCount, 0, subs/100)
				for j := range subs / 100 {
					part = append(part, store.QuotaCount{Day: day, SubscriptionID: int64((i*subs/100+j)%subs + 1), Accepted: 1})
				}
				if _, err := s.AddQuotaCounts(ctx, s.DB(), part); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				var r []store.QuotaCount
				if r, mark, err = s.QuotaDayChanges(ctx, day, mark); err != nil {
					b.Fatal(err)
				}
				rows += len(r)
			}
			b.ReportMetric(float64(rows)/float64(b.N), "rows/read")
		})
	}
}
