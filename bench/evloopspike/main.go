// Command evloopspike is a measured spike, not a gateway: the node's hot path
// (route by /{api}/v{major}, key looked up by SHA-256 in a gateway.State, the
// plan's rate limit, the key stripped, hop-by-hop headers removed, consumer,
// request id and forwarding headers set, the path rewritten, forwarded to the
// upstream over kept-alive connections) served from nbio's event loops
// instead of a goroutine per connection. Both sides, the clients' connections
// and the upstream's, sit in the same nbio engine; fasthttp's parser reads the
// requests and responses from the bytes the loop received. It has no
// timeouts, no metrics, no usage counting and no access log, and one route
// and one key (those of bench/gatewaybench, which starts it with -spike).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lesismal/nbio"
	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/bench/internal/hotpath"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	upstream := flag.String("upstream", "", "upstream host:port (required)")
	basePath := flag.String("base", "/v1", "the upstream's path for the route")
	route := flag.String("route", "bench/v1", "the one route: {api}/v{major}")
	key := flag.String("key", "ptk_bench_0123456789abcdef0123456789abcdef", "the one valid API key")
	pollers := flag.Int("pollers", runtime.GOMAXPROCS(0), "event loops")
	lock := flag.Bool("lock-pollers", false, "lock each event loop to an OS thread")
	reusePort := flag.Bool("reuse-port", false, "listen with SO_REUSEPORT, to share -addr with other processes (Linux)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file until stopped")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "evloopspike:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if *upstream == "" {
		fmt.Fprintln(os.Stderr, "evloopspike: -upstream is required")
		os.Exit(2)
	}
	if err := run(*addr, *upstream, *basePath, *route, *key, *pollers, *lock, *reusePort); err != nil {
		fmt.Fprintln(os.Stderr, "evloopspike:", err)
		os.Exit(1)
	}
}

func run(addr, upstream, basePath, route, key string, pollers int, lock, reusePort bool) error {
	node, err := hotpath.New(upstream, basePath, route, key)
	if err != nil {
		return err
	}
	p := &proxy{
		node: node,
	}
	p.engine = nbio.NewEngine(nbio.Config{
		Network: "tcp", Addrs: []string{addr}, NPoller: pollers, LockPoller: lock,
		ReadBufferSize: 16 << 10,
		Listen: func(_, addr string) (net.Listener, error) {
			return listen(addr, reusePort)
		},
	})
	p.idle = make([][]*outbound, pollers)
	p.engine.OnData(p.onData)
	p.engine.OnClose(p.onClose)
	if err := p.engine.Start(); err != nil {
		return err
	}
	defer p.engine.Stop()
	fmt.Println("evloopspike listening on", addr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}

type proxy struct {
	engine *nbio.Engine
	node   *hotpath.Node

	mu sync.Mutex
	// idle are the kept-alive upstream connections by event loop (the
	// descriptor modulo the loops, as nbio assigns them), so that a client
	// and its upstream connection are served by the same loop.
	idle [][]*outbound
}

// inbound is a client's connection. Its mutex orders the bytes its loop
// receives against the upstream's answer, handled on another loop.
type inbound struct {
	mu       sync.Mutex
	c        *nbio.Conn
	buf      []byte // received, not yet parsed
	busy     bool   // a request is at the upstream
	closing  bool
	req      fasthttp.Request
	out      []byte
	clientIP string
	r        hotpath.Request // what the node decided for the request in progress
}

// outbound is a connection to the upstream; in is the client whose request
// it carries.
type outbound struct {
	c    *nbio.Conn
	buf  []byte
	resp fasthttp.Response
	in   atomic.Pointer[inbound]
	out  []byte
	dead bool
}

func (p *proxy) onData(c *nbio.Conn, data []byte) {
	switch s := c.Session().(type) {
	case *outbound:
		p.onResponse(s, data)
	case *inbound:
		s.mu.Lock()
		s.buf = append(s.buf, data...)
		if len(s.buf) > hotpath.MaxMessage {
			// A client that sends far ahead of the answers.
			s.closing = true
			s.c.Close()
		}
		p.next(s)
		s.mu.Unlock()
	case nil:
		s2 := &inbound{c: c}
		if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			s2.clientIP = ta.IP.String()
		}
		c.SetSession(s2)
		s2.mu.Lock()
		s2.buf = append(s2.buf, data...)
		p.next(s2)
		s2.mu.Unlock()
	}
}

func (p *proxy) onClose(c *nbio.Conn, _ error) {
	switch s := c.Session().(type) {
	case *outbound:
		p.mu.Lock()
		s.dead = true
		p.mu.Unlock()
		in := s.in.Swap(nil)
		if in != nil {
			in.mu.Lock()
			p.local(in, fasthttp.StatusBadGateway, "the upstream closed the connection")
			in.mu.Unlock()
		}
	case *inbound:
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
	}
}

// next serves the next request s holds, if it is not waiting for one.
// s.mu is held.
func (p *proxy) next(s *inbound) {
	for !s.busy && !s.closing && len(s.buf) > 0 {
		n, err := hotpath.Parse(s.buf, s.req.Read)
		if err != nil {
			s.closing = true
			p.local(s, fasthttp.StatusBadRequest, "the request could not be read")
			return
		}
		if n == 0 {
			return
		}
		s.buf = s.buf[:copy(s.buf, s.buf[n:])]
		s.busy = true
		p.serve(s)
	}
}

// serve does the node's work for s.req and sends it to the upstream, or
// answers itself. s.mu is held.
func (p *proxy) serve(s *inbound) {
	s.r = p.node.Prepare(&s.req, s.clientIP)
	if s.r.Close {
		s.closing = true
	}
	if s.r.Status != 0 {
		p.local(s, s.r.Status, s.r.Detail)
		return
	}

	o, err := p.take(s.c.Hash() % len(p.idle))
	if err != nil {
		p.local(s, fasthttp.StatusBadGateway, "the upstream could not be reached")
		return
	}
	o.in.Store(s)
	o.resp.SkipBody = s.req.Header.IsHead()
	o.out = hotpath.Render(o.out[:0], s.req.Write)
	if _, err := o.c.Write(o.out); err != nil {
		o.in.Store(nil)
		p.local(s, fasthttp.StatusBadGateway, "the upstream could not be reached")
	}
}

// take returns an idle upstream connection of event loop i, or a new one
// (of that loop if one of a few dials lands there).
func (p *proxy) take(i int) (*outbound, error) {
	p.mu.Lock()
	for len(p.idle[i]) > 0 {
		o := p.idle[i][len(p.idle[i])-1]
		p.idle[i] = p.idle[i][:len(p.idle[i])-1]
		if !o.dead {
			p.mu.Unlock()
			return o, nil
		}
	}
	p.mu.Unlock()
	for try := 0; ; try++ {
		nc, err := net.DialTimeout("tcp", p.node.Upstream(), 3*time.Second)
		if err != nil {
			return nil, err
		}
		c, err := p.engine.AddConn(nc)
		nc.Close() // nbio holds a duplicate of the descriptor
		if err != nil {
			return nil, err
		}
		o := &outbound{c: c}
		c.SetSession(o)
		if j := c.Hash() % len(p.idle); j != i && try < 4 {
			p.put(o)
			continue
		}
		return o, nil
	}
}

func (p *proxy) put(o *outbound) {
	i := o.c.Hash() % len(p.idle)
	p.mu.Lock()
	p.idle[i] = append(p.idle[i], o)
	p.mu.Unlock()
}

// onResponse parses the upstream's answer and passes it to the client.
func (p *proxy) onResponse(o *outbound, data []byte) {
	o.buf = append(o.buf, data...)
	n, err := hotpath.Parse(o.buf, o.resp.Read)
	if n == 0 && err == nil {
		return
	}
	o.buf = o.buf[:copy(o.buf, o.buf[n:])]
	s := o.in.Swap(nil)
	if err != nil || s == nil {
		o.c.Close()
		if s != nil {
			s.mu.Lock()
			p.local(s, fasthttp.StatusBadGateway, "the upstream gave an invalid answer")
			s.mu.Unlock()
		}
		return
	}
	rh := &o.resp.Header
	if !rh.ConnectionClose() {
		// Back to the pool before the client, served by this same loop,
		// can send its next request.
		defer p.put(o)
	} else {
		defer o.c.Close()
	}
	s.mu.Lock()
	hotpath.Answer(rh, s.r, s.closing)
	s.out = hotpath.Render(s.out[:0], o.resp.Write)
	p.finish(s)
	s.mu.Unlock()
}

// local answers s itself with a problem. s.mu is held.
func (p *proxy) local(s *inbound, status int, detail string) {
	var r fasthttp.Response
	hotpath.Problem(&r, s.r, status, detail, s.closing)
	s.out = hotpath.Render(s.out[:0], r.Write)
	p.finish(s)
}

// finish writes s.out to the client and goes on with the next request it
// sent. s.mu is held.
func (p *proxy) finish(s *inbound) {
	s.c.Write(s.out)
	s.busy = false
	s.req.Reset()
	if s.closing {
		s.c.Close()
		return
	}
	p.next(s)
}
