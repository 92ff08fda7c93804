package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"
)

// allowScript takes one request from a subscription's rate and quota in one
// atomic step on the Redis server, so every node sees the same counts.
//
// The rate is GCRA (the generic cell rate algorithm): KEYS[1] holds the
// theoretical arrival time in microseconds of Redis's clock; a request is
// allowed when it is no earlier than that time minus the burst's tolerance.
// KEYS[2] counts today's accepted requests and expires after the day.
// The clock is the server's (TIME), so the nodes' clocks need not agree for
// the rate; the day of the quota is the node's UTC day.
//
// ARGV: emission interval in µs (0: no rate), burst, daily quota (0: none),
// the quota key's expiry (Unix seconds).
// Returns {verdict (0 allowed, 1 over the rate, 2 over the quota),
// remaining, retry after µs, reset µs, quota used}.
var allowScript = rueidis.NewLuaScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local quota = tonumber(ARGV[3])
local used = 0
if quota > 0 then
  used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used >= quota then
    return {2, 0, 0, 0, used}
  end
end
local remaining, reset = 0, 0
if emission > 0 then
  local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tat < now then tat = now end
  local tolerance = emission * burst
  local newTat = tat + emission
  local diff = now - (newTat - tolerance)
  if diff < 0 then
    return {1, 0, math.ceil(-diff), math.ceil(tat - now), used}
  end
  redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.ceil((newTat - now) / 1000) + 1000)
  remaining = math.floor((tolerance - (newTat - now)) / emission)
  reset = math.ceil(newTat - now)
end
if quota > 0 then
  used = redis.call('INCR', KEYS[2])
  if used == 1 then redis.call('EXPIREAT', KEYS[2], ARGV[4]) end
end
return {0, remaining, 0, reset, used}
`)

// RedisOptions configure a Redis limiter.
type RedisOptions struct {
	// URL is a redis:// or rediss:// URL (rueidis's ParseURL).
	URL string
	// Prefix starts every key; default "portico:rl:".
	Prefix string
	// Timeout bounds one call (dial, write, read); default 250 ms.
	Timeout time.Duration
	// Pause is how long the node uses its local limits after Redis failed
	// before it tries Redis again; default 1 s.
	Pause time.Duration
	// Logger receives the fallback and recovery events (at most one
	// fallback line per LogEvery, default 30 s).
	Logger   *slog.Logger
	LogEvery time.Duration
	// Registerer receives the limiter's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Redis limits every node that shares one Redis with one set of counters
// per subscription. While Redis cannot be reached it falls back to a Local
// limiter of this node (each node then limits on its own) and counts the
// requests decided locally; it tries Redis again after a pause. It never
// fails a request because of Redis.
//
// Concurrent calls share the client's connections and are pipelined on
// them (rueidis's auto-pipelining): many requests' script calls travel in
// one write and their answers in one read, where one connection per call
// (go-redis's pool) cost a system call and a wake-up of Redis each. Measured
// against go-redis with the same script in one run (load average 24–28 on 2
// cores, medians of rounds): 4 callers p50 0.17 → 0.12 ms, p99 3.8 → 0.30 ms;
// 32 callers p50 4.3 → 0.79 ms, p99 20 → 9.2 ms.
type Redis struct {
	client   rueidis.Client
	timeout  time.Duration
	local    *Local
	prefix   string
	pause    time.Duration
	log      *slog.Logger
	logEvery time.Duration

	// downUntil (Unix ns) is when to try Redis again; 0 while it answers.
	downUntil atomic.Int64
	logMu     sync.Mutex
	lastLog   time.Time
	unlogged  int64

	fallbacks prometheus.Counter
	fallbackN atomic.Int64
	up        prometheus.Gauge
}

// NewRedis returns a limiter on the Redis at o.URL; it fails only on a URL
// it cannot parse. It tries to connect at once (for at most o.Timeout) and,
// when Redis does not answer, again on the first calls. Close releases the
// connections.
func NewRedis(o RedisOptions) (*Redis, error) {
	opt, err := rueidis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	if o.Timeout <= 0 {
		o.Timeout = 250 * time.Millisecond
	}
	if o.Pause <= 0 {
		o.Pause = time.Second
	}
	if o.Prefix == "" {
		o.Prefix = "portico:rl:"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LogEvery <= 0 {
		o.LogEvery = 30 * time.Second
	}
	// Each call is bounded by o.Timeout (its context); a connection that
	// stops answering is closed after o.Timeout.
	opt.Dialer.Timeout = o.Timeout
	opt.ConnWriteTimeout = o.Timeout
	// A request waits for no retry: the local limits answer at once instead.
	opt.DisableRetry = true
	// One Redis (no cluster discovery), no client-side caching (the script
	// reads nothing the client could cache), and no identification calls on
	// each new connection.
	opt.ForceSingleClient = true
	opt.DisableCache = true
	opt.ClientSetInfo = rueidis.DisableClientSetInfo
	// With ForceSingleClient, a Redis that does not answer yet gives an error
	// and a client that connects on a later call.
	client, err := rueidis.NewClient(opt)
	if client == nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	r := &Redis{
		client: client, timeout: o.Timeout, local: NewLocal(), prefix: o.Prefix, pause: o.Pause,
		log: o.Logger, logEvery: o.LogEvery,
		fallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portico_gateway_ratelimit_fallbacks_total",
			Help: "Requests whose rate limit and quota this node decided alone because Redis could not be reached.",
		}),
		up: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portico_gateway_ratelimit_redis_up",
			Help: "1 while the shared limits in Redis answer, 0 while the node falls back to its own limits.",
		}),
	}
	r.up.Set(1)
	if o.Registerer != nil {
		if err := o.Registerer.Register(r.fallbacks); err != nil {
			return nil, err
		}
		if err := o.Registerer.Register(r.up); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Close closes the connections to Redis.
func (r *Redis) Close() error {
	r.client.Close()
	return nil
}

// Ping checks that Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	return r.client.Do(ctx, r.client.B().Ping().Build()).Error()
}

// Sweep forgets the local fallback buckets that are full.
func (r *Redis) Sweep(now time.Time) int { return r.local.Sweep(now) }

// Fallbacks is how many requests were decided locally so far.
func (r *Redis) Fallbacks() int64 { return r.fallbackN.Load() }

// Allow takes one request from key's shared rate and quota. It returns no
// error: when Redis fails, the node's own limits decide.
func (r *Redis) Allow(ctx context.Context, key string, limit Limit, now time.Time) (Decision, error) {
	if limit.PerMinute <= 0 && limit.DailyQuota <= 0 {
		return Decision{Allowed: true}, nil
	}
	if until := r.downUntil.Load(); until != 0 && now.UnixNano() < until {
		return r.fallback(ctx, key, limit, now, nil)
	}
	emission := 0.0
	if limit.PerMinute > 0 {
		emission = 60e6 / float64(limit.PerMinute)
	}
	next := NextMidnight(now)
	keys := []string{r.prefix + "{" + key + "}:r", r.prefix + "{" + key + "}:q:" + strconv.FormatInt(dayOf(now), 10)}
	args := []string{strconv.FormatFloat(emission, 'f', 3, 64), strconv.Itoa(limit.burst()), strconv.Itoa(limit.DailyQuota), strconv.FormatInt(next.Unix()+3600, 10)}
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	res, err := allowScript.Exec(cctx, r.client, keys, args).AsIntSlice()
	cancel()
	if err == nil && len(res) != 5 {
		err = errors.New("unexpected answer from the limiter script")
	}
	if err != nil {
		return r.fallback(ctx, key, limit, now, err)
	}
	if r.downUntil.Load() != 0 && r.downUntil.Swap(0) != 0 {
		r.up.Set(1)
		r.log.Info("Redis answers again: rate limits and quotas are shared across nodes again")
	}
	d := Decision{Allowed: res[0] == 0, Limit: limit.PerMinute, Remaining: int(max(res[1], 0))}
	if limit.DailyQuota > 0 {
		d.QuotaUsed = int(res[4])
	}
	switch res[0] {
	case 2:
		return quotaExceeded(limit, int(res[4]), now), nil
	case 1:
		d.RetryAfter = max(micros(res[2]), time.Second)
	}
	d.Reset = micros(res[3])
	return d, nil
}

func micros(us int64) time.Duration {
	return seconds(float64(us) / 1e6)
}

// fallback decides with the local limits, counts it, and logs at most one
// line per logEvery. err is the Redis failure that starts a pause (nil while
// pausing, or when only the connection pool was busy).
func (r *Redis) fallback(ctx context.Context, key string, limit Limit, now time.Time, err error) (Decision, error) {
	r.fallbacks.Inc()
	r.fallbackN.Add(1)
	if err != nil {
		r.downUntil.Store(now.Add(r.pause).UnixNano())
		r.up.Set(0)
	}
	r.logMu.Lock()
	r.unlogged++
	if err != nil && now.Sub(r.lastLog) >= r.logEvery {
		r.log.Warn("Redis unreachable: rate limits and quotas are per node until it answers",
			"err", err, "requests_decided_locally", r.unlogged, "retry_every", r.pause)
		r.lastLog, r.unlogged = now, 0
	}
	r.logMu.Unlock()
	return r.local.Allow(ctx, key, limit, now)
}
