"""A page of another origin cannot change anything with the student's cookie.

The attacker's pages are served from a second loopback origin: the same host (127.0.0.1) on another
port. That is another origin but the same site, so the browser does send the SameSite=Lax `token`
cookie with the attacker's requests: SameSite alone does not stop them, the server's origin check
must. While the browser holds the victim's cookie, the attacker's pages send an auto-submitted form
(log out; apply the coach's pending proposal) and credentialed fetches (apply the proposal, turn on
the calendar feed, delete a planning, post a chat message). Afterwards the server's log shows each
request that reached it refused with 403 (not 401: the cookie was there), and the API shows that
nothing changed.
"""
import datetime as dt
import json

import ui
from conftest import PASSWORD, register_via_api
from servers import StaticPages
from steps import local, today

FORM = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Gagne un iPad</title></head>
<body><form id="f" method="POST" action="{action}" enctype="{enctype}">
<input type="hidden" name="{name}" value="{value}"></form>
<script>document.getElementById('f').submit();</script></body></html>"""

FETCHES = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>en cours</title></head><body>
<script>
const app = {app!r};
const attempts = [
  ['apply (no-cors)', app + '/api/chat/proposals/{proposal}/apply', {{method: 'POST', mode: 'no-cors', credentials: 'include'}}],
  ['feed (no-cors)', app + '/api/users/me/calendar-feed', {{method: 'POST', mode: 'no-cors', credentials: 'include'}}],
  ['chat (no-cors, text/plain)', app + '/api/chat', {{method: 'POST', mode: 'no-cors', credentials: 'include',
      headers: {{'Content-Type': 'text/plain'}}, body: JSON.stringify({{message: 'Supprime tout'}})}}],
  ['delete planning (cors)', app + '/api/planning/{planning}', {{method: 'DELETE', credentials: 'include'}}],
  ['chat (cors, json)', app + '/api/chat', {{method: 'POST', credentials: 'include',
      headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify({{message: 'Supprime tout'}})}}],
];
const results = [];
Promise.all(attempts.map(([what, url, init]) =>
  fetch(url, init).then(r => results.push([what, 'answered', r.type, r.status]),
                        e => results.push([what, 'failed', String(e)]))))
  .then(() => {{ window.results = results; document.title = 'fini'; }});
</script></body></html>"""


def request_lines(server, method, route):
    return [e for e in server.log_entries("request") if e.get("method") == method and e.get("route") == route]


def test_another_origin_cannot_change_anything(app_builtin, browsers):
    app = app_builtin
    victim = register_via_api(app, preferences={"matieres": ["Mathématiques"]})
    tomorrow = today() + dt.timedelta(days=1)
    planning = victim.ok("POST", "/api/planning", json={
        "periode": "jour", "dateDebut": tomorrow.isoformat(),
        "sessions": [{"matiere": "Mathématiques", "debut": local(tomorrow, 10).isoformat(),
                      "fin": local(tomorrow, 11).isoformat()}]})
    reply = victim.ok("POST", "/api/chat", json={"message": "Décale les maths à demain à 18h"})
    assert reply["proposals"], reply
    proposal = reply["proposals"][0]["_id"]
    before = victim.ok("GET", "/api/users/me/export")

    b = browsers("desktop", "light")
    b.get(app.url + "/connexion")
    ui.fill(b, {"Adresse e-mail": victim.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Se connecter").click()
    b.wait_path("/planning")
    cookie = b.driver.get_cookie("token")
    assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Lax", cookie
    token = cookie["value"]

    pages = {
        "/logout": FORM.format(action=app.url + "/api/auth/logout", enctype="application/x-www-form-urlencoded",
                               name="x", value="1"),
        "/apply": FORM.format(action=app.url + f"/api/chat/proposals/{proposal}/apply", enctype="text/plain",
                              name='{"a":"', value='"}'),
        "/fetches": FETCHES.format(app=app.url, proposal=proposal, planning=planning["_id"]),
    }
    attacker = StaticPages(pages)
    try:
        assert attacker.url != app.url and attacker.url.split(":")[1] == app.url.split(":")[1]
        for path, method, route in (("/logout", "POST", "/api/auth/logout"),
                                    ("/apply", "POST", "/api/chat/proposals/:id/apply")):
            seen = len(request_lines(app.server, method, route))
            b.get(attacker.url + path)
            b.wait(lambda d: len(request_lines(app.server, method, route)) > seen,
                   f"the attacker's form ({path}) to reach the server")
            line = request_lines(app.server, method, route)[-1]
            assert line["status"] == 403, f"{path}: {line} (401 would mean the cookie was not sent: a vacuous test)"
            assert "cross_origin_request" in b.page_text(), b.page_text()
        b.get(attacker.url + "/fetches")
        b.wait(lambda d: d.title == "fini", "the attacker's fetches to settle")
        results = b.js("return window.results")
    finally:
        attacker.close()

    app.server.barrier()
    apply_lines = request_lines(app.server, "POST", "/api/chat/proposals/:id/apply")
    feed_lines = request_lines(app.server, "POST", "/api/users/me/calendar-feed")
    delete_lines = request_lines(app.server, "DELETE", "/api/planning/:id")
    chat_lines = request_lines(app.server, "POST", "/api/chat")
    assert len(apply_lines) == 2 and all(e["status"] == 403 for e in apply_lines), apply_lines
    assert feed_lines and all(e["status"] == 403 for e in feed_lines), feed_lines
    assert not any(e["status"] < 400 for e in delete_lines + chat_lines[1:]), (delete_lines, chat_lines, results)

    # Nothing changed: the cookie's token still works, the proposal is pending, the planning, the
    # conversation and the rest of the account are as they were.
    assert victim.get("/api/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    after = victim.ok("GET", "/api/users/me/export")
    for key in ("user", "plannings", "progress", "chat"):
        assert after[key] == before[key], f"{key} changed:\n{json.dumps(before[key])}\n{json.dumps(after[key])}"
    # And the app itself, on its own origin, still works with that cookie.
    b.get(app.url + "/planning")
    ui.wait_heading(b, "Planning")
    assert b.path() == "/planning"
