"""The school timetable (docs/api.md "Timetable"): PUT /api/timetable with an .ics file, GET with
a range, DELETE; its events are busy time for the built-in scheduler and for AI-made plans.

Calendars are written here as a school ENT or a calendar app exports them (CRLF, VTIMEZONE,
recurrences with exceptions), with dates relative to today so that they always fall in the window
the server keeps (30 days back, 366 days ahead)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import requests

from conftest import assert_error, assert_french_error, assert_invalid, new_user

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.timezone.utc
ICS = {"Content-Type": "text/calendar; charset=utf-8"}

VTIMEZONE_PARIS = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""


def calendar(*events, timezones=VTIMEZONE_PARIS):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Index Education//PRONOTE//FR", "CALSCALE:GREGORIAN"]
    if timezones:
        lines.append(timezones)
    lines += events
    lines.append("END:VCALENDAR")
    return ("\r\n".join("\r\n".join(block.split("\n")) for block in lines) + "\r\n").encode()


def local(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute))


def stamp(t):
    return t.strftime("%Y%m%dT%H%M%S")


def event(uid, start, end, summary, extra=""):
    body = (f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260901T080000Z\nDTSTART;TZID=Europe/Paris:{stamp(start)}\n"
            f"DTEND;TZID=Europe/Paris:{stamp(end)}\nSUMMARY:{summary}\n")
    return body + (extra + "\n" if extra else "") + "END:VEVENT"


def next_monday(weeks_ahead=1):
    today = dt.datetime.now(PARIS).date()
    return today + dt.timedelta(days=(7 - today.weekday()) + 7 * (weeks_ahead - 1))


def parse_ts(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def put(user, body, name=None, headers=ICS):
    path = "/api/timetable" + (f"?nom={requests.utils.quote(name)}" if name is not None else "")
    return user.put(path, data=body, headers=headers)


def weekly_classes(monday):
    """Maths every Monday 08:00-10:00 for 6 weeks but the third (EXDATE), Physique on Tuesday
    moved once (RECURRENCE-ID), a cancelled Wednesday, and a « Contrôle de maths » on Thursday."""
    until = stamp(local(monday + dt.timedelta(weeks=6), 0)) + "Z"
    third = local(monday + dt.timedelta(weeks=2), 8)
    tuesday = monday + dt.timedelta(days=1)
    return calendar(
        event("maths@lycee", local(monday, 8), local(monday, 10), "Mathématiques",
              f"RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL={until}\nEXDATE;TZID=Europe/Paris:{stamp(third)}\nLOCATION:Salle B12"),
        event("physique@lycee", local(tuesday, 14), local(tuesday, 16), "Physique-chimie",
              "RRULE:FREQ=WEEKLY;COUNT=4"),
        event("physique@lycee", local(tuesday + dt.timedelta(weeks=1), 9), local(tuesday + dt.timedelta(weeks=1), 11),
              "Physique-chimie (salle changée)",
              f"RECURRENCE-ID;TZID=Europe/Paris:{stamp(local(tuesday + dt.timedelta(weeks=1), 14))}"),
        event("sport@lycee", local(monday + dt.timedelta(days=2), 13), local(monday + dt.timedelta(days=2), 15),
              "EPS", "STATUS:CANCELLED"),
        event("ds@lycee", local(monday + dt.timedelta(days=3), 10), local(monday + dt.timedelta(days=3), 12),
              "Contrôle de maths"))


def all_events(user, monday, weeks=8):
    r = user.get(f"/api/timetable?from={monday.isoformat()}&to={(monday + dt.timedelta(weeks=weeks)).isoformat()}")
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "private, no-cache"
    return r.json()


# ------------------------------------------------------------------------------ import and read

def test_import_expands_recurrences_with_their_exceptions(server):
    u = new_user(server, timezone="Europe/Paris")
    monday = next_monday()
    r = put(u, weekly_classes(monday), name="emploi-du-temps.ics")
    assert r.status_code == 200, r.text
    summary = r.json()
    # Maths: 6 Mondays but one; Physique: 4 Tuesdays (one moved); EPS cancelled; one Contrôle.
    assert summary["nombreEvenements"] == 5 + 4 + 1
    assert summary["nom"] == "emploi-du-temps.ics"
    assert parse_ts(summary["premier"]) == local(monday, 8).replace(tzinfo=PARIS)
    assert [e["titre"] for e in summary["examens"]] == ["Contrôle de maths"]
    assert abs(parse_ts(summary["importeLe"]) - dt.datetime.now(UTC)) < dt.timedelta(minutes=5)

    events = all_events(u, monday)["evenements"]
    maths = [e for e in events if e["titre"] == "Mathématiques"]
    assert [parse_ts(e["debut"]).astimezone(PARIS) for e in maths] == [
        local(monday + dt.timedelta(weeks=w), 8).replace(tzinfo=PARIS) for w in (0, 1, 3, 4, 5)]
    assert all(e["lieu"] == "Salle B12" and not e["journeeEntiere"] and not e["examen"] for e in maths)
    physique = sorted(parse_ts(e["debut"]).astimezone(PARIS) for e in events if e["titre"].startswith("Physique"))
    tuesday = monday + dt.timedelta(days=1)
    assert physique == sorted([local(tuesday, 14).replace(tzinfo=PARIS),
                               local(tuesday + dt.timedelta(weeks=1), 9).replace(tzinfo=PARIS),
                               local(tuesday + dt.timedelta(weeks=2), 14).replace(tzinfo=PARIS),
                               local(tuesday + dt.timedelta(weeks=3), 14).replace(tzinfo=PARIS)])
    assert not any(e["titre"] == "EPS" for e in events)
    exam = next(e for e in events if e["titre"] == "Contrôle de maths")
    assert exam["examen"] is True and "lieu" not in exam
    assert [e["debut"] for e in events] == sorted(e["debut"] for e in events)


def test_range_keeps_the_events_that_overlap_it(server):
    u = new_user(server, timezone="Europe/Paris")
    monday = next_monday()
    assert put(u, weekly_classes(monday)).status_code == 200
    # The Monday 08:00-10:00 class meets [09:00, 09:30) but not [10:00, 11:00).
    start = local(monday, 9).replace(tzinfo=PARIS).isoformat()
    end = local(monday, 9, 30).replace(tzinfo=PARIS).isoformat()
    r = u.get("/api/timetable", params={"from": start, "to": end})
    assert [e["titre"] for e in r.json()["evenements"]] == ["Mathématiques"]
    start = local(monday, 10).replace(tzinfo=PARIS).isoformat()
    end = local(monday, 11).replace(tzinfo=PARIS).isoformat()
    assert u.get("/api/timetable", params={"from": start, "to": end}).json()["evenements"] == []


def test_all_day_events_cover_the_students_days_and_floating_times_are_local(server):
    u = new_user(server, timezone="America/New_York")
    monday = next_monday(2)
    ics = calendar(
        "BEGIN:VEVENT\nUID:partiel@fac\nDTSTAMP:20260901T080000Z\n"
        f"DTSTART;VALUE=DATE:{monday.strftime('%Y%m%d')}\n"
        f"DTEND;VALUE=DATE:{(monday + dt.timedelta(days=2)).strftime('%Y%m%d')}\n"
        "SUMMARY:Semaine de partiels\nEND:VEVENT",
        "BEGIN:VEVENT\nUID:floating@fac\nDTSTAMP:20260901T080000Z\n"
        f"DTSTART:{stamp(local(monday + dt.timedelta(days=3), 9))}\n"
        f"DTEND:{stamp(local(monday + dt.timedelta(days=3), 10))}\nSUMMARY:TD\nEND:VEVENT",
        timezones=None)
    assert put(u, ics).status_code == 200
    events = all_events(u, monday - dt.timedelta(days=1))["evenements"]
    ny = ZoneInfo("America/New_York")
    whole = next(e for e in events if e["journeeEntiere"])
    assert parse_ts(whole["debut"]) == dt.datetime.combine(monday, dt.time(0), ny)
    assert parse_ts(whole["fin"]) == dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(0), ny)
    assert whole["examen"] is True  # « partiels »
    td = next(e for e in events if e["titre"] == "TD")
    assert parse_ts(td["debut"]) == dt.datetime.combine(monday + dt.timedelta(days=3), dt.time(9), ny)


def test_a_big_school_calendar_is_imported_whole(server):
    u = new_user(server, timezone="Europe/Paris")
    first = next_monday()
    blocks = []
    for i in range(2000):
        day = first + dt.timedelta(days=i // 8)
        hour = 8 + i % 8
        blocks.append(event(f"c{i}@ade", local(day, hour), local(day, hour, 50), f"Cours {i % 37}",
                            "DESCRIPTION:Groupe TD2\\, amphi A — semestre 2"))
    body = calendar(*blocks)
    assert len(body) > 400_000
    r = put(u, body)
    assert r.status_code == 200, r.text
    assert r.json()["nombreEvenements"] == 2000
    got = u.get("/api/timetable", params={"from": first.isoformat(),
                                          "to": (first + dt.timedelta(days=300)).isoformat()}).json()
    assert len(got["evenements"]) == 2000


def test_reimporting_replaces_and_delete_removes(server):
    u = new_user(server, timezone="Europe/Paris")
    monday = next_monday()
    assert put(u, weekly_classes(monday), name="ancien.ics").status_code == 200
    second = calendar(event("seul@lycee", local(monday, 13), local(monday, 14), "Anglais"))
    r = put(u, second, name="nouveau.ics")
    assert r.status_code == 200 and r.json()["nombreEvenements"] == 1 and r.json()["examens"] == []
    got = all_events(u, monday)
    assert got["import"]["nom"] == "nouveau.ics"
    assert [e["titre"] for e in got["evenements"]] == ["Anglais"]

    assert u.delete("/api/timetable").status_code == 204
    assert all_events(u, monday) == {"import": None, "evenements": []}
    assert u.delete("/api/timetable").status_code == 204


def test_another_students_timetable_is_invisible(server):
    alice = new_user(server, timezone="Europe/Paris")
    bob = new_user(server, timezone="Europe/Paris")
    monday = next_monday()
    assert put(alice, weekly_classes(monday)).status_code == 200
    assert all_events(bob, monday) == {"import": None, "evenements": []}
    assert bob.delete("/api/timetable").status_code == 204
    assert all_events(alice, monday)["import"]["nombreEvenements"] == 10


def test_export_holds_the_timetable(server):
    u = new_user(server, timezone="Europe/Paris")
    assert u.get("/api/users/me/export").json()["timetable"] is None
    monday = next_monday()
    assert put(u, weekly_classes(monday), name="edt.ics").status_code == 200
    exported = u.get("/api/users/me/export").json()["timetable"]
    assert exported["nom"] == "edt.ics" and exported["nombreEvenements"] == 10
    assert len(exported["evenements"]) == 10 and "examens" not in exported


# ------------------------------------------------------------------------------ refusals

@pytest.mark.parametrize("body", [
    b"Bonjour, voici mon emploi du temps",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2027",
    b"   \r\n",
])
def test_a_file_that_is_not_a_calendar_is_refused_and_the_old_one_kept(server, body):
    u = new_user(server, timezone="Europe/Paris")
    monday = next_monday()
    assert put(u, weekly_classes(monday)).status_code == 200
    assert_french_error(put(u, body), 400, "ics_invalid")
    assert all_events(u, monday)["import"]["nombreEvenements"] == 10


def test_an_empty_body_is_refused(server):
    u = new_user(server)
    assert_french_error(put(u, b""), 400, "ics_invalid")


def test_too_many_occurrences_are_refused_not_truncated(server):
    u = new_user(server, timezone="Europe/Paris")
    monday = next_monday()
    hourly = calendar(event("h@x", local(monday, 8), local(monday, 8, 30), "Permanence", "RRULE:FREQ=HOURLY"))
    assert_french_error(put(u, hourly), 400, "ics_too_many_events")
    assert all_events(u, monday) == {"import": None, "evenements": []}


def test_a_file_over_2_mib_is_413(server):
    u = new_user(server)
    body = calendar(*[event(f"x{i}@y", local(next_monday(), 8), local(next_monday(), 9), "A" * 150,
                            "DESCRIPTION:" + "z" * 200) for i in range(6000)])
    assert len(body) > 2 * 1024 * 1024
    assert_error(put(u, body), 413, "payload_too_large")


def test_json_or_no_content_type_is_415(server):
    u = new_user(server)
    body = weekly_classes(next_monday())
    assert_french_error(put(u, body, headers={"Content-Type": "application/json"}), 415, "unsupported_media_type")
    assert_french_error(put(u, body, headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    assert_french_error(put(u, body, headers={"Content-Type": "text/calendar; charset=latin1"}), 415,
                        "unsupported_media_type")


def test_bad_name_and_range_are_400(server):
    u = new_user(server)
    assert_invalid(put(u, weekly_classes(next_monday()), name="x" * 201), "nom")
    assert_invalid(put(u, weekly_classes(next_monday()), name="a\tb"), "nom")
    assert_invalid(u.get("/api/timetable?from=demain"), "from")
    assert_invalid(u.get("/api/timetable?from=2027-03-02&to=2027-03-01"), "from")
    assert_invalid(u.get("/api/timetable?from=2027-01-01&to=2028-06-01"), "to")


def test_timetable_needs_a_token(server):
    for method in ("GET", "PUT", "DELETE"):
        r = requests.request(method, server.url + "/api/timetable", data=b"" if method == "PUT" else None,
                             headers=ICS if method == "PUT" else {}, timeout=10)
        assert_error(r, 401, "unauthenticated")


# ------------------------------------------------------------------------------ busy time

def overlaps(a0, a1, b0, b1):
    return a0 < b1 and b0 < a1


def test_the_scheduler_keeps_clear_of_classes(server):
    u = new_user(server, timezone="Europe/Paris")
    monday = next_monday(2)
    # Classes every weekday 08:00-12:00 and 13:00-17:00; the student is free 08:00-20:00.
    blocks = []
    for d in range(7):
        day = monday + dt.timedelta(days=d)
        blocks.append(event(f"am{d}@lycee", local(day, 8), local(day, 12), "Cours"))
        blocks.append(event(f"pm{d}@lycee", local(day, 13), local(day, 17), "Cours"))
    assert put(u, calendar(*blocks)).status_code == 200
    windows = [{"jour": d, "debut": "08:00", "fin": "20:00"} for d in range(7)]
    r = u.post("/api/planning", json={"mode": "ai", "periode": "semaine", "dateDebut": monday.isoformat(),
                                      "matieres": ["Maths", "Physique"], "minutesParJour": 120,
                                      "disponibilites": windows})
    assert r.status_code == 201, r.text
    planning = r.json()
    assert planning["sessions"], "the free evenings and lunch hours leave room for sessions"
    classes = [(parse_ts(e["debut"]), parse_ts(e["fin"])) for e in all_events(u, monday, 1)["evenements"]]
    assert len(classes) == 14
    for s in planning["sessions"]:
        a, b = parse_ts(s["debut"]), parse_ts(s["fin"])
        assert not any(overlaps(a, b, c0, c1) for c0, c1 in classes), s


def test_ai_sessions_that_meet_a_class_are_dropped(gemini, fake):
    u = new_user(gemini, timezone="Europe/Paris")
    monday = next_monday(2)
    assert put(u, calendar(event("c@lycee", local(monday, 9), local(monday, 11), "Histoire"))).status_code == 200

    def at(day, hour, minute=0):
        return local(monday + dt.timedelta(days=day), hour, minute).replace(tzinfo=PARIS).isoformat()

    doc = {"titre": "Semaine", "sessions": [
        {"matiere": "Maths", "debut": at(0, 10), "fin": at(0, 11)},  # during Histoire: dropped
        {"matiere": "Physique", "debut": at(0, 14), "fin": at(0, 15)},
        {"matiere": "Maths", "debut": at(1, 9), "fin": at(1, 10)},
        {"matiere": "Physique", "debut": at(2, 9), "fin": at(2, 10)}]}
    fake.script({"behaviour": "json_plan", "document": doc})
    r = u.post("/api/planning", json={"mode": "ai", "periode": "semaine", "dateDebut": monday.isoformat(),
                                      "matieres": ["Maths", "Physique"], "minutesParJour": 120})
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["source"] == "ai"
    assert [parse_ts(s["debut"]) for s in p["sessions"]] == [
        parse_ts(at(0, 14)), parse_ts(at(1, 9)), parse_ts(at(2, 9))]
    # The prompt names the class's hours as busy time, in the student's zone.
    prompt = str(fake.requests()[-1])
    assert "Créneaux déjà occupés" in prompt
    assert f"{at(0, 9)} → {at(0, 11)}" in prompt
