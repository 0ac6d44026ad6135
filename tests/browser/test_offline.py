"""Offline reading: once the service worker is active and the week has been seen, the week can be
read again with no network at all: the browser is put offline (CDP network emulation) and the server
itself is stopped, so nothing can come from it. The app says it is offline, shows the last saved
plan, and turns off what would need the server."""
import datetime as dt

import pytest

import steps
import ui
from conftest import PASSWORD, register_via_api, start_app
from steps import local, monday, today


@pytest.fixture
def own_app():
    a = start_app()
    yield a
    a.cleanup()


def cached_api_urls(b):
    return b.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const urls = [];
          for (const name of await caches.keys())
            if (name.startsWith('planetude-api'))
              for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
          return urls;
        })().then(done, e => done(['error: ' + e]));""")


@pytest.mark.parametrize("viewport,theme", [("phone", "dark"), ("desktop", "light")])
def test_the_week_can_be_read_offline(own_app, browsers, viewport, theme):
    app = own_app
    u = register_via_api(app, preferences={"matieres": ["Mathématiques", "Physique"]})
    mon = monday()
    days = [mon + dt.timedelta(days=i) for i in (0, 2, 4)]
    p = u.ok("POST", "/api/planning", json={"periode": "semaine", "dateDebut": mon.isoformat(), "sessions": [
        {"matiere": m, "debut": local(d, 9).isoformat(), "fin": local(d, 10).isoformat()}
        for m, d in zip(["Mathématiques", "Physique", "Mathématiques"], days)]})
    ids = [s["_id"] for s in p["sessions"]]

    b = browsers(viewport, theme)
    b.get(app.url + "/connexion")
    ui.fill(b, {"Adresse e-mail": u.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Se connecter").click()
    b.wait_path("/planning")
    steps.wait_blocks(b, ids, "the week view, online")
    b.wait(lambda d: b.service_worker_active(), "the service worker to control the page")
    # Seen again now that the service worker is in charge: its answers are kept for offline use.
    b.get(app.url + "/planning")
    steps.wait_blocks(b, ids, "the week view, through the service worker")
    b.wait(lambda d: "/api/planning" in cached_api_urls(b) and "/api/users/me" in cached_api_urls(b),
           lambda: f"the plan in the service worker's cache (cached: {cached_api_urls(b)})")

    # No network: the browser is offline (its page's requests fail; CDP's emulation does not reach
    # the service worker's own fetches, hence the second part) and the server is gone.
    b.set_offline(True)
    app.server.stop()
    b.wait(lambda d: not b.js("return navigator.onLine"), "the browser to be offline")
    # The student opens the app again (ChromeDriver's own navigation command reports the network
    # error it sees even when the service worker answers: the page navigates itself instead).
    b.js("location.assign(arguments[0])", app.url + "/planning?hors-ligne=1")
    b.wait(lambda d: "hors-ligne=1" in d.current_url and d.execute_script("return document.readyState") == "complete",
           "the page to be opened again")
    banner = b.wait(lambda d: ui.by_testid(b, "offline-banner"), "the offline notice")
    assert "Hors ligne" in banner.text
    shown = steps.wait_blocks(b, ids, "the week view, offline")
    for s in p["sessions"]:
        assert s["matiere"] in shown[s["_id"]][0] and steps.hhmm(s["debut"]) in shown[s["_id"]][0]
    assert not ui.by_testid(b, "add-session").is_enabled(), "adding a session offline should be off"
    if today() in days:
        assert all(not e.is_enabled() for e in ui.by_testid(b, "session-done", all=True))
    b.screenshot("planning-hors-ligne")
    b.assert_accessible("planning hors ligne")
