"""`planetude backup PATH`: a consistent copy of the live SQLite database that a server can serve
from, made while the server takes writes; refusals (an existing file, no path) leave everything as
it was. And a database whose schema is newer than the binary stops the start-up with one clear
line, unchanged."""
import json
import os
import pathlib
import sqlite3
import subprocess
import threading
import time

import requests

from conftest import BIN, TEST_SECRET, new_user, sqlite_only

pytestmark = sqlite_only


def run_backup(server, *args):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": server.env["DATABASE_URL"],
           "JWT_SECRET": TEST_SECRET, "LOG_LEVEL": "info"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    return subprocess.run([BIN, "backup", *args], env=env, cwd=server.data_dir, capture_output=True, text=True,
                          timeout=60)


def planning_body():
    return {"periode": "semaine", "dateDebut": "2027-01-04",
            "sessions": [{"matiere": "Maths", "debut": "2027-01-04T16:00:00Z", "fin": "2027-01-04T17:00:00Z"}]}


def test_a_copy_made_under_writes_is_served_by_a_new_server(make_server, tmp_path):
    s = make_server()
    u = new_user(s)
    r = u.post("/api/planning", json=planning_body())
    assert r.status_code == 201, r.text
    planning_id = r.json()["_id"]

    # Writes go on during the backup: progress entries, from another thread.
    stop = threading.Event()
    statuses = []

    def write():
        while not stop.is_set():
            statuses.append(u.post("/api/progress", json={"date": "2026-12-01", "tempsEtudie": 25}).status_code)
    t = threading.Thread(target=write)
    t.start()
    try:
        while len(statuses) < 5 and t.is_alive():
            time.sleep(0.01)
        done = run_backup(s, str(tmp_path / "copy.db"))
    finally:
        stop.set()
        t.join()
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(statuses) == {201}, statuses
    line = next(json.loads(x) for x in done.stdout.splitlines() if '"backed_up"' in x)
    assert line["copy"] == str(tmp_path / "copy.db") and line["pages"] > 0 and line["bytes"] > 0, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]
    # Every entry acknowledged before the backup began is in the copy; none made after it ended.
    con = sqlite3.connect(f"file:{tmp_path}/copy.db?mode=ro", uri=True)
    copied = con.execute("SELECT count(*) FROM progress").fetchone()[0]
    con.close()
    assert 5 <= copied <= len(statuses), (copied, len(statuses))

    copy = make_server(env={"DATABASE_URL": f"sqlite:{tmp_path}/copy.db"})
    r = requests.post(copy.url + "/api/auth/login", json={"email": u.email, "password": u.password}, timeout=10)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    r = requests.get(copy.url + f"/api/planning/{planning_id}", headers={"Authorization": f"Bearer {token}"},
                     timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["sessions"][0]["matiere"] == "Maths", r.text


def test_an_existing_file_is_refused_and_kept(make_server, tmp_path):
    s = make_server()
    target = tmp_path / "copy.db"
    target.write_text("keep me")
    done = run_backup(s, str(target))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "already exists" in done.stderr, done.stderr
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]


def test_backup_needs_a_path(make_server):
    s = make_server()
    done = run_backup(s)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "backup needs one argument" in done.stderr, done.stderr


def test_a_database_newer_than_the_binary_stops_the_start(make_server):
    s = make_server()
    new_user(s)
    s.stop()
    db = pathlib.Path(s.data_dir, "planetude.db")
    con = sqlite3.connect(str(db))
    with con:
        con.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, 'future', 0)")
    before = con.execute("SELECT count(*) FROM users").fetchone()[0], \
        con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    con.close()
    p = subprocess.run([BIN, "serve"], env=s.env, cwd=s.data_dir, capture_output=True, text=True, timeout=30)
    assert p.returncode != 0, p.stdout + p.stderr
    assert "999" in p.stderr and "newer" in p.stderr, p.stderr
    con = sqlite3.connect(str(db))
    after = con.execute("SELECT count(*) FROM users").fetchone()[0], \
        con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    con.close()
    assert after == before
