-- wrk script for bench/progress_post.sh: every request is POST /api/progress with a free entry
-- (the bearer token comes from wrk's -H). It counts the answers by status, since only a 201 is a
-- success here: wrk's own error count is for status >= 400, and would take a 200 for a success.
-- At the end it prints report.lua's "bench <key> <value>" lines, plus
--   bench created <n>   answers with status 201 (each one an entry the server says it recorded)
--   bench not_201 <n>   every other status (wrk's non2xx is a subset of these)
--   bench sent <n>      requests written, answered or not: when wrk stops at the end of -d, the
--                       requests then in flight (at most one per connection) are not counted as
--                       answered, but the server may still record them
--
-- The request is the same every time (built once in init); the request() hook is there only to
-- count, and with response() it costs wrk a little CPU per request, which does not matter at the
-- rates a write reaches.

-- report.lua sits next to this file; its done() is kept and extended below.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
local report_done = done

wrk.method = "POST"
wrk.body = '{"tempsEtudie": 30, "matiere": "Maths"}'
wrk.headers["Content-Type"] = "application/json"

-- setup() runs in the main Lua state, once per wrk thread; done() reads each thread's counters.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- Per-thread globals (each wrk thread has its own Lua state), read back with thread:get().
created = 0
not_201 = 0
sent = 0

local req
function init(args)
  req = wrk.format()
end

function request()
  sent = sent + 1
  return req
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    not_201 = not_201 + 1
  end
end

function done(summary, latency, requests)
  report_done(summary, latency, requests)
  local c, n, s = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    n = n + thread:get("not_201")
    s = s + thread:get("sent")
  end
  io.write(string.format("bench created %d\n", c))
  io.write(string.format("bench not_201 %d\n", n))
  io.write(string.format("bench sent %d\n", s))
end
