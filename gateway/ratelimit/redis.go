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
	"github.com/redis/go-redis/v9"
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
var allowScript = redis.NewScript(`
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
	// URL is a redis:// or rediss:// URL (go-redis's ParseURL).
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
type Redis struct {
	client   *redis.Client
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

// NewRedis connects lazily to the Redis at o.URL; it fails only on a URL it
// cannot parse. Close releases the connections.
func NewRedis(o RedisOptions) (*Redis, error) {
	opt, err := redis.ParseURL(o.URL)
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
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = o.Timeout, o.Timeout, o.Timeout
	// A request waits for no retry: the local limits answer at once instead.
	opt.MaxRetries = -1
	opt.DialerRetries = 1
	opt.PoolTimeout = o.Timeout
	// The client's own identification call is not needed and costs a round
	// trip on every new connection.
	opt.DisableIdentity = true
	r := &Redis{
		client: redis.NewClient(opt), local: NewLocal(), prefix: o.Prefix, pause: o.Pause,
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
func (r *Redis) Close() error { return r.client.Close() }

// Ping checks that Redis answers.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

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
	res, err := allowScript.Run(ctx, r.client, keys,
		strconv.FormatFloat(emission, 'f', 3, 64), limit.burst(), limit.DailyQuota, next.Unix()+3600).Int64Slice()
	if err == nil && len(res) != 5 {
		err = errors.New("unexpected answer from the limiter script")
	}
	if errors.Is(err, redis.ErrPoolTimeout) {
		// Every connection is busy (a burst of requests): this request is
		// decided locally, but Redis answers, so no pause follows.
		return r.fallback(ctx, key, limit, now, nil)
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
