"""Conditional reads (docs/api.md "Conditional reads"; RFC 9110 §13.1.2 and §15.4.5).

GET /api/users/me, GET /api/planning, GET /api/planning/:id and GET /api/progress carry a strong
ETag and `Cache-Control: private, no-cache`; If-None-Match naming it gets 304 with no body. The tag
moves with every write to the user's profile, plannings, sessions or progress, and with nothing of
anyone else's; it is kept in the database, so it holds across a restart.
"""
import datetime as dt
import re

import pytest
import requests

from conftest import Client, assert_error, new_user
from raw_http import RawConn

TAG_RE = re.compile(r'^"[^"\s]+"$')
WEEK = "2026-03-02"


def planning_body(sessions=2, titre="Révisions"):
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    items = [{"matiere": "Maths", "debut": (start + dt.timedelta(days=i)).isoformat(),
              "fin": (start + dt.timedelta(days=i, hours=1)).isoformat()} for i in range(sessions)]
    return {"periode": "semaine", "dateDebut": WEEK, "titre": titre, "sessions": items}


@pytest.fixture
def student(server):
    u = new_user(server, timezone="Europe/Paris")
    r = u.post("/api/planning", json=planning_body())
    assert r.status_code == 201, r.text
    u.planning = r.json()
    r = u.post("/api/progress", json={"tempsEtudie": 30, "date": "2026-03-02"})
    assert r.status_code == 201, r.text
    u.entry = r.json()
    return u


def reads(u):
    return ["/api/users/me", "/api/planning", "/api/planning?periode=semaine&limit=5",
            f"/api/planning/{u.planning['_id']}", "/api/progress", "/api/progress?from=2026-03-01&to=2026-03-31"]


def tag_of(u, path):
    r = u.get(path)
    assert r.status_code == 200, r.text
    return r.headers["ETag"]


def tags(u):
    return {path: tag_of(u, path) for path in reads(u)}


def test_every_conditional_read_has_a_strong_tag_and_must_be_revalidated(student):
    for path in reads(student):
        r = student.get(path)
        assert r.status_code == 200, (path, r.text)
        assert TAG_RE.match(r.headers["ETag"]), (path, r.headers["ETag"])
        assert r.headers["Cache-Control"] == "private, no-cache", path
        # The same state gives the same tag.
        assert student.get(path).headers["ETag"] == r.headers["ETag"], path


def test_if_none_match_with_the_current_tag_gets_304_with_no_body(server, student):
    conn = RawConn(server.port)
    try:
        for path in reads(student):
            tag = tag_of(student, path)
            for header in (tag, f"W/{tag}", f'"autre", {tag}', "*"):
                r = conn.request("GET", path, {"Authorization": f"Bearer {student.token}", "If-None-Match": header})
                assert r.status == 304, (path, header, r.status, r.body)
                assert r.body == b""
                assert r.headers["etag"] == tag
                assert r.headers["cache-control"] == "private, no-cache"
                # RFC 9110 §8.6: a 304 carries no Content-Length (or that of the 200, never 0).
                assert "content-length" not in r.headers, r.headers
            # Another tag: the content, on the same connection (the 304's framing held).
            r = conn.request("GET", path, {"Authorization": f"Bearer {student.token}", "If-None-Match": '"0-0"'})
            assert r.status == 200 and r.headers["etag"] == tag
            assert r.json() == student.get(path).json()
    finally:
        conn.close()


def test_head_is_conditional_too(server, student):
    tag = tag_of(student, "/api/planning")
    r = requests.head(server.url + "/api/planning", headers={**student.headers, "If-None-Match": tag}, timeout=10)
    assert r.status_code == 304 and r.headers["ETag"] == tag


def test_every_kind_of_write_moves_the_tags(student):
    pid, sid = student.planning["_id"], student.planning["sessions"][0]["_id"]
    writes = [
        ("PATCH /api/users/me", lambda: student.patch("/api/users/me", json={"name": "Nouveau nom"})),
        ("POST /api/planning", lambda: student.post("/api/planning", json=planning_body(1, "Autre"))),
        ("PATCH a session", lambda: student.patch(f"/api/planning/{pid}/sessions/{sid}", json={"statut": "termine"})),
        ("PUT /api/planning/:id", lambda: student.put(f"/api/planning/{pid}", json=planning_body(3))),
        ("POST /api/progress", lambda: student.post("/api/progress", json={"tempsEtudie": 10, "date": "2026-03-03"})),
        ("DELETE /api/progress/:id", lambda: student.delete(f"/api/progress/{student.entry['_id']}")),
    ]
    for what, write in writes:
        before = tags(student)
        r = write()
        assert r.status_code in (200, 201, 204), (what, r.text)
        after = tags(student)
        for path in reads(student):
            assert after[path] != before[path], f"{what} left the tag of {path} unchanged"
            # The old tag no longer validates: the client gets the new content.
            r = student.get(path, headers={"If-None-Match": before[path]})
            assert r.status_code == 200 and r.headers["ETag"] == after[path], (what, path)


def test_deleting_a_planning_moves_the_list_tag_and_its_own_read_is_404(student):
    pid = student.planning["_id"]
    before = tag_of(student, "/api/planning")
    old = tag_of(student, f"/api/planning/{pid}")
    assert student.delete(f"/api/planning/{pid}").status_code == 204
    assert tag_of(student, "/api/planning") != before
    assert_error(student.get(f"/api/planning/{pid}", headers={"If-None-Match": old}), 404, "not_found")
    assert_error(student.get(f"/api/planning/{pid}", headers={"If-None-Match": "*"}), 404, "not_found")


def test_another_users_writes_and_reads_leave_my_tags_alone(server, student):
    before = tags(student)
    other = new_user(server)
    assert other.post("/api/planning", json=planning_body()).status_code == 201
    assert other.post("/api/progress", json={"tempsEtudie": 5}).status_code == 201
    assert other.patch("/api/users/me", json={"name": "Quelqu'un"}).status_code == 200
    # Reads and writes that are not plannings, progress or profile do not move them either.
    assert student.post("/api/users/me/calendar-feed").status_code == 201
    assert student.get("/api/users/me/export").status_code == 200
    assert tags(student) == before
    # The same path, another user: another tag, and mine does not validate theirs.
    mine = before["/api/planning"]
    assert tag_of(other, "/api/planning") != mine
    assert other.get("/api/planning", headers={"If-None-Match": mine}).status_code == 200
    # Another user's planning stays a 404, whatever the tag.
    assert_error(other.get(f"/api/planning/{student.planning['_id']}", headers={"If-None-Match": "*"}),
                 404, "not_found")


def test_each_target_has_its_own_tag(student):
    a = tag_of(student, "/api/planning?limit=1")
    b = tag_of(student, "/api/planning?limit=2")
    assert a != b
    assert student.get("/api/planning?limit=2", headers={"If-None-Match": a}).status_code == 200


def test_errors_come_before_the_conditional(server, student):
    assert_error(student.get("/api/planning?limit=0", headers={"If-None-Match": "*"}), 400, "validation_failed")
    assert_error(student.get("/api/progress?from=2026-02-30", headers={"If-None-Match": "*"}), 400,
                 "validation_failed")
    assert_error(requests.get(server.url + "/api/users/me", headers={"If-None-Match": "*"}, timeout=10), 401,
                 "unauthenticated")


def test_a_malformed_if_none_match_is_ignored(student):
    tag = tag_of(student, "/api/users/me")
    for header in ("", tag.strip('"'), f"{tag} garbage", 'W/', '"unterminated'):
        r = student.get("/api/users/me", headers={"If-None-Match": header})
        assert r.status_code == 200, header


def test_tags_hold_across_a_restart(make_server, tmp_path):
    srv = make_server(data_dir=tmp_path)
    u = new_user(srv)
    assert u.post("/api/planning", json=planning_body()).status_code == 201
    before = {p: tag_of(u, p) for p in ("/api/users/me", "/api/planning", "/api/progress")}
    srv.restart()
    again = Client(srv.url, u.token)  # the port may have changed
    for path, tag in before.items():
        r = again.get(path, headers={"If-None-Match": tag})
        assert r.status_code == 304, path
