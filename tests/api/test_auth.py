"""Black-box tests of POST /api/auth/register, /api/auth/login and /api/auth/logout.

Contract: docs/api.md (conventions, authentication)
and docs/behaviour.md. Tests that need many failed logins live in test_throttling.py (on their
own servers) so the per-address login limit of the shared server is never approached here.
"""
import datetime as dt
import email.utils
import json
import re
import uuid

import pytest
import requests

from conftest import new_user, unique_email, assert_french_error as err, detail_paths as paths, assert_invalid as invalid

ID_RE = re.compile(r"^[0-9a-f]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
USER_KEYS = {"_id", "email", "name", "preferences", "timezone", "createdAt"}
# A French message must not read like English (word boundaries: "invalide" does not match "invalid").
PASSWORD = "motdepasse-solide"


# ---------------------------------------------------------------------------------- helpers

def body(**over):
    b = {"email": unique_email(), "password": PASSWORD, "name": "Élève Test"}
    b.update(over)
    return b


def post(server, path, payload=None, token=None, headers=None, **kw):
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    if payload is not None:
        kw["json"] = payload
    return requests.post(server.url + path, headers=h, timeout=30, **kw)


def reg(server, payload):
    return post(server, "/api/auth/register", payload)


def login(server, email_, password):
    return post(server, "/api/auth/login", {"email": email_, "password": password})


def me(server, token):
    return requests.get(server.url + "/api/users/me",
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)


def parse_ts(s):
    assert isinstance(s, str) and TS_RE.match(s), f"not RFC 3339 UTC with milliseconds: {s!r}"
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def now():
    return dt.datetime.now(dt.timezone.utc)


def token_cookie(resp):
    """The single Set-Cookie header for `token`, parsed into (value, {attr_lower: value})."""
    all_ = resp.raw.headers.getlist("Set-Cookie")
    mine = [c for c in all_ if c.strip().lower().startswith("token=")]
    assert len(mine) == 1, f"expected one Set-Cookie for token, got {all_!r}"
    parts = [p.strip() for p in mine[0].split(";")]
    value = parts[0].split("=", 1)[1]
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return value, attrs


def long_email(total):
    """A valid address of exactly `total` characters: 64-char local part, labels of <= 63."""
    local = ("u" + uuid.uuid4().hex + "x" * 64)[:64]
    domain_len = total - len(local) - 1
    tail = ".com"
    labels, remaining = [], domain_len - len(tail)
    while remaining > 0:
        n = min(63, remaining)
        if remaining - n == 1:       # never leave a lone "." to fill
            n -= 1
        labels.append("d" * n)
        remaining -= n
        if remaining > 0:
            remaining -= 1          # the dot before the next label
    e = local + "@" + ".".join(labels) + tail
    assert len(e) == total, (len(e), total)
    return e


def check_auth_response(r, status, expect_email=None, expect_name=None):
    assert r.status_code == status, r.text
    data = r.json()
    assert set(data) == {"user", "token", "expiresAt"}, data
    u = data["user"]
    assert set(u) == USER_KEYS, u
    assert ID_RE.match(u["_id"]), u
    assert set(u["preferences"]) == {"themes", "matieres"}, u
    assert isinstance(u["preferences"]["themes"], list)
    assert isinstance(u["preferences"]["matieres"], list)
    assert "$argon2" not in r.text
    if expect_email is not None:
        assert u["email"] == expect_email
    if expect_name is not None:
        assert u["name"] == expect_name
    created = parse_ts(u["createdAt"])
    assert abs((created - now()).total_seconds()) < 300, u["createdAt"]   # users here are fresh
    exp = parse_ts(data["expiresAt"])
    assert abs((exp - (now() + dt.timedelta(days=7))).total_seconds()) < 300, data["expiresAt"]
    assert isinstance(data["token"], str) and data["token"].count(".") == 2
    # the token cookie: HttpOnly; SameSite=Lax; Path=/ and no Secure in development
    value, attrs = token_cookie(r)
    assert value == data["token"]
    assert "httponly" in attrs, attrs
    assert attrs.get("samesite", "").lower() == "lax", attrs
    assert attrs.get("path") == "/", attrs
    assert "secure" not in attrs, attrs
    return data


# ---------------------------------------------------------------------------------- register

def test_register_201_shape_cookie_and_defaults(server):
    b = body()
    r = reg(server, b)
    data = check_auth_response(r, 201, expect_email=b["email"], expect_name="Élève Test")
    u = data["user"]
    assert u["preferences"] == {"themes": [], "matieres": []}
    assert u["timezone"] == "UTC"
    for forbidden in ("password", "hash", "passwordHash", "password_hash"):
        assert forbidden not in u
    # the token works
    r2 = me(server, data["token"])
    assert r2.status_code == 200, r2.text
    assert r2.json() == u


def test_register_with_all_fields(server):
    b = body(preferences={"themes": ["Révisions", "Examens"], "matieres": ["Maths", "Physique"]},
             timezone="Europe/Paris")
    data = check_auth_response(reg(server, b), 201)
    u = data["user"]
    assert u["preferences"] == {"themes": ["Révisions", "Examens"], "matieres": ["Maths", "Physique"]}
    assert u["timezone"] == "Europe/Paris"
    # what was stored reads back the same, through GET /me and through login
    r = me(server, data["token"])
    assert r.status_code == 200, r.text
    assert r.json() == u
    r = login(server, b["email"], b["password"])
    assert r.status_code == 200, r.text
    assert r.json()["user"] == u


def test_register_null_optional_fields_are_defaults(server):
    data = check_auth_response(reg(server, body(preferences=None, timezone=None)), 201)
    assert data["user"]["timezone"] == "UTC"
    assert data["user"]["preferences"] == {"themes": [], "matieres": []}


def test_register_partial_preferences(server):
    data = check_auth_response(reg(server, body(preferences={"matieres": ["Chimie"]})), 201)
    assert data["user"]["preferences"] == {"themes": [], "matieres": ["Chimie"]}


def test_register_ids_unique(server):
    a = reg(server, body()).json()["user"]["_id"]
    b = reg(server, body()).json()["user"]["_id"]
    assert ID_RE.match(a) and ID_RE.match(b) and a != b


# --- email

def test_register_email_254_ok(server):
    e = long_email(254)
    r = reg(server, body(email=e))
    check_auth_response(r, 201, expect_email=e)
    assert login(server, e, PASSWORD).status_code == 200


def test_register_email_255_rejected(server):
    invalid(reg(server, body(email=long_email(255))), "email")


def test_register_email_trimmed_and_lowercased(server):
    base = unique_email()
    sent = "  " + base.upper().replace("@EXAMPLE.COM", "@Example.COM") + "  "
    r = reg(server, body(email=sent))
    check_auth_response(r, 201, expect_email=base)
    assert login(server, base, PASSWORD).status_code == 200


@pytest.mark.parametrize("bad", [
    "", "   ", "pas-un-email", "a@b", "@example.com", "eleve@", "a@@example.com",
    "a b@example.com", "eleve@exa mple.com", "eleve@example..com", "eleve@-.",
    "x" * 65 + "@example.com",
])
def test_register_email_invalid(server, bad):
    invalid(reg(server, body(email=bad)), "email")


def test_register_409_email_taken(server):
    e = unique_email()
    assert reg(server, body(email=e)).status_code == 201
    err(reg(server, body(email=e, name="Autre")), 409, "email_taken")


def test_register_409_email_taken_case_insensitive(server):
    e = unique_email()
    assert reg(server, body(email=e)).status_code == 201
    err(reg(server, body(email=e.upper())), 409, "email_taken")
    err(reg(server, body(email="  " + e.capitalize() + " ")), 409, "email_taken")
    # a user registered with mixed case blocks the lower-case form too
    e2 = unique_email()
    assert reg(server, body(email=e2.upper())).status_code == 201
    err(reg(server, body(email=e2)), 409, "email_taken")


# --- password

@pytest.mark.parametrize("pw", [
    "a" * 8, "é" * 8, "😀" * 8, "b" * 128, "ü" * 128, "😀" * 128, "        ", "  secret  ",
], ids=["8-ascii", "8-accented", "8-astral", "128-ascii", "128-accented", "128-astral",
        "8-spaces", "spaces-kept"])
def test_register_password_length_ok(server, pw):
    b = body(password=pw)
    check_auth_response(reg(server, b), 201)
    # stored exactly as sent: login with it works
    check_auth_response(login(server, b["email"], pw), 200)


@pytest.mark.parametrize("pw", [
    "", "a" * 7, "é" * 7, "😀" * 7, "b" * 129, "ü" * 129, "😀" * 129,
], ids=["empty", "7-ascii", "7-accented", "7-astral", "129-ascii", "129-accented", "129-astral"])
def test_register_password_length_rejected(server, pw):
    invalid(reg(server, body(password=pw)), "password")


def test_register_password_never_trimmed(server):
    b = body(password="  secret123  ")
    assert reg(server, b).status_code == 201
    err(login(server, b["email"], "secret123"), 401, "invalid_credentials")
    check_auth_response(login(server, b["email"], "  secret123  "), 200)


def test_register_short_password_with_spaces_not_trimmed_to_valid(server):
    # 7 visible characters plus a space is 8 code points: valid, and stored with the space.
    b = body(password="abcdefg ")
    assert reg(server, b).status_code == 201
    assert login(server, b["email"], "abcdefg ").status_code == 200


# --- name

@pytest.mark.parametrize("name, stored", [
    ("A", "A"), ("a" * 100, "a" * 100), ("é" * 100, "é" * 100), ("  Zoé  ", "Zoé"),
    ("  " + "n" * 100 + "  ", "n" * 100),
], ids=["1", "100", "100-accented", "trimmed", "100-after-trim"])
def test_register_name_ok(server, name, stored):
    check_auth_response(reg(server, body(name=name)), 201, expect_name=stored)


@pytest.mark.parametrize("name", ["", "   ", "a" * 101, "é" * 101],
                         ids=["empty", "blank", "101", "101-accented"])
def test_register_name_rejected(server, name):
    invalid(reg(server, body(name=name)), "name")


# --- preferences

@pytest.mark.parametrize("key", ["themes", "matieres"])
def test_register_list_50_items_ok(server, key):
    items = [f"item-{i}" for i in range(50)]
    data = check_auth_response(reg(server, body(preferences={key: items})), 201)
    assert data["user"]["preferences"][key] == items
    r = me(server, data["token"])
    assert r.status_code == 200, r.text
    assert r.json()["preferences"][key] == items


@pytest.mark.parametrize("key", ["themes", "matieres"])
def test_register_list_51_items_rejected(server, key):
    items = [f"item-{i}" for i in range(51)]
    invalid(reg(server, body(preferences={key: items})), f"preferences.{key}")


@pytest.mark.parametrize("key", ["themes", "matieres"])
def test_register_list_51_items_with_duplicates_rejected(server, key):
    # "at most 50 items as sent": counted before duplicates are dropped
    items = [f"item-{i}" for i in range(50)] + ["item-0"]
    invalid(reg(server, body(preferences={key: items})), f"preferences.{key}")


@pytest.mark.parametrize("key", ["themes", "matieres"])
def test_register_list_item_100_ok(server, key):
    items = ["x" * 100, "é" * 100]
    data = check_auth_response(reg(server, body(preferences={key: items})), 201)
    assert data["user"]["preferences"][key] == items


@pytest.mark.parametrize("key", ["themes", "matieres"])
@pytest.mark.parametrize("bad", ["x" * 101, "é" * 101, "", "   ", 7, None, ["nested"]],
                         ids=["101", "101-accented", "empty", "blank", "number", "null", "list"])
def test_register_list_item_rejected_with_index_path(server, key, bad):
    items = ["Maths", "Physique", "Chimie", bad]
    invalid(reg(server, body(preferences={key: items})), f"preferences.{key}[3]")


@pytest.mark.parametrize("key", ["themes", "matieres"])
def test_register_list_duplicates_dropped_case_sensitive(server, key):
    items = ["Maths", "maths", "Maths", "Physique", "Physique", "MATHS"]
    data = check_auth_response(reg(server, body(preferences={key: items})), 201)
    assert data["user"]["preferences"][key] == ["Maths", "maths", "Physique", "MATHS"]
    r = me(server, data["token"])
    assert r.status_code == 200, r.text
    assert r.json()["preferences"][key] == ["Maths", "maths", "Physique", "MATHS"]


@pytest.mark.parametrize("prefs, path", [
    ("Maths", "preferences"),
    (["Maths"], "preferences"),
    ({"themes": "Maths"}, "preferences.themes"),
    ({"matieres": {"a": 1}}, "preferences.matieres"),
    ({"couleurs": ["bleu"]}, "preferences.couleurs"),
])
def test_register_preferences_wrong_shape(server, prefs, path):
    invalid(reg(server, body(preferences=prefs)), path)


# --- timezone

@pytest.mark.parametrize("tz", ["Europe/Paris", "America/New_York", "Asia/Calcutta", "Asia/Kolkata",
                                "UTC", "America/Argentina/Buenos_Aires"])
def test_register_timezone_iana_stored_as_sent(server, tz):
    data = check_auth_response(reg(server, body(timezone=tz)), 201)
    assert data["user"]["timezone"] == tz
    assert me(server, data["token"]).json()["timezone"] == tz


@pytest.mark.parametrize("tz", ["+01:00", "-05:00", "Mars/Olympus", "", "Europe/Nowhere",
                                "../../../../etc/passwd", "Paris"])
def test_register_timezone_rejected(server, tz):
    invalid(reg(server, body(timezone=tz)), "timezone")


# --- strictness, types, encodings

@pytest.mark.parametrize("field", ["role", "_id", "createdAt", "isAdmin"])
def test_register_unknown_field_rejected(server, field):
    invalid(reg(server, body(**{field: "x"})), field)


@pytest.mark.parametrize("field, value", [
    ("email", 42), ("email", ["a@example.com"]), ("password", 12345678), ("password", None),
    ("name", 123), ("name", ["Élève"]), ("name", True), ("timezone", 1), ("preferences", 3),
])
def test_register_wrong_types_rejected(server, field, value):
    invalid(reg(server, body(**{field: value})), field)


def test_register_missing_fields_all_listed(server):
    e = invalid(reg(server, {}), "email")
    assert {"email", "password", "name"} <= set(paths(e)), e


def test_register_body_not_object(server):
    err(reg(server, ["email"]), 400, "validation_failed")
    err(post(server, "/api/auth/register", data='"texte"',
             headers={"Content-Type": "application/json"}), 400, "validation_failed")


def test_register_invalid_json(server):
    r = post(server, "/api/auth/register", data='{"email": "a@example.com",',
             headers={"Content-Type": "application/json"})
    err(r, 400, "invalid_json")


def test_register_no_body(server):
    r = post(server, "/api/auth/register", headers={"Content-Type": "application/json"})
    err(r, 400, "invalid_json")


def test_register_invalid_utf8(server):
    raw = ('{"email":"%s","password":"motdepasse-solide","name":"' % unique_email()).encode() \
        + b"\xc3\x28\xff" + b'"}'
    r = post(server, "/api/auth/register", data=raw,
             headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] in ("invalid_json", "validation_failed"), r.text
    err(r, 400, r.json()["error"]["code"])


def test_register_415_wrong_content_type(server):
    r = post(server, "/api/auth/register", data=json.dumps(body()),
             headers={"Content-Type": "text/plain"})
    err(r, 415, "unsupported_media_type")


def test_register_content_type_with_charset_any_case(server):
    r = post(server, "/api/auth/register", data=json.dumps(body()).encode(),
             headers={"Content-Type": "Application/JSON; Charset=UTF-8"})
    assert r.status_code == 201, r.text


def test_auth_routes_405(server):
    for path in ("/api/auth/register", "/api/auth/login", "/api/auth/logout"):
        r = requests.get(server.url + path, timeout=30)
        err(r, 405, "method_not_allowed")
        assert "POST" in r.headers.get("Allow", ""), r.headers


# ---------------------------------------------------------------------------------- login

def test_login_200_shape_and_cookie(server):
    u = new_user(server)
    r = login(server, u.email, u.password)
    data = check_auth_response(r, 200, expect_email=u.email)
    assert data["user"] == u.profile
    assert data["token"] != u.token
    assert me(server, data["token"]).json() == u.profile


def test_login_email_trimmed_and_case_insensitive(server):
    u = new_user(server)
    check_auth_response(login(server, "  " + u.email.upper() + "  ", u.password), 200, expect_email=u.email)


def test_login_wrong_email_and_wrong_password_identical(server):
    u = new_user(server)
    r_pw = login(server, u.email, u.password + "x")
    r_email = login(server, unique_email(), u.password)
    err(r_pw, 401, "invalid_credentials")
    err(r_email, 401, "invalid_credentials")
    assert r_pw.json() == r_email.json()
    assert "token" not in {c.split("=")[0].strip().lower()
                           for c in r_pw.raw.headers.getlist("Set-Cookie")}


def test_login_missing_and_wrong_types(server):
    invalid(post(server, "/api/auth/login", {"email": unique_email()}), "password")
    invalid(post(server, "/api/auth/login", {"password": PASSWORD}), "email")
    invalid(post(server, "/api/auth/login", {"email": unique_email(), "password": 12345678}),
            "password")
    invalid(post(server, "/api/auth/login", {"email": 5, "password": PASSWORD}), "email")


def test_login_unknown_field_rejected(server):
    u = new_user(server)
    r = post(server, "/api/auth/login", {"email": u.email, "password": u.password, "remember": True})
    invalid(r, "remember")


def test_login_invalid_json_and_415(server):
    err(post(server, "/api/auth/login", data="{", headers={"Content-Type": "application/json"}),
        400, "invalid_json")
    err(post(server, "/api/auth/login", headers={"Content-Type": "application/json"}),
        400, "invalid_json")
    err(post(server, "/api/auth/login", data='{"email":"a@example.com","password":"xxxxxxxx"}',
             headers={"Content-Type": "application/x-www-form-urlencoded"}),
        415, "unsupported_media_type")


# ---------------------------------------------------------------------------------- logout

def cookie_cleared(attrs):
    if "max-age" in attrs:
        try:
            if int(attrs["max-age"]) <= 0:
                return True
        except ValueError:
            pass
    if "expires" in attrs:
        when = email.utils.parsedate_to_datetime(attrs["expires"])
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return when < now()
    return False


def test_logout_204_clears_cookie_and_revokes(server):
    tok = new_user(server).token
    r = post(server, "/api/auth/logout", token=tok)
    assert r.status_code == 204, r.text
    assert r.content == b""
    _, attrs = token_cookie(r)
    assert cookie_cleared(attrs), attrs
    assert attrs.get("path") == "/", attrs
    err(me(server, tok), 401, "unauthenticated")
    # as a cookie too
    r = requests.get(server.url + "/api/users/me", headers={"Cookie": f"token={tok}"}, timeout=30)
    err(r, 401, "unauthenticated")
    # logging out again with the revoked token
    err(post(server, "/api/auth/logout", token=tok), 401, "unauthenticated")


def test_logout_only_revokes_presented_token(server):
    u = new_user(server)
    other = login(server, u.email, u.password).json()["token"]
    assert post(server, "/api/auth/logout", token=u.token).status_code == 204
    err(me(server, u.token), 401, "unauthenticated")
    r = me(server, other)
    assert r.status_code == 200, r.text
    assert r.json()["_id"] == u.id


def test_logout_with_cookie_only(server):
    tok = new_user(server).token
    r = requests.post(server.url + "/api/auth/logout", headers={"Cookie": f"token={tok}"},
                      timeout=30)
    assert r.status_code == 204, r.text
    err(me(server, tok), 401, "unauthenticated")


def test_logout_unauthenticated(server):
    err(post(server, "/api/auth/logout"), 401, "unauthenticated")
    err(post(server, "/api/auth/logout", token="not.a.token"), 401, "unauthenticated")


def test_logout_then_login_again_works(server):
    u = new_user(server)
    assert post(server, "/api/auth/logout", token=u.token).status_code == 204
    r = login(server, u.email, u.password)
    check_auth_response(r, 200)
    assert me(server, r.json()["token"]).status_code == 200


def test_revocation_survives_restart(make_server):
    s = make_server()
    a = new_user(s)
    kept = login(s, a.email, a.password).json()["token"]
    assert post(s, "/api/auth/logout", token=a.token).status_code == 204
    # password change revokes every other token
    b = new_user(s)
    other2 = login(s, b.email, b.password).json()["token"]
    r = requests.put(s.url + "/api/users/me/password", headers=b.headers,
                     json={"currentPassword": b.password, "newPassword": "nouveau-mot-de-passe"}, timeout=30)
    assert r.status_code == 204, r.text
    err(me(s, other2), 401, "unauthenticated")

    s.restart()

    err(me(s, a.token), 401, "unauthenticated")
    err(me(s, other2), 401, "unauthenticated")
    assert me(s, kept).status_code == 200
    assert me(s, b.token).status_code == 200
    # and the accounts themselves survived
    assert login(s, b.email, "nouveau-mot-de-passe").status_code == 200
    err(login(s, b.email, b.password), 401, "invalid_credentials")
