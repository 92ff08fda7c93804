package store

import (
	"context"
	"slices"
	"sync"
)

// readMemo answers the reads one request repeats (an API's versions: its
// visibility check, its page and its subscription offer each read them) from
// the first answer. It lives as long as the request's context.
type readMemo struct {
	mu       sync.Mutex
	versions map[int64][]APIVersion
	plans    map[int64][]Plan
}

type readMemoKey struct{}

// WithReadMemo returns ctx under which Versions and Plans read each API's
// versions and plans once. Only for a request that changes no version nor
// plan (a GET): a change made under it would not be seen by its later
// reads.
func WithReadMemo(ctx context.Context) context.Context {
	if _, ok := ctx.Value(readMemoKey{}).(*readMemo); ok {
		return ctx
	}
	return context.WithValue(ctx, readMemoKey{}, &readMemo{versions: map[int64][]APIVersion{}, plans: map[int64][]Plan{}})
}

func memoOf(ctx context.Context) *readMemo {
	m, _ := ctx.Value(readMemoKey{}).(*readMemo)
	return m
}

// Callers may change the slices they are given (lifecycle filters them in
// place): each gets its own copy.
func (m *readMemo) getVersions(apiID int64) ([]APIVersion, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	vs, ok := m.versions[apiID]
	return slices.Clone(vs), ok
}

func (m *readMemo) putVersions(apiID int64, vs []APIVersion) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.versions[apiID] = slices.Clone(vs)
}

func (m *readMemo) getPlans(apiID int64) ([]Plan, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ps, ok := m.plans[apiID]
	return slices.Clone(ps), ok
}

func (m *readMemo) putPlans(apiID int64, ps []Plan) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.plans[apiID] = slices.Clone(ps)
}
