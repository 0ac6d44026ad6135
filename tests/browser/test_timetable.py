"""The school timetable in the web app: a student signs up, imports the .ics their ENT exports (a
weekly class with a cancelled week, an all-day event, a « Contrôle de maths »), sees what was
imported in « Réglages », sees the classes as busy time in the week view, is offered the exam when
planning with PixelCoach, gets the API's French error for a file that is not a calendar (and the
app's own for one over 2 MiB, which is never sent), re-imports, then deletes the timetable.
On a desktop in the light theme and on a phone in the dark one; axe-core finds no violation in the
card's states nor in the week view with classes, and the card fits a 360 px wide screen."""
import datetime as dt

import pytest

import browser as browser_mod
import steps
import ui
from steps import TZ, go_nav, monday, today

FILE_LABEL = "Fichier de l’emploi du temps (.ics)"
SUBJECTS = ["Mathématiques", "Physique"]

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


def long_day(d, year=True):
    """As the app writes a day: « lundi 1 décembre 2025 »."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")


def ics_date(d):
    return d.strftime("%Y%m%d")


VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
X-LIC-LOCATION:Europe/Paris
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


class School:
    """The timetable of the test, relative to today: Physique-chimie on Mondays and Thursdays,
    08:00–10:00 in Paris, ten times from last week's Monday, except this week's Thursday (EXDATE);
    an all-day « Journée portes ouvertes » this Wednesday; « Contrôle de maths » in three days,
    10:00–12:00. Eleven events in all."""

    def __init__(self):
        self.mon = monday()
        self.first_class = self.mon - dt.timedelta(days=7)
        self.cancelled = self.mon + dt.timedelta(days=3)
        self.open_day = self.mon + dt.timedelta(days=2)
        self.exam_day = today() + dt.timedelta(days=3)
        classes = [self.first_class + dt.timedelta(weeks=w, days=d) for w in range(5) for d in (0, 3)]
        self.classes = [d for d in classes if d != self.cancelled]
        self.count = len(self.classes) + 2
        self.first_day = self.first_class
        self.last_day = max(self.classes[-1], self.exam_day, self.open_day)

    def ics(self):
        stamp = "20250901T080000Z"
        lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Index Education//PRONOTE 2025//FR", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:Emploi du temps - 2nde 3", "X-WR-TIMEZONE:Europe/Paris",
            *VTIMEZONE.splitlines(),
            "BEGIN:VEVENT", "UID:cours-pc-2nde3-lu-je@pronote.example.fr", f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Europe/Paris:{ics_date(self.first_class)}T080000",
            f"DTEND;TZID=Europe/Paris:{ics_date(self.first_class)}T100000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10",
            f"EXDATE;TZID=Europe/Paris:{ics_date(self.cancelled)}T080000",
            "SUMMARY:Physique-chimie", "LOCATION:Salle B12", "DESCRIPTION:M. Martin\\, groupe 1",
            "END:VEVENT",
            "BEGIN:VEVENT", "UID:jpo-2025@pronote.example.fr", f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{ics_date(self.open_day)}",
            f"DTEND;VALUE=DATE:{ics_date(self.open_day + dt.timedelta(days=1))}",
            "SUMMARY:Journée portes ouvertes", "END:VEVENT",
            "BEGIN:VEVENT", "UID:controle-maths-2nde3@pronote.example.fr", f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Europe/Paris:{ics_date(self.exam_day)}T100000",
            f"DTEND;TZID=Europe/Paris:{ics_date(self.exam_day)}T120000",
            "SUMMARY:Contrôle de maths", "LOCATION:Salle A03", "END:VEVENT",
            "END:VCALENDAR",
        ]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def card(b):
    return b.wait(lambda d: ui.by_testid(b, "timetable-card"), "the « Emploi du temps » card")


def open_settings(b):
    go_nav(b, "Réglages")
    ui.wait_heading(b, "Réglages")
    card(b)
    ui.wait_loaded(b, "the timetable card")


def choose_file(b, path):
    ui.wait_field(b, FILE_LABEL).send_keys(str(path))


def status_text(b):
    e = ui.by_testid(b, "timetable-status")
    return e.text.strip() if e else ""


def summary_count(b):
    e = ui.by_testid(b, "timetable-count")
    return e.text.strip() if e else None


def puts(app):
    app.server.barrier()
    return app.server.log_entries("request", method="PUT", route="/api/timetable")


def check_axe(b, screen, problems):
    b.screenshot(screen)
    b.settled()
    found = b.axe()
    if found:
        problems.append(f"== {screen}\n" + browser_mod.format_violations(found))


def fits(b, width):
    """The page drawn `width` CSS pixels wide scrolls only vertically."""
    vp = browser_mod.VIEWPORTS[b.viewport]
    mobile = "mobile" in vp
    scale = vp["mobile"]["deviceMetrics"]["pixelRatio"] if mobile else 1
    b.cdp("Emulation.setDeviceMetricsOverride", width=width, height=vp["height"], deviceScaleFactor=scale, mobile=mobile)
    try:
        return b.wait(lambda d: d.execute_script("return innerWidth") == width and d.execute_script(
            "return document.documentElement.scrollWidth <= innerWidth"), f"the page to fit {width} px")
    finally:
        b.cdp("Emulation.setDeviceMetricsOverride", width=vp["width"], height=vp["height"], deviceScaleFactor=scale,
              mobile=mobile)


def events_on_screen(b):
    """{event id: (day, textContent, inside the all-day strip)} of the timetable blocks shown."""
    return {e["id"]: (e["day"], e["text"], e["allDay"]) for e in b.js("""
        return [...document.querySelectorAll('[data-testid=timetable-event]')].map(e => ({
          id: e.dataset.eventId,
          day: e.closest('[data-day]') && e.closest('[data-day]').dataset.day,
          text: e.textContent.replace(/\\s+/g, ' ').trim(),
          allDay: !!e.closest('.timegrid-allday, .agenda-allday')}));""")}


COMBOS = [("desktop", "light"), ("phone", "dark")]


@pytest.mark.parametrize("viewport,theme", COMBOS, ids=[f"{v}-{t}" for v, t in COMBOS])
def test_import_see_plan_around_and_delete_the_school_timetable(app_builtin, browsers, tmp_path, viewport, theme):
    app = app_builtin
    school = School()
    b = browsers(viewport, theme)
    problems = []
    u = steps.sign_up(b, app, name="Lina")
    steps.set_subjects(b, u, SUBJECTS)

    # ------------------------------------------------------------------ import
    open_settings(b)
    assert "tes cours deviennent des créneaux occupés et PixelCoach planifie autour" in card(b).text
    assert ui.by_testid(b, "timetable-summary") is None and ui.by_testid(b, "timetable-delete") is None
    file_input = ui.wait_field(b, FILE_LABEL)
    assert file_input.get_attribute("type") == "file" and file_input.get_attribute("accept") == ".ics,text/calendar"
    check_axe(b, "reglages-emploi-du-temps-vide", problems)

    ics = tmp_path / "Emploi du temps 2nde 3.ics"
    ics.write_bytes(school.ics())
    choose_file(b, ics)
    ui.wait_button(b, "Importer").click()
    b.wait(lambda d: summary_count(b) == f"{school.count} cours importés",
           lambda: f"« {school.count} cours importés » (shown: {summary_count(b)!r}; {b.page_text()[-400:]!r})")
    b.wait(lambda d: "Emploi du temps importé" in status_text(b), "the import announced (role=status)")
    summary = u.ok("GET", "/api/timetable")["import"]
    assert summary["nom"] == ics.name and summary["nombreEvenements"] == school.count, summary
    shown = ui.by_testid(b, "timetable-summary").text
    assert ics.name in shown, shown
    assert ui.by_testid(b, "timetable-range").text.strip() == \
        f"Du {long_day(school.first_day)} au {long_day(school.last_day)}"
    exams = [e.text for e in ui.by_testid(b, "timetable-exam", all=True)]
    assert len(exams) == 1 and "Contrôle de maths" in exams[0] and long_day(school.exam_day, year=False) in exams[0] \
        and "10:00–12:00" in exams[0] and "Salle A03" in exams[0], exams
    assert [e["titre"] for e in summary["examens"]] == ["Contrôle de maths"]
    assert ui.field(b, FILE_LABEL).get_attribute("value") == "", "the file input was not emptied"
    assert ui.button(b, "Supprimer l’emploi du temps") is not None
    check_axe(b, "reglages-emploi-du-temps", problems)
    if viewport == "phone":
        fits(b, 360)

    # ------------------------------------------------------------------ the week view
    go_nav(b, "Planning")
    ui.wait_heading(b, "Planning")
    api_week = u.ok("GET", f"/api/timetable?from={school.mon}&to={school.mon + dt.timedelta(days=6)}")["evenements"]
    expected = {e["_id"] for e in api_week}
    shown = b.wait(lambda d: (s := events_on_screen(b)) and set(s) == expected and s,
                   lambda: f"the week's classes on screen: {sorted(expected)} (shown: {events_on_screen(b)})")
    by_title = {e["titre"]: e for e in api_week if e["titre"] != "Physique-chimie"}
    cls = [e for e in api_week if e["titre"] == "Physique-chimie"]
    assert [steps.parse(e["debut"]).astimezone(TZ).date() for e in cls] == [school.mon], \
        "this week: Monday's class only, Thursday's was cancelled (EXDATE)"
    day, text, all_day = shown[cls[0]["_id"]]
    assert day == school.mon.isoformat() and not all_day
    assert text.startswith("Cours") and "Physique-chimie" in text and "Salle B12" in text and "08:00–10:00" in text, text
    day, text, all_day = shown[by_title["Journée portes ouvertes"]["_id"]]
    assert day == school.open_day.isoformat() and all_day and "toute la journée" in text, (day, text, all_day)
    if "Contrôle de maths" in by_title:
        day, text, _ = shown[by_title["Contrôle de maths"]["_id"]]
        assert day == school.exam_day.isoformat() and text.startswith("Examen"), text
    # Busy time, not a session: nothing to open, drawn otherwise.
    look = b.js("""
        const e = document.querySelector('[data-testid=timetable-event][data-examen=false]');
        const s = getComputedStyle(e);
        return {tag: e.tagName, role: e.getAttribute('role'), tabindex: e.getAttribute('tabindex'),
                focusables: e.querySelectorAll('a, button, input, [tabindex]').length,
                border: s.borderTopStyle, image: s.backgroundImage};""")
    assert look["tag"] == "DIV" and look["role"] is None and look["tabindex"] is None and look["focusables"] == 0, look
    assert look["border"] == "dashed" and "repeating-linear-gradient" in look["image"], look
    assert not ui.by_testid(b, "session-block", all=True)
    check_axe(b, "planning-semaine-emploi-du-temps", problems)

    # ------------------------------------------------------------------ the exam offered to PixelCoach
    ui.wait_link(b, "Planifier avec PixelCoach").click()
    ui.wait_heading(b, "Planifier avec PixelCoach")
    offers = b.wait(lambda d: ui.by_testid(b, "ai-timetable-exams"), "the exams found in the timetable")
    assert "Examens trouvés dans ton emploi du temps" in offers.text and "Contrôle de maths" in offers.text
    subject = ui.wait_field(b, "Matière de « Contrôle de maths »")
    assert subject.get_attribute("value") == "Mathématiques", "the subject was not guessed from « maths »"
    assert ui.field(b, "Matière de l’examen 1") is None
    ui.wait_button(b, "Ajouter cet examen", exact=False).click()
    b.wait(lambda d: ui.field(b, "Matière de l’examen 1") is not None, "the exam added to the form")
    assert ui.value_of(b, "Matière de l’examen 1") == "Mathématiques"
    assert ui.value_of(b, "Date de l’examen 1") == school.exam_day.isoformat()
    b.wait(lambda d: "Examen ajouté : Mathématiques" in offers.text, "the addition announced (role=status)")
    assert ui.button(b, "Ajouté", exact=False, within=offers).get_attribute("aria-disabled") == "true"
    ui.button(b, "Ajouté", exact=False, within=offers).click()  # a second click adds nothing
    assert ui.field(b, "Matière de l’examen 2") is None
    check_axe(b, "pixelcoach-examens-emploi-du-temps", problems)

    # ------------------------------------------------------------------ files that are refused
    open_settings(b)
    before = len(puts(app))
    big = tmp_path / "video-du-cours.ics"
    big.write_bytes(b"BEGIN:VCALENDAR\r\n" + b"X" * (2 * 1024 * 1024))
    choose_file(b, big)
    ui.wait_button(b, "Importer").click()
    msg = b.wait(lambda d: ui.field_error(b, FILE_LABEL), "the error for a file over 2 MiB")
    assert "trop lourd" in msg and "2 Mo" in msg, msg
    assert ui.field(b, FILE_LABEL).get_attribute("aria-invalid") == "true"
    assert ui.field(b, FILE_LABEL) == ui.active(b), "the focus did not go to the file field"
    assert len(puts(app)) == before, "a file over 2 MiB was sent"

    not_ics = tmp_path / "liste-de-courses.txt"
    not_ics.write_text("Pain\nLait\nCahier 24x32\n", encoding="utf-8")
    r = u.request("PUT", "/api/timetable?nom=liste-de-courses.txt", data=not_ics.read_bytes(),
                  headers={"Content-Type": "text/calendar"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "ics_invalid", r.text
    expected_msg = r.json()["error"]["message"]
    choose_file(b, not_ics)
    b.wait(lambda d: ui.field_error(b, FILE_LABEL) is None, "the old error cleared once another file is chosen")
    ui.wait_button(b, "Importer").click()
    b.wait(lambda d: ui.field_error(b, FILE_LABEL) == expected_msg,
           lambda: f"the API's message « {expected_msg} » by the field (shown: {ui.field_error(b, FILE_LABEL)!r})")
    assert ui.field(b, FILE_LABEL).get_attribute("aria-invalid") == "true"
    assert summary_count(b) == f"{school.count} cours importés", "a refused file changed the summary"
    assert u.ok("GET", "/api/timetable")["import"]["nombreEvenements"] == school.count
    check_axe(b, "reglages-emploi-du-temps-erreur", problems)

    # ------------------------------------------------------------------ re-import replaces
    one = tmp_path / "un-cours.ics"
    one.write_bytes(("\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//FR",
        "BEGIN:VEVENT", "UID:seul@example.fr", "DTSTAMP:20250901T080000Z",
        f"DTSTART;TZID=Europe/Paris:{ics_date(school.mon + dt.timedelta(days=1))}T140000",
        f"DTEND;TZID=Europe/Paris:{ics_date(school.mon + dt.timedelta(days=1))}T150000",
        "SUMMARY:Anglais", "END:VEVENT", "END:VCALENDAR"]) + "\r\n").encode())
    choose_file(b, one)
    ui.wait_button(b, "Importer").click()
    b.wait(lambda d: summary_count(b) == "1 cours importé", "the new file's summary")
    assert ui.field_error(b, FILE_LABEL) is None and ui.field(b, FILE_LABEL).get_attribute("aria-invalid") is None
    got = u.ok("GET", "/api/timetable")["import"]
    assert got["nom"] == "un-cours.ics" and got["nombreEvenements"] == 1 and got["examens"] == [], got
    assert ui.by_testid(b, "timetable-exam") is None

    # ------------------------------------------------------------------ delete
    ui.wait_button(b, "Supprimer l’emploi du temps").click()
    confirm = ui.wait_button(b, "Oui, supprimer l’emploi du temps")
    assert confirm == ui.active(b), "the focus did not follow to the confirmation"
    assert u.ok("GET", "/api/timetable")["import"] is not None, "deleted before the confirmation"
    confirm.click()
    b.wait(lambda d: ui.by_testid(b, "timetable-summary") is None and "supprimé" in status_text(b),
           "the timetable gone from the card, and the deletion announced")
    assert u.ok("GET", "/api/timetable") == {"import": None, "evenements": []}
    check_axe(b, "reglages-emploi-du-temps-supprime", problems)
    go_nav(b, "Planning")
    ui.wait_heading(b, "Planning")
    ui.wait_loaded(b, "the week view")
    b.wait(lambda d: ui.by_testid(b, "time-grid") or ui.by_testid(b, "agenda"), "the week view")
    assert not events_on_screen(b)

    assert not problems, f"axe-core violations ({viewport}, {theme}):\n" + "\n".join(problems)
