#!/usr/bin/env bash
# Installs the Debian package on this machine and checks that it serves: meant for a bare Debian 12
# (../shared/tools/fresh-machine . -- scripts/check-deb-install.sh), as root. It builds the package
# (make deb), installs it with apt, checks the user, the secret and the unit, starts the server as
# the unit would (as `planetude`, with the packaged settings; a container has no systemd to do it),
# registers a student, then removes the package (the data stays) and purges it (the data goes).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "check-deb-install: run as root (it installs a package)" >&2; exit 2; }
say() { echo "check-deb-install: $*"; }

make deb
scripts/install-deps.sh package-tools
deb=$(ls build/release/planetude_*.deb | tail -n1)
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "./$deb"
say "installed $deb"

getent passwd planetude >/dev/null || { say "no planetude user"; exit 1; }
[ "$(stat -c '%U:%G %a' /etc/planetude/secret.env)" = "root:planetude 640" ] ||
  { say "secret.env: $(stat -c '%U:%G %a' /etc/planetude/secret.env)"; exit 1; }
grep -Eq '^JWT_SECRET=.{32,}$' /etc/planetude/secret.env || { say "no JWT secret"; exit 1; }
[ "$(stat -c '%U %a' /var/lib/planetude)" = "planetude 750" ] || { say "bad /var/lib/planetude"; exit 1; }
out=$(systemd-analyze verify /usr/lib/systemd/system/planetude.service 2>&1) || { echo "$out"; exit 1; }
[ -z "$out" ] || { echo "$out"; say "systemd-analyze verify printed warnings"; exit 1; }
say "user, secret, state folder and unit checked"

port=5057
# setpriv execs (runuser would stay in between and turn SIGTERM into a kill of its own).
setpriv --reuid=planetude --regid=planetude --init-groups env -i PATH=/usr/bin:/bin sh -c \
  "set -a; . /etc/planetude/planetude.env; . /etc/planetude/secret.env; PORT=$port; cd /var/lib/planetude; exec planetude serve" \
  >/tmp/planetude-deb.log 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat /tmp/planetude-deb.log; say "the server exited"; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data '{"email":"paquet@example.com","password":"motdepasse-solide-42","name":"Paquet"}' \
  "http://127.0.0.1:$port/api/auth/register")
[ "$code" = 201 ] || { cat /tmp/planetude-deb.log; say "register answered $code"; exit 1; }
kill -TERM "$server"
wait "$server" || { cat /tmp/planetude-deb.log; say "the server did not exit cleanly"; exit 1; }
[ "$(stat -c %U /var/lib/planetude/planetude.db)" = planetude ] || { say "database not owned by planetude"; exit 1; }
say "served: /healthz, /readyz, a registration; stopped cleanly"

# The backup command of docs/deploy.md, as the service's user.
setpriv --reuid=planetude --regid=planetude --init-groups sh -c 'set -a; . /etc/planetude/planetude.env; \
  . /etc/planetude/secret.env; cd /var/lib/planetude; planetude backup /var/lib/planetude/backup-check.db'
[ "$(stat -c %U /var/lib/planetude/backup-check.db)" = planetude ] || { say "no backup"; exit 1; }
say "backup made as the service's user"

apt-get remove -y -qq planetude
[ -f /var/lib/planetude/planetude.db ] || { say "remove deleted the data"; exit 1; }
apt-get purge -y -qq planetude
[ ! -e /var/lib/planetude ] && ! getent passwd planetude >/dev/null || { say "purge left data or the user"; exit 1; }
say "removed (data kept), purged (data and user gone): all good"
