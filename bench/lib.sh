# shellcheck shell=bash
# Shared helpers for the bench/*.sh scripts. Source it; it defines functions and a few variables
# (BENCH_ROOT, BENCH_TMP, SERVER_PID, SERVER_PORT, SERVER_LOG, BASE_URL, BENCH_CHILD_PIDS) and
# installs an EXIT trap that stops the server (and the processes listed in BENCH_CHILD_PIDS) and
# removes the temporary folder, whatever way the script ends.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(dirname "$BENCH_DIR")
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/planetude-bench.XXXXXX")
SERVER_PID=
SERVER_PORT=
SERVER_LOG=$BENCH_TMP/server.log
BASE_URL=
# Other background processes a script starts (a fake provider, a sampler): stopped at exit.
BENCH_CHILD_PIDS=()

# A throwaway secret: every run starts from an empty database, so no token outlives it.
BENCH_JWT_SECRET=bench-secret-0123456789abcdef0123456789abcdef

bench_cleanup() {
  local rc=$?
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # Give the graceful shutdown a moment, then make sure nothing is left behind.
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [[ -z ${BENCH_PG_DIR:-} ]] || "$BENCH_ROOT/scripts/pg-test-server.sh" stop "$BENCH_PG_DIR" || true
  local pid
  for pid in "${BENCH_CHILD_PIDS[@]}"; do
    if kill -TERM "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$BENCH_TMP"
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "bench: $*" >&2; exit 1; }

# The binary: $PLANETUDE_BIN, absolute or relative to the repo root, so the scripts work from any folder.
bench_binary() {
  local bin=${PLANETUDE_BIN:-build/release/planetude}
  [[ $bin == /* ]] || bin=$BENCH_ROOT/$bin
  [[ -x $bin ]] || die "no server binary at $bin (build it: make build-release, or set PLANETUDE_BIN)"
  echo "$bin"
}

# Sets `bin` (the binary, as bench_binary) and `stale` (true when a file under src/ is newer).
# The default binary is rebuilt when it is missing or older than the sources, so the figures are
# those of the tree. An explicit PLANETUDE_BIN is used as it is (and flagged when stale).
# shellcheck disable=SC2034 # bin and stale are for the calling script
ensure_binary() {
  local built=false release_bin
  if [[ -z ${PLANETUDE_BIN:-} ]]; then
    release_bin=$BENCH_ROOT/build/release/planetude
    if [[ ! -x $release_bin ||
      -n $(find "$BENCH_ROOT/src" "$BENCH_ROOT/CMakeLists.txt" -newer "$release_bin" -print -quit) ]]; then
      echo "bench: building the release preset (build/release/planetude is missing or older than src/)" >&2
      # The configure step's output (CMake's warnings included) is shown only when it fails.
      (cd "$BENCH_ROOT" && cmake --preset release) >"$BENCH_TMP/configure.log" 2>&1 ||
        { cat "$BENCH_TMP/configure.log" >&2; die "cmake --preset release failed"; }
      (cd "$BENCH_ROOT" && cmake --build --preset release) >&2 || die "the release build failed"
      built=true
    fi
  fi
  bin=$(bench_binary)
  stale=false
  if [[ $built == false ]]; then
    [[ -z $(find "$BENCH_ROOT/src" "$BENCH_ROOT/CMakeLists.txt" -newer "$bin" -print -quit) ]] || stale=true
  fi
}

# Port of a TCP socket in LISTEN state owned by process $1, read from the kernel's tables.
# Needed because the `listening` log line is written at info level, and benchmarks run at warn.
listening_port_of() {
  local pid=$1 fd link inodes=() hex
  for fd in /proc/"$pid"/fd/*; do
    link=$(readlink "$fd" 2>/dev/null) || continue
    if [[ $link == socket:\[*\] ]]; then inodes+=("${link//[^0-9]/}"); fi
  done
  ((${#inodes[@]})) || return 1
  # Columns: sl local_address rem_address st ... inode (10th); state 0A is LISTEN.
  hex=$(awk -v want=" ${inodes[*]} " \
    'FNR > 1 && $4 == "0A" && index(want, " " $10 " ") { n = split($2, a, ":"); print a[n]; exit }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  [[ -n $hex ]] || return 1
  echo $((16#$hex))
}

# Starts the server on a fresh SQLite file with PORT=0 and waits until /healthz answers.
# Extra VAR=value arguments are added to its environment; variables already exported by the caller
# (IO_THREADS, DB_THREADS, ...) are passed through, so they can be varied from the command line.
# ALLOCATOR=glibc|jemalloc|mimalloc runs the server (only the server) with that malloc preloaded,
# from Debian's libc6 / libjemalloc2 / libmimalloc2.0; unset, it uses the malloc the binary was built
# with (jemalloc when libjemalloc-dev was installed, see CMakeLists.txt; its start-up log says).
allocator_preload() {
  case ${ALLOCATOR:-as-built} in
    as-built) ;;
    glibc) echo /lib/x86_64-linux-gnu/libc.so.6 ;;
    jemalloc) echo /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ;;
    mimalloc) echo /usr/lib/x86_64-linux-gnu/libmimalloc.so.2 ;;
    *) die "ALLOCATOR must be glibc, jemalloc or mimalloc (not ${ALLOCATOR})" ;;
  esac
}

# DATABASE=postgres: the server runs on a PostgreSQL 15 started for the run in $BENCH_TMP
# (scripts/pg-test-server.sh, with fsync on: each acknowledged write is on disk, as SQLite's
# synchronous=FULL makes it), stopped at exit, reached over loopback TCP (PG_SOCKET=1: its Unix
# socket). Default: SQLite in $BENCH_TMP.
BENCH_PG_DIR=
BENCH_DATABASE_URL=
bench_prepare_database() {
  [[ -z $BENCH_DATABASE_URL ]] || return 0
  case ${DATABASE:-sqlite} in
    sqlite) BENCH_DATABASE_URL="sqlite:$BENCH_TMP/planetude.db" ;;
    postgres)
      BENCH_PG_DIR=$BENCH_TMP/pg
      chmod 755 "$BENCH_TMP"  # the server runs as nobody when the bench runs as root
      FSYNC=on "$BENCH_ROOT/scripts/pg-test-server.sh" start "$BENCH_PG_DIR" >/dev/null ||
        die "PostgreSQL did not start (scripts/install-deps.sh installs postgresql-15)"
      # PG_SOCKET=1: through the Unix socket rather than loopback TCP.
      BENCH_DATABASE_URL=$(cat "$BENCH_PG_DIR/$([[ ${PG_SOCKET:-0} == 1 ]] && echo socket-conninfo || echo conninfo)")
      ;;
    *) die "DATABASE must be sqlite or postgres (got '$DATABASE')" ;;
  esac
}

start_server() {
  local bin preload
  bin=$(bench_binary)
  bench_prepare_database
  preload=$(allocator_preload)
  [[ -z $preload || -e $preload ]] || die "ALLOCATOR=$ALLOCATOR: $preload is missing (scripts/install-deps.sh installs them)"
  # cwd is the temporary folder so that a developer's .env in the repo root is not read.
  (cd "$BENCH_TMP" && exec env \
    HOST=127.0.0.1 PORT=0 \
    DATABASE_URL="$BENCH_DATABASE_URL" \
    JWT_SECRET="$BENCH_JWT_SECRET" \
    APP_ENV=development \
    LOG_LEVEL="${LOG_LEVEL:-warn}" \
    ${preload:+LD_PRELOAD="$preload"} \
    "$@" "$bin" serve) >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!

  local deadline=$((SECONDS + 30))
  while [[ -z $SERVER_PORT ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "the server exited during start-up"; }
    ((SECONDS < deadline)) || { cat "$SERVER_LOG" >&2; die "the server did not start listening within 30 s"; }
    # The log line when it is there (LOG_LEVEL=info or debug), otherwise the kernel's socket table.
    SERVER_PORT=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$SERVER_LOG" | head -n1)
    [[ -n $SERVER_PORT ]] || SERVER_PORT=$(listening_port_of "$SERVER_PID" || true)
    [[ -n $SERVER_PORT ]] || sleep 0.05
  done
  BASE_URL=http://127.0.0.1:$SERVER_PORT

  until curl -fsS -o /dev/null "$BASE_URL/healthz" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "the server exited before /healthz answered"; }
    ((SECONDS < deadline)) || die "/healthz did not answer within 30 s"
    sleep 0.05
  done
}

# Sends SIGTERM, waits for the graceful shutdown and returns the server's exit status.
stop_server() {
  local rc=0
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=
  return "$rc"
}

# Registers a user and prints its bearer token.
register_user() {
  local email=$1 body token
  body=$(curl -fsS -X POST "$BASE_URL/api/auth/register" \
    -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"bench-password-123\",\"name\":\"Bench User\"}") ||
    die "registering $email failed"
  # A JWT is base64url text with dots: it cannot contain a quote, so sed is enough here.
  token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$body")
  [[ -n $token ]] || die "no token in the register response: $body"
  echo "$token"
}

# Prints one field of /proc/<server>/status (VmRSS, VmHWM, Threads...), numbers only.
proc_status() {
  awk -v key="$1:" '$1 == key { print $2; exit }' "/proc/$SERVER_PID/status"
}

# CPU accounting, in clock ticks (getconf CLK_TCK), to tell who used the machine during a run.
# Busy time of the whole machine: user + nice + system + irq + softirq + steal from /proc/stat.
machine_busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# Field $2 of /proc/<pid>/stat after the "(comm)" part: 12 = utime, 13 = stime, 14 = cutime, 15 = cstime
# (fields 14-17 of proc(5)). cutime/cstime count the children already waited for, e.g. a finished wrk.
stat_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  awk -v kind="$2" '{ print kind == "self" ? $12 + $13 : $14 + $15 }' <<<"$stat"
}

kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Reads the "bench <key> <value>" lines printed by report.lua from file $1 into the associative
# array named $2.
read_report() {
  local -n into=$2
  local tag key value
  while read -r tag key value; do
    # shellcheck disable=SC2004 # an associative array: the $ is needed
    if [[ $tag == bench ]]; then into[$key]=$value; fi
  done <"$1"
  [[ -n ${into[requests]:-} ]] || { cat "$1" >&2; die "wrk printed no report"; }
}

# Samples the server every $2 seconds into file $1, one line each: seconds since the epoch
# (EPOCHREALTIME), Threads, VmRSS and VmHWM (KiB), utime + stime (clock ticks), machine busy ticks. Runs in the
# background (bash builtins only between the sleeps) until the server exits or the caller kills
# it: `start_sampler FILE 0.1; sampler_pid=$!`.
start_sampler() { sample_proc "$SERVER_PID" "$2" >"$1" 2>/dev/null & }

# The loop of start_sampler: process $1, every $2 seconds, until the process is gone. Each line
# has a sixth column: the busy ticks of the whole machine (as machine_busy_ticks).
sample_proc() {
  local pid=$1 interval=$2 status stat threads rss hwm fields cpu
  # Sets variable $2 to the digits of the status line that starts with "$1:".
  field() { local v=${status#*$'\n'"$1":}; v=${v%%$'\n'*}; printf -v "$2" '%s' "${v//[!0-9]/}"; }
  while [[ -r /proc/$pid/status ]]; do
    # Each file is read whole, sequentially (`read -d ''` reads up to the end). Reading it line by
    # line (`while read`) makes bash seek back after each line, and /proc then regenerates the
    # text, so a line can come out cut when the figures change in between (seen under load: a
    # sample whose Threads field was missing).
    IFS= read -r -d '' status <"/proc/$pid/status" || true
    IFS= read -r -d '' stat <"/proc/$pid/stat" || true
    field Threads threads
    field VmRSS rss
    field VmHWM hwm
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    # After "(comm) ": index 11 = utime, 12 = stime (fields 14 and 15 of proc(5)).
    read -r -a cpu </proc/stat
    if [[ -n $threads && -n $rss && -n $hwm && ${#fields[@]} -gt 12 ]]; then
      echo "$EPOCHREALTIME $threads $rss $hwm $((fields[11] + fields[12])) $((cpu[1] + cpu[2] + cpu[3] + cpu[6] + cpu[7] + cpu[8]))"
    fi
    sleep "$interval"
  done
}

# Resets the server's VmHWM to its current RSS (writing 5 to /proc/<pid>/clear_refs, Linux 4.0+),
# so that a later VmHWM is the peak of what follows rather than of start-up or registration.
# Returns non-zero where the kernel does not allow it.
reset_peak_rss() { echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null; }

# Cores used in each whole second from the first line of sample file $1 (as start_sampler writes
# it), from the ticks in column $2 (5: the process, 6: the whole machine), space-separated.
per_second_cores() {
  awk -v hz="$(getconf CLK_TCK)" -v col="$2" 'NR == 1 { t0 = $1; base = $col }
    { s = int($1 - t0); at[s] = $col; if (s > last) last = s }
    END { prev = base; for (i = 0; i <= last; i++) { if (i in at) { v = (at[i] - prev) / hz; prev = at[i] } else v = 0
            printf "%s%.2f", (i ? " " : ""), v } }' "$1"
}
