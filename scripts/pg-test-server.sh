#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests and benchmarks: made with initdb in DIR, started
# with pg_ctl on a free loopback port, stopped and left in DIR for a look afterwards.
#
#   scripts/pg-test-server.sh start DIR   prints libpq settings for its superuser (also in DIR/conninfo;
#                                         DIR/socket-conninfo has them through the Unix socket)
#   scripts/pg-test-server.sh stop DIR
#
# PostgreSQL refuses to run as root: as root, the server runs as `nobody` (setpriv), and DIR is
# given to that user. Password authentication on TCP (SCRAM), so wrong passwords can be tested;
# the C locale, so text sorts by bytes as in SQLite. FSYNC=on keeps PostgreSQL's flushes (the
# benchmarks); the tests leave them off: durability against a killed PostgreSQL is not what they
# test (a killed planetude is, and there PostgreSQL's own memory keeps what it committed).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action="$1"
dir="$(realpath -m "$2")"

bin=""
for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/pg_ctl" ]; then bin="$candidate"; break; fi
done
[ -n "$bin" ] || { echo "pg-test-server: PostgreSQL is not installed (scripts/install-deps.sh installs postgresql-15)" >&2; exit 1; }

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
run() { (cd "$dir" && "${as_owner[@]}" env HOME="$dir" "$@"); }

case "$action" in
  start)
    if [ -f "$dir/data/postmaster.pid" ] && run "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      cat "$dir/conninfo"
      exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir/socket"
    password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
    printf '%s\n' "$password" >"$dir/pwfile"
    chmod 600 "$dir/pwfile"
    [ ${#as_owner[@]} -eq 0 ] || chown -R nobody:nogroup "$dir"
    run "$bin/initdb" -D "$dir/data" -U planetude --pwfile="$dir/pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    fsync="${FSYNC:-off}"
    run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=$fsync -c shared_buffers=128MB" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    conninfo="host=127.0.0.1 port=$port user=planetude password=$password dbname=postgres"
    printf '%s\n' "$conninfo" >"$dir/conninfo"
    # The same server through its Unix socket (local connections are trusted): what a server on
    # the same machine as PostgreSQL would use.
    printf 'host=%s port=%s user=planetude dbname=postgres\n' "$dir/socket" "$port" >"$dir/socket-conninfo"
    printf '%s\n' "$conninfo"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      run "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    ;;
  *) usage ;;
esac
