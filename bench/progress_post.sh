#!/usr/bin/env bash
# Load benchmark of POST /api/progress with a free entry ({"tempsEtudie": 30, "matiere": "Maths"}):
# the simplest write. JWT check, JSON in, one INSERT committed by SQLite (WAL, synchronous=FULL, so
# every answer waits for the log to be synced), JSON out. Every answer must be a 201, and afterwards
# the database must hold every entry wrk saw acknowledged, and no more than it sent.
#
#   bench/progress_post.sh
#   DURATION=30 bench/progress_post.sh      # longer run
#   PLANETUDE_BIN=build/dev/planetude CONNECTIONS=16 bench/progress_post.sh
#
# Builds the release preset first when build/release/planetude is missing or older than src/
# (unless PLANETUDE_BIN is set). Prints a short report and appends one JSON line to
# bench/results/progress_post.jsonl. Exits non-zero if any answer was not a 201, if the entries
# recorded do not match the 201s, or if the server did not exit cleanly.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${DURATION:-15}
warmup=${WARMUP:-3}
threads=${THREADS:-2}
connections=${CONNECTIONS:-64}
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk, or make deps)"
command -v jq >/dev/null || die "jq is not installed (apt-get install jq)"

ensure_binary

# shellcheck disable=SC2119 # no extra server settings here
start_server
token=$(register_user "bench-$$@example.com")
auth="Authorization: Bearer $token"
url=$BASE_URL/api/progress
script=$BENCH_DIR/progress_post.lua

# One checked request first, so a broken route fails here with its body rather than as a count.
# It records an entry too, counted below.
status=$(curl -sS -o "$BENCH_TMP/entry.json" -w '%{http_code}' -X POST "$url" \
  -H "$auth" -H 'Content-Type: application/json' --data '{"tempsEtudie": 30, "matiere": "Maths"}')
[[ $status == 201 ]] || die "POST /api/progress answered $status: $(cat "$BENCH_TMP/entry.json")"
jq -e '.tempsEtudie == 30 and .matiere == "Maths" and (._id | length) == 24' "$BENCH_TMP/entry.json" >/dev/null ||
  die "unexpected POST /api/progress answer: $(cat "$BENCH_TMP/entry.json")"
# Argon2id hashing at registration (19 MiB) sets the peak before any load: kept apart so a change
# of the peak under load can be told from it.
rss_start_kib=$(proc_status VmRSS)
hwm_start_kib=$(proc_status VmHWM)

# The warm-up fills SQLite's cache and the allocator's pools and opens wrk's connections once,
# so the measured run does not include start-up effects. Its entries count like the others.
wrk -t"$threads" -c"$connections" -d"${warmup}s" -H "$auth" -s "$script" "$url" >"$BENCH_TMP/warmup.txt"
declare -A w=()
read_report "$BENCH_TMP/warmup.txt" w
((w[not_201] + w[socket_errors] == 0)) || {
  cat "$BENCH_TMP/warmup.txt" >&2
  die "the warm-up had $((w[not_201] + w[socket_errors])) failed requests"
}

# CPU used during the run by the server, by wrk and by everything else: wrk and the server share
# the cores, and "other" shows whether a build or a test suite was running alongside.
t0=${EPOCHREALTIME/[.,]/} busy0=$(machine_busy_ticks) srv0=$(stat_ticks "$SERVER_PID" self) kids0=$(stat_ticks $$ children)
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "$auth" -s "$script" "$url" >"$BENCH_TMP/wrk.txt"
t1=${EPOCHREALTIME/[.,]/} busy1=$(machine_busy_ticks) srv1=$(stat_ticks "$SERVER_PID" self) kids1=$(stat_ticks $$ children)
declare -A r=()
read_report "$BENCH_TMP/wrk.txt" r
[[ -n ${r[created]:-} && -n ${r[sent]:-} ]] || { cat "$BENCH_TMP/wrk.txt" >&2; die "wrk printed no 201 count"; }
# Only a 201 is a success: wrk's own count (status >= 400) would take any other 2xx for one.
errors=$((r[not_201] + r[socket_errors]))

# Sampled once wrk has closed its connections: VmRSS is what the server keeps after a burst of
# load, VmHWM the peak reached during it.
kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "the server died during the run"; }
rss_kib=$(proc_status VmRSS)
hwm_kib=$(proc_status VmHWM)
server_threads=$(proc_status Threads)

# The entries the database holds, all made today (the default range is the last 30 days, so the
# list holds them all). Each wrk stops at the end of its -d with up to one request per connection
# in flight: the server may still record those, but wrk never reads their 201. So every 201 read
# must be recorded (none lost), and nothing beyond what was sent (none duplicated):
#   201s read (curl + warm-up + run)  <=  recorded  <=  requests sent (curl + warm-up + run).
# The server may still be finishing the last of them: count until two readings agree.
acknowledged=$((1 + w[created] + r[created]))
sent=$((1 + w[sent] + r[sent]))
recorded=
for _ in $(seq 20); do
  status=$(curl -sS -o "$BENCH_TMP/progress.json" -w '%{http_code}' -H "$auth" "$url")
  [[ $status == 200 ]] || die "GET /api/progress answered $status: $(head -c 2000 "$BENCH_TMP/progress.json")"
  count=$(jq '.entries | length' "$BENCH_TMP/progress.json")
  [[ $count != "$recorded" ]] || break
  recorded=$count
  sleep 0.2
done
in_flight=$((recorded - acknowledged))
count_ok=true
((acknowledged <= recorded && recorded <= sent)) || count_ok=false

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
((server_rc == 0 && errors == 0)) && [[ $count_ok == true ]] || ok=false

printf 'progress_post  %s  %s%s%s  nproc=%s  db=%s  malloc=%s  wrk -t%s -c%s -d%ss\n' "$date" "$commit" \
  "$([[ $dirty == true ]] && echo ' (dirty)')" "$([[ $stale == true ]] && echo ' (binary older than src/)')" \
  "$cores" "${DATABASE:-sqlite}" "${ALLOCATOR:-as-built}" "$threads" "$connections" "$duration"
printf '  requests/s   %s  (%s requests, %s of them 201)\n' "${r[rps]}" "${r[requests]}" "${r[created]}"
printf '  latency ms   p50 %s  p90 %s  p99 %s  max %s\n' "${r[p50_ms]}" "${r[p90_ms]}" "${r[p99_ms]}" "${r[max_ms]}"
printf '  errors       %s  (not 201 %s, of which 4xx/5xx %s; socket %s)\n' \
  "$errors" "${r[not_201]}" "${r[non2xx]}" "${r[socket_errors]}"
printf '  entries      %s recorded = %s 201s read + %s in flight at wrk'\''s stops (%s sent)  %s\n' \
  "$recorded" "$acknowledged" "$in_flight" "$sent" "$([[ $count_ok == true ]] && echo ok || echo MISMATCH)"
printf '  cpu (cores)  server %s  wrk %s  other %s  (server %s us/request)\n' \
  "$cpu_server" "$cpu_wrk" "$cpu_other" "$server_us"
printf '  server       RSS %s MiB  peak RSS %s MiB  threads %s\n' "$rss_mib" "$hwm_mib" "$server_threads"
printf '  idle         RSS %s MiB  peak RSS %s MiB  (before wrk, after registering)\n' "$rss_start_mib" "$hwm_start_mib"

mkdir -p "$BENCH_DIR/results"
printf '{"bench":"progress_post","ok":%s,"database":"%s","date":"%s","commit":"%s","dirty":%s,"stale_binary":%s,"nproc":%s,"allocator":"%s","wrk_threads":%s,"connections":%s,"duration_s":%s,"requests":%s,"rps":%s,"p50_ms":%s,"p90_ms":%s,"p99_ms":%s,"max_ms":%s,"errors":%s,"created":%s,"not_201":%s,"non2xx":%s,"socket_errors":%s,"entries_recorded":%s,"entries_acknowledged":%s,"requests_sent":%s,"entries_in_flight":%s,"entries_ok":%s,"rss_mib":%s,"peak_rss_mib":%s,"idle_rss_mib":%s,"idle_peak_rss_mib":%s,"server_threads":%s,"cpu_server":%s,"cpu_wrk":%s,"cpu_other":%s,"server_cpu_us_per_request":%s,"server_exit":%s}\n' \
  "$ok" "${DATABASE:-sqlite}" "$date" "$commit" "$dirty" "$stale" "$cores" "${ALLOCATOR:-as-built}" "$threads" "$connections" "${r[duration_s]}" "${r[requests]}" \
  "${r[rps]}" "${r[p50_ms]}" "${r[p90_ms]}" "${r[p99_ms]}" "${r[max_ms]}" \
  "$errors" "${r[created]}" "${r[not_201]}" "${r[non2xx]}" "${r[socket_errors]}" \
  "$recorded" "$acknowledged" "$sent" "$in_flight" "$count_ok" \
  "$rss_mib" "$hwm_mib" "$rss_start_mib" "$hwm_start_mib" \
  "$server_threads" "$cpu_server" "$cpu_wrk" "$cpu_other" "$server_us" "$server_rc" >>"$BENCH_DIR/results/progress_post.jsonl"

if ((server_rc != 0)); then
  tail -n 20 "$SERVER_LOG" >&2
  die "the server exited with status $server_rc"
fi
((errors == 0)) || die "$errors requests failed (not 201)"
[[ $count_ok == true ]] ||
  die "the database holds $recorded entries: expected between $acknowledged (201s read) and $sent (requests sent)"
