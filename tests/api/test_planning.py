"""Black-box tests of the planning routes (docs/api.md (plannings):
Time zones, Plannings; docs/behaviour.md "Plannings"):
POST /api/planning (manual), GET/PUT/DELETE /api/planning/:id, PATCH /api/planning/:id/sessions/:sessionId.
The list (GET /api/planning) is in test_planning_list.py, the ICS export and the feed in test_ics.py."""
import datetime as dt
import re

import pytest
import requests

from conftest import new_user, assert_french_error as err, detail_paths as paths, assert_invalid as invalid
from waits import wait_until

ID_RE = re.compile(r"^[0-9a-f]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
PLANNING_KEYS = {"_id", "userId", "titre", "periode", "dateDebut", "source", "sessions",
                 "createdAt", "updatedAt"}
PLANNING_REQUIRED = PLANNING_KEYS - {"titre"}
SESSION_KEYS = {"_id", "matiere", "debut", "fin", "statut", "notes"}
SESSION_REQUIRED = SESSION_KEYS - {"notes"}
STATUTS = ("planifie", "en_cours", "termine", "rate")
UTC = dt.timezone.utc


# ---------------------------------------------------------------------------------- helpers

def invalid_under(resp, prefix):
    """400 validation_failed with a detail whose path is `prefix` or lies under it."""
    e = err(resp, 400, "validation_failed")
    assert any(p == prefix or p.startswith(prefix + ".") or p.startswith(prefix + "[")
               for p in paths(e)), f"expected a detail under {prefix!r}: {e}"
    return e


def parse_ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))


def wait_past(ts):
    """Waits until this machine's clock (the server's) is past the millisecond of `ts`, so that a
    change made now gets a later timestamp."""
    limit = parse_ts(ts)
    wait_until(lambda: dt.datetime.now(dt.timezone.utc) > limit + dt.timedelta(milliseconds=1),
               message=f"the clock to pass {ts}")


def iso(d):
    """RFC 3339 UTC with milliseconds, as the server writes date-times."""
    d = d.astimezone(UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def norm(s):
    """The server's output form of an input date-time."""
    return iso(parse_ts(s))


def plus(s, **kw):
    """An input date-time moved by a timedelta, in the Z form."""
    return iso(parse_ts(s) + dt.timedelta(**kw))


def sess(debut, fin, matiere="Maths", **kw):
    return {"matiere": matiere, "debut": debut, "fin": fin, **kw}


def body(periode="jour", dateDebut="2025-12-01", sessions=None, **kw):
    return {"periode": periode, "dateDebut": dateDebut,
            "sessions": [] if sessions is None else sessions, **kw}


def create(c, *args, **kw):
    return c.post("/api/planning", json=body(*args, **kw))


def created(c, *args, **kw):
    r = create(c, *args, **kw)
    assert r.status_code == 201, r.text
    return r.json()


def check_planning(p, user_id=None):
    assert PLANNING_REQUIRED <= set(p) <= PLANNING_KEYS, p
    assert ID_RE.match(p["_id"]), p["_id"]
    assert ID_RE.match(p["userId"]), p["userId"]
    if user_id is not None:
        assert p["userId"] == user_id
    assert p["periode"] in ("jour", "semaine", "mois", "semestre")
    assert p["source"] in ("manual", "ai", "fallback")
    for k in ("dateDebut", "createdAt", "updatedAt"):
        assert TS_RE.match(p[k]), (k, p[k])
    assert isinstance(p["sessions"], list)
    for s in p["sessions"]:
        assert SESSION_REQUIRED <= set(s) <= SESSION_KEYS, s
        assert ID_RE.match(s["_id"]), s
        assert TS_RE.match(s["debut"]) and TS_RE.match(s["fin"]), s
        assert s["statut"] in STATUTS, s
    ids = [s["_id"] for s in p["sessions"]]
    assert len(set(ids)) == len(ids), "session ids must be distinct"
    debuts = [s["debut"] for s in p["sessions"]]
    assert debuts == sorted(debuts), "sessions must be sorted by debut"
    return p


def get(c, pid):
    return c.get(f"/api/planning/{pid}")


def patch_session(c, pid, sid, payload):
    return c.patch(f"/api/planning/{pid}/sessions/{sid}", json=payload)


def by_matiere(p):
    return {s["matiere"]: s for s in p["sessions"]}


# ---------------------------------------------------------------------------------- create

def test_create_manual_shape(server):
    c = new_user(server)
    before = dt.datetime.now(UTC) - dt.timedelta(seconds=5)
    r = create(c, "semaine", "2025-12-01", [
        sess("2025-12-03T14:00:00Z", "2025-12-03T15:30:00Z", "Physique", notes="Chapitre 4"),
        sess("2025-12-01T09:00:00.000Z", "2025-12-01T10:00:00.000Z", "  Maths  ", statut="en_cours"),
        sess("2025-12-02T08:00:00+01:00", "2025-12-02T09:00:00+01:00", "Histoire"),
    ], titre="  Semaine de révisions  ")
    assert r.status_code == 201, r.text
    assert r.headers.get("Content-Type", "").startswith("application/json")
    p = check_planning(r.json(), c.id)
    assert p["periode"] == "semaine"
    assert p["dateDebut"] == "2025-12-01T00:00:00.000Z"
    assert p["source"] == "manual"
    assert p["titre"] == "Semaine de révisions"
    after = dt.datetime.now(UTC) + dt.timedelta(seconds=5)
    assert before <= parse_ts(p["createdAt"]) <= after
    assert before <= parse_ts(p["updatedAt"]) <= after
    got = [(s["matiere"], s["debut"], s["fin"], s["statut"], s.get("notes")) for s in p["sessions"]]
    assert got == [
        ("Maths", "2025-12-01T09:00:00.000Z", "2025-12-01T10:00:00.000Z", "en_cours", None),
        ("Histoire", "2025-12-02T07:00:00.000Z", "2025-12-02T08:00:00.000Z", "planifie", None),
        ("Physique", "2025-12-03T14:00:00.000Z", "2025-12-03T15:30:00.000Z", "planifie", "Chapitre 4"),
    ]
    # notes are left out of the JSON when absent
    assert "notes" not in p["sessions"][0] and "notes" not in p["sessions"][1]
    assert get(c, p["_id"]).json() == p


def test_create_without_titre_leaves_it_out(server):
    c = new_user(server)
    p = created(c, "jour", "2025-12-01", [sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z")])
    check_planning(p, c.id)
    assert "titre" not in p


def test_create_mode_manual_accepted(server):
    c = new_user(server)
    p = created(c, "jour", "2025-12-01", [sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z")],
                mode="manual")
    check_planning(p, c.id)
    assert p["source"] == "manual"
    assert len(p["sessions"]) == 1


def test_create_unknown_mode_rejected(server):
    c = new_user(server)
    err(create(c, "jour", "2025-12-01", [], mode="magique"), 400, "validation_failed")


def test_create_ignores_session_ids(server):
    c = new_user(server)
    first = created(c, "jour", "2025-12-01", [sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z")])
    old_sid = first["sessions"][0]["_id"]
    made_up = "0123456789abcdef01234567"
    p = created(c, "jour", "2025-12-02", [
        sess("2025-12-02T09:00:00Z", "2025-12-02T10:00:00Z", "A", _id=old_sid),
        sess("2025-12-02T11:00:00Z", "2025-12-02T12:00:00Z", "B", _id=made_up),
    ])
    check_planning(p)
    ids = {s["_id"] for s in p["sessions"]}
    assert len(ids) == 2
    assert old_sid not in ids and made_up not in ids
    # the first planning still owns its session
    assert get(c, first["_id"]).json()["sessions"][0]["_id"] == old_sid


def test_create_empty_sessions_allowed(server):
    # docs/api.md sets no minimum number of sessions
    c = new_user(server)
    p = created(c, "jour", "2025-12-01", [])
    check_planning(p, c.id)
    assert p["sessions"] == []


def test_create_every_statut(server):
    c = new_user(server)
    sessions = [sess(f"2025-12-01T0{i}:00:00Z", f"2025-12-01T0{i}:30:00Z", f"M{i}", statut=st)
                for i, st in enumerate(STATUTS)]
    p = created(c, "jour", "2025-12-01", sessions)
    assert [s["statut"] for s in p["sessions"]] == list(STATUTS)


# ---------------------------------------------------------------------------------- validation

DAY = "2025-12-01"


def s0(**kw):
    base = sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z")
    base.update(kw)
    return base


@pytest.mark.parametrize("matiere, expected", [
    ("M", "M"),
    ("a" * 100, "a" * 100),
    ("é" * 100, "é" * 100),
    ("\U0001D11E" * 100, "\U0001D11E" * 100),   # astral: 100 code points, 200 UTF-16 units
    ("  " + "x" * 100 + "  ", "x" * 100),       # trimmed before counting
], ids=["1", "100", "100-accented", "100-astral", "100-trimmed"])
def test_matiere_bounds_ok(server, matiere, expected):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0(matiere=matiere)])
    assert p["sessions"][0]["matiere"] == expected


@pytest.mark.parametrize("matiere", ["", "  ", "a" * 101, "é" * 101, "\U0001D11E" * 101, 5, None, ["Maths"]],
                         ids=["empty", "blank", "101", "101-accented", "101-astral", "number", "null",
                              "array"])
def test_matiere_rejected(server, matiere):
    c = new_user(server)
    invalid(create(c, "jour", DAY, [s0(), sess("2025-12-01T11:00:00Z", "2025-12-01T12:00:00Z", matiere)]),
            "sessions[1].matiere")


def test_matiere_missing(server):
    c = new_user(server)
    invalid(create(c, "jour", DAY, [{"debut": "2025-12-01T09:00:00Z", "fin": "2025-12-01T10:00:00Z"}]),
            "sessions[0].matiere")


@pytest.mark.parametrize("debut, fin", [
    ("2025-12-01T10:00:00Z", "2025-12-01T10:00:00Z"),
    ("2025-12-01T10:00:00Z", "2025-12-01T09:00:00Z"),
    ("2025-12-01T10:00:00.001Z", "2025-12-01T10:00:00Z"),
], ids=["equal", "reversed", "reversed-by-1ms"])
def test_debut_before_fin(server, debut, fin):
    c = new_user(server)
    invalid(create(c, "jour", DAY, [sess(debut, fin)]), "sessions[0].fin")


def test_session_of_12_hours_ok(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [sess("2025-12-01T09:00:00Z", "2025-12-01T21:00:00Z")])
    assert p["sessions"][0]["fin"] == "2025-12-01T21:00:00.000Z"


@pytest.mark.parametrize("fin", ["2025-12-01T21:01:00Z", "2025-12-01T21:00:00.001Z"],
                         ids=["12h01", "12h+1ms"])
def test_session_longer_than_12_hours_rejected(server, fin):
    c = new_user(server)
    invalid_under(create(c, "jour", DAY, [sess("2025-12-01T09:00:00Z", fin)]), "sessions[0]")


def test_notes_bounds(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0(notes="n" * 2000)])
    assert p["sessions"][0]["notes"] == "n" * 2000
    p = created(c, "jour", DAY, [s0(notes="é" * 2000)])
    assert p["sessions"][0]["notes"] == "é" * 2000
    invalid(create(c, "jour", DAY, [s0(notes="n" * 2001)]), "sessions[0].notes")
    invalid(create(c, "jour", DAY, [s0(notes="é" * 2001)]), "sessions[0].notes")
    invalid(create(c, "jour", DAY, [s0(notes=42)]), "sessions[0].notes")


def test_notes_trimmed_newlines_kept(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0(notes="  ligne 1\nligne 2  ")])
    assert p["sessions"][0]["notes"] == "ligne 1\nligne 2"


def test_titre_bounds(server):
    c = new_user(server)
    assert created(c, "jour", DAY, [], titre="t" * 200)["titre"] == "t" * 200
    assert created(c, "jour", DAY, [], titre="é" * 200)["titre"] == "é" * 200
    invalid(create(c, "jour", DAY, [], titre="t" * 201), "titre")
    invalid(create(c, "jour", DAY, [], titre="é" * 201), "titre")
    invalid(create(c, "jour", DAY, [], titre=7), "titre")


def one_minute_sessions(n, start="2026-01-05T00:00:00Z"):
    t0 = parse_ts(start)
    return [sess(iso(t0 + dt.timedelta(minutes=i)), iso(t0 + dt.timedelta(minutes=i + 1)), f"M{i % 7}")
            for i in range(n)]


def test_1000_sessions_ok(server):
    c = new_user(server)
    sessions = one_minute_sessions(1000)
    sessions.reverse()   # sent in reverse order; returned sorted
    p = created(c, "semestre", "2026-01-01", sessions)
    check_planning(p)
    assert len(p["sessions"]) == 1000
    assert p["sessions"][0]["debut"] == "2026-01-05T00:00:00.000Z"
    assert p["sessions"][-1]["fin"] == "2026-01-05T16:40:00.000Z"
    assert len(get(c, p["_id"]).json()["sessions"]) == 1000


def test_1001_sessions_rejected(server):
    c = new_user(server)
    invalid(create(c, "semestre", "2026-01-01", one_minute_sessions(1001)), "sessions")


@pytest.mark.parametrize("statut", ["fait", "PLANIFIE", "", 1, ["planifie"]])
def test_statut_rejected(server, statut):
    c = new_user(server)
    invalid(create(c, "jour", DAY, [s0(statut=statut)]), "sessions[0].statut")


def test_unknown_top_level_field_rejected(server):
    c = new_user(server)
    invalid(create(c, "jour", DAY, [s0()], couleur="bleu"), "couleur")
    invalid(create(c, "jour", DAY, [s0()], source="ai"), "source")


def test_unknown_session_field_rejected(server):
    c = new_user(server)
    invalid(create(c, "jour", DAY, [s0(), sess("2025-12-01T11:00:00Z", "2025-12-01T12:00:00Z", foo=1)]),
            "sessions[1].foo")
    invalid(create(c, "jour", DAY, [s0(foo="bar")]), "sessions[0].foo")


@pytest.mark.parametrize("field", ["debut", "fin"])
@pytest.mark.parametrize("value", ["2025-12-01", "2025-12-01T09:00:00", "2025-12-01 09:00:00Z",
                                   "01/12/2025 09:00", "2025-12-01T25:00:00Z", "2025-02-30T09:00:00Z",
                                   "", 1764579600000],
                         ids=["date-only", "no-offset", "space", "french", "hour-25", "feb-30", "empty",
                              "number"])
def test_session_times_must_be_date_times(server, field, value):
    c = new_user(server)
    s = s0()
    s[field] = value
    invalid(create(c, "jour", DAY, [s]), f"sessions[0].{field}")


def test_session_date_only_rejected(server):
    c = new_user(server)
    invalid(create(c, "semaine", "2025-12-22",
                   [sess("2025-12-25", "2025-12-25T10:00:00Z")]), "sessions[0].debut")
    invalid(create(c, "semaine", "2025-12-22",
                   [sess("2025-12-25T09:00:00Z", "2025-12-26")]), "sessions[0].fin")


def test_date_time_input_forms(server):
    c = new_user(server)
    p = created(c, "semaine", "2025-12-22", [
        sess("2025-12-25T09:00Z", "2025-12-25T10:00Z", "A"),                    # seconds optional
        sess("2025-12-25t07:00:00.5+01:00", "2025-12-25T08:00:00.25+01:00", "B"),  # lower-case t, fraction
        sess("2025-12-26T10:00:00z", "2025-12-26T11:30-02:00", "C"),            # lower-case z, negative offset
        sess("2025-12-27T10:00:00.123Z", "2025-12-27T11:00:59Z", "D"),
    ])
    got = {s["matiere"]: (s["debut"], s["fin"]) for s in p["sessions"]}
    assert got == {
        "A": ("2025-12-25T09:00:00.000Z", "2025-12-25T10:00:00.000Z"),
        "B": ("2025-12-25T06:00:00.500Z", "2025-12-25T07:00:00.250Z"),
        "C": ("2025-12-26T10:00:00.000Z", "2025-12-26T13:30:00.000Z"),
        "D": ("2025-12-27T10:00:00.123Z", "2025-12-27T11:00:59.000Z"),
    }
    assert [s["matiere"] for s in p["sessions"]] == ["B", "A", "C", "D"]


@pytest.mark.parametrize("date_debut, expected", [
    ("2025-12-01", "2025-12-01T00:00:00.000Z"),
    ("2025-12-01T08:30Z", "2025-12-01T08:30:00.000Z"),
    ("2025-12-01T09:30:00+01:00", "2025-12-01T08:30:00.000Z"),
    ("2025-12-01t08:30:00.250z", "2025-12-01T08:30:00.250Z"),
])
def test_date_debut_forms(server, date_debut, expected):
    c = new_user(server)
    assert created(c, "jour", date_debut, [])["dateDebut"] == expected


@pytest.mark.parametrize("payload, path", [
    ({"dateDebut": DAY, "sessions": []}, "periode"),
    ({"periode": "annee", "dateDebut": DAY, "sessions": []}, "periode"),
    ({"periode": "Jour", "dateDebut": DAY, "sessions": []}, "periode"),
    ({"periode": "jour", "sessions": []}, "dateDebut"),
    ({"periode": "jour", "dateDebut": "2025-02-30", "sessions": []}, "dateDebut"),
    ({"periode": "jour", "dateDebut": "01/12/2025", "sessions": []}, "dateDebut"),
    ({"periode": "jour", "dateDebut": "2025-12-01T09:00:00", "sessions": []}, "dateDebut"),
    ({"periode": "jour", "dateDebut": DAY}, "sessions"),
    ({"periode": "jour", "dateDebut": DAY, "sessions": {}}, "sessions"),
    ({"periode": "jour", "dateDebut": DAY, "sessions": ["Maths"]}, "sessions[0]"),
])
def test_required_and_typed_fields(server, payload, path):
    c = new_user(server)
    invalid(c.post("/api/planning", json=payload), path)


def test_every_problem_is_listed(server):
    c = new_user(server)
    r = c.post("/api/planning", json={
        "periode": "jour", "dateDebut": DAY, "titre": "t" * 201, "inconnu": True,
        "sessions": [
            sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z", ""),
            sess("2025-12-01T11:00:00Z", "2025-12-01T12:00:00Z", statut="fini"),
            sess("2025-12-01T14:00:00Z", "2025-12-01T13:00:00Z"),
            sess("2025-12-01T15:00:00Z", "2025-12-01T16:00:00Z", notes="n" * 2001),
        ]})
    e = err(r, 400, "validation_failed")
    for p in ("titre", "inconnu", "sessions[0].matiere", "sessions[1].statut", "sessions[2].fin",
              "sessions[3].notes"):
        assert p in paths(e), (p, e)


def test_body_errors(server):
    c = new_user(server)
    err(c.post("/api/planning", json=["jour"]), 400, "validation_failed")
    err(c.post("/api/planning", data="{", headers={"Content-Type": "application/json"}),
        400, "invalid_json")
    err(c.post("/api/planning", data='{"periode":"jour"}', headers={"Content-Type": "text/plain"}),
        415, "unsupported_media_type")
    err(c.post("/api/planning", headers={"Content-Type": "application/json"}), 400, "invalid_json")
    r = c.post("/api/planning", data=b'{"periode":"jour","dateDebut":"2025-12-01","sessions":[{"matiere":"M\xff",'
               b'"debut":"2025-12-01T09:00:00Z","fin":"2025-12-01T10:00:00Z"}]}',
               headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] in ("invalid_json", "validation_failed")


# ---------------------------------------------------------------------------------- periods

def assert_period_end(c, periode, date_debut, end, expected_start=None):
    """A session ending exactly at `end` is inside; one ending a minute later is outside."""
    r = create(c, periode, date_debut, [sess(plus(end, hours=-1), end)])
    assert r.status_code == 201, (periode, date_debut, end, r.text)
    if expected_start is not None:
        assert r.json()["dateDebut"] == expected_start
    err(create(c, periode, date_debut, [sess(plus(end, hours=-1), plus(end, minutes=1))]),
        400, "session_outside_period")
    # wholly after the end, too
    err(create(c, periode, date_debut, [sess(end, plus(end, hours=1))]), 400, "session_outside_period")


@pytest.mark.parametrize("periode, end", [
    ("jour", "2025-12-02T00:00:00Z"),
    ("semaine", "2025-12-08T00:00:00Z"),
    ("mois", "2026-01-01T00:00:00Z"),
    ("semestre", "2026-06-01T00:00:00Z"),
])
def test_period_end_utc(server, periode, end):
    c = new_user(server)
    assert_period_end(c, periode, "2025-12-01", end, "2025-12-01T00:00:00.000Z")


@pytest.mark.parametrize("periode", ["jour", "semaine", "mois", "semestre"])
def test_session_before_date_debut_is_outside(server, periode):
    c = new_user(server)
    r = create(c, periode, "2025-12-01", [sess("2025-12-01T00:00:00Z", "2025-12-01T01:00:00Z")])
    assert r.status_code == 201, r.text
    err(create(c, periode, "2025-12-01", [sess("2025-11-30T23:59:00Z", "2025-12-01T01:00:00Z")]),
        400, "session_outside_period")
    err(create(c, periode, "2025-12-01", [sess("2025-11-30T10:00:00Z", "2025-11-30T11:00:00Z")]),
        400, "session_outside_period")


def test_outside_period_with_other_sessions_inside(server):
    c = new_user(server)
    err(create(c, "jour", "2025-12-01", [
        sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z"),
        sess("2025-12-02T09:00:00Z", "2025-12-02T10:00:00Z", "Physique"),
    ]), 400, "session_outside_period")


def test_period_end_with_time_of_day(server):
    c = new_user(server)
    assert_period_end(c, "jour", "2025-12-01T08:30:00Z", "2025-12-02T08:30:00Z", "2025-12-01T08:30:00.000Z")


@pytest.mark.parametrize("periode, date_debut, end", [
    ("mois", "2025-01-31", "2025-02-28T00:00:00Z"),
    ("mois", "2024-01-31", "2024-02-29T00:00:00Z"),
    ("mois", "2025-03-31", "2025-04-30T00:00:00Z"),
    ("mois", "2025-12-31", "2026-01-31T00:00:00Z"),
    ("mois", "2025-01-31T10:00:00Z", "2025-02-28T10:00:00Z"),
    ("semestre", "2025-08-31", "2026-02-28T00:00:00Z"),
    ("semestre", "2023-08-31", "2024-02-29T00:00:00Z"),
    ("semestre", "2025-12-31", "2026-06-30T00:00:00Z"),
], ids=["jan31", "jan31-leap", "mar31", "dec31", "jan31-10h", "sem-aug31", "sem-aug31-leap", "sem-dec31"])
def test_calendar_month_clamped(server, periode, date_debut, end):
    c = new_user(server)
    assert_period_end(c, periode, date_debut, end)


def test_mois_from_31_january_explicit(server):
    c = new_user(server)
    p = created(c, "mois", "2025-01-31", [sess("2025-02-27T23:00:00Z", "2025-02-28T00:00:00Z")])
    assert p["dateDebut"] == "2025-01-31T00:00:00.000Z"
    err(create(c, "mois", "2025-01-31", [sess("2025-02-27T23:01:00Z", "2025-02-28T00:01:00Z")]),
        400, "session_outside_period")
    p = created(c, "mois", "2024-01-31", [sess("2024-02-28T23:00:00Z", "2024-02-29T00:00:00Z")])
    assert p["dateDebut"] == "2024-01-31T00:00:00.000Z"
    err(create(c, "mois", "2024-01-31", [sess("2024-02-28T23:01:00Z", "2024-02-29T00:01:00Z")]),
        400, "session_outside_period")


def test_date_is_midnight_in_user_time_zone(server):
    c = new_user(server, timezone="Europe/Paris")
    p = created(c, "jour", "2025-12-01", [])
    assert p["dateDebut"] == "2025-11-30T23:00:00.000Z"
    # the day runs from 23:00Z to 23:00Z
    created(c, "jour", "2025-12-01", [sess("2025-11-30T23:00:00Z", "2025-11-30T23:30:00Z")])
    err(create(c, "jour", "2025-12-01", [sess("2025-11-30T22:59:00Z", "2025-11-30T23:30:00Z")]),
        400, "session_outside_period")
    assert_period_end(c, "jour", "2025-12-01", "2025-12-01T23:00:00Z")


def test_date_in_other_time_zones(server):
    c = new_user(server, timezone="America/New_York")
    assert created(c, "jour", "2025-12-01", [])["dateDebut"] == "2025-12-01T05:00:00.000Z"
    c = new_user(server, timezone="Asia/Kolkata")
    assert created(c, "jour", "2025-12-01", [])["dateDebut"] == "2025-11-30T18:30:00.000Z"
    c = new_user(server, timezone="Asia/Calcutta")   # a link
    assert created(c, "jour", "2025-12-01", [])["dateDebut"] == "2025-11-30T18:30:00.000Z"


@pytest.mark.parametrize("periode, date_debut, start, end", [
    # spring forward (29 March 2026): a 23-hour day
    ("jour", "2026-03-29", "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00Z"),
    # fall back (25 October 2026): a 25-hour day
    ("jour", "2026-10-25", "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00Z"),
    # a week across each change ends at the same local clock time
    ("semaine", "2026-03-25", "2026-03-24T23:00:00.000Z", "2026-03-31T22:00:00Z"),
    ("semaine", "2026-03-26T10:00:00+01:00", "2026-03-26T09:00:00.000Z", "2026-04-02T08:00:00Z"),
    ("semaine", "2026-10-22", "2026-10-21T22:00:00.000Z", "2026-10-28T23:00:00Z"),
    ("mois", "2026-03-15", "2026-03-14T23:00:00.000Z", "2026-04-14T22:00:00Z"),
    ("semestre", "2026-01-01", "2025-12-31T23:00:00.000Z", "2026-06-30T22:00:00Z"),
], ids=["jour-spring", "jour-fall", "semaine-spring", "semaine-spring-datetime", "semaine-fall",
        "mois-spring", "semestre"])
def test_periods_across_dst_paris(server, periode, date_debut, start, end):
    c = new_user(server, timezone="Europe/Paris")
    assert_period_end(c, periode, date_debut, end, start)


def test_jour_spring_forward_is_23_hours(server):
    c = new_user(server, timezone="Europe/Paris")
    p = created(c, "jour", "2026-03-29", [sess("2026-03-29T21:00:00Z", "2026-03-29T22:00:00Z")])
    assert p["dateDebut"] == "2026-03-28T23:00:00.000Z"
    # a 24-hour day would accept this one
    err(create(c, "jour", "2026-03-29", [sess("2026-03-29T22:00:00Z", "2026-03-29T22:30:00Z")]),
        400, "session_outside_period")


def test_jour_fall_back_is_25_hours(server):
    c = new_user(server, timezone="Europe/Paris")
    # a 24-hour day would end at 22:00Z and refuse this one
    p = created(c, "jour", "2026-10-25", [sess("2026-10-25T22:00:00Z", "2026-10-25T23:00:00Z")])
    assert p["dateDebut"] == "2026-10-24T22:00:00.000Z"
    err(create(c, "jour", "2026-10-25", [sess("2026-10-25T22:30:00Z", "2026-10-25T23:01:00Z")]),
        400, "session_outside_period")


def test_period_fixed_when_written(server):
    """The end is computed in the user's time zone when the planning is written; a later time-zone
    change does not move it, and a PUT recomputes it in the new zone."""
    c = new_user(server, timezone="UTC")
    # UTC: [2026-03-29T00:00Z, 2026-03-30T00:00Z). In Paris the same instant + 1 day would end at 23:00Z.
    p = created(c, "jour", "2026-03-29", [sess("2026-03-29T09:00:00Z", "2026-03-29T10:00:00Z")])
    sid = p["sessions"][0]["_id"]
    r = c.patch("/api/users/me", json={"timezone": "Europe/Paris"})
    assert r.status_code == 200, r.text
    assert get(c, p["_id"]).json()["dateDebut"] == "2026-03-29T00:00:00.000Z"
    r = patch_session(c, p["_id"], sid, {"debut": "2026-03-29T23:00:00Z", "fin": "2026-03-29T23:59:00Z"})
    assert r.status_code == 200, r.text
    # a replace recomputes the period in the zone of that moment
    r = c.put(f"/api/planning/{p['_id']}", json=body("jour", "2026-03-29", [
        sess("2026-03-29T21:00:00Z", "2026-03-29T22:00:00Z")]))
    assert r.status_code == 200, r.text
    assert r.json()["dateDebut"] == "2026-03-28T23:00:00.000Z"
    err(c.put(f"/api/planning/{p['_id']}", json=body("jour", "2026-03-29", [
        sess("2026-03-29T22:00:00Z", "2026-03-29T22:30:00Z")])), 400, "session_outside_period")


# ---------------------------------------------------------------------------------- overlaps

def test_touching_sessions_allowed(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [
        sess("2025-12-01T10:00:00Z", "2025-12-01T11:00:00Z", "B"),
        sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z", "A"),
        sess("2025-12-01T11:00:00Z", "2025-12-01T11:30:00Z", "C"),
    ])
    assert [s["matiere"] for s in p["sessions"]] == ["A", "B", "C"]


def overlap_indices(e):
    out = set()
    for p in paths(e):
        m = re.match(r"^sessions\[(\d+)\]", p)
        assert m, f"overlap detail path does not name a session: {p!r}"
        out.add(int(m.group(1)))
    return out


@pytest.mark.parametrize("sessions, expected", [
    ([("10:00", "11:00"), ("08:00", "09:00"), ("10:30", "11:30")], {0, 2}),
    ([("08:00", "12:00"), ("09:00", "10:00")], {0, 1}),
    ([("14:00", "15:00"), ("09:00", "10:00"), ("13:00", "14:00"), ("14:59", "16:00")], {0, 3}),
    ([("09:00", "10:00"), ("09:00", "10:00")], {0, 1}),
], ids=["out-of-order", "contained", "last", "identical"])
def test_overlap_names_both(server, sessions, expected):
    c = new_user(server)
    e = err(create(c, "jour", DAY, [sess(f"{DAY}T{a}:00Z", f"{DAY}T{b}:00Z", f"M{i}")
                                    for i, (a, b) in enumerate(sessions)]),
            400, "sessions_overlap")
    assert overlap_indices(e) == expected, e


def test_overlap_by_one_millisecond(server):
    c = new_user(server)
    err(create(c, "jour", DAY, [sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00.001Z"),
                                sess("2025-12-01T10:00:00Z", "2025-12-01T11:00:00Z")]),
        400, "sessions_overlap")


# ---------------------------------------------------------------------------------- GET one

def test_get_one(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0(notes="x")], titre="Lundi")
    r = get(c, p["_id"])
    assert r.status_code == 200, r.text
    assert r.json() == p
    check_planning(r.json(), c.id)


def test_get_unknown_id(server):
    c = new_user(server)
    err(get(c, "0123456789abcdef01234567"), 404, "not_found")


def malformed_ids(pid):
    upper = pid.upper() if pid.upper() != pid else "ABCDEF" + pid[6:]
    return ["abc", upper, pid + "0", pid[:-1], "g" * 24, pid[:-1] + "%20", "0x" + pid[2:]]


def test_malformed_ids_are_404(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    pid, sid = p["_id"], p["sessions"][0]["_id"]
    for bad in malformed_ids(pid):
        err(c.get(f"/api/planning/{bad}"), 404, "not_found")
        err(c.put(f"/api/planning/{bad}", json=body("jour", DAY, [s0()])), 404, "not_found")
        err(c.delete(f"/api/planning/{bad}"), 404, "not_found")
        err(c.get(f"/api/planning/{bad}/ics"), 404, "not_found")
        err(patch_session(c, bad, sid, {"statut": "termine"}), 404, "not_found")
    for bad in malformed_ids(sid):
        err(patch_session(c, pid, bad, {"statut": "termine"}), 404, "not_found")
    assert get(c, pid).json() == p


def test_other_users_planning_is_404_everywhere(server):
    a = new_user(server)
    b = new_user(server)
    p = created(a, "jour", DAY, [s0(notes="secret de A")], titre="Privé")
    pid, sid = p["_id"], p["sessions"][0]["_id"]
    err(get(b, pid), 404, "not_found")
    err(b.put(f"/api/planning/{pid}", json=body("jour", DAY, [s0(matiere="Piraté")])), 404, "not_found")
    err(b.put(f"/api/planning/{pid}", json=body("jour", DAY, [s0(matiere="Piraté", _id=sid)])),
        404, "not_found")
    err(patch_session(b, pid, sid, {"statut": "rate"}), 404, "not_found")
    err(b.get(f"/api/planning/{pid}/ics"), 404, "not_found")
    err(b.delete(f"/api/planning/{pid}"), 404, "not_found")
    r = get(a, pid)
    assert r.status_code == 200
    assert r.json() == p


# ---------------------------------------------------------------------------------- PUT

def test_put_replaces_keeping_ids_and_statut(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [
        sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z", "A", statut="en_cours", notes="na"),
        sess("2025-12-01T11:00:00Z", "2025-12-01T12:00:00Z", "B", statut="termine"),
        sess("2025-12-01T13:00:00Z", "2025-12-01T14:00:00Z", "C"),
    ], titre="Avant")
    ids = {s["matiere"]: s["_id"] for s in p["sessions"]}
    wait_past(p["updatedAt"])
    r = c.put(f"/api/planning/{p['_id']}", json=body("jour", DAY, [
        sess("2025-12-01T15:00:00Z", "2025-12-01T16:00:00Z", "A2", _id=ids["A"]),          # statut omitted
        sess("2025-12-01T08:00:00Z", "2025-12-01T09:00:00Z", "B2", _id=ids["B"], statut="rate"),
        sess("2025-12-01T17:00:00Z", "2025-12-01T18:00:00Z", "D", notes="nouvelle"),
    ], titre="Après"))
    assert r.status_code == 200, r.text
    q = check_planning(r.json(), c.id)
    assert q["_id"] == p["_id"]
    assert q["source"] == "manual"
    assert q["createdAt"] == p["createdAt"]
    assert parse_ts(q["updatedAt"]) > parse_ts(p["updatedAt"])
    assert q["titre"] == "Après"
    s = by_matiere(q)
    assert set(s) == {"A2", "B2", "D"}
    assert s["A2"]["_id"] == ids["A"] and s["A2"]["statut"] == "en_cours"
    assert (s["A2"]["debut"], s["A2"]["fin"]) == ("2025-12-01T15:00:00.000Z", "2025-12-01T16:00:00.000Z")
    assert "notes" not in s["A2"]          # replaced: notes were not sent
    assert s["B2"]["_id"] == ids["B"] and s["B2"]["statut"] == "rate"
    assert s["D"]["_id"] not in ids.values() and s["D"]["statut"] == "planifie"
    assert s["D"]["notes"] == "nouvelle"
    assert [x["matiere"] for x in q["sessions"]] == ["B2", "A2", "D"]
    assert get(c, p["_id"]).json() == q


def test_put_without_titre_removes_it(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [], titre="Titre")
    r = c.put(f"/api/planning/{p['_id']}", json=body("jour", DAY, []))
    assert r.status_code == 200, r.text
    assert "titre" not in r.json()


def test_put_changes_periode_and_date(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    sid = p["sessions"][0]["_id"]
    r = c.put(f"/api/planning/{p['_id']}", json=body("semaine", "2025-12-08", [
        sess("2025-12-14T22:00:00Z", "2025-12-15T00:00:00Z", _id=sid)]))
    assert r.status_code == 200, r.text
    q = r.json()
    assert (q["periode"], q["dateDebut"]) == ("semaine", "2025-12-08T00:00:00.000Z")
    assert q["sessions"][0]["_id"] == sid
    # the old period no longer applies: a session on 1 December is now outside
    err(c.put(f"/api/planning/{p['_id']}", json=body("semaine", "2025-12-08", [s0()])),
        400, "session_outside_period")


def test_put_foreign_session_id_rejected(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    other = created(c, "jour", "2025-12-02", [sess("2025-12-02T09:00:00Z", "2025-12-02T10:00:00Z")])
    someone = new_user(server)
    theirs = created(someone, "jour", DAY, [s0()])
    for bad in (other["sessions"][0]["_id"], theirs["sessions"][0]["_id"], "0123456789abcdef01234567",
                "pas-un-id", p["_id"]):
        r = c.put(f"/api/planning/{p['_id']}", json=body("jour", DAY, [s0(_id=bad)]))
        invalid_under(r, "sessions[0]")
    assert get(c, p["_id"]).json() == p
    assert get(c, other["_id"]).json() == other


def test_put_session_id_sent_twice_rejected(server):
    # docs/api.md: an _id that two sessions of the body share is 400 (the fuzzer's drift report
    # found the rule, which the document did not state).
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    sid = p["sessions"][0]["_id"]
    later = sess("2025-12-01T11:00:00Z", "2025-12-01T12:00:00Z", _id=sid)
    r = c.put(f"/api/planning/{p['_id']}", json=body("jour", DAY, [s0(_id=sid), later]))
    invalid_under(r, "sessions[1]")
    assert get(c, p["_id"]).json() == p


def test_put_validation_leaves_planning_unchanged(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    url = f"/api/planning/{p['_id']}"
    err(c.put(url, json=body("jour", DAY, [s0(), s0(matiere="Bis")])), 400, "sessions_overlap")
    err(c.put(url, json=body("jour", DAY, [sess("2025-12-02T09:00:00Z", "2025-12-02T10:00:00Z")])),
        400, "session_outside_period")
    invalid(c.put(url, json=body("jour", DAY, [s0(matiere="")])), "sessions[0].matiere")
    invalid(c.put(url, json=body("jour", DAY, [s0(extra=1)])), "sessions[0].extra")
    invalid(c.put(url, json={"periode": "jour", "dateDebut": DAY}), "sessions")
    invalid(c.put(url, json=body("jour", DAY, [], source="ai")), "source")
    assert get(c, p["_id"]).json() == p


def test_put_unknown_id_404(server):
    c = new_user(server)
    err(c.put("/api/planning/0123456789abcdef01234567", json=body("jour", DAY, [])), 404, "not_found")


# ---------------------------------------------------------------------------------- PATCH session

def two_sessions(c):
    p = created(c, "jour", DAY, [
        sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z", "Maths"),
        sess("2025-12-01T11:00:00Z", "2025-12-01T12:00:00Z", "Physique", notes="Relire"),
    ])
    return p, p["sessions"][0]["_id"], p["sessions"][1]["_id"]


def test_patch_statut(server):
    c = new_user(server)
    p, a, b = two_sessions(c)
    for st in ("en_cours", "termine", "rate", "planifie"):
        r = patch_session(c, p["_id"], a, {"statut": st})
        assert r.status_code == 200, r.text
        q = check_planning(r.json(), c.id)
        assert q["_id"] == p["_id"] and q["createdAt"] == p["createdAt"] and q["source"] == "manual"
        assert q["sessions"][0] == {**p["sessions"][0], "statut": st}
        assert q["sessions"][1] == p["sessions"][1]
        assert get(c, p["_id"]).json() == q


def test_patch_updates_updated_at(server):
    c = new_user(server)
    p, a, _ = two_sessions(c)
    wait_past(p["updatedAt"])
    q = patch_session(c, p["_id"], a, {"statut": "termine"}).json()
    assert parse_ts(q["updatedAt"]) > parse_ts(p["updatedAt"])
    assert q["createdAt"] == p["createdAt"]


def test_patch_notes_set_and_cleared(server):
    c = new_user(server)
    p, a, b = two_sessions(c)
    r = patch_session(c, p["_id"], a, {"notes": "  Chapitre 3, exercices 1 à 5  "})
    assert r.status_code == 200, r.text
    assert r.json()["sessions"][0]["notes"] == "Chapitre 3, exercices 1 à 5"
    r = patch_session(c, p["_id"], b, {"notes": None})
    assert r.status_code == 200, r.text
    assert "notes" not in r.json()["sessions"][1]
    assert r.json()["sessions"][0]["notes"] == "Chapitre 3, exercices 1 à 5"
    assert "notes" not in get(c, p["_id"]).json()["sessions"][1]
    invalid(patch_session(c, p["_id"], a, {"notes": "n" * 2001}), "notes")


def test_patch_matiere(server):
    c = new_user(server)
    p, a, _ = two_sessions(c)
    r = patch_session(c, p["_id"], a, {"matiere": "  Chimie  "})
    assert r.status_code == 200, r.text
    s = r.json()["sessions"][0]
    assert s == {**p["sessions"][0], "matiere": "Chimie"}
    invalid(patch_session(c, p["_id"], a, {"matiere": "  "}), "matiere")
    invalid(patch_session(c, p["_id"], a, {"matiere": "m" * 101}), "matiere")


def test_patch_times_resorts(server):
    c = new_user(server)
    p, a, b = two_sessions(c)
    r = patch_session(c, p["_id"], a, {"debut": "2025-12-01T14:00+01:00", "fin": "2025-12-01T15:00:00Z"})
    assert r.status_code == 200, r.text
    q = r.json()
    assert [s["_id"] for s in q["sessions"]] == [b, a]
    assert (q["sessions"][1]["debut"], q["sessions"][1]["fin"]) == \
        ("2025-12-01T13:00:00.000Z", "2025-12-01T15:00:00.000Z")
    # only fin
    r = patch_session(c, p["_id"], a, {"fin": "2025-12-01T16:00:00Z"})
    assert r.status_code == 200, r.text
    assert r.json()["sessions"][1]["fin"] == "2025-12-01T16:00:00.000Z"
    assert r.json()["sessions"][1]["debut"] == "2025-12-01T13:00:00.000Z"


def test_patch_empty_body_no_change(server):
    c = new_user(server)
    p, a, _ = two_sessions(c)
    r = patch_session(c, p["_id"], a, {})
    assert r.status_code == 200, r.text
    assert r.json()["sessions"] == p["sessions"]


def test_patch_touching_allowed_overlap_rejected(server):
    c = new_user(server)
    p, a, b = two_sessions(c)
    r = patch_session(c, p["_id"], b, {"debut": "2025-12-01T10:00:00Z"})
    assert r.status_code == 200, r.text
    err(patch_session(c, p["_id"], b, {"debut": "2025-12-01T09:59:00Z"}), 400, "sessions_overlap")
    err(patch_session(c, p["_id"], a, {"debut": "2025-12-01T10:30:00Z", "fin": "2025-12-01T10:45:00Z"}),
        400, "sessions_overlap")
    q = get(c, p["_id"]).json()
    assert q["sessions"][0]["debut"] == "2025-12-01T09:00:00.000Z"
    assert q["sessions"][1]["debut"] == "2025-12-01T10:00:00.000Z"


def test_patch_rules(server):
    c = new_user(server)
    p, a, b = two_sessions(c)
    before = get(c, p["_id"]).json()
    err(patch_session(c, p["_id"], b, {"debut": "2025-12-01T23:00:00Z", "fin": "2025-12-02T00:01:00Z"}),
        400, "session_outside_period")
    err(patch_session(c, p["_id"], a, {"debut": "2025-11-30T23:30:00Z"}), 400, "session_outside_period")
    err(patch_session(c, p["_id"], a, {"fin": "2025-12-01T08:00:00Z"}), 400, "validation_failed")  # fin < debut
    err(patch_session(c, p["_id"], b, {"fin": "2025-12-01T23:01:00Z"}), 400, "validation_failed")  # > 12 h
    invalid(patch_session(c, p["_id"], a, {"statut": "fini"}), "statut")
    invalid(patch_session(c, p["_id"], a, {"debut": "2025-12-01"}), "debut")
    invalid(patch_session(c, p["_id"], a, {"couleur": "rouge"}), "couleur")
    invalid(patch_session(c, p["_id"], a, {"_id": a}), "_id")
    err(patch_session(c, p["_id"], a, ["statut"]), 400, "validation_failed")
    assert get(c, p["_id"]).json() == before


def test_patch_unknown_session_404(server):
    c = new_user(server)
    p, a, _ = two_sessions(c)
    other, _, _ = two_sessions(c)
    err(patch_session(c, p["_id"], "0123456789abcdef01234567", {"statut": "termine"}), 404, "not_found")
    err(patch_session(c, p["_id"], other["sessions"][0]["_id"], {"statut": "termine"}), 404, "not_found")
    err(patch_session(c, "0123456789abcdef01234567", a, {"statut": "termine"}), 404, "not_found")
    assert get(c, other["_id"]).json() == other


# ---------------------------------------------------------------------------------- DELETE

def test_delete(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    keep = created(c, "jour", "2025-12-02", [])
    r = c.delete(f"/api/planning/{p['_id']}")
    assert r.status_code == 204, r.text
    assert r.content == b""
    err(get(c, p["_id"]), 404, "not_found")
    err(c.delete(f"/api/planning/{p['_id']}"), 404, "not_found")
    err(patch_session(c, p["_id"], p["sessions"][0]["_id"], {"statut": "termine"}), 404, "not_found")
    err(c.get(f"/api/planning/{p['_id']}/ics"), 404, "not_found")
    assert get(c, keep["_id"]).status_code == 200
    ids = [x["_id"] for x in c.get("/api/planning").json()["items"]]
    assert ids == [keep["_id"]]


# ---------------------------------------------------------------------------------- auth, methods

def test_every_route_requires_auth(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    pid, sid = p["_id"], p["sessions"][0]["_id"]
    anon = requests.Session()
    base = server.url
    for method, path, payload in [
        ("GET", "/api/planning", None),
        ("POST", "/api/planning", body("jour", DAY, [])),
        ("GET", f"/api/planning/{pid}", None),
        ("PUT", f"/api/planning/{pid}", body("jour", DAY, [])),
        ("PATCH", f"/api/planning/{pid}/sessions/{sid}", {"statut": "rate"}),
        ("DELETE", f"/api/planning/{pid}", None),
        ("GET", f"/api/planning/{pid}/ics", None),
    ]:
        kw = {"json": payload} if payload is not None else {}
        err(anon.request(method, base + path, timeout=30, **kw), 401, "unauthenticated")
        err(anon.request(method, base + path, timeout=30, headers={"Authorization": "Bearer pas.un.jeton"},
                         **kw), 401, "unauthenticated")
    assert get(c, pid).json() == p


def test_wrong_methods_405(server):
    c = new_user(server)
    p = created(c, "jour", DAY, [s0()])
    r = c.patch("/api/planning", json={})
    err(r, 405, "method_not_allowed")
    assert {"GET", "POST"} <= {m.strip() for m in r.headers.get("Allow", "").split(",")}
    r = c.post(f"/api/planning/{p['_id']}", json={})
    err(r, 405, "method_not_allowed")
    assert {"GET", "PUT", "DELETE"} <= {m.strip() for m in r.headers.get("Allow", "").split(",")}
    r = c.get(f"/api/planning/{p['_id']}/sessions/{p['sessions'][0]['_id']}")
    err(r, 405, "method_not_allowed")
    assert "PATCH" in r.headers.get("Allow", "")
