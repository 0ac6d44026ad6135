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
# Where the server's files live: DIR itself, or, when `nobody` cannot reach DIR (a checkout under
# /root), a folder of its own under /tmp that DIR/home points to. DIR/conninfo stays in DIR.
home="$dir"
if [ -L "$dir/home" ]; then
  home="$(readlink "$dir/home")"
elif [ ${#as_owner[@]} -gt 0 ] && ! "${as_owner[@]}" test -x "$(dirname "$dir")"; then
  home=""
fi
run() { (cd "$home" && "${as_owner[@]}" env HOME="$home" "$@"); }

case "$action" in
  start)
    if [ -n "$home" ] && [ -f "$home/data/postmaster.pid" ] && run "$bin/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
      cat "$dir/conninfo"
      exit 0
    fi
    [ ! -L "$dir/home" ] || rm -rf "$(readlink "$dir/home")"
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ -z "$home" ] || [ "$home" != "$dir" ]; then
      home="$(mktemp -d /tmp/planetude-pg.XXXXXX)"
      chmod 755 "$home"
      ln -s "$home" "$dir/home"
    fi
    mkdir -p "$home/socket"
    password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
    printf '%s\n' "$password" >"$home/pwfile"
    chmod 600 "$home/pwfile"
    [ ${#as_owner[@]} -eq 0 ] || chown -R nobody:nogroup "$home"
    run "$bin/initdb" -D "$home/data" -U planetude --pwfile="$home/pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C >"$home/initdb.log" 2>&1 ||
      { cat "$home/initdb.log" >&2; exit 1; }
    rm -f "$home/pwfile"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    fsync="${FSYNC:-off}"
    run "$bin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 \
      -o "-p $port -k $home/socket -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=$fsync -c shared_buffers=128MB" \
      start >/dev/null || { cat "$home/server.log" >&2; exit 1; }
    conninfo="host=127.0.0.1 port=$port user=planetude password=$password dbname=postgres"
    printf '%s\n' "$conninfo" >"$dir/conninfo"
    # The same server through its Unix socket (local connections are trusted): what a server on
    # the same machine as PostgreSQL would use.
    printf 'host=%s port=%s user=planetude dbname=postgres\n' "$home/socket" "$port" >"$dir/socket-conninfo"
    printf '%s\n' "$conninfo"
    ;;
  stop)
    if [ -n "$home" ] && [ -f "$home/data/postmaster.pid" ]; then
      run "$bin/pg_ctl" -D "$home/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    ;;
  *) usage ;;
esac
