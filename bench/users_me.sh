#!/usr/bin/env bash
# Load benchmark of GET /api/users/me: the cheapest authenticated route (JWT check, one SQLite
# read by primary key, JSON out), so it measures the fixed cost every API request pays.
#
#   bench/users_me.sh                  # or `make bench` from the repo root
#   DURATION=30 bench/users_me.sh      # longer run
#   PLANETUDE_BIN=build/dev/planetude CONNECTIONS=16 bench/users_me.sh
#
# Prints a short report and appends one JSON line to bench/results/users_me.jsonl.
# Exits non-zero if any request failed or the server did not exit cleanly.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${DURATION:-15}
warmup=${WARMUP:-3}
threads=${THREADS:-2}
connections=${CONNECTIONS:-64}
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk, or make deps)"

# The commit recorded below is the tree's, not the binary's: say so when the binary is older
# than the sources (when run directly rather than through `make bench`, which rebuilds first).
bin=$(bench_binary)
stale=false
[[ -z $(find "$BENCH_ROOT/src" "$BENCH_ROOT/CMakeLists.txt" -newer "$bin" -print -quit) ]] || stale=true

# shellcheck disable=SC2119 # no extra server settings here
start_server
token=$(register_user "bench-$$@example.com")
auth="Authorization: Bearer $token"
url=$BASE_URL/api/users/me

# One checked request first, so a broken route fails here with its body rather than as a count.
status=$(curl -sS -o "$BENCH_TMP/me.json" -w '%{http_code}' -H "$auth" "$url")
[[ $status == 200 ]] || die "GET /api/users/me answered $status: $(cat "$BENCH_TMP/me.json")"
# Argon2id hashing at registration (19 MiB) sets the peak before any load: kept apart so a change
# of the peak under load can be told from it.
rss_start_kib=$(proc_status VmRSS)
hwm_start_kib=$(proc_status VmHWM)

# The warm-up fills SQLite's cache and the allocator's pools and opens wrk's connections once,
# so the measured run does not include start-up effects.
wrk -t"$threads" -c"$connections" -d"${warmup}s" -H "$auth" -s "$BENCH_DIR/report.lua" "$url" \
  >"$BENCH_TMP/warmup.txt"
declare -A w=()
read_report "$BENCH_TMP/warmup.txt" w
((w[errors] == 0)) || { cat "$BENCH_TMP/warmup.txt" >&2; die "the warm-up had ${w[errors]} failed requests"; }

# CPU used during the run by the server, by wrk and by everything else: wrk and the server share
# the cores, and "other" shows whether a build or a test suite was running alongside.
t0=${EPOCHREALTIME/[.,]/} busy0=$(machine_busy_ticks) srv0=$(stat_ticks "$SERVER_PID" self) kids0=$(stat_ticks $$ children)
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "$auth" -s "$BENCH_DIR/report.lua" "$url" \
  >"$BENCH_TMP/wrk.txt"
t1=${EPOCHREALTIME/[.,]/} busy1=$(machine_busy_ticks) srv1=$(stat_ticks "$SERVER_PID" self) kids1=$(stat_ticks $$ children)
declare -A r=()
read_report "$BENCH_TMP/wrk.txt" r

# Sampled once wrk has closed its connections: VmRSS is what the server keeps after a burst of
# load, VmHWM the peak reached during it.
kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "the server died during the run"; }
rss_kib=$(proc_status VmRSS)
hwm_kib=$(proc_status VmHWM)
server_threads=$(proc_status Threads)

server_rc=0
stop_server || server_rc=$?

rss_mib=$(kib_to_mib "$rss_kib")
hwm_mib=$(kib_to_mib "$hwm_kib")
rss_start_mib=$(kib_to_mib "$rss_start_kib")
hwm_start_mib=$(kib_to_mib "$hwm_start_kib")
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
# Read-only check: the tree is often being edited, and a figure from uncommitted code should say so.
dirty=false
git -C "$BENCH_ROOT" diff --quiet HEAD -- 2>/dev/null || dirty=true
cores=$(nproc)
# In cores (CPU seconds per second of the run); server_us is the server's CPU time per request,
# which moves less than requests/s when something else shares the machine.
read -r cpu_server cpu_wrk cpu_other server_us < <(awk -v hz="$(getconf CLK_TCK)" -v s="$(((t1 - t0) / 1000))e-3" \
  -v busy=$((busy1 - busy0)) -v srv=$((srv1 - srv0)) -v wrk=$((kids1 - kids0)) -v n="${r[requests]}" \
  'BEGIN { o = busy - srv - wrk; if (o < 0) o = 0
           printf "%.2f %.2f %.2f %.1f\n", srv / hz / s, wrk / hz / s, o / hz / s, srv / hz / n * 1e6 }')
# Failed runs are recorded too (with ok=false), so a regression that breaks requests leaves a trace.
ok=true
((server_rc == 0 && r[errors] == 0)) || ok=false

printf 'users_me  %s  %s%s%s  nproc=%s  db=%s  malloc=%s  wrk -t%s -c%s -d%ss\n' "$date" "$commit" \
  "$([[ $dirty == true ]] && echo ' (dirty)')" "$([[ $stale == true ]] && echo ' (binary older than src/)')" \
  "$cores" "${DATABASE:-sqlite}" "${ALLOCATOR:-as-built}" "$threads" "$connections" "$duration"
printf '  requests/s   %s  (%s requests)\n' "${r[rps]}" "${r[requests]}"
printf '  latency ms   p50 %s  p90 %s  p99 %s  max %s\n' "${r[p50_ms]}" "${r[p90_ms]}" "${r[p99_ms]}" "${r[max_ms]}"
printf '  errors       %s  (non-2xx %s, socket %s)\n' "${r[errors]}" "${r[non2xx]}" "${r[socket_errors]}"
printf '  cpu (cores)  server %s  wrk %s  other %s  (server %s us/request)\n' \
  "$cpu_server" "$cpu_wrk" "$cpu_other" "$server_us"
printf '  server       RSS %s MiB  peak RSS %s MiB  threads %s\n' "$rss_mib" "$hwm_mib" "$server_threads"
printf '  idle         RSS %s MiB  peak RSS %s MiB  (before wrk, after registering)\n' "$rss_start_mib" "$hwm_start_mib"

mkdir -p "$BENCH_DIR/results"
printf '{"bench":"users_me","ok":%s,"database":"%s","date":"%s","commit":"%s","dirty":%s,"stale_binary":%s,"nproc":%s,"allocator":"%s","wrk_threads":%s,"connections":%s,"duration_s":%s,"requests":%s,"rps":%s,"p50_ms":%s,"p90_ms":%s,"p99_ms":%s,"max_ms":%s,"errors":%s,"non2xx":%s,"socket_errors":%s,"rss_mib":%s,"peak_rss_mib":%s,"idle_rss_mib":%s,"idle_peak_rss_mib":%s,"server_threads":%s,"cpu_server":%s,"cpu_wrk":%s,"cpu_other":%s,"server_cpu_us_per_request":%s,"server_exit":%s}\n' \
  "$ok" "${DATABASE:-sqlite}" "$date" "$commit" "$dirty" "$stale" "$cores" "${ALLOCATOR:-as-built}" "$threads" "$connections" "${r[duration_s]}" "${r[requests]}" \
  "${r[rps]}" "${r[p50_ms]}" "${r[p90_ms]}" "${r[p99_ms]}" "${r[max_ms]}" \
  "${r[errors]}" "${r[non2xx]}" "${r[socket_errors]}" "$rss_mib" "$hwm_mib" "$rss_start_mib" "$hwm_start_mib" \
  "$server_threads" "$cpu_server" "$cpu_wrk" "$cpu_other" "$server_us" "$server_rc" >>"$BENCH_DIR/results/users_me.jsonl"

if ((server_rc != 0)); then
  tail -n 20 "$SERVER_LOG" >&2
  die "the server exited with status $server_rc"
fi
((r[errors] == 0)) || die "${r[errors]} requests failed"
