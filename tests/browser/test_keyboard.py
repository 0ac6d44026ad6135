"""The main journey with the keyboard alone: Tab / Shift+Tab to move, Enter and Space to act, and
typing into fields. No click, no focus set by script. Every control reached must show where the
focus is (a visible focus indicator), and the focus must never get stuck.

sign up → plan the week with PixelCoach (fake AI) → open a session and move it → mark one done →
progress → ask the coach and apply its proposal → sign out.
"""
import datetime as dt

from selenium.webdriver.common.keys import Keys

import steps
import ui
from conftest import PASSWORD, ApiUser, unique_email
from steps import local, monday, today


def focus_visible(b):
    """The focused element draws a focus indicator (outline or box-shadow)."""
    return b.js("""
        const e = document.activeElement, s = getComputedStyle(e);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';""")


def reach(b, predicate, what, backwards=False):
    el = ui.tab_to(b, predicate, what, backwards=backwards)
    assert focus_visible(b), f"no visible focus indicator on {what} ({ui.describe_focus(b)})"
    return el


def activate(b, predicate, what, key=Keys.ENTER, backwards=False):
    reach(b, predicate, what, backwards=backwards)
    ui.press(b, key)


def type_field(b, label, text):
    el = reach(b, ui.is_field(b, label), f"the field « {label} »")
    if el.get_attribute("type") not in ("time", "date"):  # those take digits segment by segment
        ui.select_all(b)
        ui.press(b, Keys.DELETE)
    ui.press(b, text)


def has_testid(testid, **attrs):
    def check(el):
        return el.get_attribute("data-testid") == testid and all(el.get_attribute(k) == v for k, v in attrs.items())
    return check


def test_main_journey_with_the_keyboard_only(app, browsers):
    fake = app.fake
    fake.reset()
    b = browsers("desktop", "light")
    b.get(app.url + "/inscription")
    ui.wait_heading(b, "Inscription")

    # The skip link comes first and takes the focus to the content.
    ui.press(b, Keys.TAB)
    assert ui.active(b).accessible_name == "Aller au contenu", ui.describe_focus(b)

    email = unique_email()
    type_field(b, "Prénom ou pseudo", "Yanis")
    type_field(b, "Adresse e-mail", email)
    type_field(b, "Mot de passe", PASSWORD)
    ui.press(b, Keys.ENTER)  # submits the form from a field
    b.wait_path("/planning")
    u = ApiUser(app, email)

    t = today()
    other = next(monday() + dt.timedelta(days=i) for i in range(7) if monday() + dt.timedelta(days=i) != t)
    fake.script({"behaviour": "json_plan", "document": {"titre": "Au clavier", "sessions": [
        {"matiere": "Chimie", "debut": local(t, 7).isoformat(), "fin": local(t, 8).isoformat()},
        {"matiere": "Chimie", "debut": local(other, 15).isoformat(), "fin": local(other, 16).isoformat()}]}})
    activate(b, ui.is_named("Planifier avec PixelCoach"), "the link « Planifier avec PixelCoach »")
    b.wait_path("/planning/pixelcoach")
    type_field(b, "Autre matière", "Chimie")
    ui.press(b, Keys.ENTER)  # adds the subject
    b.wait(lambda d: ui.field(b, "Chimie") is not None and ui.field(b, "Chimie").is_selected(), "Chimie checked")
    activate(b, ui.is_named("Planifier ma semaine avec PixelCoach"), "the submit button")
    b.wait(lambda d: ui.by_testid(b, "ai-result"), "the plan")
    p = u.plannings()[0]
    assert p["source"] == "ai" and len(p["sessions"]) == 2
    todays = next(s for s in p["sessions"] if steps.parse(s["debut"]).astimezone(steps.TZ).date() == t)

    activate(b, ui.is_named("Voir dans le planning"), "the link « Voir dans le planning »")
    b.wait_path("/planning")
    steps.wait_blocks(b, [s["_id"] for s in p["sessions"]], "the week view")
    activate(b, ui.is_named("Aujourd’hui"), "the button « Aujourd’hui »", key=Keys.SPACE)
    b.wait(lambda d: "date=" not in d.current_url, "this week")

    # Open today's session from the keyboard, move it, save.
    activate(b, has_testid("session-block", **{"data-session-id": todays["_id"]}), "today's session")
    dialog = b.wait(lambda d: ui.by_testid(b, "session-dialog"), "the session dialog")
    type_field(b, "Début", "0815")
    type_field(b, "Fin", "0915")
    activate(b, ui.is_named("Enregistrer"), "the button « Enregistrer »")
    b.wait(lambda d: not ui.by_testid(b, "session-dialog"), "the dialog to close")
    moved = next(s for s in u.sessions() if s["_id"] == todays["_id"])
    assert steps.hhmm(moved["debut"]) == "08:15" and steps.hhmm(moved["fin"]) == "09:15", moved
    assert dialog is not None

    # Mark it done with Space.
    activate(b, has_testid("session-done", **{"data-session-id": todays["_id"]}), "the « Fait » button", key=Keys.SPACE)
    b.wait(lambda d: steps.block(b, todays["_id"]).get_attribute("data-statut") == "termine", "the session done")

    activate(b, has_testid("nav-progres"), "the navigation link « Progrès »")
    ui.wait_heading(b, "Progrès")
    assert b.wait(lambda d: ui.by_testid(b, "streak-current"), "the streak").text == "1"

    # The coach: type, Enter sends; the proposal is applied with Space.
    chimie = next(s for s in p["sessions"] if s["_id"] != todays["_id"])
    fake.script({"behaviour": "function_call", "name": "delete_session", "args": {"sessionId": chimie["_id"]},
                 "text": "Je libère ce créneau. "})
    activate(b, has_testid("nav-coach"), "the navigation link « Coach »")
    ui.wait_heading(b, "PixelCoach")
    type_field(b, "Ton message à PixelCoach", "Enlève la chimie de l’autre jour")
    ui.press(b, Keys.ENTER)
    card = b.wait(lambda d: ui.by_testid(b, "proposal-card"), "the proposal")
    activate(b, has_testid("proposal-apply"), "the button « Appliquer »", key=Keys.SPACE)
    b.wait(lambda d: card.get_attribute("data-status") == "applied", "the proposal applied")
    assert [s["_id"] for s in u.sessions()] == [todays["_id"]]

    # Sign out, going backwards from the content to the top bar.
    activate(b, has_testid("logout"), "the button « Se déconnecter »", backwards=True)
    b.wait_path("/connexion")
    assert u.get("/api/users/me").status_code == 200  # only the browser's token was revoked


def obscured(b):
    """None when the focused element can be seen; else what covers it. It counts as seen when one
    of five points of it (centre and near the corners) is inside the window and the topmost
    element there is it or inside it (WCAG 2.2, 2.4.11 Focus Not Obscured)."""
    return b.js("""
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        const r = e.getBoundingClientRect();
        const pts = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
        let cover = 'outside the window';
        for (const [fx, fy] of pts) {
          const x = r.left + r.width * fx, y = r.top + r.height * fy;
          if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
          const top = document.elementFromPoint(x, y);
          if (top && (top === e || e.contains(top) || (e.labels && [...e.labels].some(l => l.contains(top))))) return null;
          if (top) cover = top.tagName.toLowerCase() + (top.className ? '.' + String(top.className).split(' ')[0] : '');
        }
        return cover;""")


def test_focus_is_never_hidden_on_a_phone(app_builtin, browsers):
    """Tab through the longest screens on a phone: the focused control is never entirely hidden
    behind the fixed navigation bar (or anything else the app draws on top)."""
    from conftest import register_via_api
    u = register_via_api(app_builtin, preferences={"matieres": ["Mathématiques", "Physique"]})
    b = browsers("phone", "light")
    b.get(app_builtin.url + "/connexion")
    ui.fill(b, {"Adresse e-mail": u.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Se connecter").click()
    b.wait_path("/planning")
    hidden = []
    for path, heading in (("/planning/pixelcoach", "Planifier avec PixelCoach"), ("/reglages", "Réglages")):
        b.get(app_builtin.url + path)
        ui.wait_heading(b, heading)
        b.settled()
        seen = set()
        for _ in range(60):
            ui.press(b, Keys.TAB)
            where = ui.describe_focus(b)
            if where in seen:
                break
            seen.add(where)
            cover = obscured(b)
            if cover:
                if not hidden:
                    b.screenshot_window("focus-masque")
                hidden.append(f"{path}: {where} hidden by {cover}")
    assert not hidden, ("focused controls hidden on a 390x844 phone (the first one: phone-light-focus-masque.png):\n"
                        + "\n".join(hidden))
