"""Bad input gets the API's own French error next to the field, and nothing typed is lost when a
request fails (refused by the API, or not sent at all because the network is gone)."""
import re

import requests

import ui
from conftest import PASSWORD, register_via_api, unique_email

# Words that betray an English message (the API and the app speak French to people).
ENGLISH = re.compile(r"\b(the|must|is|are|required|invalid|not|found|too|field|wrong|should|missing|"
                     r"characters|least|already|taken|error|failed)\b", re.I)


def api_details(app, path, body):
    """The error the API gives for `body` sent directly: {detail path: message}, and the message."""
    r = requests.post(app.api_url + path, json=body, timeout=30)
    assert r.status_code >= 400, r.text
    e = r.json()["error"]
    return {d["path"]: d["message"] for d in e.get("details", [])}, e["message"]


def open_register(b, app):
    b.get(app.url + "/inscription")
    ui.wait_heading(b, "Inscription")


def test_register_with_bad_fields_shows_the_api_errors_next_to_them_and_keeps_what_was_typed(app, browsers):
    b = browsers("desktop", "light")
    open_register(b, app)
    typed = {"Prénom ou pseudo": "Léa", "Adresse e-mail": "lea-sans-arobase", "Mot de passe": "court",
             "Fuseau horaire": "Europe/Paris"}
    ui.fill(b, typed)
    ui.wait_button(b, "Créer mon compte").click()

    expected, _ = api_details(app, "/api/auth/register", {
        "name": "Léa", "email": "lea-sans-arobase", "password": "court", "timezone": "Europe/Paris"})
    assert {"email", "password"} <= set(expected), expected
    b.wait(lambda d: ui.field_error(b, "Adresse e-mail") and ui.field_error(b, "Mot de passe"),
           "errors next to the e-mail and password fields")
    # The API's message, shown as a sentence (capital first letter); the summary just points to the fields.
    cap = lambda m: m[:1].upper() + m[1:]
    assert ui.field_error(b, "Adresse e-mail") == cap(expected["email"])
    assert ui.field_error(b, "Mot de passe") == cap(expected["password"])
    assert ui.by_testid(b, "form-error").text.strip() == "Corrige les champs signalés."
    for label in ("Adresse e-mail", "Mot de passe"):
        msg = ui.field_error(b, label)
        assert not ENGLISH.search(msg), f"not French: {msg!r}"
        assert ui.field(b, label).get_attribute("aria-invalid") == "true"
    assert ui.field_error(b, "Prénom ou pseudo") is None
    for label, value in typed.items():
        assert ui.value_of(b, label) == value, f"« {label} » lost what was typed"
    b.screenshot("inscription-erreurs")
    b.assert_accessible("inscription avec erreurs")

    # Fixing the fields and sending again works: the form was kept, not reset.
    email = unique_email()
    ui.fill(b, {"Adresse e-mail": email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Créer mon compte").click()
    b.wait_path("/planning")
    me = requests.post(app.api_url + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert me.status_code == 200 and me.json()["user"]["timezone"] == "Europe/Paris", me.text


def test_taken_email_and_wrong_password_show_the_api_message_and_keep_the_input(app, browsers):
    taken = register_via_api(app)
    b = browsers("phone", "dark")
    open_register(b, app)
    ui.fill(b, {"Prénom ou pseudo": "Noé", "Adresse e-mail": taken.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Créer mon compte").click()
    _, message = api_details(app, "/api/auth/register", {"name": "Noé", "email": taken.email, "password": PASSWORD})
    shown = b.wait(lambda d: ui.form_error(b) or ui.field_error(b, "Adresse e-mail"), "the e-mail-taken message")
    assert message in shown, (shown, message)
    assert ui.value_of(b, "Adresse e-mail") == taken.email and ui.value_of(b, "Prénom ou pseudo") == "Noé"

    b.get(app.url + "/connexion")
    ui.wait_heading(b, "Connexion")
    ui.fill(b, {"Adresse e-mail": taken.email, "Mot de passe": "pas-le-bon-mot"})
    ui.wait_button(b, "Se connecter").click()
    _, message = api_details(app, "/api/auth/login", {"email": taken.email, "password": "pas-le-bon-mot"})
    shown = b.wait(lambda d: ui.form_error(b), "the wrong-credentials message")
    assert shown == message and not ENGLISH.search(shown)
    assert ui.value_of(b, "Adresse e-mail") == taken.email
    assert ui.value_of(b, "Mot de passe") == "pas-le-bon-mot"
    b.screenshot("connexion-erreur")
    b.assert_accessible("connexion avec erreur")


def test_a_request_that_cannot_be_sent_loses_nothing(app, browsers):
    b = browsers("desktop", "dark")
    open_register(b, app)
    email = unique_email()
    typed = {"Prénom ou pseudo": "Inès", "Adresse e-mail": email, "Mot de passe": PASSWORD}
    ui.fill(b, typed)
    b.set_offline(True)
    b.wait(lambda d: not b.js("return navigator.onLine"), "the browser to be offline")
    ui.wait_button(b, "Créer mon compte").click()
    shown = b.wait(lambda d: ui.form_error(b), "a message saying the request could not be sent")
    assert not ENGLISH.search(shown), shown
    for label, value in typed.items():
        assert ui.value_of(b, label) == value, f"« {label} » lost what was typed"
    r = requests.post(app.api_url + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert r.status_code == 401, "the account was created while offline?"

    b.set_offline(False)
    b.wait(lambda d: b.js("return navigator.onLine"), "the browser to be online again")
    ui.wait_button(b, "Créer mon compte").click()
    b.wait_path("/planning")
    r = requests.post(app.api_url + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text


def sign_in(b, app, u):
    b.get(app.url + "/connexion")
    ui.wait_heading(b, "Connexion")
    ui.fill(b, {"Adresse e-mail": u.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Se connecter").click()
    b.wait_path("/planning")


def test_the_weekly_goal_is_kept_on_the_account_and_a_bad_one_is_explained(app, browsers):
    u = register_via_api(app)
    laptop = browsers("desktop", "light")
    sign_in(laptop, app, u)
    laptop.get(app.url + "/progres")
    ui.wait_heading(laptop, "Progrès")
    goal_text = lambda b: b.wait(lambda d: ui.by_testid(b, "week-goal"), "the weekly goal").text
    assert goal_text(laptop) == "10 h"  # the default until one is chosen
    assert "objectifHebdo" not in u.ok("GET", "/api/users/me")["preferences"]

    # Out of bounds: the message next to the field, what was typed kept, nothing saved.
    ui.fill(laptop, {"Minutes par semaine": "20000"})
    ui.wait_button(laptop, "Enregistrer l’objectif").click()
    shown = laptop.wait(lambda d: ui.field_error(laptop, "Minutes par semaine"), "the goal's error")
    r = u.request("PATCH", "/api/users/me", json={"preferences": {"objectifHebdo": 20000}})
    expected = {d["path"]: d["message"] for d in r.json()["error"]["details"]}["preferences.objectifHebdo"]
    assert shown == expected[:1].upper() + expected[1:] and not ENGLISH.search(shown), (shown, expected)
    assert ui.value_of(laptop, "Minutes par semaine") == "20000"
    assert "objectifHebdo" not in u.ok("GET", "/api/users/me")["preferences"]

    ui.fill(laptop, {"Minutes par semaine": "450"})
    ui.wait_button(laptop, "Enregistrer l’objectif").click()
    laptop.wait(lambda d: goal_text(laptop) == "7 h 30", "the new goal on screen")
    assert ui.field_error(laptop, "Minutes par semaine") is None
    assert u.ok("GET", "/api/users/me")["preferences"]["objectifHebdo"] == 450

    # The phone shows the goal chosen on the laptop.
    phone = browsers("phone", "dark")
    sign_in(phone, app, u)
    phone.get(app.url + "/progres")
    ui.wait_heading(phone, "Progrès")
    phone.wait(lambda d: goal_text(phone) == "7 h 30", "the goal chosen on the laptop")
