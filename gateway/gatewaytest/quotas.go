package gatewaytest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
)

// Quotas counts usage batches into daily quota counts in memory and serves
// them to the push hub (push.QuotaSource), as the portal's usage service
// does from its database: every answer but 429 counts towards the day of
// its minute, each batch once per node and id.
type Quotas struct {
	// Now gives today (time.Now when nil).
	Now func() time.Time

	mu   sync.Mutex
	seen map[string]bool
	used map[int64]map[string]int64
}

// NewQuotas returns empty counts.
func NewQuotas() *Quotas {
	return &Quotas{seen: map[string]bool{}, used: map[int64]map[string]int64{}}
}

// Add counts node's batch, once; it reports false for a batch seen before.
func (q *Quotas) Add(node string, b *gateway.UsageBatch) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.seen[node+"/"+b.ID] {
		return false
	}
	q.seen[node+"/"+b.ID] = true
	for _, p := range b.Points {
		day := p.Minute / 86400
		if q.used[day] == nil {
			q.used[day] = map[string]int64{}
		}
		q.used[day][p.Subscription] += p.Requests() - p.S429
	}
	return true
}

// UsageHandler serves gateway.UsagePath into counts, as the portal's usage
// route does: a request whose bearer token auth does not know is answered
// 401, a body that is no usage batch 400, and a batch is counted under the
// node's name (once: a batch sent again is answered 200 and not counted).
func UsageHandler(auth push.Authenticator, counts *Quotas) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		node, err := auth.AuthenticateNode(r.Context(), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		b, err := gateway.DecodeUsageBatch(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		counts.Add(node.Name, b)
	})
}

func (q *Quotas) today() int64 {
	now := time.Now
	if q.Now != nil {
		now = q.Now
	}
	return now().Unix() / 86400
}

// Used returns today's count of sub.
func (q *Quotas) Used(sub string) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used[q.today()][sub]
}

// QuotaRevision names today's counts.
func (q *Quotas) QuotaRevision(context.Context) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.revision(q.today()), nil
}

func (q *Quotas) revision(day int64) string {
	var sum int64
	for _, n := range q.used[day] {
		sum += n
	}
	return fmt.Sprintf("%d-%d-%d", day, len(q.used[day]), sum)
}

// Quotas returns today's counts.
func (q *Quotas) Quotas(context.Context) (*gateway.Quotas, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	day := q.today()
	used := make(map[string]int64, len(q.used[day]))
	for k, v := range q.used[day] {
		used[k] = v
	}
	return &gateway.Quotas{Revision: q.revision(day), Day: day, Used: used}, nil
}
