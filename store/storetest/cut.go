package storetest

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/portico-dev/portico/store"
)

// OpenCuttable returns a fresh migrated PostgreSQL store whose connections
// go through a TCP relay, and cut, which closes the relay's listener and
// every connection through it: from then on the store's database is down
// as a stopped server's is (connections refused, those open reset). The
// relay listens on a port of its own on 127.0.0.1.
func OpenCuttable(t testing.TB) (s *store.Store, cut func()) {
	t.Helper()
	dsn, dataDir, migrated := newMigratedDatabase(t, store.PostgreSQL)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	r := newRelay(t, u.Host)
	u.Host = r.ln.Addr().String()
	return openMigrated(t, u.String(), dataDir, migrated), r.cut
}

// relay forwards the connections it accepts to a target address.
type relay struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func newRelay(t testing.TB, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go r.serve()
	t.Cleanup(r.cut)
	return r
}

func (r *relay) serve() {
	for {
		c, err := r.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		go r.forward(c)
	}
}

func (r *relay) forward(c net.Conn) {
	up, err := net.Dial("tcp", r.target)
	if err != nil {
		c.Close()
		return
	}
	if !r.track(c, up) {
		return
	}
	go func() {
		_, _ = io.Copy(up, c) // ends with either side
		up.Close()
	}()
	_, _ = io.Copy(c, up)
	c.Close()
}

// track records an open pair, or closes it when the relay is cut.
func (r *relay) track(cs ...net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	for _, c := range cs {
		r.conns[c] = struct{}{}
	}
	return true
}

func (r *relay) cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.closed = true
	r.ln.Close()
	for c := range r.conns {
		c.Close()
	}
}
