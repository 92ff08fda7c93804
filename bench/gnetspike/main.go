// Command gnetspike is a measured spike, not a gateway: the node's hot path
// (route by /{api}/v{major}, key looked up by SHA-256 in a gateway.State, the
// plan's rate limit, the key stripped, hop-by-hop headers removed, consumer,
// request id and forwarding headers set, the path rewritten, forwarded to the
// upstream over kept-alive connections, RateLimit-* and X-Request-Id on the
// answer) served from gnet v2's event loops, as bench/evloopspike does it on
// nbio's. Both sides sit on the same loops: a client's upstream connection is
// dialled onto the client's own loop (gnet's EventLoop.Register), so a
// request and its answer are handled by one goroutine with no lock and no
// hand-over between loops. gnet's Client was not used for the upstream: it
// runs an engine of its own, with loops apart from the server's. fasthttp's
// parser reads the requests and responses from the bytes the loop received.
// It has no timeouts, no metrics, no usage counting and no access log, and
// one route and one key (those of bench/gatewaybench, which starts it with
// -gnet). It is a module of its own so that gnet stays out of Portico's
// go.mod.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"
	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/bench/internal/hotpath"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	upstream := flag.String("upstream", "", "upstream host:port (required)")
	basePath := flag.String("base", "/v1", "the upstream's path for the route")
	route := flag.String("route", "bench/v1", "the one route: {api}/v{major}")
	key := flag.String("key", "ptk_bench_0123456789abcdef0123456789abcdef", "the one valid API key")
	loops := flag.Int("loops", runtime.GOMAXPROCS(0), "event loops")
	lock := flag.Bool("lock-os-thread", false, "each event loop on a thread of its own (gnet.WithLockOSThread)")
	edge := flag.Bool("edge-triggered", false, "edge-triggered epoll (gnet.WithEdgeTriggeredIO)")
	flag.Parse()
	if *upstream == "" {
		fmt.Fprintln(os.Stderr, "gnetspike: -upstream is required")
		os.Exit(2)
	}
	if err := run(*addr, *upstream, *basePath, *route, *key, *loops, *lock, *edge); err != nil {
		fmt.Fprintln(os.Stderr, "gnetspike:", err)
		os.Exit(1)
	}
}

func run(addr, upstream, basePath, route, key string, loops int, lock, edge bool) error {
	node, err := hotpath.New(upstream, basePath, route, key)
	if err != nil {
		return err
	}
	upAddr, err := net.ResolveTCPAddr("tcp", upstream)
	if err != nil {
		return err
	}
	p := &proxy{
		node: node, upAddr: upAddr,
		booted: make(chan struct{}),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		select {
		case <-p.booted:
		case <-ctx.Done():
			return
		}
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		p.eng.Stop(sctx)
	}()
	fmt.Println("gnetspike listening on", addr)
	return gnet.Run(p, "tcp://"+addr, gnet.WithNumEventLoop(loops), gnet.WithLogLevel(logging.ErrorLevel),
		gnet.WithLockOSThread(lock), gnet.WithEdgeTriggeredIO(edge))
}

type proxy struct {
	gnet.BuiltinEventEngine
	eng    gnet.Engine
	booted chan struct{}
	node   *hotpath.Node
	upAddr *net.TCPAddr

	// pools are the kept-alive upstream connections by event loop
	// (gnet.EventLoop → *pool); a pool is only touched from its loop.
	pools sync.Map
}

// pool is one event loop's idle upstream connections.
type pool struct{ idle []*outbound }

// inbound is a client's connection; everything about it runs on its loop.
type inbound struct {
	c        gnet.Conn
	pool     *pool
	busy     bool // a request is at the upstream
	closing  bool // close once the answer is written
	closed   bool // gnet closed it: write nothing more
	req      fasthttp.Request
	out      []byte
	clientIP string
	r        hotpath.Request // what the node decided for the request in progress
}

// outbound is a connection to the upstream, on the loop of the clients it
// serves; in is the client whose request it carries, pending the request
// to write once it is open.
type outbound struct {
	c       gnet.Conn // nil until gnet opens it
	pool    *pool
	in      *inbound
	pending bool
	resp    fasthttp.Response
	out     []byte
	dead    bool
}

func (p *proxy) OnBoot(eng gnet.Engine) gnet.Action {
	p.eng = eng
	close(p.booted)
	return gnet.None
}

func (p *proxy) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	switch o := c.Context().(type) {
	case *outbound:
		// An upstream connection dialled by take, now on this loop.
		o.c = c
		if o.pending {
			o.pending = false
			p.send(o)
		}
	case nil:
		s := &inbound{c: c}
		if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			s.clientIP = ta.IP.String()
		}
		pl, _ := p.pools.LoadOrStore(c.EventLoop(), &pool{})
		s.pool = pl.(*pool)
		c.SetContext(s)
	}
	return nil, gnet.None
}

func (p *proxy) OnClose(c gnet.Conn, _ error) gnet.Action {
	switch s := c.Context().(type) {
	case *outbound:
		s.dead = true
		if in := s.in; in != nil {
			s.in = nil
			p.local(in, fasthttp.StatusBadGateway, "the upstream closed the connection")
		}
	case *inbound:
		s.closed = true
	}
	return gnet.None
}

func (p *proxy) OnTraffic(c gnet.Conn) gnet.Action {
	switch s := c.Context().(type) {
	case *outbound:
		p.onResponse(s)
	case *inbound:
		if c.InboundBuffered() > hotpath.MaxMessage {
			// A client that sends far ahead of the answers.
			s.closing = true
			return gnet.Close
		}
		p.next(s)
	}
	return gnet.None
}

// next serves the next request s's connection holds, if it is not waiting
// for an answer. On s's loop.
func (p *proxy) next(s *inbound) {
	for !s.busy && !s.closing && !s.closed && s.c.InboundBuffered() > 0 {
		b, _ := s.c.Peek(-1)
		n, err := hotpath.Parse(b, s.req.Read)
		if err != nil {
			s.c.Discard(-1)
			s.closing = true
			s.busy = true
			p.local(s, fasthttp.StatusBadRequest, "the request could not be read")
			return
		}
		if n == 0 {
			return
		}
		s.c.Discard(n)
		s.busy = true
		p.serve(s)
	}
}

// serve does the node's work for s.req and sends it to the upstream, or
// answers itself. On s's loop.
func (p *proxy) serve(s *inbound) {
	s.r = p.node.Prepare(&s.req, s.clientIP)
	if s.r.Close {
		s.closing = true
	}
	if s.r.Status != 0 {
		p.local(s, s.r.Status, s.r.Detail)
		return
	}

	o := p.take(s)
	if o == nil {
		p.local(s, fasthttp.StatusBadGateway, "the upstream could not be reached")
		return
	}
	o.in = s
	o.resp.SkipBody = s.req.Header.IsHead()
	o.out = hotpath.Render(o.out[:0], s.req.Write)
	if o.c == nil {
		o.pending = true // written by OnOpen once gnet has it on this loop
		return
	}
	p.send(o)
}

// send writes o's request to the upstream. On o's loop.
func (p *proxy) send(o *outbound) {
	if _, err := o.c.Write(o.out); err != nil && o.in != nil {
		// gnet closes o on a failed write (OnClose answers o.in); if it
		// did not, answer here.
		in := o.in
		o.in = nil
		o.dead = true
		p.local(in, fasthttp.StatusBadGateway, "the upstream could not be reached")
	}
}

// take returns an idle upstream connection of s's loop, or a new one that
// gnet dials and registers on that loop (its c is set in OnOpen). On s's
// loop.
func (p *proxy) take(s *inbound) *outbound {
	pl := s.pool
	for len(pl.idle) > 0 {
		o := pl.idle[len(pl.idle)-1]
		pl.idle = pl.idle[:len(pl.idle)-1]
		if !o.dead {
			return o
		}
	}
	o := &outbound{pool: pl}
	el := s.c.EventLoop()
	ch, err := el.Register(gnet.NewContext(context.Background(), o), p.upAddr)
	if err != nil {
		return nil
	}
	go func() {
		// The dial runs in gnet's worker pool; a failure is answered on the
		// loop.
		if r := <-ch; r.Err != nil {
			el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
				o.dead = true
				o.pending = false
				if in := o.in; in != nil {
					o.in = nil
					p.local(in, fasthttp.StatusBadGateway, "the upstream could not be reached")
				}
				return nil
			}))
		}
	}()
	return o
}

// onResponse parses the upstream's answer and passes it to the client. On
// o's loop, which is its client's.
func (p *proxy) onResponse(o *outbound) {
	b, _ := o.c.Peek(-1)
	n, err := hotpath.Parse(b, o.resp.Read)
	if n == 0 && err == nil {
		return
	}
	o.c.Discard(n)
	s := o.in
	o.in = nil
	if err != nil || s == nil {
		o.dead = true
		o.c.Close()
		if s != nil {
			p.local(s, fasthttp.StatusBadGateway, "the upstream gave an invalid answer")
		}
		return
	}
	rh := &o.resp.Header
	if rh.ConnectionClose() {
		o.dead = true
		o.c.Close()
	}
	hotpath.Answer(rh, s.r, s.closing)
	s.out = hotpath.Render(s.out[:0], o.resp.Write)
	if !o.dead {
		// Back to the pool before the client's next request is served.
		o.pool.idle = append(o.pool.idle, o)
	}
	p.finish(s)
}

// local answers s itself with a problem. On s's loop.
func (p *proxy) local(s *inbound, status int, detail string) {
	var r fasthttp.Response
	hotpath.Problem(&r, s.r, status, detail, s.closing)
	s.out = hotpath.Render(s.out[:0], r.Write)
	p.finish(s)
}

// finish writes s.out to the client and goes on with the next request it
// sent. On s's loop.
func (p *proxy) finish(s *inbound) {
	s.busy = false
	s.req.Reset()
	if s.closed {
		return
	}
	s.c.Write(s.out)
	if s.closing {
		if !s.closed {
			s.c.Close()
		}
		return
	}
	p.next(s)
}
