"""Every screen of the app, at both viewports and in both themes: axe-core (WCAG 2.0/2.1/2.2 A and
AA) reports no violation, and a screenshot of each is written to build/browser-screenshots/
(<viewport>-<theme>-<screen>.png).

The account is filled through the API first (subjects, a week of sessions, one done, free study
time, a conversation), so the screens are seen with content, not empty. All the violations of one
run are collected and reported together, screen by screen.
"""
import datetime as dt

import pytest

import browser as browser_mod
import steps
import ui
from conftest import PASSWORD, register_via_api
from steps import local, monday, today, utc_ms

COMBOS = [(v, t) for v in browser_mod.VIEWPORTS for t in browser_mod.THEMES]


def fill_account(app):
    u = register_via_api(app, name="Sacha", timezone=browser_mod.TIMEZONE,
                         preferences={"matieres": ["Mathématiques", "Physique", "Histoire"]})
    mon, t = monday(), today()
    week = [mon + dt.timedelta(days=i) for i in range(7)]
    # Mathématiques only today (done) and tomorrow (in a day planning): « décale les maths à demain »
    # then always means tomorrow's session, which can move within its day.
    sessions = [("Mathématiques", local(t, 7), local(t, 8)), ("Physique", local(t, 8, 15), local(t, 9, 15))]
    for i, d in enumerate(x for x in week if x != t):
        sessions.append((["Histoire", "Physique"][i % 2], local(d, 10), local(d, 11, 30)))
    p = u.ok("POST", "/api/planning", json={"periode": "semaine", "dateDebut": mon.isoformat(), "titre": "Semaine type",
                                            "sessions": [{"matiere": m, "debut": a.isoformat(), "fin": z.isoformat()}
                                                         for m, a, z in sessions]})
    tomorrow = t + dt.timedelta(days=1)
    u.ok("POST", "/api/planning", json={"periode": "jour", "dateDebut": tomorrow.isoformat(), "sessions": [
        {"matiere": "Mathématiques", "debut": local(tomorrow, 7).isoformat(), "fin": local(tomorrow, 8).isoformat()}]})
    first = next(s for s in p["sessions"] if s["debut"] == utc_ms(local(t, 7)))
    u.ok("POST", "/api/progress", json={"planningId": p["_id"], "sessionId": first["_id"]})
    for back in (1, 2, 5):
        u.ok("POST", "/api/progress", json={"tempsEtudie": 30 * back, "date": (t - dt.timedelta(days=back)).isoformat(),
                                            "matiere": "Histoire"})
    u.ok("POST", "/api/chat", json={"message": "Quelle est ma prochaine session ?"})
    return u, p


def login(b, app, u):
    b.get(app.url + "/connexion")
    ui.wait_heading(b, "Connexion")
    ui.fill(b, {"Adresse e-mail": u.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Se connecter").click()
    b.wait_path("/planning")


def ready_planning(b, count):
    ui.wait_heading(b, "Planning")
    b.wait(lambda d: len(steps.session_blocks(b)) == count,
           lambda: f"{count} sessions on screen (shown: {len(steps.session_blocks(b))})")


@pytest.mark.parametrize("viewport,theme", COMBOS, ids=[f"{v}-{t}" for v, t in COMBOS])
def test_every_screen_is_accessible(app_builtin, browsers, viewport, theme):
    app = app_builtin
    u, week = fill_account(app)
    b = browsers(viewport, theme)
    problems = []

    def check(screen):
        ui.wait_loaded(b, screen)
        b.screenshot(screen)
        b.settled()
        found = b.axe()
        if found:
            problems.append(f"== {screen}\n" + browser_mod.format_violations(found))

    # Signed out.
    b.get(app.url + "/connexion")
    ui.wait_heading(b, "Connexion")
    check("connexion")
    ui.fill(b, {"Adresse e-mail": u.email, "Mot de passe": "mauvais-mot-de-passe"})
    ui.wait_button(b, "Se connecter").click()
    b.wait(lambda d: ui.form_error(b), "the login error")
    check("connexion-erreur")
    b.get(app.url + "/inscription")
    ui.wait_heading(b, "Inscription")
    check("inscription")
    ui.fill(b, {"Prénom ou pseudo": "X", "Adresse e-mail": "pas-une-adresse", "Mot de passe": "court"})
    ui.wait_button(b, "Créer mon compte").click()
    b.wait(lambda d: ui.field_error(b, "Mot de passe"), "the password error")
    check("inscription-erreurs")

    login(b, app, u)
    ready_planning(b, len(steps.ids_on_days(u, monday(), monday() + dt.timedelta(days=6))))
    check("planning-semaine")
    steps.session_blocks(b)
    ui.by_testid(b, "session-block").click()
    b.wait(lambda d: ui.by_testid(b, "session-dialog"), "the session dialog")
    check("planning-session")
    ui.wait_button(b, "Fermer", within=ui.by_testid(b, "session-dialog")).click()
    b.wait(lambda d: not ui.by_testid(b, "session-dialog"), "the session dialog to close")
    ui.by_testid(b, "add-session").click()
    b.wait(lambda d: ui.by_testid(b, "add-session-dialog"), "the add-session dialog")
    check("planning-ajout-session")
    ui.wait_button(b, "Fermer", within=ui.by_testid(b, "add-session-dialog")).click()

    b.get(app.url + f"/planning/jour?date={today().isoformat()}")
    ready_planning(b, 2)
    check("planning-jour")
    b.get(app.url + "/planning/mois")
    ui.wait_heading(b, "Planning")
    b.wait(lambda d: ui.by_testid(b, "month-grid"), "the month view")
    ui.wait_loaded(b, "the month view")
    b.wait(lambda d: d.find_elements("css selector", "[data-testid=month-grid] .month-count, "
                                     "[data-testid=month-grid] [data-testid=session-block]"), "the month's sessions")
    check("planning-mois")
    b.get(app.url + "/planning/nouveau")
    ui.wait_heading(b, "Nouveau planning")
    check("planning-nouveau")
    # The coach before PixelCoach's plan: the only planned maths session is then tomorrow's.
    steps.open_coach(b)
    b.wait(lambda d: len(steps.coach_messages(b)) == 2, "the conversation so far")
    before = steps.send_to_coach(b, "Décale les maths à demain à 18h")
    el = steps.wait_reply(b, before)
    b.wait(lambda d: el.find_elements("css selector", "[data-testid=proposal-card]"), "the coach's proposal")
    check("coach")

    b.get(app.url + "/planning/pixelcoach")
    ui.wait_heading(b, "Planifier avec PixelCoach")
    check("pixelcoach-formulaire")
    ui.wait_button(b, "Planifier ma semaine avec PixelCoach").click()
    b.wait(lambda d: ui.by_testid(b, "ai-result"), "the planning made by PixelCoach")
    check("pixelcoach-resultat")

    b.get(app.url + "/progres")
    ui.wait_heading(b, "Progrès")
    b.wait(lambda d: ui.by_testid(b, "heatmap"), "the heatmap")
    check("progres")
    b.get(app.url + "/reglages")
    ui.wait_heading(b, "Réglages")
    check("reglages")
    b.get(app.url + "/pas-une-page")
    ui.wait_heading(b, "Page introuvable")
    check("page-introuvable")

    assert not problems, f"axe-core violations ({viewport}, {theme}):\n" + "\n".join(problems)
