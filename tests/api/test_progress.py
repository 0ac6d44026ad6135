"""Black-box tests of progress tracking (docs/api.md (progress) and "Details that clients rely on":
Time zones, Progress; docs/behaviour.md "Progress" and "Plannings").

POST /api/progress (a linked entry that marks a planned session done, or a free entry),
GET /api/progress (entries and summary with streaks), DELETE /api/progress/:id.
"""
import datetime as dt
import re
import secrets
import threading
from zoneinfo import ZoneInfo

import pytest
import requests

from conftest import assert_error, new_user

ID_RE = re.compile(r"^[0-9a-f]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BASE_KEYS = {"_id", "userId", "date", "sessionsCompletees", "tempsEtudie", "notes", "createdAt"}
LINKED_KEYS = BASE_KEYS | {"matiere", "planningId", "sessionId"}
SUMMARY_KEYS = {"tempsEtudie", "sessionsCompletees", "serieActuelle", "meilleureSerie",
                "parJour", "parMatiere"}
WIDE = {"from": "2000-01-01", "to": "2099-12-31"}


# ---------------------------------------------------------------------------------- helpers

def today_in(tz):
    return dt.datetime.now(ZoneInfo(tz)).date()


def iso(d):
    return d.isoformat()


def local_date(utc_str, tz):
    t = dt.datetime.fromisoformat(utc_str.replace("Z", "+00:00"))
    return t.astimezone(ZoneInfo(tz)).date().isoformat()


def minutes(debut, fin):
    a = dt.datetime.fromisoformat(debut.replace("Z", "+00:00"))
    b = dt.datetime.fromisoformat(fin.replace("Z", "+00:00"))
    return int((b - a).total_seconds() // 60)


def unknown_id():
    return secrets.token_hex(12)


def post(c, body, **kw):
    return c.post("/api/progress", json=body, **kw)


def add(c, **body):
    r = post(c, body)
    assert r.status_code == 201, r.text
    return r.json()


def complete(c, planning, idx, **extra):
    r = post(c, {"planningId": planning["_id"], "sessionId": planning["sessions"][idx]["_id"], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def fetch(c, **params):
    r = c.get("/api/progress", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"entries", "summary"}, body
    assert set(body["summary"]) == SUMMARY_KEYS, body["summary"]
    return body


def invalid(resp, path=None):
    e = assert_error(resp, 400, "validation_failed")
    if path is not None:
        paths = [d.get("path") for d in e.get("details", [])]
        assert path in paths, f"expected a detail for {path!r}: {e}"
    return e


def make_planning(c, sessions, date_debut, periode="semaine"):
    """sessions: [(matiere, debut, fin)] in ascending `debut` order (the order the server returns)."""
    body = {"periode": periode, "dateDebut": date_debut,
            "sessions": [{"matiere": m, "debut": d, "fin": f} for m, d, f in sessions]}
    r = c.post("/api/planning", json=body)
    assert r.status_code == 201, r.text
    p = r.json()
    assert [s["matiere"] for s in p["sessions"]] == [s[0] for s in sessions], p
    return p


def simple_planning(c, n=2, day="2026-01-05"):
    """A week from `day` (UTC user) with n one-hour sessions on that day, 08:00, 10:00, ..."""
    sessions = [(f"Matiere{i}", f"{day}T{8 + 2 * i:02d}:00:00Z", f"{day}T{9 + 2 * i:02d}:00:00Z")
                for i in range(n)]
    return make_planning(c, sessions, day)


def statut(c, planning, idx):
    r = c.get(f"/api/planning/{planning['_id']}")
    assert r.status_code == 200, r.text
    sid = planning["sessions"][idx]["_id"]
    found = [s for s in r.json()["sessions"] if s["_id"] == sid]
    assert len(found) == 1, r.json()
    return found[0]["statut"]


def check_entry(e, user_id):
    assert ID_RE.match(e["_id"]), e
    assert e["userId"] == user_id, e
    assert DATE_RE.match(e["date"]), e
    assert TS_RE.match(e["createdAt"]), e
    assert isinstance(e["tempsEtudie"], int) and not isinstance(e["tempsEtudie"], bool), e
    assert isinstance(e["sessionsCompletees"], int) and not isinstance(e["sessionsCompletees"], bool), e
    assert isinstance(e["notes"], str), e


def dates_of(body):
    return [e["date"] for e in body["entries"]]


# ---------------------------------------------------------------------------------- free entries

def test_free_entry_shape_and_defaults(server):
    c = new_user(server)
    e = add(c, date="2025-06-10", tempsEtudie=45)
    assert set(e) == BASE_KEYS, e
    check_entry(e, c.id)
    assert e["date"] == "2025-06-10"
    assert e["tempsEtudie"] == 45
    assert e["sessionsCompletees"] == 0
    assert e["notes"] == ""
    assert "planningId" not in e and "sessionId" not in e and "matiere" not in e

    e2 = add(c, date="2025-06-11", tempsEtudie=90, sessionsCompletees=3, notes="Révisions du chapitre 4 📚",
             matiere="Mathématiques")
    assert set(e2) == BASE_KEYS | {"matiere"}, e2
    check_entry(e2, c.id)
    assert (e2["date"], e2["tempsEtudie"], e2["sessionsCompletees"], e2["notes"], e2["matiere"]) == \
        ("2025-06-11", 90, 3, "Révisions du chapitre 4 📚", "Mathématiques")
    assert e2["_id"] != e["_id"]

    body = fetch(c, **{"from": "2025-06-01", "to": "2025-06-30"})
    assert body["entries"] == [e, e2]


def test_free_entry_strings_trimmed(server):
    c = new_user(server)
    e = add(c, date="2025-06-10", tempsEtudie=20, matiere="  Physique  ", notes="  bien  ")
    assert e["matiere"] == "Physique"
    assert e["notes"] == "bien"


def test_free_entry_nulls_are_like_absent(server):
    c = new_user(server)
    before = iso(today_in("UTC"))
    e = add(c, tempsEtudie=15, date=None, sessionsCompletees=None, matiere=None)
    after = iso(today_in("UTC"))
    assert e["date"] in (before, after)
    assert e["sessionsCompletees"] == 0
    assert "matiere" not in e or e["matiere"] is None


def test_free_entry_null_ids_are_like_absent(server):
    # behaviour.md: "A JSON null for an optional field is the same as leaving it out".
    c = new_user(server)
    r = post(c, {"date": "2025-06-10", "tempsEtudie": 30, "planningId": None, "sessionId": None})
    assert r.status_code == 201, r.text
    e = r.json()
    assert set(e) == BASE_KEYS, e
    assert (e["date"], e["tempsEtudie"], e["sessionsCompletees"]) == ("2025-06-10", 30, 0)


@pytest.mark.parametrize("tz", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Paris", "UTC"])
def test_free_entry_date_defaults_to_today_in_user_zone(server, tz):
    c = new_user(server, timezone=tz)
    before = iso(today_in(tz))
    e = add(c, tempsEtudie=30)
    after = iso(today_in(tz))
    assert e["date"] in (before, after), (tz, e["date"], before)


def test_free_entry_default_dates_differ_across_the_date_line(server):
    # UTC+14 and UTC-11 are 25 hours apart: their "today" is never the same day.
    k = new_user(server, timezone="Pacific/Kiritimati")
    p = new_user(server, timezone="Pacific/Pago_Pago")
    ek = add(k, tempsEtudie=10)
    ep = add(p, tempsEtudie=10)
    dk = dt.date.fromisoformat(ek["date"])
    dp = dt.date.fromisoformat(ep["date"])
    assert (dk - dp).days in (1, 2), (dk, dp)


@pytest.mark.parametrize("value", [1, 1440, 59])
def test_free_entry_temps_etudie_bounds_ok(server, user, value):
    c = user
    e = add(c, date="2025-01-01", tempsEtudie=value)
    assert e["tempsEtudie"] == value


@pytest.mark.parametrize("value", [0, -5, 1441, 100000, 1.5, "30", True, None, [30], {"m": 30}])
def test_free_entry_temps_etudie_rejected(server, user, value):
    c = user
    invalid(post(c, {"date": "2025-01-01", "tempsEtudie": value}), "tempsEtudie")


def test_free_entry_temps_etudie_required(server, user):
    c = user
    invalid(post(c, {"date": "2025-01-01", "matiere": "Maths", "notes": "x"}), "tempsEtudie")
    invalid(post(c, {}), "tempsEtudie")
    assert fetch(c, **WIDE)["entries"] == []


@pytest.mark.parametrize("value", [0, 1, 100])
def test_free_entry_sessions_completees_bounds_ok(server, user, value):
    e = add(user, date="2025-01-01", tempsEtudie=30, sessionsCompletees=value)
    assert e["sessionsCompletees"] == value


@pytest.mark.parametrize("value", [-1, 101, 2.5, "3", False])
def test_free_entry_sessions_completees_rejected(server, user, value):
    invalid(post(user, {"date": "2025-01-01", "tempsEtudie": 30, "sessionsCompletees": value}),
            "sessionsCompletees")


def test_free_entry_notes_length_in_code_points(server, user):
    c = user
    assert add(c, date="2025-01-01", tempsEtudie=30, notes="é" * 2000)["notes"] == "é" * 2000
    assert add(c, date="2025-01-01", tempsEtudie=30, notes="😀" * 2000)["notes"] == "😀" * 2000
    invalid(post(c, {"date": "2025-01-01", "tempsEtudie": 30, "notes": "é" * 2001}), "notes")
    invalid(post(c, {"date": "2025-01-01", "tempsEtudie": 30, "notes": "a" * 2001}), "notes")
    invalid(post(c, {"date": "2025-01-01", "tempsEtudie": 30, "notes": 12}), "notes")
    assert len(fetch(c, **WIDE)["entries"]) == 2


def test_free_entry_matiere_bounds(server, user):
    c = user
    assert add(c, date="2025-01-01", tempsEtudie=30, matiere="M")["matiere"] == "M"
    assert add(c, date="2025-01-01", tempsEtudie=30, matiere="ß" * 100)["matiere"] == "ß" * 100
    for bad in ["", "   ", "x" * 101, "ß" * 101, 7, ["Maths"]]:
        invalid(post(c, {"date": "2025-01-01", "tempsEtudie": 30, "matiere": bad}), "matiere")
    assert len(fetch(c, **WIDE)["entries"]) == 2


@pytest.mark.parametrize("value", ["2024-02-29", "2025-12-31", "2025-01-01", "1999-07-14"])
def test_free_entry_date_ok(server, user, value):
    assert add(user, date=value, tempsEtudie=30)["date"] == value


@pytest.mark.parametrize("value", [
    "2025-02-30", "2025-02-29", "2025-13-01", "2025-00-10", "2025-01-00", "2025-04-31",
    "2025-1-5", "25-01-05", "20250105", "05/01/2025", "2025-01-05T10:00:00Z",
    "2025-01-05T10:00:00+01:00", "2025-01-05T00:00", "demain", "", 20250105])
def test_free_entry_date_rejected(server, user, value):
    invalid(post(user, {"date": value, "tempsEtudie": 30}), "date")


@pytest.mark.parametrize("field", ["foo", "_id", "userId", "createdAt", "duree"])
def test_free_entry_unknown_field_rejected(server, user, field):
    c = user
    value = unknown_id() if field in ("_id", "userId") else "x"
    invalid(post(c, {"date": "2025-01-01", "tempsEtudie": 30, field: value}), field)
    assert fetch(c, **WIDE)["entries"] == []


def test_post_body_errors(server, user):
    c = user
    r = c.post("/api/progress", data=b"{\"tempsEtudie\": 3", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    r = c.post("/api/progress", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    assert_error(post(c, [{"tempsEtudie": 30}]), 400, "validation_failed")
    assert_error(post(c, 30), 400, "validation_failed")
    r = c.post("/api/progress", data=b"{\"tempsEtudie\": 30}", headers={"Content-Type": "text/plain"})
    assert_error(r, 415, "unsupported_media_type")
    assert fetch(c, **WIDE)["entries"] == []


# ---------------------------------------------------------------------------------- linked entries

def test_linked_entry_marks_session_done(server):
    c = new_user(server)
    p = make_planning(c, [
        ("Maths", "2026-01-05T09:00:00Z", "2026-01-05T10:30:20Z"),
        ("Physique", "2026-01-06T14:00:00Z", "2026-01-06T14:45:00Z"),
    ], "2026-01-05")
    assert statut(c, p, 0) == "planifie"
    e = complete(c, p, 0)
    assert set(e) == LINKED_KEYS, e
    check_entry(e, c.id)
    assert e["planningId"] == p["_id"]
    assert e["sessionId"] == p["sessions"][0]["_id"]
    assert e["sessionsCompletees"] == 1
    assert e["tempsEtudie"] == 90  # whole minutes of 1 h 30 min 20 s
    assert e["matiere"] == "Maths"
    assert e["date"] == "2026-01-05"
    assert e["notes"] == ""
    assert statut(c, p, 0) == "termine"
    assert statut(c, p, 1) == "planifie"

    assert_error(post(c, {"planningId": p["_id"], "sessionId": p["sessions"][0]["_id"],
                          "tempsEtudie": None, "notes": None}), 409, "already_completed")
    e2 = complete(c, p, 1, tempsEtudie=50, notes="  Exercices 3 à 7  ")
    assert (e2["tempsEtudie"], e2["notes"], e2["matiere"], e2["date"], e2["sessionsCompletees"]) == \
        (50, "Exercices 3 à 7", "Physique", "2026-01-06", 1)
    assert statut(c, p, 1) == "termine"

    body = fetch(c, **{"from": "2026-01-01", "to": "2026-01-31"})
    assert body["entries"] == [e, e2]
    assert body["summary"]["sessionsCompletees"] == 2
    assert body["summary"]["tempsEtudie"] == 140


def test_linked_entry_date_is_local_day_session_began(server):
    c = new_user(server, timezone="Europe/Paris")
    debut, fin = "2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z"
    p = make_planning(c, [("Histoire", debut, fin)], "2026-03-28")
    e = complete(c, p, 0)
    assert e["date"] == "2026-03-29"
    assert e["tempsEtudie"] == 60
    assert e["matiere"] == "Histoire"

    # The same instant for a UTC user is still 28 March.
    u = new_user(server)
    pu = make_planning(u, [("Histoire", debut, fin)], "2026-03-28")
    assert complete(u, pu, 0)["date"] == "2026-03-28"


def test_linked_entry_twice_is_409(server):
    c = new_user(server)
    p = simple_planning(c)
    e = complete(c, p, 0)
    assert_error(post(c, {"planningId": p["_id"], "sessionId": p["sessions"][0]["_id"]}),
                 409, "already_completed")
    assert_error(post(c, {"planningId": p["_id"], "sessionId": p["sessions"][0]["_id"],
                          "tempsEtudie": 10, "notes": "encore"}), 409, "already_completed")
    body = fetch(c, **WIDE)
    assert body["entries"] == [e]
    assert statut(c, p, 0) == "termine"


def test_409_when_entry_exists_even_if_session_set_back_by_hand(server):
    """409 already_completed is decided by the existence of an entry; the refused request changes nothing."""
    c = new_user(server)
    p = simple_planning(c)
    e = complete(c, p, 0)
    r = c.patch(f"/api/planning/{p['_id']}/sessions/{p['sessions'][0]['_id']}", json={"statut": "planifie"})
    assert r.status_code == 200, r.text
    assert statut(c, p, 0) == "planifie"
    assert_error(post(c, {"planningId": p["_id"], "sessionId": p["sessions"][0]["_id"]}),
                 409, "already_completed")
    assert statut(c, p, 0) == "planifie"
    assert fetch(c, **WIDE)["entries"] == [e]


def test_linked_entry_bounds_and_nothing_changes_on_error(server):
    c = new_user(server)
    p = simple_planning(c)
    ids = {"planningId": p["_id"], "sessionId": p["sessions"][0]["_id"]}
    for bad in [0, 1441, 1.5, "30", True]:
        invalid(post(c, {**ids, "tempsEtudie": bad}), "tempsEtudie")
    invalid(post(c, {**ids, "notes": "n" * 2001}), "notes")
    assert statut(c, p, 0) == "planifie"
    assert fetch(c, **WIDE)["entries"] == []
    assert complete(c, p, 0, tempsEtudie=1440)["tempsEtudie"] == 1440
    assert complete(c, p, 1, tempsEtudie=1)["tempsEtudie"] == 1


@pytest.mark.parametrize("extra", [
    {"date": "2026-01-05"}, {"matiere": "Autre"}, {"sessionsCompletees": 1}, {"foo": "bar"}])
def test_linked_entry_rejects_fields_of_free_entries(server, extra):
    c = new_user(server)
    p = simple_planning(c, n=1)
    r = post(c, {"planningId": p["_id"], "sessionId": p["sessions"][0]["_id"], **extra})
    invalid(r)
    assert statut(c, p, 0) == "planifie"
    assert fetch(c, **WIDE)["entries"] == []


def test_linked_entry_needs_both_ids(server):
    # behaviour.md: "both ids are required together" -> 400 validation_failed.
    c = new_user(server)
    p = simple_planning(c, n=1)
    invalid(post(c, {"planningId": p["_id"]}))
    invalid(post(c, {"planningId": p["_id"], "tempsEtudie": 30}))
    invalid(post(c, {"sessionId": p["sessions"][0]["_id"]}))
    invalid(post(c, {"sessionId": p["sessions"][0]["_id"], "tempsEtudie": 30, "notes": "x"}))
    assert statut(c, p, 0) == "planifie"
    assert fetch(c, **WIDE)["entries"] == []


def test_linked_entry_bad_ids_are_404_and_change_nothing(server):
    a = new_user(server)
    b = new_user(server)
    pa = simple_planning(a, n=2)
    pa2 = simple_planning(a, n=1, day="2026-02-02")
    pb = simple_planning(b, n=1)
    a0, a1 = pa["sessions"][0]["_id"], pa["sessions"][1]["_id"]
    c0 = pa2["sessions"][0]["_id"]
    b0 = pb["sessions"][0]["_id"]
    cases = [
        ("abc", a0), ("", a0), (pa["_id"].upper(), a0), (pa["_id"] + "0", a0), (pa["_id"][:-1], a0),
        ("zz" + pa["_id"][2:], a0),
        (pa["_id"], "abc"), (pa["_id"], a0.upper()), (pa["_id"], a0 + "00"), (pa["_id"], ""),
        (unknown_id(), a0), (pa["_id"], unknown_id()), (unknown_id(), unknown_id()),
        (pb["_id"], b0),          # someone else's planning and session
        (pa["_id"], b0),          # my planning, someone else's session
        (pb["_id"], a0),          # someone else's planning, my session
        (pa["_id"], c0),          # a session of another of my plannings
        (pa2["_id"], a0),
        (pa["_id"], pa["_id"]),   # a planning id is not a session id
    ]
    for pid, sid in cases:
        assert_error(post(a, {"planningId": pid, "sessionId": sid}), 404, "not_found")
    assert fetch(a, **WIDE)["entries"] == []
    assert fetch(b, **WIDE)["entries"] == []
    assert [statut(a, pa, 0), statut(a, pa, 1), statut(a, pa2, 0)] == ["planifie"] * 3
    assert statut(b, pb, 0) == "planifie"
    # Everything can still be completed by its owner.
    complete(a, pa, 0)
    complete(a, pa2, 0)
    complete(b, pb, 0)
    assert statut(b, pb, 0) == "termine"
    assert statut(a, pa, 1) == "planifie"


def test_linked_entry_of_a_deleted_planning_is_404(server):
    c = new_user(server)
    p = simple_planning(c, n=1)
    r = c.delete(f"/api/planning/{p['_id']}")
    assert r.status_code == 204, r.text
    assert_error(post(c, {"planningId": p["_id"], "sessionId": p["sessions"][0]["_id"]}), 404, "not_found")
    assert fetch(c, **WIDE)["entries"] == []


# ---------------------------------------------------------------------------------- concurrency

def _race(server, token, body, n):
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        s = requests.Session()
        try:
            barrier.wait(timeout=10)
            results[i] = s.post(server.url + "/api/progress", json=body,
                                headers={"Authorization": f"Bearer {token}"}, timeout=30)
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=40)
    assert all(r is not None for r in results)
    return results


@pytest.mark.parametrize("n", [2, 10])
def test_double_completion_race(server, n):
    c = new_user(server)
    p = simple_planning(c, n=3)
    for idx in range(3):
        body = {"planningId": p["_id"], "sessionId": p["sessions"][idx]["_id"]}
        results = _race(server, c.token, body, n)
        codes = sorted(r.status_code for r in results)
        assert codes == [201] + [409] * (n - 1), [(r.status_code, r.text) for r in results]
        for r in results:
            if r.status_code == 409:
                assert_error(r, 409, "already_completed")
        assert statut(c, p, idx) == "termine"
    entries = fetch(c, **WIDE)["entries"]
    assert sorted(e["sessionId"] for e in entries) == sorted(s["_id"] for s in p["sessions"])


def test_concurrent_completion_of_different_sessions(server):
    """Completing several sessions of one planning at once loses none of the status changes."""
    c = new_user(server)
    n = 8
    p = simple_planning(c, n=n)
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        s = requests.Session()
        try:
            barrier.wait(timeout=10)
            results[i] = s.post(server.url + "/api/progress",
                                json={"planningId": p["_id"], "sessionId": p["sessions"][i]["_id"]},
                                headers={"Authorization": f"Bearer {c.token}"}, timeout=30)
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=40)
    assert [r.status_code for r in results] == [201] * n, [r.text for r in results]
    r = c.get(f"/api/planning/{p['_id']}")
    assert [s["statut"] for s in r.json()["sessions"]] == ["termine"] * n
    assert len(fetch(c, **WIDE)["entries"]) == n


def test_concurrent_delete_of_linked_entry(server):
    c = new_user(server)
    p = simple_planning(c, n=1)
    e = complete(c, p, 0)
    n = 4
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        s = requests.Session()
        try:
            barrier.wait(timeout=10)
            results[i] = s.delete(server.url + f"/api/progress/{e['_id']}",
                                  headers={"Authorization": f"Bearer {c.token}"}, timeout=30)
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=40)
    assert sorted(r.status_code for r in results) == [204] + [404] * (n - 1), [r.text for r in results]
    assert statut(c, p, 0) == "planifie"
    assert fetch(c, **WIDE)["entries"] == []


# ---------------------------------------------------------------------------------- GET

def test_get_empty(server, user):
    body = fetch(user)
    assert body == {"entries": [], "summary": {
        "tempsEtudie": 0, "sessionsCompletees": 0, "serieActuelle": 0, "meilleureSerie": 0,
        "parJour": [], "parMatiere": []}}


def test_get_orders_by_date_then_creation(server):
    c = new_user(server)
    e1 = add(c, date="2025-03-03", tempsEtudie=10)
    e2 = add(c, date="2025-03-01", tempsEtudie=20)
    e3 = add(c, date="2025-03-02", tempsEtudie=30)
    e4 = add(c, date="2025-03-01", tempsEtudie=40)
    e5 = add(c, date="2025-03-03", tempsEtudie=50)
    e6 = add(c, date="2025-03-01", tempsEtudie=60)
    body = fetch(c, **{"from": "2025-03-01", "to": "2025-03-03"})
    assert body["entries"] == [e2, e4, e6, e3, e1, e5]


def test_get_range_is_inclusive(server):
    c = new_user(server)
    for d in ["2025-04-30", "2025-05-01", "2025-05-15", "2025-05-31", "2025-06-01"]:
        add(c, date=d, tempsEtudie=10)
    body = fetch(c, **{"from": "2025-05-01", "to": "2025-05-31"})
    assert dates_of(body) == ["2025-05-01", "2025-05-15", "2025-05-31"]
    body = fetch(c, **{"from": "2025-05-15", "to": "2025-05-15"})
    assert dates_of(body) == ["2025-05-15"]
    body = fetch(c, **{"from": "2025-05-02", "to": "2025-05-14"})
    assert body["entries"] == []


def test_get_default_range_is_last_30_days_in_user_zone(server):
    tz = "Pacific/Kiritimati"
    c = new_user(server, timezone=tz)
    today = today_in(tz)
    for delta in (-30, -29, -1, 0, 1):
        add(c, date=iso(today + dt.timedelta(days=delta)), tempsEtudie=10)
    for d in ["2025-05-31", "2025-06-01", "2025-06-30", "2025-07-01"]:
        add(c, date=d, tempsEtudie=10)
    body = fetch(c)
    if today_in(tz) != today:  # local midnight passed meanwhile; don't guess
        pytest.skip("local midnight passed during the test")
    assert dates_of(body) == [iso(today - dt.timedelta(days=29)), iso(today - dt.timedelta(days=1)), iso(today)]
    # Only `to`: from = to - 29 days.
    assert dates_of(fetch(c, to="2025-06-30")) == ["2025-06-01", "2025-06-30"]
    # Only `from`: to = today.
    got = dates_of(fetch(c, **{"from": "2025-06-01"}))
    assert got == ["2025-06-01", "2025-06-30", "2025-07-01", iso(today - dt.timedelta(days=30)),
                   iso(today - dt.timedelta(days=29)), iso(today - dt.timedelta(days=1)), iso(today)]


@pytest.mark.parametrize("params", [
    {"from": "2025-05-02", "to": "2025-05-01"},
    {"from": "2025-02-30", "to": "2025-03-10"},
    {"from": "2025-01-01", "to": "2025-13-01"},
    {"from": "abc"},
    {"to": "demain"},
    {"from": "2025-01-05T00:00:00Z", "to": "2025-01-10"},
    {"from": "2025-1-5", "to": "2025-01-10"},
    {"from": "", "to": "2025-01-10"},
])
def test_get_bad_query_is_400(server, user, params):
    assert_error(user.get("/api/progress", params=params), 400, "validation_failed")


def test_get_from_after_default_to_is_400(server):
    c = new_user(server)
    tomorrow = today_in("UTC") + dt.timedelta(days=2)
    assert_error(c.get("/api/progress", params={"from": iso(tomorrow)}), 400, "validation_failed")


def test_summary_totals_per_day_and_per_subject(server):
    c = new_user(server)
    inside = [
        ("2025-04-01", 60, 1, "Maths"),
        ("2025-04-02", 30, 2, "Maths"),
        ("2025-04-02", 90, 0, "Physique"),
        ("2025-04-03", 120, 1, "Chimie"),
        ("2025-04-05", 10, 0, "Anglais"),
        ("2025-04-05", 500, 4, None),
    ]
    outside = [("2025-03-31", 1000, 7, "Maths"), ("2025-04-11", 50, 1, "Biologie")]
    for d, t, s, m in outside + inside:
        body = {"date": d, "tempsEtudie": t, "sessionsCompletees": s}
        if m:
            body["matiere"] = m
        add(c, **body)
    summary = fetch(c, **{"from": "2025-04-01", "to": "2025-04-10"})["summary"]
    assert summary["tempsEtudie"] == 810
    assert summary["sessionsCompletees"] == 8
    assert summary["parJour"] == [
        {"date": "2025-04-01", "tempsEtudie": 60, "sessionsCompletees": 1},
        {"date": "2025-04-02", "tempsEtudie": 120, "sessionsCompletees": 2},
        {"date": "2025-04-03", "tempsEtudie": 120, "sessionsCompletees": 1},
        {"date": "2025-04-05", "tempsEtudie": 510, "sessionsCompletees": 4},
    ]
    # tempsEtudie descending, then matiere (Maths and Physique tie at 90).
    assert summary["parMatiere"] == [
        {"matiere": "Chimie", "tempsEtudie": 120, "sessionsCompletees": 1},
        {"matiere": "Maths", "tempsEtudie": 90, "sessionsCompletees": 3},
        {"matiere": "Physique", "tempsEtudie": 90, "sessionsCompletees": 0},
        {"matiere": "Anglais", "tempsEtudie": 10, "sessionsCompletees": 0},
    ]
    # Streaks are over all time: 2025-03-31 (outside the range) .. 2025-04-03 is a run of 4.
    assert summary["meilleureSerie"] == 4
    assert summary["serieActuelle"] == 0


def test_par_matiere_tie_order_by_name(server):
    c = new_user(server)
    for m in ["Zoologie", "Algebre", "Musique"]:
        add(c, date="2025-02-02", tempsEtudie=45, matiere=m)
    add(c, date="2025-02-02", tempsEtudie=46, matiere="Yoga")
    got = fetch(c, **{"from": "2025-02-01", "to": "2025-02-28"})["summary"]["parMatiere"]
    assert [x["matiere"] for x in got] == ["Yoga", "Algebre", "Musique", "Zoologie"]


def test_current_streak_today_yesterday_and_gap(server):
    c = new_user(server)
    today = today_in("UTC")

    def s():
        return fetch(c)["summary"]

    add(c, date=iso(today - dt.timedelta(days=3)), tempsEtudie=10)
    add(c, date=iso(today - dt.timedelta(days=2)), tempsEtudie=10)
    got = s()
    assert (got["serieActuelle"], got["meilleureSerie"]) == (0, 2)  # last active day: day before yesterday
    add(c, date=iso(today - dt.timedelta(days=1)), tempsEtudie=10)
    got = s()
    assert (got["serieActuelle"], got["meilleureSerie"]) == (3, 3)  # yesterday still stands
    add(c, date=iso(today), tempsEtudie=10)
    add(c, date=iso(today), tempsEtudie=20)  # twice the same day counts once
    got = s()
    assert (got["serieActuelle"], got["meilleureSerie"]) == (4, 4)


def test_current_streak_zero_with_only_old_days(server):
    c = new_user(server)
    today = today_in("UTC")
    add(c, date=iso(today - dt.timedelta(days=2)), tempsEtudie=10)
    got = fetch(c)["summary"]
    assert (got["serieActuelle"], got["meilleureSerie"]) == (0, 1)


def test_streaks_count_outside_requested_range(server):
    c = new_user(server)
    today = today_in("UTC")
    for d in ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05"]:
        add(c, date=d, tempsEtudie=10)
    add(c, date=iso(today), tempsEtudie=10)
    add(c, date=iso(today - dt.timedelta(days=1)), tempsEtudie=10)
    got = fetch(c)
    assert len(got["entries"]) == 2
    assert (got["summary"]["serieActuelle"], got["summary"]["meilleureSerie"]) == (2, 5)
    got = fetch(c, **{"from": "2020-01-01", "to": "2020-01-31"})
    assert got["entries"] == []
    assert got["summary"]["tempsEtudie"] == 0 and got["summary"]["parJour"] == []
    assert (got["summary"]["serieActuelle"], got["summary"]["meilleureSerie"]) == (2, 5)


def test_same_day_counts_once_in_streaks(server):
    c = new_user(server)
    for _ in range(3):
        add(c, date="2025-05-10", tempsEtudie=10)
    add(c, date="2025-05-11", tempsEtudie=10)
    add(c, date="2025-05-13", tempsEtudie=10)
    summary = fetch(c, **{"from": "2025-05-01", "to": "2025-05-31"})["summary"]
    assert summary["meilleureSerie"] == 2
    assert summary["parJour"][0] == {"date": "2025-05-10", "tempsEtudie": 30, "sessionsCompletees": 0}


def test_entries_with_zero_sessions_count_for_streaks(server):
    c = new_user(server)
    for d in ["2025-05-10", "2025-05-11", "2025-05-12"]:
        add(c, date=d, tempsEtudie=5, sessionsCompletees=0)
    assert fetch(c, **WIDE)["summary"]["meilleureSerie"] == 3


def test_streaks_across_month_year_and_leap_days(server):
    c = new_user(server)
    for d in ["2024-12-30", "2024-12-31", "2025-01-01",                      # 3, across a year
              "2025-02-27", "2025-02-28", "2025-03-01", "2025-03-02",        # 4, across Feb (not leap)
              "2024-02-25", "2024-02-26", "2024-02-27", "2024-02-28", "2024-03-01"]:  # 4 then 1 (29 Feb missing)
        add(c, date=d, tempsEtudie=10)
    assert fetch(c, **WIDE)["summary"]["meilleureSerie"] == 4
    add(c, date="2024-02-29", tempsEtudie=10)
    assert fetch(c, **WIDE)["summary"]["meilleureSerie"] == 6


# ---------------------------------------------------------------------------------- time zones

def test_streak_across_spring_forward_europe_paris_free_entries(server):
    c = new_user(server, timezone="Europe/Paris")
    for d in ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]:
        add(c, date=d, tempsEtudie=30)
    body = fetch(c, **{"from": "2026-03-25", "to": "2026-04-05"})
    assert dates_of(body) == ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]
    assert body["summary"]["meilleureSerie"] == 4
    assert body["summary"]["serieActuelle"] == 0
    assert [d["date"] for d in body["summary"]["parJour"]] == dates_of(body)


def test_streak_across_fall_back_europe_paris_free_entries(server):
    c = new_user(server, timezone="Europe/Paris")
    for d in ["2026-10-24", "2026-10-25", "2026-10-26"]:
        add(c, date=d, tempsEtudie=30)
    assert fetch(c, **WIDE)["summary"]["meilleureSerie"] == 3


def test_linked_entries_around_spring_forward_europe_paris(server):
    tz = "Europe/Paris"
    c = new_user(server, timezone=tz)
    sessions = [
        ("S0", "2026-03-27T22:30:00Z", "2026-03-27T23:00:00Z"),  # 27 Mar 23:30 CET
        ("S1", "2026-03-28T12:00:00Z", "2026-03-28T13:00:00Z"),  # 28 Mar 13:00 CET
        ("S2", "2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z"),  # 29 Mar 00:30 CET
        ("S3", "2026-03-29T21:30:00Z", "2026-03-29T22:00:00Z"),  # 29 Mar 23:30 CEST
        ("S4", "2026-03-29T22:30:00Z", "2026-03-29T23:00:00Z"),  # 30 Mar 00:30 CEST
        ("S5", "2026-03-30T21:45:00Z", "2026-03-30T22:15:00Z"),  # 30 Mar 23:45 CEST
    ]
    expected = ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-29", "2026-03-30", "2026-03-30"]
    assert [local_date(s[1], tz) for s in sessions] == expected  # the test's own arithmetic
    p = make_planning(c, sessions, "2026-03-27")
    got = [complete(c, p, i) for i in range(len(sessions))]
    assert [e["date"] for e in got] == expected
    assert [e["tempsEtudie"] for e in got] == [minutes(s[1], s[2]) for s in sessions]
    body = fetch(c, **{"from": "2026-03-26", "to": "2026-03-31"})
    assert body["entries"] == got
    assert body["summary"]["parJour"] == [
        {"date": "2026-03-27", "tempsEtudie": 30, "sessionsCompletees": 1},
        {"date": "2026-03-28", "tempsEtudie": 60, "sessionsCompletees": 1},
        {"date": "2026-03-29", "tempsEtudie": 90, "sessionsCompletees": 2},
        {"date": "2026-03-30", "tempsEtudie": 60, "sessionsCompletees": 2},
    ]
    assert body["summary"]["meilleureSerie"] == 4
    assert body["summary"]["parMatiere"] == [
        {"matiere": m, "tempsEtudie": t, "sessionsCompletees": 1}
        for m, t in [("S1", 60), ("S2", 60), ("S0", 30), ("S3", 30), ("S4", 30), ("S5", 30)]]


def test_streak_across_dst_end_pacific_auckland_free_entries(server):
    tz = "Pacific/Auckland"
    c = new_user(server, timezone=tz)
    for d in ["2026-04-04", "2026-04-05", "2026-04-06"]:  # NZ DST ends Sunday 5 April 2026
        add(c, date=d, tempsEtudie=25)
    body = fetch(c, **{"from": "2026-04-01", "to": "2026-04-10"})
    assert dates_of(body) == ["2026-04-04", "2026-04-05", "2026-04-06"]
    assert (body["summary"]["meilleureSerie"], body["summary"]["serieActuelle"]) == (3, 0)
    # Now the current streak, relative to today in Auckland.
    today = today_in(tz)
    add(c, date=iso(today - dt.timedelta(days=2)), tempsEtudie=10)
    add(c, date=iso(today - dt.timedelta(days=1)), tempsEtudie=10)
    s = fetch(c)["summary"]
    assert (s["serieActuelle"], s["meilleureSerie"]) == (2, 3)
    add(c, date=iso(today), tempsEtudie=10)
    s = fetch(c)["summary"]
    assert (s["serieActuelle"], s["meilleureSerie"]) == (3, 3)
    assert s["parJour"][-1]["date"] == iso(today)


def test_linked_entries_around_dst_end_pacific_auckland(server):
    tz = "Pacific/Auckland"
    c = new_user(server, timezone=tz)
    sessions = [
        ("A0", "2026-04-03T11:30:00Z", "2026-04-03T12:00:00Z"),  # 4 Apr 00:30 NZDT
        ("A1", "2026-04-04T10:30:00Z", "2026-04-04T11:00:00Z"),  # 4 Apr 23:30 NZDT
        ("A2", "2026-04-04T11:30:00Z", "2026-04-04T12:00:00Z"),  # 5 Apr 00:30 NZDT
        ("A3", "2026-04-05T11:30:00Z", "2026-04-05T12:00:00Z"),  # 5 Apr 23:30 NZST
        ("A4", "2026-04-05T12:30:00Z", "2026-04-05T13:00:00Z"),  # 6 Apr 00:30 NZST
    ]
    expected = ["2026-04-04", "2026-04-04", "2026-04-05", "2026-04-05", "2026-04-06"]
    assert [local_date(s[1], tz) for s in sessions] == expected
    p = make_planning(c, sessions, "2026-04-03")
    got = [complete(c, p, i) for i in range(len(sessions))]
    assert [e["date"] for e in got] == expected
    body = fetch(c, **{"from": "2026-04-01", "to": "2026-04-10"})
    assert [(d["date"], d["sessionsCompletees"]) for d in body["summary"]["parJour"]] == \
        [("2026-04-04", 2), ("2026-04-05", 2), ("2026-04-06", 1)]
    assert body["summary"]["meilleureSerie"] == 3


def test_linked_entries_around_dst_start_pacific_auckland(server):
    tz = "Pacific/Auckland"
    c = new_user(server, timezone=tz)
    sessions = [  # NZ DST starts Sunday 27 September 2026 at 02:00 NZST
        ("B0", "2026-09-25T11:30:00Z", "2026-09-25T12:00:00Z"),  # 25 Sep 23:30 NZST
        ("B1", "2026-09-25T12:30:00Z", "2026-09-25T13:00:00Z"),  # 26 Sep 00:30 NZST
        ("B2", "2026-09-26T11:30:00Z", "2026-09-26T12:00:00Z"),  # 26 Sep 23:30 NZST
        ("B3", "2026-09-27T10:30:00Z", "2026-09-27T11:00:00Z"),  # 27 Sep 23:30 NZDT
        ("B4", "2026-09-27T11:30:00Z", "2026-09-27T12:00:00Z"),  # 28 Sep 00:30 NZDT
    ]
    expected = ["2026-09-25", "2026-09-26", "2026-09-26", "2026-09-27", "2026-09-28"]
    assert [local_date(s[1], tz) for s in sessions] == expected
    p = make_planning(c, sessions, "2026-09-25")
    got = [complete(c, p, i) for i in range(len(sessions))]
    assert [e["date"] for e in got] == expected
    s = fetch(c, **{"from": "2026-09-20", "to": "2026-09-30"})["summary"]
    assert [d["date"] for d in s["parJour"]] == ["2026-09-25", "2026-09-26", "2026-09-27", "2026-09-28"]
    assert s["meilleureSerie"] == 4


def test_current_streak_in_far_east_zone(server):
    # Pacific/Kiritimati is UTC+14: a streak ending the day before yesterday (local) is over,
    # whatever the UTC date is.
    tz = "Pacific/Kiritimati"
    c = new_user(server, timezone=tz)
    today = today_in(tz)
    add(c, date=iso(today - dt.timedelta(days=3)), tempsEtudie=10)
    add(c, date=iso(today - dt.timedelta(days=2)), tempsEtudie=10)
    s = fetch(c)["summary"]
    assert (s["serieActuelle"], s["meilleureSerie"]) == (0, 2)
    add(c, date=iso(today), tempsEtudie=10)
    s = fetch(c)["summary"]
    assert (s["serieActuelle"], s["meilleureSerie"]) == (1, 2)


def test_current_streak_in_far_west_zone(server):
    # Pacific/Pago_Pago is UTC-11: a streak ending yesterday (local) still stands.
    tz = "Pacific/Pago_Pago"
    c = new_user(server, timezone=tz)
    today = today_in(tz)
    add(c, date=iso(today - dt.timedelta(days=2)), tempsEtudie=10)
    add(c, date=iso(today - dt.timedelta(days=1)), tempsEtudie=10)
    s = fetch(c)["summary"]
    assert (s["serieActuelle"], s["meilleureSerie"]) == (2, 2)


# ---------------------------------------------------------------------------------- DELETE

def test_delete_free_entry(server):
    c = new_user(server)
    e = add(c, date="2025-08-01", tempsEtudie=30)
    keep = add(c, date="2025-08-02", tempsEtudie=40)
    r = c.delete(f"/api/progress/{e['_id']}")
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert fetch(c, **WIDE)["entries"] == [keep]
    assert_error(c.delete(f"/api/progress/{e['_id']}"), 404, "not_found")
    assert fetch(c, **WIDE)["entries"] == [keep]


def test_delete_linked_entry_puts_session_back(server):
    c = new_user(server)
    p = simple_planning(c, n=2)
    e = complete(c, p, 0)
    complete(c, p, 1)
    assert statut(c, p, 0) == "termine"
    r = c.delete(f"/api/progress/{e['_id']}")
    assert r.status_code == 204, r.text
    assert statut(c, p, 0) == "planifie"
    assert statut(c, p, 1) == "termine"
    assert [x["sessionId"] for x in fetch(c, **WIDE)["entries"]] == [p["sessions"][1]["_id"]]
    again = complete(c, p, 0, tempsEtudie=20)
    assert again["_id"] != e["_id"]
    assert again["tempsEtudie"] == 20
    assert statut(c, p, 0) == "termine"
    assert_error(c.delete(f"/api/progress/{e['_id']}"), 404, "not_found")
    assert statut(c, p, 0) == "termine"


@pytest.mark.parametrize("bad", ["abc", "0123456789ABCDEF01234567", "0123456789abcdef0123456",
                                 "0123456789abcdef012345678", "zz23456789abcdef01234567", "null"])
def test_delete_malformed_id_is_404(server, user, bad):
    assert_error(user.delete(f"/api/progress/{bad}"), 404, "not_found")


def test_delete_unknown_id_is_404(server, user):
    assert_error(user.delete(f"/api/progress/{unknown_id()}"), 404, "not_found")


# ---------------------------------------------------------------------------------- isolation

def test_isolation_between_users(server):
    a = new_user(server)
    b = new_user(server)
    today = iso(today_in("UTC"))
    pa = simple_planning(a, n=2)
    ea_linked = complete(a, pa, 0)
    ea_free = add(a, date=today, tempsEtudie=30, matiere="Maths")
    eb = add(b, date=today, tempsEtudie=5)

    # B sees only B's entries, with a summary of B's alone.
    for params in ({}, WIDE, {"from": "2026-01-01", "to": "2026-01-31"}):
        body = fetch(b, **params)
        assert all(e["userId"] == b.id for e in body["entries"])
        assert ea_free["_id"] not in [e["_id"] for e in body["entries"]]
        assert ea_linked["_id"] not in [e["_id"] for e in body["entries"]]
    body = fetch(b)
    assert body["entries"] == [eb]
    assert body["summary"]["tempsEtudie"] == 5
    assert body["summary"]["parMatiere"] == []
    assert body["summary"]["serieActuelle"] == 1
    assert fetch(b, **{"from": "2026-01-01", "to": "2026-01-31"})["entries"] == []

    # B cannot delete A's entries, and they stay.
    for e in (ea_linked, ea_free):
        assert_error(b.delete(f"/api/progress/{e['_id']}"), 404, "not_found")
    assert fetch(a, **WIDE)["entries"] == [ea_linked, ea_free]
    assert statut(a, pa, 0) == "termine"

    # B cannot complete A's session, and it stays planifie.
    assert_error(post(b, {"planningId": pa["_id"], "sessionId": pa["sessions"][1]["_id"]}), 404, "not_found")
    assert statut(a, pa, 1) == "planifie"
    # ... and A's already completed one is 404 for B, not 409.
    assert_error(post(b, {"planningId": pa["_id"], "sessionId": pa["sessions"][0]["_id"]}), 404, "not_found")
    assert fetch(b, **WIDE)["entries"] == [eb]

    # A cannot delete B's entry either.
    assert_error(a.delete(f"/api/progress/{eb['_id']}"), 404, "not_found")
    assert fetch(b, **WIDE)["entries"] == [eb]
    complete(a, pa, 1)


def test_export_holds_own_progress_only(server):
    a = new_user(server)
    b = new_user(server)
    ea = add(a, date="2025-09-01", tempsEtudie=30)
    eb = add(b, date="2025-09-01", tempsEtudie=30)
    ra = a.get("/api/users/me/export")
    assert ra.status_code == 200, ra.text
    ids = [e["_id"] for e in ra.json()["progress"]]
    assert ea["_id"] in ids and eb["_id"] not in ids


def test_requires_authentication(server):
    a = new_user(server)
    e = add(a, date="2025-09-01", tempsEtudie=30)
    url = server.url
    for headers in ({}, {"Authorization": "Bearer pas-un-jeton"}):
        assert_error(requests.post(url + "/api/progress", json={"tempsEtudie": 30}, headers=headers,
                                   timeout=30), 401, "unauthenticated")
        assert_error(requests.get(url + "/api/progress", headers=headers, timeout=30), 401, "unauthenticated")
        assert_error(requests.delete(url + f"/api/progress/{e['_id']}", headers=headers, timeout=30),
                     401, "unauthenticated")
    assert fetch(a, **WIDE)["entries"] == [e]


def test_wrong_methods_are_405(server, user):
    c = user
    r = c.put("/api/progress", json={})
    assert_error(r, 405, "method_not_allowed")
    assert {"GET", "POST"} <= {m.strip().upper() for m in r.headers.get("Allow", "").split(",")}
    r = c.delete("/api/progress")
    assert_error(r, 405, "method_not_allowed")
    r = c.get(f"/api/progress/{unknown_id()}")
    assert_error(r, 405, "method_not_allowed")
    assert "DELETE" in r.headers.get("Allow", "").upper()
