"""Black-box tests of the iCalendar output (docs/api.md (plannings): GET /api/planning/:id/ics, and
"Calendar feed (ext)"; docs/behaviour.md "Plannings": UID, DTSTAMP, STATUS, feed URL and secret).
The calendars are parsed with python3-icalendar (Debian package) and also checked byte by byte
against RFC 5545: CRLF line ends, lines folded at 75 octets, escaped text."""
import base64
import datetime as dt
import os
import re
import urllib.parse

import pytest
import requests

from conftest import assert_error, new_user

# Debian package python3-icalendar (apt-get install python3-icalendar); deliberately not skipped
# when missing, so that a machine without it fails loudly instead of silently testing nothing.
from icalendar import Calendar

UTC = dt.timezone.utc
ID_RE = re.compile(r"^[0-9a-f]{24}$")
PROP_RE = re.compile(rb"^[A-Za-z0-9-]+[;:]")

MATIERE_SPECIAL = "Maths, physique; chimie \\ é"


def make_notes(n=300):
    base = ("Revoir les intégrales, les dérivées; les limites \\ et les suites.\n"
            "Exercices 1 à 12 — page 42 du manuel.\n"
            "Préparer l’oral « Été » ; apporter la calculatrice, le cahier\n")
    s = (base * 5)[:n - 1] + "!"
    assert len(s) == n and s == s.strip() and "\n" in s
    return s


NOTES_300 = make_notes()


# ---------------------------------------------------------------------------------- helpers

def create(c, periode, date_debut, sessions, **kw):
    r = c.post("/api/planning", json={"periode": periode, "dateDebut": date_debut,
                                      "sessions": sessions, **kw})
    assert r.status_code == 201, r.text
    return r.json()


def sess(debut, fin, matiere="Maths", **kw):
    return {"matiere": matiere, "debut": debut, "fin": fin, **kw}


def parse_ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def iso(d):
    d = d.astimezone(UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def ical_utc(s):
    return parse_ts(s).strftime("%Y%m%dT%H%M%SZ")


def check_raw(raw):
    """RFC 5545 framing; returns the unfolded content lines as text."""
    assert isinstance(raw, bytes)
    assert raw.endswith(b"\r\n"), raw[-20:]
    rest = raw.replace(b"\r\n", b"")
    assert b"\n" not in rest, "bare LF in the calendar"
    assert b"\r" not in rest, "bare CR in the calendar"
    physical = raw[:-2].split(b"\r\n")
    for i, ln in enumerate(physical):
        assert ln, f"empty line {i}"
        assert len(ln) <= 75, f"line {i} is {len(ln)} octets: {ln!r}"
        if ln[:1] in (b" ", b"\t"):
            assert i > 0
            assert ln[:1] == b" ", f"continuation line {i} should start with a space"
        else:
            assert PROP_RE.match(ln), f"line {i} is neither a property nor a continuation: {ln!r}"
    unfolded = raw[:-2].replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    lines = unfolded.decode("utf-8").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR", lines[:3]
    assert lines[-1] == "END:VCALENDAR", lines[-3:]
    assert "VERSION:2.0" in lines
    assert any(re.match(r"^PRODID:.+", ln) for ln in lines), "PRODID missing"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT")
    return lines


def props(lines, name):
    """The values of every unfolded content line named `name` (parameters dropped)."""
    out = []
    for ln in lines:
        m = re.match(r"^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$", ln)
        if m and m.group(1).upper() == name:
            out.append(m.group(3))
    return out


def events(raw):
    cal = Calendar.from_ical(raw)
    return {str(e.get("uid")): e for e in cal.walk("VEVENT")}


def get_ics(c, pid):
    r = c.get(f"/api/planning/{pid}/ics")
    assert r.status_code == 200, r.text
    assert r.headers.get("Content-Type", "").lower().startswith("text/calendar"), r.headers
    return r.content


def uid(s):
    return f"{s['_id']}@planetude"


def secret_of(url):
    m = re.match(r"^https?://[^/]+/cal/([^/]+)\.ics$", url)
    assert m, url
    return m.group(1)


def feed(c):
    r = c.post("/api/users/me/calendar-feed")
    assert r.status_code == 201, r.text
    data = r.json()
    assert set(data) == {"url"}, data
    return data["url"]


def fetch(server, url):
    """GET the feed URL's path on `server`, with no token and no cookie."""
    path = urllib.parse.urlparse(url).path
    return requests.get(server.url + path, timeout=30)


def fetch_ok(server, url):
    r = fetch(server, url)
    assert r.status_code == 200, r.text
    assert r.headers.get("Content-Type", "").lower().startswith("text/calendar"), r.headers
    return r.content


# ---------------------------------------------------------------------------------- planning export

@pytest.fixture
def exported(server):
    c = new_user(server)
    p = create(c, "semaine", "2025-12-22", [
        sess("2025-12-23T14:00:00+01:00", "2025-12-23T16:00:00+01:00", "Histoire"),
        sess("2025-12-22T09:00:00Z", "2025-12-22T10:30:00Z", MATIERE_SPECIAL, notes=NOTES_300),
        sess("2025-12-24T08:00:00Z", "2025-12-24T08:45:00Z", "Anglais", statut="rate", notes="Oral, 10 min"),
    ])
    return c, p


def test_ics_framing(exported):
    c, p = exported
    raw = get_ics(c, p["_id"])
    lines = check_raw(raw)
    assert lines.count("BEGIN:VEVENT") == 3
    # the DESCRIPTION of 300 characters had to be folded
    desc = [ln for ln in lines if ln.startswith("DESCRIPTION")]
    assert any(len(ln.encode()) > 75 for ln in desc)


def test_ics_events_match_sessions(exported):
    c, p = exported
    raw = get_ics(c, p["_id"])
    ev = events(raw)
    assert set(ev) == {uid(s) for s in p["sessions"]}
    for s in p["sessions"]:
        e = ev[uid(s)]
        assert e.decoded("dtstart") == parse_ts(s["debut"])
        assert e.decoded("dtend") == parse_ts(s["fin"])
        assert e.decoded("dtstart").utcoffset() == dt.timedelta(0)
        assert str(e.get("summary")) == s["matiere"]
        if "notes" in s:
            assert str(e.get("description")) == s["notes"]
        else:
            assert e.get("description") is None
        assert e.get("dtstamp") is not None
    assert str(ev[uid(p["sessions"][0])].get("summary")) == MATIERE_SPECIAL
    assert str(ev[uid(p["sessions"][0])].get("description")) == NOTES_300


def test_ics_raw_values(exported):
    c, p = exported
    lines = check_raw(get_ics(c, p["_id"]))
    # DTSTART/DTEND in UTC ("Z" form, no TZID)
    starts = [ln for ln in lines if ln.startswith("DTSTART")]
    assert sorted(starts) == sorted(f"DTSTART:{ical_utc(s['debut'])}" for s in p["sessions"])
    ends = [ln for ln in lines if ln.startswith("DTEND")]
    assert sorted(ends) == sorted(f"DTEND:{ical_utc(s['fin'])}" for s in p["sessions"])
    # text escaping: , ; \ and newlines
    assert "SUMMARY:Maths\\, physique\\; chimie \\\\ é" in lines
    assert "SUMMARY:Histoire" in lines
    desc = props(lines, "DESCRIPTION")
    assert len(desc) == 2
    long = max(desc, key=len)
    assert "\\n" in long or "\\N" in long
    assert "\\," in long and "\\;" in long and "\\\\" in long
    assert "DESCRIPTION:Oral\\, 10 min" in lines
    assert sorted(props(lines, "UID")) == sorted(uid(s) for s in p["sessions"])


def test_ics_dtstamp_is_updated_at(exported):
    c, p = exported
    ev = events(get_ics(c, p["_id"]))
    updated = parse_ts(p["updatedAt"])
    for e in ev.values():
        stamp = e.decoded("dtstamp")
        assert stamp.utcoffset() == dt.timedelta(0)
        assert abs((stamp - updated).total_seconds()) < 1, (stamp, updated)


def test_ics_cancelled_session(exported):
    c, p = exported
    ev = events(get_ics(c, p["_id"]))
    for s in p["sessions"]:
        status = ev[uid(s)].get("status")
        if s["statut"] == "rate":
            assert str(status).upper() == "CANCELLED"
        else:
            assert status is None or str(status).upper() != "CANCELLED"


def test_ics_folding_keeps_utf8_sequences_whole(exported):
    # RFC 5545 3.1: a multi-octet UTF-8 sequence SHOULD NOT be split across folded lines
    c, p = exported
    raw = get_ics(c, p["_id"])
    for ln in raw[:-2].split(b"\r\n"):
        ln.decode("utf-8")


def test_ics_long_accented_lines_fold_at_75_octets(server):
    c = new_user(server)
    p = create(c, "jour", "2025-12-01", [
        sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z", "é" * 100, notes="€" * 2000)])
    raw = get_ics(c, p["_id"])
    check_raw(raw)
    e = events(raw)[uid(p["sessions"][0])]
    assert str(e.get("summary")) == "é" * 100
    assert str(e.get("description")) == "€" * 2000


def test_ics_uid_stable_across_exports_and_edits(exported):
    c, p = exported
    first = set(events(get_ics(c, p["_id"])))
    assert first == set(events(get_ics(c, p["_id"])))
    assert all(re.match(r"^[0-9a-f]{24}@planetude$", u) for u in first)
    # a session edit and a PUT that sends the session ids keep the UIDs
    s = p["sessions"][0]
    r = c.patch(f"/api/planning/{p['_id']}/sessions/{s['_id']}", json={"statut": "termine"})
    assert r.status_code == 200, r.text
    assert set(events(get_ics(c, p["_id"]))) == first
    body = {"periode": p["periode"], "dateDebut": p["dateDebut"],
            "sessions": [{k: x[k] for k in ("_id", "matiere", "debut", "fin")} for x in p["sessions"]]}
    r = c.put(f"/api/planning/{p['_id']}", json=body)
    assert r.status_code == 200, r.text
    assert set(events(get_ics(c, p["_id"]))) == first


def test_ics_empty_planning(server):
    c = new_user(server)
    p = create(c, "jour", "2025-12-01", [])
    raw = get_ics(c, p["_id"])
    lines = check_raw(raw)
    assert "BEGIN:VEVENT" not in lines
    assert events(raw) == {}


def test_ics_not_found_and_auth(server):
    a = new_user(server)
    b = new_user(server)
    p = create(a, "jour", "2025-12-01", [sess("2025-12-01T09:00:00Z", "2025-12-01T10:00:00Z")])
    assert_error(b.get(f"/api/planning/{p['_id']}/ics"), 404, "not_found")
    assert_error(a.get("/api/planning/0123456789abcdef01234567/ics"), 404, "not_found")
    assert_error(a.get("/api/planning/abc/ics"), 404, "not_found")
    assert_error(a.get(f"/api/planning/{p['_id'].upper()}/ics" if p["_id"].upper() != p["_id"]
                       else "/api/planning/ABCDEF0123456789ABCDEF01/ics"), 404, "not_found")
    assert_error(requests.get(f"{server.url}/api/planning/{p['_id']}/ics", timeout=30), 401, "unauthenticated")


# ---------------------------------------------------------------------------------- calendar feed

def test_feed_url_shape(server):
    c = new_user(server)
    url = feed(c)
    assert url.startswith(f"http://127.0.0.1:{server.port}/cal/"), url
    assert url.endswith(".ics"), url
    secret = secret_of(url)
    assert re.match(r"^[A-Za-z0-9_-]+$", secret), secret
    # at least 128 bits: 22 URL-safe base64 characters, or 32 hex digits
    if re.match(r"^[0-9a-f]+$", secret):
        assert len(secret) >= 32, secret
    else:
        assert len(secret) >= 22, secret
    # two users never share a secret
    c2 = new_user(server)
    assert secret_of(feed(c2)) != secret


def test_feed_secret_is_43_base64url_characters(server):
    # docs/behaviour.md: 43 URL-safe base64 characters (256 bits)
    c = new_user(server)
    secret = secret_of(feed(c))
    assert re.match(r"^[A-Za-z0-9_-]{43}$", secret), secret
    assert len(base64.urlsafe_b64decode(secret + "=")) == 32


def test_feed_url_uses_host_header(server):
    c = new_user(server)
    r = c.post("/api/users/me/calendar-feed", headers={"Host": "planetude.local:8443"})
    assert r.status_code == 201, r.text
    url = r.json()["url"]
    assert url.startswith("http://planetude.local:8443/cal/") and url.endswith(".ics"), url
    fetch_ok(server, url)


def test_feed_url_uses_public_url(make_server):
    s = make_server(env={"PUBLIC_URL": "https://planetude.example"})
    c = new_user(s)
    url = feed(c)
    assert url.startswith("https://planetude.example/cal/"), url
    assert url.endswith(".ics")
    r = c.post("/api/users/me/calendar-feed", headers={"Host": "autre.example"})
    assert r.status_code == 201, r.text
    url2 = r.json()["url"]
    assert url2.startswith("https://planetude.example/cal/"), url2
    lines = check_raw(fetch_ok(s, url2))
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert_error(fetch(s, url), 404, "not_found")


def test_feed_contents(server):
    now = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    c = new_user(server)
    d = dt.timedelta
    start = (now - d(days=60)).date().isoformat()
    p1 = create(c, "semestre", start, [
        sess(iso(now - d(days=40)), iso(now - d(days=40) + d(hours=1)), "Ancienne"),
        sess(iso(now - d(days=31, hours=2)), iso(now - d(days=31, hours=1)), "Trop vieille"),
        sess(iso(now - d(days=30, hours=1)), iso(now - d(days=30) + d(hours=1)), "A cheval"),
        sess(iso(now - d(days=10)), iso(now - d(days=10) + d(hours=1)), "Récente", notes="Relire"),
        sess(iso(now + d(days=10)), iso(now + d(days=10, hours=2)), "Future", statut="en_cours"),
    ])
    p2 = create(c, "jour", iso(now + d(days=3)), [
        sess(iso(now + d(days=3, hours=1)), iso(now + d(days=3, hours=2)), MATIERE_SPECIAL, notes=NOTES_300)])
    other = new_user(server)
    p3 = create(other, "jour", iso(now + d(days=1)), [
        sess(iso(now + d(days=1, hours=1)), iso(now + d(days=1, hours=2)), "Pas à moi")])
    other_url = feed(other)

    url = feed(c)
    r = requests.get(url, timeout=30)   # the URL itself, no token, no cookie
    assert r.status_code == 200, r.text
    assert r.headers.get("Content-Type", "").lower().startswith("text/calendar")
    lines = check_raw(r.content)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    ev = events(r.content)
    by_m = {s["matiere"]: s for s in p1["sessions"]}
    expected = {uid(by_m["A cheval"]), uid(by_m["Récente"]), uid(by_m["Future"]), uid(p2["sessions"][0])}
    assert set(ev) == expected, (set(ev), expected)
    for s in [by_m["A cheval"], by_m["Récente"], by_m["Future"], p2["sessions"][0]]:
        e = ev[uid(s)]
        assert e.decoded("dtstart") == parse_ts(s["debut"])
        assert e.decoded("dtend") == parse_ts(s["fin"])
        assert str(e.get("summary")) == s["matiere"]
        assert e.get("dtstamp") is not None
    assert str(ev[uid(p2["sessions"][0])].get("description")) == NOTES_300
    assert str(ev[uid(by_m["Récente"])].get("description")) == "Relire"
    assert "Pas à moi" not in r.content.decode()
    assert uid(p3["sessions"][0]) not in ev

    # the other user's feed holds only their session
    assert set(events(fetch_ok(server, other_url))) == {uid(p3["sessions"][0])}

    # the feed follows the plannings: an edit shows, a deleted planning goes away
    rs = c.patch(f"/api/planning/{p1['_id']}/sessions/{by_m['Future']['_id']}", json={"statut": "rate"})
    assert rs.status_code == 200, rs.text
    assert c.delete(f"/api/planning/{p2['_id']}").status_code == 204
    ev = events(fetch_ok(server, url))
    assert set(ev) == expected - {uid(p2["sessions"][0])}
    assert str(ev[uid(by_m["Future"])].get("status")).upper() == "CANCELLED"


def test_feed_empty(server):
    c = new_user(server)
    url = feed(c)
    raw = fetch_ok(server, url)
    lines = check_raw(raw)
    assert "BEGIN:VEVENT" not in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert events(raw) == {}
    # only old sessions: still no event
    now = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    create(c, "jour", iso(now - dt.timedelta(days=45)),
           [sess(iso(now - dt.timedelta(days=45)), iso(now - dt.timedelta(days=45, minutes=-30)))])
    assert events(fetch_ok(server, url)) == {}


def test_feed_rotate_and_revoke(server):
    c = new_user(server)
    first = feed(c)
    fetch_ok(server, first)
    second = feed(c)
    assert second != first and secret_of(second) != secret_of(first)
    assert_error(fetch(server, first), 404, "not_found")
    fetch_ok(server, second)
    r = c.delete("/api/users/me/calendar-feed")
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_error(fetch(server, second), 404, "not_found")
    assert_error(fetch(server, first), 404, "not_found")
    r = c.delete("/api/users/me/calendar-feed")
    assert r.status_code == 204, r.text
    third = feed(c)
    fetch_ok(server, third)
    assert_error(fetch(server, second), 404, "not_found")


def test_feed_delete_without_feed(server):
    c = new_user(server)
    r = c.delete("/api/users/me/calendar-feed")
    assert r.status_code == 204, r.text


def test_feed_survives_logout_and_password_change(server):
    c = new_user(server)
    url = feed(c)
    r = requests.post(server.url + "/api/auth/login", json={"email": c.email, "password": c.password}, timeout=30)
    assert r.status_code == 200, r.text
    other_token = r.json()["token"]
    r = c.post("/api/auth/logout", token=other_token)
    assert r.status_code == 204, r.text
    fetch_ok(server, url)
    r = c.put("/api/users/me/password", json={"currentPassword": c.password, "newPassword": "un-nouveau-secret"})
    assert r.status_code == 204, r.text
    fetch_ok(server, url)
    r = c.post("/api/auth/logout")
    assert r.status_code == 204, r.text
    fetch_ok(server, url)


def test_feed_ends_with_account(server):
    c = new_user(server)
    now = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    create(c, "jour", iso(now + dt.timedelta(days=1)),
           [sess(iso(now + dt.timedelta(days=1, hours=1)), iso(now + dt.timedelta(days=1, hours=2)))])
    url = feed(c)
    assert len(events(fetch_ok(server, url))) == 1
    r = c.delete("/api/users/me", json={"password": c.password})
    assert r.status_code == 204, r.text
    assert_error(fetch(server, url), 404, "not_found")


def test_feed_unknown_secret(server):
    c = new_user(server)
    url = feed(c)
    secret = secret_of(url)
    for bad in (base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="), "abc", "0" * 64,
                secret[:-1], secret + "A", secret.swapcase() if secret.swapcase() != secret else "x" + secret):
        assert_error(requests.get(f"{server.url}/cal/{bad}.ics", timeout=30), 404, "not_found")
    fetch_ok(server, url)


def test_feed_routes_require_auth(server):
    assert_error(requests.post(server.url + "/api/users/me/calendar-feed", timeout=30), 401, "unauthenticated")
    assert_error(requests.delete(server.url + "/api/users/me/calendar-feed", timeout=30), 401, "unauthenticated")

