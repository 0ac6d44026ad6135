-- wrk script: adds nothing per request (no request/response hooks, so wrk keeps its fast path)
-- and, at the end, prints one "bench <key> <value>" line per figure for bench/*.sh to parse.
-- Latencies are in milliseconds. wrk counts a response as a status error when its status is >= 400,
-- so "non2xx" is really "4xx/5xx"; none of the benchmarked routes answers 1xx or 3xx.

function done(summary, latency, requests)
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local function line(key, value) io.write(string.format("bench %s %s\n", key, value)) end

  line("requests", summary.requests)
  line("duration_s", string.format("%.3f", seconds))
  line("rps", string.format("%.1f", summary.requests / seconds))
  line("p50_ms", string.format("%.3f", latency:percentile(50) / 1000))
  line("p90_ms", string.format("%.3f", latency:percentile(90) / 1000))
  line("p99_ms", string.format("%.3f", latency:percentile(99) / 1000))
  line("max_ms", string.format("%.3f", latency.max / 1000))
  line("non2xx", e.status)
  line("socket_errors", socket_errors)
  line("errors", e.status + socket_errors)
end
