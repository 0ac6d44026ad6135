#!/usr/bin/env bash
# Load benchmark of streaming chats: STREAMS concurrent POST /api/chat with
# `Accept: text/event-stream`, against the fake Gemini server (tests/fakes/fake_llm.py) streaming
# each reply as CHUNKS events spread over DURATION_MS. Checks that every stream completes with the
# right events, that the server's thread count does not grow with the number of streams, and
# reports its peak RSS and the CPU time it used.
#
#   bench/chat_streams.sh                              # 1000 streams of 5 s, 100 users
#   STREAMS=50 DURATION_MS=1000 bench/chat_streams.sh  # a quick check
#   PLANETUDE_BIN=/path/to/planetude bench/chat_streams.sh
#
# Builds the release preset first when build/release/planetude is missing or older than src/
# (unless PLANETUDE_BIN is set). Prints a report, then the summary as one JSON line, and appends
# that line to bench/results/chat_streams.jsonl. Exits non-zero if any check failed.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

streams=${STREAMS:-1000}
duration_ms=${DURATION_MS:-5000}
chunks=${CHUNKS:-10}
users=${USERS:-100}
((users <= streams)) || users=$streams
# The system Python (3.11+) as the Makefile uses it: a pyenv shim in front would add its own CPU time.
python=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
gemini_key=bench-gemini-key
# The provider call may take the whole stream and then some on a loaded machine. The fake and the
# load client are Python programs on the server's machine: at 10,000 streams they need about 45
# CPU-seconds between them (2 cores here), and the fake reads its last requests ~25 s after the
# first. The server is not what is slow then: the call and its first byte get 5 ms more per stream
# (the first byte's default, 10 s, would send late streams to the built-in coach).
llm_timeout_ms=$((duration_ms + 15000 > 20000 ? duration_ms + 15000 : 20000))
llm_timeout_ms=$((llm_timeout_ms + 5 * streams))
# Every stream's limit on the client, from its request to its last byte.
client_timeout_s=$((llm_timeout_ms / 1000 + 30))
io_threads=${IO_THREADS:-$(nproc)}
db_threads=${DB_THREADS:-4}
# The threads the server creates (src/app.cpp, src/http/server.cpp): the I/O threads (the main
# thread being one), the database pool and the CPU pool (one per core). Asio adds one for name
# resolution, jemalloc one to give freed pages back; a few more are allowed, but none per stream.
thread_bound=$((io_threads + db_threads + $(nproc) + 5))
command -v jq >/dev/null || die "jq is not installed (apt-get install jq)"
command -v curl >/dev/null || die "curl is not installed"

# Descriptors: the server holds two sockets a stream (the client's and the provider's) and a few
# dozen of its own (listener, epoll, database files); the fake and the load client one a stream
# each; all three inherit this limit. A hard limit of 20,000 thus allows 9,968 streams.
need_fds=$((2 * streams + 64))
if (($(ulimit -n) < need_fds)); then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  (($(ulimit -n) >= need_fds)) || die "ulimit -n is $(ulimit -n); $need_fds descriptors are needed (raise the hard limit)"
fi

ensure_binary

# The fake provider, on a free port. It exits by itself if this script dies without cleaning up.
"$python" "$BENCH_ROOT/tests/fakes/fake_llm.py" --port 0 --gemini-key "$gemini_key" --exit-with-parent \
  >"$BENCH_TMP/fake.out" 2>"$BENCH_TMP/fake.err" &
fake_pid=$!
BENCH_CHILD_PIDS+=("$fake_pid")
fake_port=
for _ in $(seq 100); do
  fake_port=$(sed -n 's/.*"listening": *\([0-9]*\).*/\1/p' "$BENCH_TMP/fake.out")
  [[ -z $fake_port ]] || break
  kill -0 "$fake_pid" 2>/dev/null || { cat "$BENCH_TMP/fake.err" >&2; die "the fake provider exited at start-up"; }
  sleep 0.1
done
[[ -n $fake_port ]] || die "the fake provider did not start listening within 10 s"
fake_url=http://127.0.0.1:$fake_port

# Replaces the fake's records and queue; the default behaviour is the benchmark's stream.
fake_admin() {
  curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' --data "$2" "$fake_url/_admin/$1" >/dev/null ||
    die "the fake's /_admin/$1 failed"
}
# FAKE_BEHAVIOUR replaces it (a behaviour of tests/fakes/README.md), e.g. to see the checks fail.
default_behaviour=${FAKE_BEHAVIOUR:-"{\"behaviour\":\"text\",\"chunks\":$chunks,\"duration_ms\":$duration_ms}"}

start_server GEMINI_BASE_URL="$fake_url" GEMINI_API_KEY="$gemini_key" LLM_PROVIDER=gemini \
  LLM_TIMEOUT_MS="$llm_timeout_ms" LLM_FIRST_BYTE_TIMEOUT_MS="$llm_timeout_ms" CHAT_RATE_LIMIT=100000 REGISTER_MAX_PER_IP=1000000 \
  MAX_CONNECTIONS=$((2 * streams + 1000))

# Users: each holds streams/users of the concurrent chats (Argon2id makes a registration ~20 ms).
t_reg=${EPOCHREALTIME/[.,]/}
: >"$BENCH_TMP/tokens.txt"
for ((u = 0; u < users; u++)); do
  register_user "chat-$u-$$@example.com" >>"$BENCH_TMP/tokens.txt"
done
register_s=$(awk -v us=$((${EPOCHREALTIME/[.,]/} - t_reg)) 'BEGIN { printf "%.1f", us / 1e6 }')

# One checked stream first (a short reply), so a broken route fails here with its body.
fake_admin reset '{}'
fake_admin script '{"script":[{"behaviour":"text","chunks":2}]}'
curl -sS -N --max-time 20 -X POST "$BASE_URL/api/chat" -H "Authorization: Bearer $(head -n1 "$BENCH_TMP/tokens.txt")" \
  -H 'Accept: text/event-stream' -H 'Content-Type: application/json' --data '{"message":"Bonjour"}' \
  >"$BENCH_TMP/check.txt" || die "the checked stream failed: $(cat "$BENCH_TMP/check.txt")"
if ! grep -q '^event: delta' "$BENCH_TMP/check.txt" ||
  ! grep -A1 '^event: done' "$BENCH_TMP/check.txt" | grep -q '"source":"gemini"'; then
  cat "$BENCH_TMP/check.txt" >&2
  die "the checked stream has no delta or no done from gemini"
fi
fake_admin reset '{}'
fake_admin script "{\"script\":[],\"default\":$default_behaviour}"

# The registration's Argon2id hashes set the lifetime peak; keep it, then reset VmHWM so the peak
# read after the run is that of the streams.
idle_rss_kib=$(proc_status VmRSS)
idle_hwm_kib=$(proc_status VmHWM)
idle_threads=$(proc_status Threads)
hwm_reset=true
reset_peak_rss || hwm_reset=false

start_sampler "$BENCH_TMP/samples.txt" 0.1
sampler_pid=$!
BENCH_CHILD_PIDS+=("$sampler_pid")
sample_proc "$fake_pid" 0.1 >"$BENCH_TMP/fake_samples.txt" 2>/dev/null &
fake_sampler_pid=$!
BENCH_CHILD_PIDS+=("$fake_sampler_pid")
t0=${EPOCHREALTIME/[.,]/} busy0=$(machine_busy_ticks) srv0=$(stat_ticks "$SERVER_PID" self)
kids0=$(stat_ticks $$ children) fake0=$(stat_ticks "$fake_pid" self)
client_rc=0
timeout --kill-after=5 $((client_timeout_s + 60)) \
  "$python" "$BENCH_DIR/chat_streams.py" --port "$SERVER_PORT" --tokens-file "$BENCH_TMP/tokens.txt" \
  --streams "$streams" --timeout "$client_timeout_s" --fake-url "$fake_url" \
  >"$BENCH_TMP/client.json" 2>"$BENCH_TMP/client.err" || client_rc=$?
t1=${EPOCHREALTIME/[.,]/} busy1=$(machine_busy_ticks) srv1=$(stat_ticks "$SERVER_PID" self)
kids1=$(stat_ticks $$ children) fake1=$(stat_ticks "$fake_pid" self)
kill "$sampler_pid" "$fake_sampler_pid" 2>/dev/null || true
wait "$sampler_pid" "$fake_sampler_pid" 2>/dev/null || true
cat "$BENCH_TMP/client.err" >&2
if ((client_rc != 0)) || ! jq -e . "$BENCH_TMP/client.json" >/dev/null; then
  die "the load client failed (status $client_rc): $(head -c 2000 "$BENCH_TMP/client.json")"
fi

kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$SERVER_LOG" >&2; die "the server died during the run"; }
end_rss_kib=$(proc_status VmRSS)
end_hwm_kib=$(proc_status VmHWM)
end_threads=$(proc_status Threads)
# Samples: time, threads, VmRSS, VmHWM, server CPU ticks, machine busy ticks.
read -r n_samples max_threads max_rss_kib < <(awk -v t="$end_threads" -v r="$end_rss_kib" \
  '{ n++; if ($2 > t) t = $2; if ($3 > r) r = $3 } END { print n + 0, t, r }' "$BENCH_TMP/samples.txt")
if [[ $hwm_reset == true ]]; then peak_kib=$end_hwm_kib; else peak_kib=$max_rss_kib; fi

# Memory given back after the burst: the idle server's RSS is read every 0.5 s for up to SETTLE_S
# seconds, until at most a tenth of what the burst added above the idle RSS is left. The check below
# allows a quarter (caches, the database's pages, the allocator's own structures).
settle_s=${SETTLE_S:-30}
growth_kib=$((peak_kib > idle_rss_kib ? peak_kib - idle_rss_kib : 0))
settled_kib=$end_rss_kib
t_settle=${EPOCHREALTIME/[.,]/}
while :; do
  rss_kib=$(proc_status VmRSS)
  ((rss_kib < settled_kib)) && settled_kib=$rss_kib
  settle_us=$((${EPOCHREALTIME/[.,]/} - t_settle))
  ((settled_kib - idle_rss_kib > growth_kib / 10 && settle_us < settle_s * 1000000)) || break
  sleep 0.5
done
settled_after_s=$(awk -v us="$settle_us" 'BEGIN { printf "%.1f", us / 1e6 }')
# CPU second by second from the first sample (cores used in each second), to see when each one
# works: the burst of requests at the start, the streaming, the replies saved at the end.
cpu_timeline=$(per_second_cores "$BENCH_TMP/samples.txt" 5)
fake_timeline=$(per_second_cores "$BENCH_TMP/fake_samples.txt" 5)
machine_timeline=$(per_second_cores "$BENCH_TMP/samples.txt" 6)
# Warnings and errors the server logged during the whole run (LOG_LEVEL=warn keeps only those).
log_warnings=$(grep -c '"level":"warn"' "$SERVER_LOG" || true)
log_errors=$(grep -c '"level":"error"' "$SERVER_LOG" || true)

server_rc=0
stop_server || server_rc=$?

hz=$(getconf CLK_TCK)
read -r run_s cpu_server_s cpu_client_s cpu_fake_s cpu_other_s < <(awk -v hz="$hz" -v us=$((t1 - t0)) \
  -v busy=$((busy1 - busy0)) -v srv=$((srv1 - srv0)) -v kids=$((kids1 - kids0)) -v fake=$((fake1 - fake0)) \
  'BEGIN { o = busy - srv - kids - fake; if (o < 0) o = 0
           printf "%.2f %.2f %.2f %.2f %.2f\n", us / 1e6, srv / hz, kids / hz, fake / hz, o / hz }')

c=$BENCH_TMP/client.json
q() { jq -r "$@" "$c"; }
completed=$(q .completed) failed=$(q .failed) started=$(q .started) max_in_flight=$(q .max_in_flight)
fake_completed=$(q '.fake.completed // 0') fake_disconnected=$(q '.fake.client_disconnected // 0')
fake_streams=$(q '.fake.streams // 0') fake_max=$(q '.fake.max_concurrent // 0')

checks=()
((completed == streams && failed == 0)) || checks+=("$failed of $streams streams failed: $(q -c .failures)")
((max_in_flight == streams)) || checks+=("only $max_in_flight streams were in flight at once on the client")
((fake_streams == streams && fake_completed == streams)) ||
  checks+=("the fake saw $fake_streams streams, $fake_completed completed ($(q -c .fake))")
((fake_disconnected == 0)) || checks+=("$fake_disconnected provider streams were closed by the server early")
# The fake holds every stream at once unless it read its last request more than one stream's length
# after its first (a Python program on a busy 2-core machine, at ~10,000 streams): then early ones
# had ended, which says nothing of the server, whose client side had them all in flight.
fake_spread_ms=$(q '((.fake.arrival_spread_s // 0) * 1000 | floor)')
((fake_max == streams || fake_spread_ms > duration_ms)) || checks+=("the fake had at most $fake_max streams open at once")
((settled_kib - idle_rss_kib <= growth_kib / 4)) ||
  checks+=("the server kept $(kib_to_mib $((settled_kib - idle_rss_kib))) MiB of the burst's $(kib_to_mib "$growth_kib") MiB after ${settled_after_s} s")
((max_threads <= thread_bound)) || checks+=("the server reached $max_threads threads (bound $thread_bound)")
((n_samples > 0)) || checks+=("no /proc sample was taken")
((server_rc == 0)) || checks+=("the server exited with status $server_rc")
ok=true
((${#checks[@]} == 0)) || ok=false

date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=false
git -C "$BENCH_ROOT" diff --quiet HEAD -- 2>/dev/null || dirty=true
mib() { kib_to_mib "$1"; }

printf 'chat_streams  %s  %s%s%s  nproc=%s  %s streams x %s ms (%s chunks), %s users  %s\n' "$date" "$commit" \
  "$([[ $dirty == true ]] && echo ' (dirty)')" "$([[ $stale == true ]] && echo ' (binary older than src/)')" \
  "$(nproc)" "$streams" "$duration_ms" "$chunks" "$users" "$(basename "$bin")"
printf '  streams      started %s  completed %s  failed %s  %s\n' "$started" "$completed" "$failed" "$(q -c .failures)"
printf '  concurrency  client max in flight %s  max streaming %s  requests sent within %s ms\n' \
  "$max_in_flight" "$(q .max_streaming)" "$(q .send_spread_ms)"
printf '  duration ms  p50 %s  p99 %s  max %s  (min %s)\n' \
  "$(q .duration_ms.p50)" "$(q .duration_ms.p99)" "$(q .duration_ms.max)" "$(q .duration_ms.min)"
printf '  1st delta ms p50 %s  p99 %s  max %s  (headers p50 %s  p99 %s)\n' "$(q .first_delta_ms.p50)" "$(q .first_delta_ms.p99)" "$(q .first_delta_ms.max)" \
  "$(q .headers_ms.p50)" "$(q .headers_ms.p99)"
printf '  fake         streams %s  completed %s  client_disconnected %s  max concurrent %s  arrivals within %s s\n' \
  "$fake_streams" "$fake_completed" "$fake_disconnected" "$fake_max" "$(q .fake.arrival_spread_s)"
printf '  threads      max %s (bound %s)  idle %s  after %s  (%s samples)\n' \
  "$max_threads" "$thread_bound" "$idle_threads" "$end_threads" "$n_samples"
printf '  memory MiB   peak RSS %s%s  max sampled RSS %s  after %s  idle %s (idle peak %s, registration)\n' \
  "$(mib "$peak_kib")" "$([[ $hwm_reset == true ]] && echo ' (VmHWM since the run began)' || echo ' (sampled: VmHWM could not be reset)')" \
  "$(mib "$max_rss_kib")" "$(mib "$end_rss_kib")" "$(mib "$idle_rss_kib")" "$(mib "$idle_hwm_kib")"
printf '  returned     RSS %s MiB %s s after the last stream (%s KiB per stream at the peak, above idle)\n' \
  "$(mib "$settled_kib")" "$settled_after_s" "$(awk -v k="$growth_kib" -v n="$streams" 'BEGIN { printf "%.1f", k / n }')"
printf '  cpu seconds  server %s  client %s  fake %s  other %s  over %s s (streams: %s s from the first request to the last byte)\n' \
  "$cpu_server_s" "$cpu_client_s" "$cpu_fake_s" "$cpu_other_s" "$run_s" "$(q .run_s)"
printf '  cpu/s        server  %s  (cores used in each second from the first sample)\n' "$cpu_timeline"
printf '               fake    %s\n' "$fake_timeline"
printf '               machine %s  (of %s)\n' "$machine_timeline" "$(nproc)"
printf '  server log   %s warnings, %s errors; exit %s; %s users registered in %s s\n' \
  "$log_warnings" "$log_errors" "$server_rc" "$users" "$register_s"
for check in "${checks[@]}"; do echo "  FAILED: $check"; done
if ((log_warnings + log_errors > 0)); then
  echo "  log excerpt:"
  # Grouped without the fields that differ on every line (time, latency, request id).
  grep -E '"level":"(warn|error)"' "$SERVER_LOG" |
    sed -E 's/"time":"[^"]*",//; s/,?"(latency_ms|request_id|attempt)":("[^"]*"|[0-9]+)//g' |
    sort | uniq -c | sort -rn | head -n 8 | cut -c1-300 | sed 's/^/    /'
fi

json=$(jq -c --arg date "$date" --arg commit "$commit" --argjson dirty "$dirty" --argjson stale "$stale" \
  --argjson ok "$ok" --argjson nproc "$(nproc)" --argjson duration_ms "$duration_ms" --argjson chunks "$chunks" \
  --argjson max_threads "$max_threads" --argjson thread_bound "$thread_bound" --argjson idle_threads "$idle_threads" \
  --argjson peak_rss_mib "$(mib "$peak_kib")" --argjson max_sampled_rss_mib "$(mib "$max_rss_kib")" \
  --argjson end_rss_mib "$(mib "$end_rss_kib")" --argjson idle_rss_mib "$(mib "$idle_rss_kib")" \
  --argjson settled_rss_mib "$(mib "$settled_kib")" --argjson settled_after_s "$settled_after_s" \
  --argjson idle_peak_rss_mib "$(mib "$idle_hwm_kib")" --argjson hwm_reset "$hwm_reset" \
  --argjson cpu_server_s "$cpu_server_s" --argjson cpu_client_s "$cpu_client_s" --argjson cpu_fake_s "$cpu_fake_s" \
  --argjson cpu_other_s "$cpu_other_s" --argjson run_s "$run_s" --argjson server_exit "$server_rc" \
  --argjson cpu_timeline "[${cpu_timeline// /,}]" --argjson fake_timeline "[${fake_timeline// /,}]" \
  --argjson machine_timeline "[${machine_timeline// /,}]" --argjson log_warnings "$log_warnings" --argjson log_errors "$log_errors" --arg binary "$bin" \
  '{bench: "chat_streams", ok: $ok, date: $date, commit: $commit, dirty: $dirty, stale_binary: $stale,
    binary: $binary, nproc: $nproc, streams: .streams, users: .users, duration_ms: $duration_ms, chunks: $chunks,
    started: .started, completed: .completed, failed: .failed, failures: .failures,
    max_in_flight: .max_in_flight, max_streaming: .max_streaming, streams_run_s: .run_s,
    stream_ms: .duration_ms, headers_ms: .headers_ms, first_delta_ms: .first_delta_ms,
    fake: .fake, max_threads: $max_threads, thread_bound: $thread_bound, idle_threads: $idle_threads,
    peak_rss_mib: $peak_rss_mib, peak_is_vmhwm: $hwm_reset, max_sampled_rss_mib: $max_sampled_rss_mib,
    end_rss_mib: $end_rss_mib, settled_rss_mib: $settled_rss_mib, settled_after_s: $settled_after_s, idle_rss_mib: $idle_rss_mib, idle_peak_rss_mib: $idle_peak_rss_mib,
    cpu_server_s: $cpu_server_s, cpu_client_s: $cpu_client_s, cpu_fake_s: $cpu_fake_s, cpu_other_s: $cpu_other_s,
    run_s: $run_s, server_cpu_per_second: $cpu_timeline,
    fake_cpu_per_second: $fake_timeline, machine_cpu_per_second: $machine_timeline, log_warnings: $log_warnings, log_errors: $log_errors, server_exit: $server_exit}' "$c")
echo "$json"
mkdir -p "$BENCH_DIR/results"
echo "$json" >>"$BENCH_DIR/results/chat_streams.jsonl"

((${#checks[@]} == 0)) || die "${#checks[@]} check(s) failed"
