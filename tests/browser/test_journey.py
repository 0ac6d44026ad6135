"""The whole journey of a student, in a real browser against the real server on SQLite:
sign up → plan a week with PixelCoach → see the sessions in the week view → move one → mark one done
→ the streak and the heatmap show it → chat with a streamed reply → apply a proposal and see the plan
change → download the .ics and the export → delete the account.

Four runs: each viewport (phone 390×844, desktop 1366×768) in each theme (light, dark). PixelCoach is
the fake Gemini in two of them and the built-in coach in the other two, crossed so that each viewport
and each theme meets both coaches:

    phone   light  fake AI        desktop light  built-in coach
    phone   dark   built-in coach desktop dark   fake AI

The steps are in steps.py; every screen of each run is written to build/browser-screenshots/.
Accessibility (axe-core) of the same screens is checked by test_screens.py.
"""
import datetime as dt

import pytest

import steps
from steps import local, monday, today

RUNS = [("phone", "light", "fake"), ("desktop", "dark", "fake"),
        ("phone", "dark", "builtin"), ("desktop", "light", "builtin")]


def other_days():
    """Two days of this week other than today (the AI's plan puts a session on each)."""
    t = today()
    week = [monday() + dt.timedelta(days=i) for i in range(7)]
    rest = [d for d in week if d != t]
    return rest[0], rest[-1]


@pytest.mark.parametrize("viewport,theme,coach", RUNS, ids=[f"{v}-{t}-{c}" for v, t, c in RUNS])
def test_journey(request, browsers, viewport, theme, coach):
    app = request.getfixturevalue("app" if coach == "fake" else "app_builtin")
    if coach == "fake":
        app.fake.reset()
    b = browsers(viewport, theme)
    u = steps.sign_up(b, app)

    subjects = ["Mathématiques", "Physique", "Histoire"]
    if coach == "fake":
        d1, d2 = other_days()
        ai = [("Mathématiques", local(today(), 7), local(today(), 8)),
              ("Physique", local(d1, 14), local(d1, 15)),
              ("Histoire", local(d2, 10), local(d2, 11, 30))]
        planning = steps.plan_week_with_pixelcoach(b, app, u, subjects, ai)
        steps.see_week(b, u, planning)
        steps.go_this_week(b)
        todays = next(s for s in planning["sessions"] if s["matiere"] == "Mathématiques")
    else:
        steps.set_subjects(b, u, subjects)
        planning = steps.plan_week_with_pixelcoach(b, app, u, subjects)
        steps.see_week(b, u, planning)
        steps.go_this_week(b)
        # The built-in scheduler plans from now on, 09:00-12:00 and 14:00-19:00: a session of ours
        # at 07:00 today is always free, and lets the rest of the journey not depend on the hour.
        todays = steps.add_session_today(b, u, "Anglais", "07:00", "08:00")

    moved = steps.move_session(b, u, todays, "08:00", "09:00")
    steps.mark_done(b, u, moved)
    steps.see_progress(b, u, 60)

    if coach == "fake":
        steps.chat_streamed(b, app, "Pour la physique, commence par les exercices corrigés du chapitre 3, "
                                    "puis refais ceux du dernier contrôle sans regarder la correction.")
        physique = next(s for s in planning["sessions"] if s["matiere"] == "Physique")
        day = steps.parse(physique["debut"]).astimezone(steps.TZ).date()
        app.fake.script({"behaviour": "function_call", "name": "update_session",
                         "args": {"sessionId": physique["_id"], "debut": local(day, 16).isoformat()}})
        prop = steps.apply_proposal(b, u, "Peux-tu mettre la physique à 16 h ?", "update_session")
        assert prop["payload"]["debut"] == steps.utc_ms(local(day, 16))
        # The plan changed: the week of that day shows the physics session at 16:00.
        steps.go_nav(b, "Planning")
        b.get(app.url + f"/planning?date={day.isoformat()}")
        b.wait(lambda d: "16:00–17:00" in (steps.block(b, physique["_id"]).accessible_name if steps.block(b, physique["_id"]) else ""),
               "the physics session at 16:00 in the week view")
        b.screenshot("planning-apres-proposition")
        ics_planning = planning["_id"]
    else:
        steps.chat_builtin(b)
        prop = steps.apply_proposal(b, u, "Fais-moi un planning pour demain", "create_planning")
        items = u.plannings()
        assert len(items) == 2, items
        new = next(p for p in items if p["_id"] != planning["_id"])
        assert new["periode"] == "jour" and new["source"] == "fallback" and new["sessions"]
        tomorrow = today() + dt.timedelta(days=1)
        b.get(app.url + f"/planning/jour?date={tomorrow.isoformat()}")
        expected = steps.ids_on_days(u, tomorrow, tomorrow)
        assert {s["_id"] for s in new["sessions"]} <= set(expected)
        steps.wait_blocks(b, expected, "tomorrow's new plan in the day view")
        b.screenshot("planning-jour-apres-proposition")
        ics_planning = planning["_id"]

    steps.download_ics(b, u, ics_planning)
    steps.download_export(b, u)
    steps.delete_account(b, app, u)
