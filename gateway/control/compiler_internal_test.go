package control

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// olderAndNewer seeds s with two APIs and returns two sources on it, as
// two portal versions side by side during a rolling upgrade: older with
// this build's Compiler and newer with the next one, after older has
// published the first version, which it returns.
func olderAndNewer(t *testing.T, s *store.Store) (older, newer *Source, first gateway.Head) {
	t.Helper()
	seedSmall(t, s, 2, 1)
	older = NewSource(s, nil)
	older.compiler = Compiler
	newer = NewSource(s, nil)
	newer.compiler = Compiler + 1
	first, err := older.Publish(context.Background(), "")
	if err != nil || first.Version != 1 {
		t.Fatalf("the older compiler's first version: %v, %v", first, err)
	}
	return older, newer, first
}

// Two portal versions whose compilers make different configurations of
// one database, side by side during a rolling upgrade: once the newer has
// recorded a version, the older records none over it (its compile fails
// with ErrNewerCompiler, so its outbox message waits for a newer instance)
// and the newer's first compile covers everything, though it was asked for
// one API. Before, each recorded a version whenever it compiled, undoing
// the other's: nodes swung between the two configurations.
func TestOlderCompilerNeverReplacesANewerOnesVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		older, newer, _ := olderAndNewer(t, s)
		// The newer compiler sets a response timeout the older one does
		// not: the same database, two configurations.
		newer.compile = func(ctx context.Context, apiID int64, base *gateway.State) (*Items, error) {
			items, err := Compile(ctx, s, time.Now(), apiID, nil)
			if err != nil {
				return nil, err
			}
			for i := range items.Routes {
				items.Routes[i].ResponseTimeoutMS = 1234
			}
			return items, nil
		}
		timeouts := func(st *gateway.State) (n int) {
			for r := range st.Routes() {
				if r.ResponseTimeoutMS == 1234 {
					n++
				}
			}
			return n
		}

		// The newer instance handles a change of one API.
		head, err := newer.Publish(ctx, "api-0")
		if err != nil || head.Version != 2 {
			t.Fatalf("the newer compiler's version: %v, %v; want version 2", head, err)
		}
		if n := timeouts(newer.State()); n != 2 {
			t.Errorf("the newer compiler's first version has %d of 2 routes as it compiles them, want all (it compiles everything over an older compiler's version)", n)
		}
		// The older instance handles the next message; then the newer.
		_, err = older.Publish(ctx, "")
		if !errors.Is(err, ErrNewerCompiler) {
			t.Errorf("the older compiler over the newer one's version: %v, want ErrNewerCompiler", err)
		}
		if _, err := newer.Publish(ctx, ""); err != nil {
			t.Fatal(err)
		}
		dbHead, err := s.ReadGatewayHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if dbHead.Version != 2 || dbHead.Hash != head.Hash {
			t.Errorf("head at version %d (%.12s…) after the older and the newer compiled again, want it at the newer one's version 2 (%.12s…): the two undid each other",
				dbHead.Version, dbHead.Hash, head.Hash)
		}
		if c, err := s.GatewayChangeCompiler(ctx, dbHead.Version); err != nil || c != newer.compiler {
			t.Errorf("the head's compiler is %d, %v; want %d", c, err, newer.compiler)
		}
		if _, err := older.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if st := older.State(); st.Head() != (gateway.Head{Version: uint64(dbHead.Version), Hash: dbHead.Hash}) || timeouts(st) != 2 {
			t.Errorf("the older instance serves %v with %d of the newer compiler's routes, want %v with 2", st.Head(), timeouts(st), dbHead)
		}
	})
}

// A newer compiler that makes the same configuration as the older one's
// version takes it as its own: it records the version's compiler as its
// own, so that its next compiles cover one API again (not everything each
// time until some change makes a difference) and the older instances
// leave the gateway's messages to it from then on.
func TestNewerCompilerTakesAnIdenticalVersionAsItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		older, newer, first := olderAndNewer(t, s)
		var everything int
		newer.compile = func(ctx context.Context, apiID int64, base *gateway.State) (*Items, error) {
			if apiID == 0 {
				everything++
			}
			return Compile(ctx, s, time.Now(), apiID, nil)
		}
		for range 2 {
			head, err := newer.Publish(ctx, "api-0")
			if err != nil || head != first {
				t.Fatalf("the newer compiler over an identical version: %v, %v; want %v unchanged", head, err, first)
			}
		}
		if everything != 1 {
			t.Errorf("the newer compiler compiled everything %d times for two changes of one API, want once", everything)
		}
		if c, err := s.GatewayChangeCompiler(ctx, int64(first.Version)); err != nil || c != newer.compiler {
			t.Errorf("version 1's compiler is %d, %v; want the newer one's, %d", c, err, newer.compiler)
		}
		if _, err := older.Publish(ctx, ""); !errors.Is(err, ErrNewerCompiler) {
			t.Errorf("the older compiler over it: %v, want ErrNewerCompiler", err)
		}
	})
}
