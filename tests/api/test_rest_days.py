"""Rest days (docs/api.md "Rest days"): « jour off » (4 per calendar month) and exam weeks
(« partiels »): marked, listed, removed; they protect the streak, and the scheduler places nothing
on a day off. Dates are relative to the student's today, so the tests hold whenever they run."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import requests

from conftest import assert_error, assert_french_error, assert_invalid, new_user


def today_in(tz):
    return dt.datetime.now(ZoneInfo(tz)).date()


def mark(user, type_, du, au=None):
    body = {"type": type_, "du": du.isoformat()}
    if au is not None:
        body["au"] = au.isoformat()
    return user.post("/api/rest-days", json=body)


def listed(user, **params):
    r = user.get("/api/rest-days", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def first_of_next_month(day):
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def test_mark_list_and_unmark(server):
    u = new_user(server, timezone="Europe/Paris")
    start = first_of_next_month(today_in("Europe/Paris"))
    r = mark(u, "jour_off", start)
    assert r.status_code == 201, r.text
    assert r.json()["jours"] == [{"date": start.isoformat(), "type": "jour_off"}]
    assert r.json()["joursOffParMois"] == 4
    r = mark(u, "partiels", start + dt.timedelta(days=7), start + dt.timedelta(days=11))
    assert r.status_code == 201, r.text
    assert [d["date"] for d in r.json()["jours"]] == [(start + dt.timedelta(days=7 + i)).isoformat() for i in range(5)]

    got = listed(u)
    assert [(d["date"], d["type"]) for d in got["jours"]] == [(start.isoformat(), "jour_off")] + [
        ((start + dt.timedelta(days=7 + i)).isoformat(), "partiels") for i in range(5)]
    assert u.delete(f"/api/rest-days/{start.isoformat()}").status_code == 204
    assert_error(u.delete(f"/api/rest-days/{start.isoformat()}"), 404, "not_found")
    assert len(listed(u)["jours"]) == 5
    # A range narrows the list.
    one = (start + dt.timedelta(days=8)).isoformat()
    assert [d["date"] for d in listed(u, **{"from": one, "to": one})["jours"]] == [one]


def test_four_days_off_a_month_then_409_and_nothing_half_marked(server):
    u = new_user(server, timezone="Europe/Paris")
    start = first_of_next_month(today_in("Europe/Paris"))
    assert mark(u, "jour_off", start, start + dt.timedelta(days=2)).status_code == 201
    # Two more would make five: refused whole.
    e = assert_french_error(mark(u, "jour_off", start + dt.timedelta(days=5), start + dt.timedelta(days=6)),
                            409, "rest_day_quota")
    assert "4 jours off" in e["message"]
    assert [d["date"] for d in listed(u)["jours"]] == [(start + dt.timedelta(days=i)).isoformat() for i in range(3)]
    assert mark(u, "jour_off", start + dt.timedelta(days=5)).status_code == 201
    assert_french_error(mark(u, "jour_off", start + dt.timedelta(days=9)), 409, "rest_day_quota")
    # Re-marking a day already off costs nothing; an exam week has no monthly limit.
    assert mark(u, "jour_off", start).status_code == 201
    assert mark(u, "partiels", start + dt.timedelta(days=10), start + dt.timedelta(days=20)).status_code == 201
    # The next month has its own four.
    assert mark(u, "jour_off", first_of_next_month(start)).status_code == 201


def test_days_off_left_counts_the_current_month(server):
    u = new_user(server, timezone="Pacific/Auckland")
    today = today_in("Pacific/Auckland")
    assert listed(u)["joursOffRestants"] == 4
    r = mark(u, "jour_off", today)
    assert r.status_code == 201 and r.json()["joursOffRestants"] == 3
    assert listed(u)["joursOffRestants"] == 3


@pytest.mark.parametrize("body,path", [
    ({"type": "vacances", "du": "2027-03-01"}, "type"),
    ({"du": "2027-03-01"}, "type"),
    ({"type": "jour_off"}, "du"),
    ({"type": "jour_off", "du": "2027-02-30"}, "du"),
    ({"type": "jour_off", "du": "2027-03-01", "au": "01/03/2027"}, "au"),
    ({"type": "jour_off", "du": "2027-03-01", "extra": 1}, "extra"),
])
def test_bad_bodies_are_400(server, body, path):
    u = new_user(server)
    assert_invalid(u.post("/api/rest-days", json=body), path)


def test_spans_and_dates_out_of_bounds_are_400(server):
    u = new_user(server, timezone="Europe/Paris")
    today = today_in("Europe/Paris")
    assert_invalid(mark(u, "partiels", today, today + dt.timedelta(days=21)), "au")  # 22 days
    assert mark(u, "partiels", today, today + dt.timedelta(days=20)).status_code == 201
    assert_invalid(mark(u, "partiels", today + dt.timedelta(days=3), today), "au")
    assert_invalid(mark(u, "jour_off", today - dt.timedelta(days=32)), "du")
    assert mark(u, "jour_off", today - dt.timedelta(days=31)).status_code == 201
    assert_invalid(mark(u, "partiels", today + dt.timedelta(days=367)), "au")
    assert_invalid(u.get("/api/rest-days", params={"from": "2027-01-01", "to": "2025-01-01"}), "from")
    assert_invalid(u.get("/api/rest-days", params={"from": "2020-01-01", "to": "2027-01-01"}), "to")
    assert_error(u.delete("/api/rest-days/pas-une-date"), 404, "not_found")


def test_another_students_days_are_theirs(server):
    alice = new_user(server, timezone="Europe/Paris")
    bob = new_user(server, timezone="Europe/Paris")
    day = first_of_next_month(today_in("Europe/Paris"))
    assert mark(alice, "jour_off", day).status_code == 201
    assert listed(bob)["jours"] == []
    assert_error(bob.delete(f"/api/rest-days/{day.isoformat()}"), 404, "not_found")
    assert len(listed(alice)["jours"]) == 1
    assert listed(bob)["joursOffRestants"] == 4


def test_rest_days_need_a_token(server):
    assert_error(requests.get(server.url + "/api/rest-days", timeout=10), 401, "unauthenticated")


# ------------------------------------------------------------------------------ the streak

@pytest.mark.parametrize("tz", ["Europe/Paris", "America/Los_Angeles", "Asia/Kolkata"])
def test_a_day_off_bridges_the_streak_without_extending_it(server, tz):
    u = new_user(server, timezone=tz)
    today = today_in(tz)
    for back in (4, 3, 1):  # studied 4 and 3 days ago, and yesterday; 2 days ago was a day off
        r = u.post("/api/progress", json={"date": (today - dt.timedelta(days=back)).isoformat(), "tempsEtudie": 30})
        assert r.status_code == 201, r.text
    summary = u.get("/api/progress").json()["summary"]
    assert (summary["serieActuelle"], summary["meilleureSerie"]) == (1, 2)
    assert mark(u, "jour_off", today - dt.timedelta(days=2)).status_code == 201
    summary = u.get("/api/progress").json()["summary"]
    assert (summary["serieActuelle"], summary["meilleureSerie"]) == (3, 3)
    # Removing it breaks the run again.
    assert u.delete(f"/api/rest-days/{(today - dt.timedelta(days=2)).isoformat()}").status_code == 204
    assert u.get("/api/progress").json()["summary"]["serieActuelle"] == 1


def test_an_exam_week_keeps_the_streak_alive(server):
    u = new_user(server, timezone="Europe/Paris")
    today = today_in("Europe/Paris")
    for back in (10, 9, 8):
        assert u.post("/api/progress", json={"date": (today - dt.timedelta(days=back)).isoformat(),
                                             "tempsEtudie": 45}).status_code == 201
    assert u.get("/api/progress").json()["summary"]["serieActuelle"] == 0
    assert mark(u, "partiels", today - dt.timedelta(days=7), today - dt.timedelta(days=1)).status_code == 201
    assert u.get("/api/progress").json()["summary"]["serieActuelle"] == 3


def test_marking_a_rest_day_changes_the_progress_tag(server):
    u = new_user(server, timezone="Europe/Paris")
    r = u.get("/api/progress")
    tag = r.headers["ETag"]
    assert u.get("/api/progress", headers={"If-None-Match": tag}).status_code == 304
    assert mark(u, "jour_off", today_in("Europe/Paris")).status_code == 201
    assert u.get("/api/progress", headers={"If-None-Match": tag}).status_code == 200


# ------------------------------------------------------------------------------ the scheduler

def parse_ts(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_scheduler_places_nothing_on_a_day_off_but_plans_exam_days(server):
    tz = ZoneInfo("Europe/Paris")
    u = new_user(server, timezone="Europe/Paris")
    today = today_in("Europe/Paris")
    monday = today + dt.timedelta(days=(7 - today.weekday()) + 7)
    off = monday + dt.timedelta(days=2)
    exam = monday + dt.timedelta(days=3)
    assert mark(u, "jour_off", off).status_code == 201
    assert mark(u, "partiels", exam).status_code == 201
    r = u.post("/api/planning", json={"mode": "ai", "periode": "semaine", "dateDebut": monday.isoformat(),
                                      "matieres": ["Maths", "Physique"], "minutesParJour": 120})
    assert r.status_code == 201, r.text
    days = {parse_ts(s["debut"]).astimezone(tz).date() for s in r.json()["sessions"]}
    assert off not in days
    assert exam in days
    assert len(days) >= 5


def test_export_lists_rest_days(server):
    u = new_user(server, timezone="Europe/Paris")
    day = first_of_next_month(today_in("Europe/Paris"))
    assert mark(u, "jour_off", day).status_code == 201
    assert u.get("/api/users/me/export").json()["joursRepos"] == [{"date": day.isoformat(), "type": "jour_off"}]
