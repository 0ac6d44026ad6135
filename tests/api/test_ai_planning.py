"""POST /api/planning with "mode": "ai": the AI's plan (structured output) repaired against the
planning rules, or the built-in scheduler's (`source: "fallback"`).

Sources: docs/api.md (plannings, AI mode), docs/behaviour.md
("AI-made plannings"), the providers' API references (structured output: responseSchema,
response_format). The fake provider is tests/fakes/fake_llm.py, behaviour `json_plan`.

Periods are in 2027, so that "now" never cuts into them while these tests are maintained.
"""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import requests

from conftest import assert_french_error, assert_invalid, new_user, openai_env

MONDAY = "2027-03-01"  # a Monday
PARIS = ZoneInfo("Europe/Paris")


def parse_ts(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def ai_body(**extra):
    body = {"mode": "ai", "periode": "semaine", "dateDebut": MONDAY, "matieres": ["Maths", "Physique"],
            "minutesParJour": 120}
    body.update(extra)
    return body


def create(c, body, status=201):
    r = c.post("/api/planning", json=body)
    assert r.status_code == status, r.text
    return r.json()


def check_rules(planning, days, windows=None, tz=PARIS):
    """Every rule of docs/api.md: inside [dateDebut, dateDebut + days), no overlap, debut < fin <= 12 h;
    inside the windows {weekday: [(start_min, end_min)]} when given (local time)."""
    start = parse_ts(planning["dateDebut"])
    end = (start.astimezone(tz) + dt.timedelta(days=days)).astimezone(dt.timezone.utc)
    sessions = planning["sessions"]
    previous_end = None
    for s in sessions:
        a, b = parse_ts(s["debut"]), parse_ts(s["fin"])
        assert start <= a < b <= end, s
        assert b - a <= dt.timedelta(hours=12), s
        if previous_end is not None:
            assert a >= previous_end, ("overlap", s)
        previous_end = b
        if windows is not None:
            la, lb = a.astimezone(tz), b.astimezone(tz)
            assert la.date() == lb.date() or lb.time() == dt.time(0), s
            minutes = (la.hour * 60 + la.minute, lb.hour * 60 + lb.minute or 1440)
            assert any(w0 <= minutes[0] and minutes[1] <= w1 for w0, w1 in windows.get(la.weekday(), [])), s
    assert [s["debut"] for s in sessions] == sorted(s["debut"] for s in sessions)


def plan_doc(*sessions, titre="Semaine de révisions"):
    return {"titre": titre, "sessions": [{"matiere": m, "debut": a, "fin": b} for m, a, b in sessions]}


GOOD = plan_doc(("Maths", "2027-03-01T09:00:00+01:00", "2027-03-01T10:00:00+01:00"),
                ("Physique", "2027-03-01T10:15:00+01:00", "2027-03-01T11:15:00+01:00"),
                ("Maths", "2027-03-02T09:00:00+01:00", "2027-03-02T09:45:00+01:00"),
                ("Physique", "2027-03-03T14:00:00+01:00", "2027-03-03T15:30:00+01:00"))


# ------------------------------------------------------------------------------ the AI's plan

def test_good_plan_from_gemini_is_kept_as_sent(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    fake.script({"behaviour": "json_plan", "document": GOOD})
    p = create(c, ai_body())
    assert p["source"] == "ai"
    assert p["periode"] == "semaine" and p["titre"] == "Semaine de révisions"
    assert p["dateDebut"] == "2027-02-28T23:00:00.000Z"  # midnight in Paris
    got = [(s["matiere"], s["debut"], s["fin"], s["statut"]) for s in p["sessions"]]
    assert got == [("Maths", "2027-03-01T08:00:00.000Z", "2027-03-01T09:00:00.000Z", "planifie"),
                   ("Physique", "2027-03-01T09:15:00.000Z", "2027-03-01T10:15:00.000Z", "planifie"),
                   ("Maths", "2027-03-02T08:00:00.000Z", "2027-03-02T08:45:00.000Z", "planifie"),
                   ("Physique", "2027-03-03T13:00:00.000Z", "2027-03-03T14:30:00.000Z", "planifie")]
    check_rules(p, 7)
    # Stored like any planning.
    again = c.get(f"/api/planning/{p['_id']}")
    assert again.status_code == 200 and again.json() == p


def test_gemini_request_asks_for_structured_output(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    fake.script({"behaviour": "json_plan", "document": GOOD})
    create(c, ai_body(objectif="Réussir le partiel de maths", examens=[{"matiere": "Chimie", "date": "2027-03-05"}]))
    recs = [r for r in fake.requests() if r["api"] == "gemini"]
    assert len(recs) == 1
    rec = recs[0]
    assert rec["path"].endswith(":generateContent") and rec["status"] == 200, rec
    assert rec["rejected"] is None  # the fake validates every field name (the provider's API reference)
    config = rec["body"]["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    schema = config["responseSchema"]
    assert schema["type"] == "OBJECT"
    session = schema["properties"]["sessions"]["items"]
    assert schema["properties"]["sessions"]["type"] == "ARRAY"
    assert set(session["properties"]) == {"matiere", "debut", "fin", "notes"}
    assert {p["type"] for p in session["properties"].values()} == {"STRING"}
    assert "tools" not in rec["body"]
    system = "".join(p["text"] for p in rec["body"]["systemInstruction"]["parts"])
    for needle in ("Maths", "Physique", "Chimie", "120 minutes", "Europe/Paris", "2027-03-01T00:00:00+01:00",
                   "Réussir le partiel de maths", "<demande_eleve>"):
        assert needle in system, needle


def test_openai_request_uses_response_format_json_schema(make_server, fake):
    s = make_server(env=openai_env(fake))
    c = new_user(s, timezone="Europe/Paris")
    fake.script({"behaviour": "json_plan", "document": GOOD})
    p = create(c, ai_body())
    assert p["source"] == "ai" and len(p["sessions"]) == 4
    rec = [r for r in fake.requests() if r["api"] == "openai"][0]
    assert rec["rejected"] is None and rec["body"]["stream"] is False
    fmt = rec["body"]["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"]["properties"]["sessions"]["type"] == "array"
    assert "tools" not in rec["body"]


def test_fenced_json_is_read(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    fake.script({"behaviour": "json_plan", "document": GOOD, "fenced": True})
    p = create(c, ai_body())
    assert p["source"] == "ai" and len(p["sessions"]) == 4


@pytest.mark.parametrize("answer", [
    {"behaviour": "json_plan", "text": "Voici ton planning : lundi maths, mardi physique !"},
    {"behaviour": "json_plan", "document": {"sessions": "demain"}},
    {"behaviour": "json_plan", "document": {"plan": []}},
    {"behaviour": "json_plan", "document": {"sessions": []}},
    {"behaviour": "error", "status": 500},
    {"behaviour": "malformed_json"},
    {"behaviour": "safety"},
], ids=["prose", "sessions-not-a-list", "no-sessions", "empty", "http-500", "malformed", "safety"])
def test_garbage_falls_back_to_the_scheduler(gemini, fake, answer):
    c = new_user(gemini, timezone="Europe/Paris")
    fake.script(answer)
    p = create(c, ai_body())
    assert p["source"] == "fallback"
    assert len(p["sessions"]) >= 7  # 2 h a day over a week, in 25–90 min sessions
    check_rules(p, 7)
    assert {s["matiere"] for s in p["sessions"]} == {"Maths", "Physique"}


def test_overlapping_sessions_are_dropped_and_the_rest_kept(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    doc = plan_doc(("Maths", "2027-03-01T09:00:00+01:00", "2027-03-01T10:00:00+01:00"),
                   ("Physique", "2027-03-01T09:30:00+01:00", "2027-03-01T10:30:00+01:00"),  # overlaps the first
                   ("Physique", "2027-03-01T10:00:00+01:00", "2027-03-01T11:00:00+01:00"),  # touches: allowed
                   ("Maths", "2027-03-02T09:00:00+01:00", "2027-03-02T10:00:00+01:00"))
    fake.script({"behaviour": "json_plan", "document": doc})
    p = create(c, ai_body())
    assert p["source"] == "ai"
    assert [(s["matiere"], s["debut"]) for s in p["sessions"]] == [
        ("Maths", "2027-03-01T08:00:00.000Z"), ("Physique", "2027-03-01T09:00:00.000Z"),
        ("Maths", "2027-03-02T08:00:00.000Z")]
    check_rules(p, 7)


def test_sessions_outside_the_period_are_clipped_or_dropped(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    doc = plan_doc(("Maths", "2027-02-28T23:30:00+01:00", "2027-03-01T00:45:00+01:00"),  # starts before: clipped
                   ("Physique", "2027-03-05T10:00:00+01:00", "2027-03-05T11:00:00+01:00"),
                   ("Maths", "2027-03-09T10:00:00+01:00", "2027-03-09T11:00:00+01:00"),  # after the week: dropped
                   ("Physique", "2027-03-07T23:30:00+01:00", "2027-03-08T00:30:00+01:00"))  # ends after: clipped
    fake.script({"behaviour": "json_plan", "document": doc})
    p = create(c, ai_body())
    assert p["source"] == "ai"
    assert [(s["debut"], s["fin"]) for s in p["sessions"]] == [
        ("2027-02-28T23:00:00.000Z", "2027-02-28T23:45:00.000Z"),
        ("2027-03-05T09:00:00.000Z", "2027-03-05T10:00:00.000Z"),
        ("2027-03-07T22:30:00.000Z", "2027-03-07T23:00:00.000Z")]
    check_rules(p, 7)


def test_unknown_subjects_and_bad_times_are_dropped_and_too_few_means_fallback(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    doc = plan_doc(("Maths", "2027-03-01T09:00:00+01:00", "2027-03-01T10:00:00+01:00"),
                   ("Cuisine", "2027-03-01T11:00:00+01:00", "2027-03-01T12:00:00+01:00"),   # not asked for
                   ("Physique", "lundi 14h", "lundi 15h"),                                   # not a date-time
                   ("Physique", "2027-03-02T10:00:00", "2027-03-02T11:00:00"),               # no offset
                   ("Maths", "2027-03-02T15:00:00+01:00", "2027-03-02T14:00:00+01:00"))      # ends before it starts
    fake.script({"behaviour": "json_plan", "document": doc})
    p = create(c, ai_body())
    assert p["source"] == "fallback"  # 1 of 5 survived
    check_rules(p, 7)
    assert "Cuisine" not in {s["matiere"] for s in p["sessions"]}


def test_subject_names_are_matched_without_case(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    doc = plan_doc(("maths", "2027-03-01T09:00:00+01:00", "2027-03-01T10:00:00+01:00"),
                   ("PHYSIQUE", "2027-03-01T11:00:00+01:00", "2027-03-01T12:00:00+01:00"))
    fake.script({"behaviour": "json_plan", "document": doc})
    p = create(c, ai_body())
    assert [s["matiere"] for s in p["sessions"]] == ["Maths", "Physique"]


def test_ai_sessions_outside_the_availability_are_dropped(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    windows = [{"jour": 0, "debut": "18:00", "fin": "21:00"}, {"jour": 2, "debut": "14:00", "fin": "17:00"}]
    doc = plan_doc(("Maths", "2027-03-01T18:00:00+01:00", "2027-03-01T19:00:00+01:00"),     # lundi, inside
                   ("Physique", "2027-03-01T19:15:00+01:00", "2027-03-01T20:15:00+01:00"),  # lundi, inside
                   ("Maths", "2027-03-03T14:30:00+01:00", "2027-03-03T16:00:00+01:00"),     # mercredi, inside
                   ("Physique", "2027-03-01T09:00:00+01:00", "2027-03-01T10:00:00+01:00"))  # lundi morning: out
    fake.script({"behaviour": "json_plan", "document": doc})
    p = create(c, ai_body(disponibilites=windows))
    assert p["source"] == "ai"
    assert len(p["sessions"]) == 3
    check_rules(p, 7, windows={0: [(18 * 60, 21 * 60)], 2: [(14 * 60, 17 * 60)]})


def test_ai_sessions_avoid_the_students_other_sessions(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    other = create(c, {"periode": "jour", "dateDebut": MONDAY, "sessions": [
        {"matiere": "Anglais", "debut": "2027-03-01T09:30:00+01:00", "fin": "2027-03-01T10:30:00+01:00"}]})
    assert other["source"] == "manual"
    doc = plan_doc(("Maths", "2027-03-01T09:00:00+01:00", "2027-03-01T10:00:00+01:00"),  # meets Anglais: dropped
                   ("Physique", "2027-03-01T11:00:00+01:00", "2027-03-01T12:00:00+01:00"),
                   ("Maths", "2027-03-02T09:00:00+01:00", "2027-03-02T10:00:00+01:00"))
    fake.script({"behaviour": "json_plan", "document": doc})
    p = create(c, ai_body())
    assert p["source"] == "ai"
    assert [s["debut"] for s in p["sessions"]] == ["2027-03-01T10:00:00.000Z", "2027-03-02T08:00:00.000Z"]


# ------------------------------------------------------------------------------ the scheduler (no AI)

def test_without_provider_the_scheduler_plans(server):
    c = new_user(server, timezone="Europe/Paris")
    windows = [{"jour": d, "debut": "17:00", "fin": "20:00"} for d in range(5)]
    p = create(c, ai_body(disponibilites=windows, titre="Ma semaine"))
    assert p["source"] == "fallback" and p["titre"] == "Ma semaine"
    check_rules(p, 7, windows={d: [(17 * 60, 20 * 60)] for d in range(5)})
    for s in p["sessions"]:
        minutes = (parse_ts(s["fin"]) - parse_ts(s["debut"])).total_seconds() / 60
        assert 25 <= minutes <= 90, s
    by_day = {}
    for s in p["sessions"]:
        day = parse_ts(s["debut"]).astimezone(PARIS).date()
        by_day[day] = by_day.get(day, 0) + (parse_ts(s["fin"]) - parse_ts(s["debut"])).total_seconds() / 60
    assert len(by_day) == 5  # weekdays only
    for minutes in by_day.values():
        assert 108 <= minutes <= 132, by_day  # 120 min within 10 %


def test_scheduler_is_deterministic(server):
    c = new_user(server, timezone="Europe/Paris")
    body = ai_body(periode="mois", examens=[{"matiere": "Maths", "date": "2027-03-20"}])
    a = create(c, body)
    c.delete(f"/api/planning/{a['_id']}")
    b = create(c, body)
    strip = lambda p: [(s["matiere"], s["debut"], s["fin"], s.get("notes")) for s in p["sessions"]]
    assert strip(a) == strip(b) and a["sessions"]


def test_exam_subject_joins_and_stops_at_the_exam(server):
    c = new_user(server, timezone="Europe/Paris")
    p = create(c, ai_body(matieres=["Maths"], examens=[{"matiere": "Chimie", "date": "2027-03-04T14:00:00+01:00"}]))
    chimie = [s for s in p["sessions"] if s["matiere"] == "Chimie"]
    assert chimie, p["sessions"]
    exam = dt.datetime(2027, 3, 4, 14, tzinfo=PARIS)
    assert all(parse_ts(s["fin"]) <= exam for s in chimie)
    check_rules(p, 7)


def test_subjects_default_to_the_preferences(server):
    c = new_user(server, timezone="Europe/Paris", preferences={"matieres": ["Histoire", "Anglais"]})
    body = ai_body()
    del body["matieres"]
    p = create(c, body)
    assert {s["matiere"] for s in p["sessions"]} == {"Histoire", "Anglais"}


def test_other_plannings_are_kept_clear_by_the_scheduler(server):
    c = new_user(server, timezone="Europe/Paris")
    busy = create(c, {"periode": "semaine", "dateDebut": MONDAY, "sessions": [
        {"matiere": "Sport", "debut": f"2027-03-0{d}T09:00:00+01:00", "fin": f"2027-03-0{d}T12:00:00+01:00"}
        for d in range(1, 8)]})
    p = create(c, ai_body())
    for s in p["sessions"]:
        a, b = parse_ts(s["debut"]), parse_ts(s["fin"])
        for o in busy["sessions"]:
            assert b <= parse_ts(o["debut"]) or a >= parse_ts(o["fin"]), (s, o)


# ------------------------------------------------------------------------------ validation

def test_no_subjects_anywhere_is_400_on_matieres(server):
    c = new_user(server, timezone="Europe/Paris")
    body = ai_body()
    del body["matieres"]
    assert_invalid(c.post("/api/planning", json=body), "matieres")


@pytest.mark.parametrize("extra,path", [
    ({"minutesParJour": 10}, "minutesParJour"),
    ({"minutesParJour": 721}, "minutesParJour"),
    ({"minutesParJour": "120"}, "minutesParJour"),
    ({"objectif": "x" * 1001}, "objectif"),
    ({"periode": "annee"}, "periode"),
    ({"dateDebut": "01/03/2027"}, "dateDebut"),
    ({"disponibilites": [{"jour": 7, "debut": "09:00", "fin": "10:00"}]}, "disponibilites[0].jour"),
    ({"disponibilites": [{"jour": 1, "debut": "9h", "fin": "10:00"}]}, "disponibilites[0].debut"),
    ({"disponibilites": [{"jour": 1, "debut": "11:00", "fin": "10:00"}]}, "disponibilites[0].fin"),
    ({"disponibilites": [{"jour": 1, "debut": "09:00", "fin": "10:00", "x": 1}]}, "disponibilites[0].x"),
    ({"disponibilites": [{"jour": 1, "debut": "09:00", "fin": "10:00"}] * 51}, "disponibilites"),
    ({"examens": [{"matiere": "Maths", "date": "bientôt"}]}, "examens[0].date"),
    ({"examens": [{"matiere": "Maths", "date": "2027-03-02"}] * 51}, "examens"),
    ({"matieres": ["x" * 101]}, "matieres[0]"),
    ({"matieres": [f"Matière {i}" for i in range(51)]}, "matieres"),
    ({"sessions": []}, "sessions"),
    ({"inconnu": True}, "inconnu"),
])
def test_bad_ai_bodies_are_400(server, extra, path):
    c = new_user(server, timezone="Europe/Paris")
    assert_invalid(c.post("/api/planning", json=ai_body(**extra)), path)


def test_24h_window_end_is_accepted(server):
    c = new_user(server, timezone="Europe/Paris")
    p = create(c, ai_body(periode="jour", disponibilites=[{"jour": 0, "debut": "22:00", "fin": "24:00"}]))
    check_rules(p, 1, windows={0: [(22 * 60, 24 * 60)]})
    assert p["sessions"]


def test_ai_planning_needs_a_token(server):
    r = requests.post(server.url + "/api/planning", json=ai_body(), timeout=10)
    assert_french_error(r, 401, "unauthenticated")
