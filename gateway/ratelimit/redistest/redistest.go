// Package redistest gives tests a Redis: the one at $PORTICO_TEST_REDIS_URL
// (default redis://127.0.0.1:6379/0), a key prefix of their own, and a TCP
// proxy to it that a test can cut and restore to play an unreachable Redis
// without touching the server others use.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvRedisURL names the variable holding the Redis URL for tests.
const EnvRedisURL = "PORTICO_TEST_REDIS_URL"

// URL returns the test Redis's URL. When it does not answer, the test fails
// if CI is set (the Redis suite must run in CI) and is skipped otherwise.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvRedisURL)
	if u == "" {
		u = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("%s: %v", EnvRedisURL, err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but Redis at %s does not answer (%v): the Redis suite must run in CI", u, err)
		}
		t.Skipf("no Redis at %s (%v); set %s", u, err, EnvRedisURL)
	}
	return u
}

// Prefix returns a key prefix no other test uses, and deletes the test's
// keys when it ends.
func Prefix(t testing.TB, url string) string {
	t.Helper()
	prefix := "portico-test:" + Unique() + ":"
	DeleteOnCleanup(t, url, prefix+"*")
	return prefix
}

// Unique returns a random name part, for keys whose prefix a test cannot
// choose (real gateway processes use the default prefix).
func Unique() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// DeleteOnCleanup deletes the keys matching pattern when the test ends.
func DeleteOnCleanup(t testing.TB, url, pattern string) {
	t.Cleanup(func() {
		opt, err := redis.ParseURL(url)
		if err != nil {
			return
		}
		c := redis.NewClient(opt)
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, pattern, 100).Iterator()
		for key := range iter.Vals(ctx) {
			c.Del(ctx, key)
		}
	})
}

// Proxy forwards TCP connections from its own address to Redis until Cut.
type Proxy struct {
	target string
	Addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

// NewProxy starts a proxy on 127.0.0.1:0 to the Redis at url; it stops when
// the test ends.
func NewProxy(t testing.TB, url string) *Proxy {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: opt.Addr, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.Addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.Cut)
	return p
}

// URL is the proxy's redis:// URL with url's database and credentials.
func (p *Proxy) URL(t testing.TB, url string) string {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	u := "redis://"
	if opt.Username != "" || opt.Password != "" {
		u += opt.Username + ":" + opt.Password + "@"
	}
	return u + p.Addr + "/" + strconv.Itoa(opt.DB)
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
}

func (p *Proxy) pipe(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil {
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		io.Copy(dst, src)
		done <- struct{}{}
	}
	go cp(up, c)
	go cp(c, up)
	<-done
	c.Close()
	up.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

// Cut closes the listener and every open connection: Redis is unreachable
// at the proxy's address until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
}

// Restore listens again at the same address.
func (p *Proxy) Restore(t testing.TB) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", p.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}
