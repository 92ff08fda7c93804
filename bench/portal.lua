-- wrk script for bench/portal.sh: rotates over the paths given after "--"
-- (one path alone is a plain GET of it) and prints one machine-readable line:
--   RESULT <req/s> <p50 ms> <p99 ms> <non-2xx/3xx answers> <socket errors> <requests> <p95 ms>
local paths = {}
local i = 0

init = function(args)
  for _, p in ipairs(args) do
    paths[#paths + 1] = p
  end
end

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d %.2f\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests,
    latency:percentile(95) / 1000))
end
