"""Steps of the student's journey through the app, shared by the journey tests. Each step acts as a
person does (labels, buttons, links) and then checks, through the API with a token of its own,
that the server holds what the screen says."""
import datetime as dt
import json
from zoneinfo import ZoneInfo

import requests

import ui
from browser import TIMEZONE
from conftest import PASSWORD, ApiUser, unique_email

TZ = ZoneInfo(TIMEZONE)


def today():
    return dt.datetime.now(TZ).date()


def monday(day=None):
    day = day or today()
    return day - dt.timedelta(days=day.weekday())


def local(day, hour, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def utc_ms(ts):
    """The API's form of a date-time: UTC with milliseconds."""
    return ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse(ts):
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def hhmm(ts):
    return parse(ts).astimezone(TZ).strftime("%H:%M")


def session_blocks(b):
    """The sessions on screen: {session id: (accessible name of the block, statut)}. The name, not
    the visible text: a short session's block is too small to show its hours (see the screenshots)."""
    return {e.get_attribute("data-session-id"): (e.accessible_name, e.get_attribute("data-statut"))
            for e in ui.by_testid(b, "session-block", all=True)}


def wait_blocks(b, ids, what):
    """Waits until the sessions on screen are exactly `ids`; returns session_blocks()."""
    ids = set(ids)

    def shown(_):
        blocks = session_blocks(b)
        return (blocks,) if set(blocks) == ids else None
    return b.wait(shown, lambda: f"{what}: the sessions {sorted(ids)} on screen (shown: {session_blocks(b)})")[0]


def ids_on_days(u, first, last):
    """The ids of the account's sessions that start on a local day in [first, last]."""
    return [s["_id"] for s in u.sessions() if first <= parse(s["debut"]).astimezone(TZ).date() <= last]


def block(b, session_id):
    for e in ui.by_testid(b, "session-block", all=True):
        if e.get_attribute("data-session-id") == session_id:
            return e
    return None


def go_nav(b, name):
    """The main navigation: Planning, Coach, Progrès, Réglages."""
    testid = {"Planning": "nav-planning", "Coach": "nav-coach", "Progrès": "nav-progres", "Réglages": "nav-reglages"}[name]
    b.wait(lambda d: ui.by_testid(b, testid), f"the navigation link « {name} »").click()


def toast(b, contains, close=True):
    """Waits for the message (role=status) saying `contains`; then closes it, as a person does
    before going on (it would otherwise cover the bottom of the screen for 10 s)."""
    text = b.wait(lambda d: (t := ui.by_testid(b, "toast")) is not None and contains in t.text and t.text,
                  f"a message containing « {contains} »")
    if close:
        t = ui.by_testid(b, "toast")
        if t is not None:
            x = ui.button(b, "Fermer le message", within=t)
            if x is not None:
                x.click()
    return text


def set_time(el, value):
    """A time input (HH:MM): focused from the keyboard side, so typing starts at the hours."""
    el.send_keys(value.replace(":", ""))


# ------------------------------------------------------------------------------ the steps

def sign_up(b, app, name="Camille"):
    """From the home page to the week view of a new account; returns its ApiUser."""
    b.get(app.url + "/")
    b.wait_path("/connexion")
    ui.wait_heading(b, "Connexion")
    b.screenshot("connexion")
    ui.wait_link(b, "Créer un compte").click()
    b.wait_path("/inscription")
    ui.wait_heading(b, "Inscription")
    assert ui.value_of(b, "Fuseau horaire") == TIMEZONE, "the time zone is not the browser's"
    b.screenshot("inscription")
    email = unique_email()
    ui.fill(b, {"Prénom ou pseudo": name, "Adresse e-mail": email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Créer mon compte").click()
    b.wait_path("/planning")
    ui.wait_heading(b, "Planning")
    u = ApiUser(app, email)
    me = u.ok("GET", "/api/users/me")
    assert me["name"] == name and me["timezone"] == TIMEZONE, me
    return u


def set_subjects(b, u, subjects):
    go_nav(b, "Réglages")
    ui.wait_heading(b, "Réglages")
    box = b.wait(lambda d: ui.by_testid(b, "pf-matieres"), "the « Mes matières » list")
    for s in subjects:
        ui.type_into(b.wait(lambda d: ui.field_in(b, box, "Ajouter"), "the « Ajouter » field of « Mes matières »"), s)
        ui.wait_button(b, "Ajouter à « Mes matières »").click()
        b.wait(lambda d: s in ui.by_testid(b, "pf-matieres").text, f"« {s} » in « Mes matières »")
    ui.wait_button(b, "Enregistrer le profil").click()
    toast(b, "Profil enregistré")
    assert u.ok("GET", "/api/users/me")["preferences"]["matieres"] == subjects


def plan_week_with_pixelcoach(b, app, u, subjects, ai_sessions=None):
    """The AI planning form. `ai_sessions`: what the fake AI answers [(subject, start, end)], or
    None for the built-in coach. Returns the planning as the API has it."""
    go_nav(b, "Planning")
    ui.wait_heading(b, "Planning")
    ui.wait_link(b, "Planifier avec PixelCoach").click()
    b.wait_path("/planning/pixelcoach")
    ui.wait_heading(b, "Planifier avec PixelCoach")
    assert ui.value_of(b, "À partir du") == monday().isoformat()
    prefs = u.ok("GET", "/api/users/me")["preferences"]["matieres"]
    for s in subjects:
        if s in prefs:
            continue
        ui.type_into(ui.wait_field(b, "Autre matière"), s)
        ui.wait_button(b, "Ajouter la matière").click()
        b.wait(lambda d: (c := ui.field(b, s)) is not None and c.is_selected(), f"the subject « {s} » checked")
    if ai_sessions is not None:
        app.fake.script({"behaviour": "json_plan", "document": {"titre": "Ma semaine", "sessions": [
            {"matiere": m, "debut": a.isoformat(), "fin": z.isoformat()} for m, a, z in ai_sessions]}})
    b.screenshot("pixelcoach-formulaire")
    ui.wait_button(b, "Planifier ma semaine avec PixelCoach").click()
    result = b.wait(lambda d: ui.by_testid(b, "ai-result"), "the planning made by PixelCoach")
    items = u.plannings()
    assert len(items) == 1, items
    p = items[0]
    assert result.get_attribute("data-source") == p["source"] == ("ai" if ai_sessions is not None else "fallback")
    if ai_sessions is not None:
        assert [(s["matiere"], s["debut"], s["fin"]) for s in p["sessions"]] == \
            [(m, utc_ms(a), utc_ms(z)) for m, a, z in sorted(ai_sessions, key=lambda x: x[1])]
        calls = [r for r in app.fake.requests() if r["api"] == "gemini"]
        assert calls and "responseSchema" in json.dumps(calls[-1]["body"]), "the fake AI was not asked for a plan"
        assert "l’IA" in ui.by_testid(b, "ai-source").text
    else:
        assert "coach intégré" in ui.by_testid(b, "ai-source").text
    assert f"{len(p['sessions'])} session" in result.text
    b.screenshot("pixelcoach-resultat")
    return p


def see_week(b, u, p):
    """From the AI result to the week view: every session of the planning is on screen."""
    ui.wait_link(b, "Voir dans le planning").click()
    b.wait_path("/planning")
    shown = wait_blocks(b, [s["_id"] for s in p["sessions"]], "the week view")
    for s in p["sessions"]:
        text, statut = shown[s["_id"]]
        assert s["matiere"] in text and f"{hhmm(s['debut'])}–{hhmm(s['fin'])}" in text, (s, text)
        assert statut == "planifie"
    b.screenshot("planning-semaine")


def go_this_week(b):
    ui.wait_button(b, "Aujourd’hui").click()
    b.wait(lambda d: "date=" not in d.current_url, "the week of today")


def add_session_today(b, u, subject, start, end):
    ui.by_testid(b, "add-session").click()
    dialog = b.wait(lambda d: ui.by_testid(b, "add-session-dialog"), "the « Ajouter une session » dialog")
    assert ui.value_of(b, "Jour") == today().isoformat()
    ui.type_into(ui.wait_field(b, "Matière"), subject)
    set_time(ui.field(b, "Début"), start)
    set_time(ui.field(b, "Fin"), end)
    b.screenshot("planning-ajout-session")
    ui.wait_button(b, "Ajouter la session", within=dialog).click()
    b.wait(lambda d: not ui.by_testid(b, "add-session-dialog"), "the dialog to close")
    toast(b, f"Session de {subject} ajoutée")
    found = [s for s in u.sessions() if s["matiere"] == subject]
    assert [(s["debut"], s["fin"]) for s in found] == [(utc_ms(local(today(), *map(int, start.split(":")))),
                                                        utc_ms(local(today(), *map(int, end.split(":")))))], found
    return found[0]


def move_session(b, u, s, start, end):
    """Opens the session, changes its hours, saves: the API and the screen show the new hours."""
    b.wait(lambda d: block(b, s["_id"]), "the session to move").click()
    dialog = b.wait(lambda d: ui.by_testid(b, "session-dialog"), "the session dialog")
    assert ui.value_of(b, "Début") == hhmm(s["debut"])
    set_time(ui.field(b, "Début"), start)
    set_time(ui.field(b, "Fin"), end)
    b.screenshot("planning-session")
    ui.wait_button(b, "Enregistrer", within=dialog).click()
    toast(b, f"Session de {s['matiere']} enregistrée")
    b.wait(lambda d: not ui.by_testid(b, "session-dialog"), "the session dialog to close")
    day = parse(s["debut"]).astimezone(TZ).date()
    moved = next(x for x in u.sessions() if x["_id"] == s["_id"])
    assert (moved["debut"], moved["fin"]) == (utc_ms(local(day, *map(int, start.split(":")))),
                                              utc_ms(local(day, *map(int, end.split(":"))))), moved
    b.wait(lambda d: f"{start}–{end}" in (block(b, s["_id"]).accessible_name if block(b, s["_id"]) else ""),
           "the moved session at its new hours on screen")
    return moved


def mark_done(b, u, s):
    done = b.wait(lambda d: next((e for e in ui.by_testid(b, "session-done", all=True)
                                  if e.get_attribute("data-session-id") == s["_id"]), None),
                  f"the « Fait » button of {s['matiere']}")
    done.click()
    toast(b, f"Session de {s['matiere']} validée")
    b.wait(lambda d: block(b, s["_id"]) and block(b, s["_id"]).get_attribute("data-statut") == "termine",
           "the session shown as done")
    assert next(x for x in u.sessions() if x["_id"] == s["_id"])["statut"] == "termine"
    entries = u.ok("GET", "/api/progress")["entries"]
    assert [(e["sessionId"], e["date"]) for e in entries] == [(s["_id"], today().isoformat())], entries
    b.screenshot("planning-fait")
    return entries[0]


def see_progress(b, u, minutes):
    go_nav(b, "Progrès")
    ui.wait_heading(b, "Progrès")
    streak = b.wait(lambda d: ui.by_testid(b, "streak-current"), "the streak")
    assert streak.text == "1"
    cell = b.wait(lambda d: next((c for c in d.find_elements("css selector", "[data-testid=heatmap-cell]")
                                  if c.get_attribute("data-date") == today().isoformat()), None),
                  "today's cell in the heatmap")
    assert cell.get_attribute("data-minutes") == str(minutes) and cell.get_attribute("data-level") != "0"
    summary = u.ok("GET", "/api/progress")["summary"]
    assert summary["serieActuelle"] == 1 and summary["tempsEtudie"] == minutes
    b.screenshot("progres")


def open_coach(b):
    go_nav(b, "Coach")
    ui.wait_heading(b, "PixelCoach")
    return b.wait(lambda d: ui.field(b, "Ton message à PixelCoach"), "the message field")


def coach_messages(b):
    return [(e.get_attribute("data-role"), e) for e in ui.by_testid(b, "chat-message", all=True)]


def stream_text(b):
    """What the coach is streaming right now ("" when nothing is)."""
    found = b.driver.find_elements("css selector", "[data-testid=coach-stream]")
    return found[0].text.replace("PixelCoach", "", 1).strip() if found else ""


def send_to_coach(b, message):
    before = len(coach_messages(b))
    ui.type_into(ui.field(b, "Ton message à PixelCoach"), message)
    ui.wait_button(b, "Envoyer").click()
    return before


def wait_reply(b, before):
    """The coach's reply (the message element) once the exchange is in the conversation."""
    b.wait(lambda d: len(coach_messages(b)) >= before + 2 and not stream_text(b),
           "the coach's reply in the conversation")
    role, el = coach_messages(b)[-1]
    assert role == "coach"
    return el


def chat_streamed(b, app, reply_text):
    """Fake AI: the reply arrives in pieces, and the pieces are seen on screen before the end."""
    app.fake.script({"behaviour": "text", "text": reply_text, "chunks": 8, "delay_ms": 250})
    open_coach(b)
    before = send_to_coach(b, "Comment je m’organise pour la physique ?")
    def streamed_part(_):
        t = stream_text(b)
        return t if t and t != reply_text and reply_text.startswith(t) else None
    partial = b.wait(streamed_part, "part of the reply, streamed")
    assert partial and len(partial) < len(reply_text), partial
    b.screenshot("coach-flux")
    el = wait_reply(b, before)
    assert reply_text in el.text and ui.by_testid(b, "fallback-note") is None
    b.screenshot("coach-reponse")


def chat_builtin(b):
    open_coach(b)
    before = len(coach_messages(b))
    ui.wait_button(b, "Quelle est ma prochaine session ?").click()
    el = wait_reply(b, before)
    assert "coach intégré" in el.text and len(el.text) > 40
    b.screenshot("coach-reponse")


def apply_proposal(b, u, message, expect_type):
    before = send_to_coach(b, message)
    el = wait_reply(b, before)
    card = b.wait(lambda d: el.find_elements("css selector", "[data-testid=proposal-card]"), "a proposal")[0]
    pid = card.get_attribute("data-proposal-id")
    exported = u.ok("GET", "/api/users/me/export")["chat"]["proposals"]
    prop = next(p for p in exported if p["_id"] == pid)
    assert prop["type"] == expect_type and prop["status"] == "pending" and prop["summary"] in card.text
    b.screenshot("coach-proposition")
    card.find_element("css selector", "[data-testid=proposal-apply]").click()
    b.wait(lambda d: card.get_attribute("data-status") == "applied", "the proposal applied")
    toast(b, "ton planning est à jour")
    prop = next(p for p in u.ok("GET", "/api/users/me/export")["chat"]["proposals"] if p["_id"] == pid)
    assert prop["status"] == "applied"
    b.screenshot("coach-proposition-appliquee")
    return prop


def download_ics(b, u, planning_id):
    go_nav(b, "Planning")
    ui.wait_heading(b, "Planning")
    link = b.wait(lambda d: next((e for e in ui.by_testid(b, "ics-link", all=True)
                                  if f"/api/planning/{planning_id}/ics" in e.get_attribute("href")), None),
                  "the .ics link of the planning")
    link.click()
    path = b.wait_download(lambda n: n.endswith(".ics"), "the .ics file")
    text = open(path, encoding="utf-8").read()
    p = u.ok("GET", f"/api/planning/{planning_id}")
    assert text.startswith("BEGIN:VCALENDAR") and text.rstrip().endswith("END:VCALENDAR")
    uids = {line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("UID:")}
    assert uids == {f"{s['_id']}@planetude" for s in p["sessions"]}, uids
    return path


def download_export(b, u):
    go_nav(b, "Réglages")
    ui.wait_heading(b, "Réglages")
    b.screenshot("reglages")
    ui.wait_link(b, "Exporter mes données").click()
    path = b.wait_download(lambda n: n.endswith(".json"), "the export file")
    data = json.load(open(path, encoding="utf-8"))
    assert data["user"]["email"] == u.email
    api = u.ok("GET", "/api/users/me/export")
    assert sorted(p["_id"] for p in data["plannings"]) == sorted(p["_id"] for p in api["plannings"])
    assert [e["_id"] for e in data["progress"]] == [e["_id"] for e in api["progress"]] and len(data["progress"]) == 1
    assert len(data["chat"]["messages"]) >= 4 and data["chat"]["proposals"]
    return data


def delete_account(b, app, u):
    go_nav(b, "Réglages")
    ui.wait_heading(b, "Réglages")
    ui.type_into(ui.wait_field(b, "Mot de passe"), PASSWORD)
    ui.wait_button(b, "Supprimer mon compte").click()
    ui.wait_button(b, "Confirmer : supprimer définitivement").click()
    b.wait_path("/inscription")
    r = requests.post(app.api_url + "/api/auth/login", json={"email": u.email, "password": PASSWORD}, timeout=30)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials", r.text
    assert u.get("/api/users/me").status_code == 401
