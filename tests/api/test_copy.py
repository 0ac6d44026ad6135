"""`planetude copy --from sqlite:PATH --to postgres://...`: a laptop's SQLite database, made by a real
server through the API, moved to a fresh PostgreSQL schema with every id and seq kept; a server on
PostgreSQL then serves the same users the same answers. Refusals (a non-empty target, a source at
another schema version, a bad --to, missing arguments) and failures change neither side. Runs in
the PostgreSQL pass of the suite, against the server scripts/pg-test-server.sh started."""
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from zoneinfo import ZoneInfo

import pytest
import requests

from conftest import (BIN, PASSWORD, TEST_DATABASE, Client, Server, new_user, postgres_admin_conninfo,
                      postgres_sql)

pytestmark = pytest.mark.skipif(TEST_DATABASE != "postgres", reason="runs in the PostgreSQL pass")

PARIS = ZoneInfo("Europe/Paris")
TABLES = ["users", "auth_tokens", "plannings", "sessions", "progress", "calendar_feeds", "chat_messages",
          "chat_proposals", "timetable_imports", "timetable_events", "rest_days"]
VIEWS = ["/api/users/me", "/api/planning", "/api/progress?from=2020-01-01&to=2030-12-31", "/api/chat/history",
         "/api/users/me/export",
         f"/api/timetable?from={dt.date.today() - dt.timedelta(days=2)}&to={dt.date.today() + dt.timedelta(days=30)}"]


def fresh_schema():
    name = "c_" + os.urandom(6).hex()
    postgres_sql(f"CREATE SCHEMA {name}")
    return name, f"{postgres_admin_conninfo()} options='-c search_path={name}'"


def run_copy(*args, timeout=120):
    """`planetude copy ARGS` with no setting at all in its environment (no JWT_SECRET, no .env)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    cwd = tempfile.mkdtemp(prefix="planetude-copy-")
    try:
        return subprocess.run([BIN, "copy", *args], env=env, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)
    finally:
        shutil.rmtree(cwd, ignore_errors=True)


def refusal_line(done, code=1):
    assert done.returncode == code, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("planetude: copy: "), done.stderr
    if code == 1:
        assert len(lines) == 1, f"expected one line on stderr:\n{done.stderr}"
    assert '"copied"' not in done.stdout
    return lines[0]


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def local(days, hour, minute=0):
    day = dt.datetime.now(PARIS).date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def api_views(client):
    """What a user sees: each body's bytes and JSON (the export's without its own date), and the
    entity tag of the conditional reads."""
    out = {}
    for path in VIEWS:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text)
        body = r.json()
        content = r.content
        if path == "/api/users/me/export":
            assert body.pop("exportedAt")
            content = re.sub(rb'"exportedAt":"[^"]*"', b"", content)
        out[path] = (content, body, r.headers.get("ETag"))
    return out


def target_rows(schema, table):
    """Every row of a target table, in SQLite's terms: instants as ms, days as text, jsonb parsed,
    json as its exact text. Columns are taken from the SQLite schema's names."""
    types = dict(line.split("|", 1) for line in postgres_sql(
        f"SELECT column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = '{schema}' AND table_name = '{table}'").split("\n") if line)
    exprs = []
    for column, kind in types.items():
        if kind == "timestamp with time zone":
            exprs.append(f"{schema}.ts_to_ms({column}) AS {column}")
        elif kind == "boolean":
            exprs.append(f"{column}::integer AS {column}")
        elif kind in ("date", "json"):
            exprs.append(f"{column}::text AS {column}")
        else:
            exprs.append(column)
    text = postgres_sql(f"SELECT COALESCE(json_agg(t), '[]') FROM (SELECT {', '.join(exprs)} "
                        f"FROM {schema}.{table}) t")
    return sorted(json.loads(text), key=lambda r: json.dumps(r, sort_keys=True))


def source_rows(path, table):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in db.execute(f"SELECT * FROM {table}")]
    finally:
        db.close()
    for r in rows:
        if table == "users":
            r["themes"], r["matieres"] = json.loads(r["themes"]), json.loads(r["matieres"])
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def table_counts(schema):
    return {t: int(postgres_sql(f"SELECT count(*) FROM {schema}.{t}")) for t in TABLES}


# ------------------------------------------------------------------------------ the laptop

@pytest.fixture(scope="module")
def laptop():
    """A SQLite database made by a real server through the API, the server stopped; and what each
    user saw of it."""
    data_dir = tempfile.mkdtemp(prefix="planetude-laptop-")
    try:
        yield make_laptop(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def make_laptop(data_dir):
    db_path = os.path.join(data_dir, "planetude.db")
    s = Server(env={"DATABASE_URL": f"sqlite:{db_path}"}, data_dir=data_dir)
    try:
        lea = new_user(s, name="Léa", timezone="Europe/Paris",
                       preferences={"themes": ["sombre"], "matieres": ["Maths", "Physique"], "objectifHebdo": 300})
        today = dt.datetime.now(PARIS).date().isoformat()
        r = lea.post("/api/planning", json={"periode": "semaine", "dateDebut": today, "titre": "Partiels", "sessions": [
            {"matiere": "Maths", "debut": local(2, 14).isoformat(), "fin": local(2, 15).isoformat()},
            {"matiere": "Physique", "debut": local(3, 10).isoformat(), "fin": local(3, 11).isoformat(),
             "notes": "chapitre 4 « optique »"}]})
        assert r.status_code == 201, r.text
        plan = r.json()
        physique = next(x for x in plan["sessions"] if x["matiere"] == "Physique")
        r = lea.post("/api/progress", json={"planningId": plan["_id"], "sessionId": physique["_id"]})
        assert r.status_code == 201, r.text
        r = lea.post("/api/progress", json={"date": "2026-01-15", "tempsEtudie": 45, "notes": "révisions",
                                            "matiere": "Chimie", "sessionsCompletees": 2})
        assert r.status_code == 201, r.text
        classes = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\n"
                   "BEGIN:VEVENT\r\nUID:maths@lycee\r\nDTSTAMP:20260901T080000Z\r\n"
                   f"DTSTART;TZID=Europe/Paris:{local(1, 8).strftime('%Y%m%dT%H%M%S')}\r\n"
                   f"DTEND;TZID=Europe/Paris:{local(1, 10).strftime('%Y%m%dT%H%M%S')}\r\n"
                   "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Mathématiques\r\nLOCATION:Salle B12\r\nEND:VEVENT\r\n"
                   "BEGIN:VEVENT\r\nUID:ds@lycee\r\nDTSTAMP:20260901T080000Z\r\n"
                   f"DTSTART;VALUE=DATE:{local(4, 0).strftime('%Y%m%d')}\r\nSUMMARY:Partiel de physique\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n")
        r = lea.put("/api/timetable?nom=edt.ics", data=classes.encode(),
                    headers={"Content-Type": "text/calendar"})
        assert r.status_code == 200 and r.json()["nombreEvenements"] == 4, r.text
        r = lea.post("/api/users/me/calendar-feed")
        assert r.status_code == 201, r.text
        feed_path = "/cal/" + r.json()["url"].split("/cal/", 1)[1]
        r = lea.post("/api/chat", json={"message": "Tu peux décaler les maths à demain ?"})
        assert r.status_code == 200, r.text
        assert [p["type"] for p in r.json()["proposals"]] == ["update_session"], r.text
        proposal = r.json()["proposals"][0]
        # Léa signs in a second time, then out: a revoked token.
        r = requests.post(s.url + "/api/auth/login", json={"email": lea.email, "password": PASSWORD}, timeout=30)
        assert r.status_code == 200, r.text
        revoked = r.json()["token"]
        assert Client(s.url, revoked).post("/api/auth/logout").status_code in (200, 204)

        hugo = new_user(s, name="Hugo", password="un-autre-mot-de-passe", timezone="UTC")
        r = hugo.post("/api/planning", json={"periode": "jour", "dateDebut": "2026-03-02", "sessions": [
            {"matiere": "Anglais", "debut": "2026-03-02T09:00:00Z", "fin": "2026-03-02T10:30:00Z"}]})
        assert r.status_code == 201, r.text
        r = hugo.post("/api/progress", json={"date": "2026-03-01", "tempsEtudie": 20})
        assert r.status_code == 201, r.text
        r = hugo.post("/api/chat", json={"message": "Quelle est ma prochaine session ?"})
        assert r.status_code == 200, r.text

        views = {"lea": api_views(lea.client), "hugo": api_views(hugo.client)}
        feed = requests.get(s.url + feed_path, timeout=30)
        assert feed.status_code == 200
    finally:
        s.stop()
    return {"path": db_path, "lea": lea, "hugo": hugo, "views": views, "proposal": proposal, "revoked": revoked,
            "feed_path": feed_path, "feed": feed.text}


@pytest.fixture(scope="module")
def copied(laptop):
    """The laptop copied to a fresh schema (the copy's output kept)."""
    name, conninfo = fresh_schema()
    before = sha256(laptop["path"])
    done = run_copy("--from", f"sqlite:{laptop['path']}", "--to", conninfo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sha256(laptop["path"]) == before, "the source changed"
    yield {"schema": name, "conninfo": conninfo, "done": done}
    postgres_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def test_every_row_and_id_is_copied(laptop, copied):
    done = copied["done"]
    assert done.stderr == ""
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    counts = {x["table"]: x["rows"] for x in lines if x["msg"] == "copied"}
    assert list(counts) == TABLES
    expected = {"users": 2, "plannings": 2, "sessions": 3, "progress": 3, "calendar_feeds": 1,
                "chat_messages": 4, "chat_proposals": 1, "timetable_imports": 1, "timetable_events": 4}
    for table, rows in expected.items():
        assert counts[table] == rows, counts
    assert counts["auth_tokens"] >= 3, counts
    final = lines[-1]
    assert final["msg"] == "copy_done" and final["rows"] == sum(counts.values()), final
    assert "password" not in done.stdout

    for table in TABLES:
        source = source_rows(laptop["path"], table)
        assert len(source) == counts[table], table
        assert target_rows(copied["schema"], table) == source, table
    # Nothing of the throttling events, which are transient.
    assert postgres_sql(f"SELECT count(*) FROM {copied['schema']}.rate_limit_events").strip() == "0"


def test_a_postgres_server_serves_the_same_answers(laptop, copied, make_server):
    s = make_server(env={"DATABASE_URL": copied["conninfo"]})
    lea, hugo = laptop["lea"], laptop["hugo"]
    # The same passwords log in; the tokens issued on the laptop still work, the revoked one does not.
    for user, password in ((lea, PASSWORD), (hugo, "un-autre-mot-de-passe")):
        r = requests.post(s.url + "/api/auth/login", json={"email": user.email, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["user"]["_id"] == user.id
    assert Client(s.url, laptop["revoked"]).get("/api/users/me").status_code == 401
    clients = {"lea": Client(s.url, lea.token), "hugo": Client(s.url, hugo.token)}
    for who, client in clients.items():
        assert api_views(client) == laptop["views"][who], who

    # The calendar feed's secret still opens it.
    feed = requests.get(s.url + laptop["feed_path"], timeout=30)
    assert feed.status_code == 200
    assert sorted(x for x in feed.text.splitlines() if x.startswith("UID:")) == \
        sorted(x for x in laptop["feed"].splitlines() if x.startswith("UID:"))

    # The copied proposal applies on PostgreSQL (its payload names the copied session).
    r = clients["lea"].post(f"/api/chat/proposals/{laptop['proposal']['_id']}/apply")
    assert r.status_code == 200, r.text

    # A new message comes after the copied ones: the identity went past the copied seqs.
    copied_seqs = sorted(r["seq"] for r in source_rows(laptop["path"], "chat_messages"))
    before = laptop["views"]["hugo"]["/api/chat/history"][1]["messages"]
    r = clients["hugo"].post("/api/chat", json={"message": "Fais-moi le bilan de la semaine"})
    assert r.status_code == 200, r.text
    after = clients["hugo"].get("/api/chat/history").json()["messages"]
    assert after[:len(before)] == before
    assert [m["role"] for m in after[len(before):]] == ["user", "coach"]
    seqs = [int(x) for x in postgres_sql(f"SELECT seq FROM {copied['schema']}.chat_messages ORDER BY seq").split()]
    assert seqs[:len(copied_seqs)] == copied_seqs and min(seqs[len(copied_seqs):]) > max(copied_seqs), seqs


def test_a_non_empty_target_is_refused_and_left_unchanged(laptop, copied):
    snapshot = {t: target_rows(copied["schema"], t) for t in TABLES}
    line = refusal_line(run_copy("--from", f"sqlite:{laptop['path']}", "--to", copied["conninfo"]))
    assert "not empty" in line or "already holds data" in line, line
    assert {t: target_rows(copied["schema"], t) for t in TABLES} == snapshot

    # One row in one table is enough; the schema version is not touched either.
    name, conninfo = fresh_schema()
    try:
        postgres_sql(f"CREATE TABLE {name}.calendar_feeds (user_id text, secret_hash text, created_at timestamptz)")
        postgres_sql(f"INSERT INTO {name}.calendar_feeds VALUES ('u', 'h', now())")
        line = refusal_line(run_copy("--from", f"sqlite:{laptop['path']}", "--to", conninfo))
        assert "calendar_feeds" in line, line
        tables = postgres_sql(f"SELECT tablename FROM pg_tables WHERE schemaname = '{name}'").split()
        assert tables == ["calendar_feeds"], tables
    finally:
        postgres_sql(f"DROP SCHEMA {name} CASCADE")


def source_variant(laptop, tmp_path, sql):
    path = str(tmp_path / "variant.db")
    shutil.copyfile(laptop["path"], path)
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.close()
    return path


def test_a_source_at_an_older_schema_is_refused(laptop, tmp_path):
    path = source_variant(laptop, tmp_path,
                          "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)")
    before = sha256(path)
    name, conninfo = fresh_schema()
    try:
        line = refusal_line(run_copy("--from", f"sqlite:{path}", "--to", conninfo))
        assert f"run `planetude migrate` with DATABASE_URL=sqlite:{path} first" in line, line
        assert postgres_sql(f"SELECT count(*) FROM pg_tables WHERE schemaname = '{name}'").strip() == "0"
    finally:
        postgres_sql(f"DROP SCHEMA {name} CASCADE")
    assert sha256(path) == before


def test_a_source_at_a_newer_schema_is_refused(laptop, tmp_path):
    path = source_variant(laptop, tmp_path, "INSERT INTO schema_migrations (version, name, applied_at) "
                                            "VALUES (99, 'from the future', 0)")
    name, conninfo = fresh_schema()
    try:
        line = refusal_line(run_copy("--from", f"sqlite:{path}", "--to", conninfo))
        assert "99" in line and "newer" in line, line
        assert postgres_sql(f"SELECT count(*) FROM pg_tables WHERE schemaname = '{name}'").strip() == "0"
    finally:
        postgres_sql(f"DROP SCHEMA {name} CASCADE")


def test_a_failure_midway_leaves_the_target_empty(laptop, tmp_path):
    # A day SQLite stores as text but PostgreSQL's date refuses: progress comes after users,
    # plannings and sessions, which must not stay behind.
    path = source_variant(laptop, tmp_path, "UPDATE progress SET date = '2026-02-30' WHERE sessions_completees = 2")
    name, conninfo = fresh_schema()
    try:
        line = refusal_line(run_copy("--from", f"sqlite:{path}", "--to", conninfo))
        assert "progress" in line and "nothing was copied" in line, line
        assert table_counts(name) == {t: 0 for t in TABLES}
        # And the next attempt, from a good source, goes through.
        done = run_copy("--from", f"sqlite:{laptop['path']}", "--to", conninfo)
        assert done.returncode == 0, done.stderr
        assert table_counts(name)["progress"] == 3
    finally:
        postgres_sql(f"DROP SCHEMA {name} CASCADE")


def test_a_bad_target_is_refused_without_its_password(laptop):
    secret = "mot-de-passe-secret"
    source = f"sqlite:{laptop['path']}"
    settings = dict(part.split("=", 1) for part in postgres_admin_conninfo().split())
    cases = [
        (f"mysql://eleve:{secret}@localhost/planetude", 2),  # not PostgreSQL at all
        (f"postgresql://eleve:{secret}@localhost:5432/planetude?nope=1", 2),  # libpq refuses the option
        (f"postgresql://eleve:{secret}@localhost:notaport/planetude", 1),
        (f"postgresql://{settings['user']}:{secret}@{settings['host']}:{settings['port']}/{settings['dbname']}", 1),
        (f"host={settings['host']} port={settings['port']} user={settings['user']} password={secret}", 1),
    ]
    for to, code in cases:
        done = run_copy("--from", source, "--to", to)
        refusal_line(done, code)
        assert secret not in done.stdout + done.stderr, (to, done.stderr)
    done = run_copy("--from", source, "--to", cases[3][0])
    assert "password authentication failed" in done.stderr, done.stderr


def test_usage_errors_exit_2(laptop):
    to = postgres_admin_conninfo()
    source = f"sqlite:{laptop['path']}"
    for args in ([], ["--from", source], ["--to", to], ["--from"], ["--from", source, "--to", to, "extra"],
                 ["--from", laptop["path"], "--to", to], ["--from", "sqlite:", "--to", to],
                 ["--from", "postgres://x@y/z", "--to", to], ["--from", source, "--from", source, "--to", to]):
        done = run_copy(*args)
        refusal_line(done, 2)
        assert "Usage: planetude" in done.stderr
        assert settings_password() not in done.stdout + done.stderr


def settings_password():
    return dict(part.split("=", 1) for part in postgres_admin_conninfo().split())["password"]


def test_the_source_file_may_be_named_sqlite_triple_slash(laptop):
    name, conninfo = fresh_schema()
    try:
        done = run_copy(f"--from=sqlite://{laptop['path']}", f"--to={conninfo}")
        assert done.returncode == 0, done.stderr
        assert table_counts(name)["users"] == 2
    finally:
        postgres_sql(f"DROP SCHEMA {name} CASCADE")
