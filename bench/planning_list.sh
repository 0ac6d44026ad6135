#!/usr/bin/env bash
# Load benchmark of GET /api/planning?limit=20: the app's main read. One user owns 20 plannings of
# 10 sessions each, and every request returns all of them (one page of 20 plannings, 200 sessions):
# JWT check, a paged SQLite query on the plannings plus their sessions, and ~40 KiB of JSON out.
#
#   bench/planning_list.sh
#   DURATION=30 bench/planning_list.sh      # longer run
#   PLANETUDE_BIN=build/dev/planetude CONNECTIONS=16 bench/planning_list.sh
#   READ=one bench/planning_list.sh           # GET /api/planning/:id, one planning of 10 sessions
#   READ=not_modified bench/planning_list.sh  # the list with If-None-Match: its ETag (all 304)
#   ALLOCATOR=mimalloc bench/planning_list.sh # the server with another malloc (lib.sh)
#
# Builds the release preset first when build/release/planetude is missing or older than src/
# (unless PLANETUDE_BIN is set). Prints a short report and appends one JSON line to
# bench/results/<planning_list|planning_get|planning_list_304>.jsonl. Exits non-zero if any request failed or the server did not
# exit cleanly.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${DURATION:-15}
warmup=${WARMUP:-3}
threads=${THREADS:-2}
connections=${CONNECTIONS:-64}
plannings=20
sessions_per_planning=10
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk, or make deps)"
command -v jq >/dev/null || die "jq is not installed (apt-get install jq)"

ensure_binary

# shellcheck disable=SC2119 # no extra server settings here
start_server
token=$(register_user "bench-$$@example.com")
auth="Authorization: Bearer $token"

# The data: plannings of one week each (periode "semaine"), on consecutive weeks from Monday
# 2026-01-05, with 10 one-hour sessions (two a day, Monday to Friday, 08:00 and 10:00 UTC: inside
# the week in any time zone the user could have, and never overlapping).
subjects=(Maths Physique Chimie Histoire Anglais)
for ((p = 0; p < plannings; p++)); do
  week=$(date -u -d "2026-01-05 +$((7 * p)) days" +%F)
  body="{\"periode\":\"semaine\",\"titre\":\"Semaine $((p + 1))\",\"dateDebut\":\"$week\",\"sessions\":["
  for ((s = 0; s < sessions_per_planning; s++)); do
    day=$(date -u -d "$week +$((s / 2)) days" +%F)
    hour=$((8 + 2 * (s % 2)))
    ((s == 0)) || body+=,
    body+=$(printf '{"matiere":"%s","debut":"%sT%02d:00:00Z","fin":"%sT%02d:00:00Z"}' \
      "${subjects[s % ${#subjects[@]}]}" "$day" "$hour" "$day" "$((hour + 1))")
  done
  body+="]}"
  status=$(curl -sS -o "$BENCH_TMP/created.json" -w '%{http_code}' -X POST "$BASE_URL/api/planning" \
    -H "$auth" -H 'Content-Type: application/json' --data "$body")
  [[ $status == 201 ]] || die "POST /api/planning answered $status: $(cat "$BENCH_TMP/created.json")"
done

url="$BASE_URL/api/planning?limit=$plannings"
# One checked request first, so a broken route or a wrong data set fails here with its body rather
# than as a count: the page must hold every planning, each with all its sessions.
status=$(curl -sS -o "$BENCH_TMP/list.json" -w '%{http_code}' -H "$auth" "$url")
[[ $status == 200 ]] || die "GET /api/planning answered $status: $(cat "$BENCH_TMP/list.json")"
jq -e --argjson n "$plannings" --argjson s "$sessions_per_planning" \
  '(.items | length) == $n and all(.items[]; (.sessions | length) == $s)' "$BENCH_TMP/list.json" >/dev/null ||
  die "GET /api/planning did not return $plannings plannings of $sessions_per_planning sessions: $(head -c 2000 "$BENCH_TMP/list.json")"
response_bytes=$(wc -c <"$BENCH_TMP/list.json")

# READ picks what is loaded: the list (default), one planning of it (10 sessions), or the list
# revalidated (If-None-Match with its current ETag: every answer a 304 with no body).
wrk_headers=()
case ${READ:-list} in
  list) name=planning_list ;;
  one)
    name=planning_get
    url="$BASE_URL/api/planning/$(jq -r '.items[0]._id' "$BENCH_TMP/list.json")"
    status=$(curl -sS -o "$BENCH_TMP/one.json" -w '%{http_code}' -H "$auth" "$url")
    [[ $status == 200 ]] || die "GET one planning answered $status: $(cat "$BENCH_TMP/one.json")"
    jq -e --argjson s "$sessions_per_planning" '(.sessions | length) == $s' "$BENCH_TMP/one.json" >/dev/null ||
      die "GET one planning did not return its $sessions_per_planning sessions"
    response_bytes=$(wc -c <"$BENCH_TMP/one.json")
    ;;
  not_modified)
    name=planning_list_304
    etag=$(curl -sS -D - -o /dev/null -H "$auth" "$url" | sed -n 's/^etag: *//Ip' | tr -d '\r')
    [[ -n $etag ]] || die "GET /api/planning carries no ETag"
    wrk_headers=(-H "If-None-Match: $etag")
    status=$(curl -sS -o /dev/null -w '%{http_code}' -H "$auth" "${wrk_headers[@]}" "$url")
    [[ $status == 304 ]] || die "GET /api/planning with If-None-Match: $etag answered $status, not 304"
    response_bytes=0
    ;;
  *) die "READ must be list, one or not_modified (not $READ)" ;;
esac
# Argon2id hashing at registration (19 MiB) sets the peak before any load: kept apart so a change
# of the peak under load can be told from it.
rss_start_kib=$(proc_status VmRSS)
hwm_start_kib=$(proc_status VmHWM)

# The warm-up fills SQLite's cache and the allocator's pools and opens wrk's connections once,
# so the measured run does not include start-up effects.
wrk -t"$threads" -c"$connections" -d"${warmup}s" -H "$auth" "${wrk_headers[@]}" -s "$BENCH_DIR/report.lua" "$url" \
  >"$BENCH_TMP/warmup.txt"
declare -A w=()
read_report "$BENCH_TMP/warmup.txt" w
((w[errors] == 0)) || { cat "$BENCH_TMP/warmup.txt" >&2; die "the warm-up had ${w[errors]} failed requests"; }

# CPU used during the run by the server, by wrk and by everything else: wrk and the server share
# the cores, and "other" shows whether a build or a test suite was running alongside.
t0=${EPOCHREALTIME/[.,]/} busy0=$(machine_busy_ticks) srv0=$(stat_ticks "$SERVER_PID" self) kids0=$(stat_ticks $$ children)
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "$auth" "${wrk_headers[@]}" -s "$BENCH_DIR/report.lua" "$url" \
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

printf '%s  %s  %s%s%s  nproc=%s  db=%s  malloc=%s  wrk -t%s -c%s -d%ss\n' "$name" "$date" "$commit" \
  "$([[ $dirty == true ]] && echo ' (dirty)')" "$([[ $stale == true ]] && echo ' (binary older than src/)')" \
  "$cores" "${DATABASE:-sqlite}" "${ALLOCATOR:-as-built}" "$threads" "$connections" "$duration"
printf '  requests/s   %s  (%s requests; %s plannings x %s sessions, %s bytes a response)\n' \
  "${r[rps]}" "${r[requests]}" "$plannings" "$sessions_per_planning" "$response_bytes"
printf '  latency ms   p50 %s  p90 %s  p99 %s  max %s\n' "${r[p50_ms]}" "${r[p90_ms]}" "${r[p99_ms]}" "${r[max_ms]}"
printf '  errors       %s  (non-2xx %s, socket %s)\n' "${r[errors]}" "${r[non2xx]}" "${r[socket_errors]}"
printf '  cpu (cores)  server %s  wrk %s  other %s  (server %s us/request)\n' \
  "$cpu_server" "$cpu_wrk" "$cpu_other" "$server_us"
printf '  server       RSS %s MiB  peak RSS %s MiB  threads %s\n' "$rss_mib" "$hwm_mib" "$server_threads"
printf '  idle         RSS %s MiB  peak RSS %s MiB  (before wrk, after registering and seeding)\n' \
  "$rss_start_mib" "$hwm_start_mib"

mkdir -p "$BENCH_DIR/results"
printf '{"bench":"%s","ok":%s,"database":"%s","date":"%s","commit":"%s","dirty":%s,"stale_binary":%s,"nproc":%s,"allocator":"%s","wrk_threads":%s,"connections":%s,"duration_s":%s,"plannings":%s,"sessions_per_planning":%s,"response_bytes":%s,"requests":%s,"rps":%s,"p50_ms":%s,"p90_ms":%s,"p99_ms":%s,"max_ms":%s,"errors":%s,"non2xx":%s,"socket_errors":%s,"rss_mib":%s,"peak_rss_mib":%s,"idle_rss_mib":%s,"idle_peak_rss_mib":%s,"server_threads":%s,"cpu_server":%s,"cpu_wrk":%s,"cpu_other":%s,"server_cpu_us_per_request":%s,"server_exit":%s}\n' \
  "$name" "$ok" "${DATABASE:-sqlite}" "$date" "$commit" "$dirty" "$stale" "$cores" "${ALLOCATOR:-as-built}" "$threads" "$connections" "${r[duration_s]}" \
  "$plannings" "$sessions_per_planning" "$response_bytes" "${r[requests]}" \
  "${r[rps]}" "${r[p50_ms]}" "${r[p90_ms]}" "${r[p99_ms]}" "${r[max_ms]}" \
  "${r[errors]}" "${r[non2xx]}" "${r[socket_errors]}" "$rss_mib" "$hwm_mib" "$rss_start_mib" "$hwm_start_mib" \
  "$server_threads" "$cpu_server" "$cpu_wrk" "$cpu_other" "$server_us" "$server_rc" >>"$BENCH_DIR/results/$name.jsonl"

if ((server_rc != 0)); then
  tail -n 20 "$SERVER_LOG" >&2
  die "the server exited with status $server_rc"
fi
((r[errors] == 0)) || die "${r[errors]} requests failed"
