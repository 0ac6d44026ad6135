"""PlanÉtude on PostgreSQL: start-up refusals that name the problem in one line (malformed
DATABASE_URL, unreachable server, wrong password, newer schema) and change nothing; ten
`planetude migrate` at once migrate once (advisory lock); /readyz follows the database while it
goes away and comes back, without a restart. Runs in the PostgreSQL pass of the suite
(make test-api-postgres), against the server scripts/pg-test-server.sh started."""
import os
import re
import socket
import subprocess
import tempfile
import threading
import time

import pytest
import requests

from conftest import BIN, TEST_DATABASE, TEST_SECRET, new_user, postgres_admin_conninfo, postgres_sql
from waits import wait_until

pytestmark = pytest.mark.skipif(TEST_DATABASE != "postgres", reason="runs in the PostgreSQL pass")


def settings():
    """The admin conninfo as a dict (host, port, user, password, dbname)."""
    return dict(part.split("=", 1) for part in postgres_admin_conninfo().split())


def fresh_schema():
    name = "p_" + os.urandom(6).hex()
    postgres_sql(f"CREATE SCHEMA {name}")
    return name, f"{postgres_admin_conninfo()} options='-c search_path={name}'"


def run(args, database_url, timeout=30):
    with tempfile.TemporaryDirectory(prefix="planetude-pg-") as d:
        return run_in(d, args, database_url, timeout)


def run_in(d, args, database_url, timeout):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database_url, "JWT_SECRET": TEST_SECRET,
           "PORT": "0", "LOG_LEVEL": "info"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    return subprocess.run([BIN, *args], env=env, cwd=d, capture_output=True, text=True, timeout=timeout)


def refusal_line(done):
    """The one line a refused start printed on stderr."""
    assert done.returncode != 0, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr:\n{done.stderr}"
    assert '"listening"' not in done.stdout, "the server started anyway"
    return lines[0]


def test_malformed_url_is_named_without_its_password():
    done = run(["migrate"], "postgresql://eleve:mot-de-passe-secret@localhost:notaport/planetude")
    line = refusal_line(done)
    assert "DATABASE_URL" in line and "port" in line, line
    assert "mot-de-passe-secret" not in done.stdout + done.stderr


def test_unreachable_server_is_one_line():
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    done = run(["serve"], f"postgresql://planetude:mot-de-passe-secret@127.0.0.1:{port}/postgres")
    line = refusal_line(done)
    assert "PostgreSQL" in line and "refused" in line.lower(), line
    assert "mot-de-passe-secret" not in done.stdout + done.stderr
    assert time.monotonic() - started < 20


def test_wrong_password_is_one_line_and_not_repeated():
    s = settings()
    done = run(["serve"], f"postgresql://{s['user']}:pas-le-bon-mot@{s['host']}:{s['port']}/{s['dbname']}")
    line = refusal_line(done)
    assert "password authentication failed" in line, line
    assert "pas-le-bon-mot" not in done.stdout + done.stderr


def test_key_value_settings_and_postgres_scheme_are_accepted():
    # Libpq settings reach one fresh schema, a postgres:// URL (options in its query) another.
    name, url = fresh_schema()
    assert run(["migrate"], url).returncode == 0
    s = settings()
    name2 = "p_" + os.urandom(6).hex()
    postgres_sql(f"CREATE SCHEMA {name2}")
    url2 = f"postgres://{s['user']}:{s['password']}@{s['host']}:{s['port']}/{s['dbname']}?options=-csearch_path%3D{name2}"
    done = run(["migrate"], url2)
    assert done.returncode == 0, done.stderr
    applied = [postgres_sql(f"SELECT version FROM {n}.schema_migrations ORDER BY version").split() for n in (name, name2)]
    assert applied[0] and applied[0] == applied[1], applied


def test_newer_schema_stops_the_start_and_changes_nothing():
    name, url = fresh_schema()
    assert run(["migrate"], url).returncode == 0
    postgres_sql(f"INSERT INTO {name}.schema_migrations (version, name) VALUES (99, 'from the future')")
    before = postgres_sql(f"SELECT version, name FROM {name}.schema_migrations ORDER BY version")
    line = refusal_line(run(["serve"], url))
    assert "99" in line and "newer" in line, line
    assert postgres_sql(f"SELECT version, name FROM {name}.schema_migrations ORDER BY version") == before


def test_ten_instances_migrating_together_migrate_once():
    name, url = fresh_schema()
    results = [None] * 10

    def migrate(i):
        results[i] = run(["migrate"], url, timeout=60)
    threads = [threading.Thread(target=migrate, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for done in results:
        assert done.returncode == 0, done.stderr
    versions = [int(v) for v in postgres_sql(f"SELECT version FROM {name}.schema_migrations ORDER BY version").split()]
    assert versions == list(range(1, len(versions) + 1)), versions  # each once, none skipped
    tables = postgres_sql(f"SELECT count(*) FROM pg_tables WHERE schemaname = '{name}'").strip()
    assert int(tables) >= 8, tables


class Relay:
    """A TCP relay between planetude and PostgreSQL that can cut every connection and refuse new
    ones (the database gone), then accept again on the same port (the database back)."""

    def __init__(self, target):
        self.target = target
        self.lock = threading.Lock()
        self.sockets = []
        self.up = True
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if not self.up:
                    client.close()
                    continue
                try:
                    server = socket.create_connection(self.target)
                except OSError:
                    client.close()
                    continue
                self.sockets += [client, server]
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()

    def _pipe(self, a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        with self.lock:
            self.up = False
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets = []

    def restore(self):
        with self.lock:
            self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def test_readyz_follows_the_database_without_a_restart(make_server):
    name, _ = fresh_schema()
    s = settings()
    relay = Relay((s["host"], int(s["port"])))
    try:
        url = (f"host=127.0.0.1 port={relay.port} user={s['user']} password={s['password']} dbname={s['dbname']} "
               f"connect_timeout=2 options='-c search_path={name}'")
        srv = make_server(env={"DATABASE_URL": url})
        student = new_user(srv)
        assert requests.get(srv.url + "/readyz", timeout=10).status_code == 200

        relay.cut()
        r = requests.get(srv.url + "/readyz", timeout=15)
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "not_ready"
        assert requests.get(srv.url + "/healthz", timeout=10).status_code == 200  # the process is alive
        me = requests.get(srv.url + "/api/users/me", headers=student.headers, timeout=15)
        assert me.status_code == 503, me.text

        relay.restore()
        wait_until(lambda: requests.get(srv.url + "/readyz", timeout=15).status_code == 200, timeout=20,
                   message="/readyz 200 once the database is back")
        me = requests.get(srv.url + "/api/users/me", headers=student.headers, timeout=15)
        assert me.status_code == 200, me.text
        assert srv.proc.poll() is None
    finally:
        relay.close()
