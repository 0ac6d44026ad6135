"""The web app's reads are revalidated, not downloaded again: the API's plan and account reads
carry an ETag with `Cache-Control: private, no-cache`, so the browser keeps them and asks with
If-None-Match, and the server answers 304 while nothing changed. A change made elsewhere (here,
through the API with the account's own token, like a second device) moves the tag: the next visit
gets and shows the new plan, never the kept copy."""
import datetime as dt

import pytest

import steps
import ui
from conftest import PASSWORD, register_via_api, start_app
from steps import local, monday


@pytest.fixture
def own_app():
    a = start_app()
    yield a
    a.cleanup()


def answers(app, route):
    """Statuses of the server's answers on `route` so far, in order."""
    app.server.barrier()
    return [e["status"] for e in app.server.log_entries("request", method="GET", route=route)]


def test_a_second_visit_revalidates_and_a_change_elsewhere_is_shown(own_app, browsers):
    app = own_app
    u = register_via_api(app, preferences={"matieres": ["Mathématiques"]})
    mon = monday()
    p = u.ok("POST", "/api/planning", json={"periode": "semaine", "dateDebut": mon.isoformat(), "sessions": [
        {"matiere": "Mathématiques", "debut": local(mon + dt.timedelta(days=i), 9).isoformat(),
         "fin": local(mon + dt.timedelta(days=i), 10).isoformat()} for i in (1, 3)]})
    ids = [s["_id"] for s in p["sessions"]]

    b = browsers("desktop", "light")
    b.get(app.url + "/connexion")
    ui.fill(b, {"Adresse e-mail": u.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Se connecter").click()
    b.wait_path("/planning")
    steps.wait_blocks(b, ids, "the week view")
    assert 304 not in answers(app, "/api/planning")

    # The same week again: the browser revalidates what it kept, the server says 304, the plan shows.
    b.get(app.url + "/planning")
    steps.wait_blocks(b, ids, "the week view, revalidated")
    b.wait(lambda d: 304 in answers(app, "/api/users/me") and 304 in answers(app, "/api/planning"),
           lambda: f"304 answers to the revalidations (users/me: {answers(app, '/api/users/me')}, "
                   f"planning: {answers(app, '/api/planning')})")

    # Another device removes a session: the tag moves, the next visit gets a 200 and shows it gone.
    before = answers(app, "/api/planning")
    kept = [s for s in p["sessions"] if s["_id"] != ids[0]]
    u.ok("PUT", f"/api/planning/{p['_id']}", json={"periode": "semaine", "dateDebut": mon.isoformat(), "sessions": [
        {k: s[k] for k in ("_id", "matiere", "debut", "fin")} for s in kept]})
    b.get(app.url + "/planning")
    steps.wait_blocks(b, ids[1:], "the week view after a change made elsewhere")
    assert 200 in answers(app, "/api/planning")[len(before):]
