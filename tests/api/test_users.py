"""Black-box tests of the account routes (docs/api.md (users)):
GET/PATCH/DELETE /api/users/me, PUT /api/users/me/password, GET /api/users/me/export."""
import datetime as dt
import json
import re

import pytest
import requests

from conftest import PASSWORD, new_user, unique_email, assert_french_error as err, assert_invalid as invalid

ID_RE = re.compile(r"^[0-9a-f]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
USER_KEYS = {"_id", "email", "name", "preferences", "timezone", "createdAt"}
# ---------------------------------------------------------------------------------- helpers

def call(server, method, path, token=None, headers=None, **kw):
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    return requests.request(method, server.url + path, headers=h, timeout=30, **kw)


def me(server, token):
    return call(server, "GET", "/api/users/me", token)


def patch_me(server, token, payload):
    return call(server, "PATCH", "/api/users/me", token, json=payload)


def change_pw(server, token, payload):
    return call(server, "PUT", "/api/users/me/password", token, json=payload)


def delete_me(server, token, payload):
    return call(server, "DELETE", "/api/users/me", token, json=payload)


def login(server, email, password):
    return requests.post(server.url + "/api/auth/login",
                         json={"email": email, "password": password}, timeout=30)


def check_user(u):
    assert set(u) == USER_KEYS, u
    assert ID_RE.match(u["_id"])
    assert set(u["preferences"]) == {"themes", "matieres"}
    assert TS_RE.match(u["createdAt"])


def walk_keys(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from walk_keys(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk_keys(v)


# ---------------------------------------------------------------------------------- GET /me

def test_me_returns_the_user(server, user):
    r = user.get("/api/users/me")
    assert r.status_code == 200, r.text
    assert r.json() == user.profile
    check_user(r.json())
    assert "$argon2" not in r.text


def test_me_requires_auth(server):
    err(call(server, "GET", "/api/users/me"), 401, "unauthenticated")


def test_me_with_cookie_only(server):
    u = new_user(server)
    r = requests.get(server.url + "/api/users/me", headers={"Cookie": f"token={u.token}"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json() == u.profile
    r = requests.get(server.url + "/api/users/me",
                     headers={"Cookie": f"theme=sombre; token={u.token}; lang=fr"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["_id"] == u.id


def test_me_bad_cookie(server):
    r = requests.get(server.url + "/api/users/me", headers={"Cookie": "token=pas-un-jeton"},
                     timeout=30)
    err(r, 401, "unauthenticated")


def test_me_405_before_auth(server):
    r = call(server, "POST", "/api/users/me", json={})
    err(r, 405, "method_not_allowed")
    allow = {m.strip().upper() for m in r.headers.get("Allow", "").split(",")}
    assert {"GET", "PATCH", "DELETE"} <= allow, r.headers
    r = call(server, "GET", "/api/users/me/password")
    err(r, 405, "method_not_allowed")
    assert "PUT" in r.headers.get("Allow", "")
    r = call(server, "POST", "/api/users/me/export", json={})
    err(r, 405, "method_not_allowed")
    assert "GET" in r.headers.get("Allow", "")


# ---------------------------------------------------------------------------------- PATCH /me

def test_patch_name_and_timezone(server):
    u = new_user(server)
    r = patch_me(server, u.token, {"name": "  Nouveau Nom  ", "timezone": "America/New_York"})
    assert r.status_code == 200, r.text
    got = r.json()
    check_user(got)
    assert got["name"] == "Nouveau Nom"
    assert got["timezone"] == "America/New_York"
    assert {k: got[k] for k in ("_id", "email", "createdAt", "preferences")} == \
        {k: u.profile[k] for k in ("_id", "email", "createdAt", "preferences")}
    assert me(server, u.token).json() == got


def test_patch_timezone_link_stored_as_sent(server):
    u = new_user(server)
    r = patch_me(server, u.token, {"timezone": "Asia/Calcutta"})
    assert r.status_code == 200, r.text
    assert r.json()["timezone"] == "Asia/Calcutta"
    assert me(server, u.token).json()["timezone"] == "Asia/Calcutta"


def test_patch_preferences_merged_per_key(server):
    u = new_user(server, preferences={"themes": ["Bac"], "matieres": ["Maths", "SVT"]})
    assert u.profile["preferences"] == {"themes": ["Bac"], "matieres": ["Maths", "SVT"]}
    r = patch_me(server, u.token, {"preferences": {"themes": ["Concours", "Partiels"]}})
    assert r.status_code == 200, r.text
    assert r.json()["preferences"] == {"themes": ["Concours", "Partiels"], "matieres": ["Maths", "SVT"]}
    r = patch_me(server, u.token, {"preferences": {"matieres": []}})
    assert r.status_code == 200, r.text
    assert r.json()["preferences"] == {"themes": ["Concours", "Partiels"], "matieres": []}
    r = patch_me(server, u.token, {"preferences": {}})
    assert r.status_code == 200, r.text
    assert r.json()["preferences"] == {"themes": ["Concours", "Partiels"], "matieres": []}
    assert me(server, u.token).json()["preferences"] == {"themes": ["Concours", "Partiels"], "matieres": []}


def test_weekly_goal_is_absent_until_chosen_then_kept_with_the_other_preferences(server):
    u = new_user(server, preferences={"matieres": ["Maths"]})
    assert u.profile["preferences"] == {"themes": [], "matieres": ["Maths"]}
    r = patch_me(server, u.token, {"preferences": {"objectifHebdo": 480}})
    assert r.status_code == 200, r.text
    assert r.json()["preferences"] == {"themes": [], "matieres": ["Maths"], "objectifHebdo": 480}
    # Other keys leave it as it is; null keeps it too.
    r = patch_me(server, u.token, {"preferences": {"matieres": ["Physique"], "objectifHebdo": None}})
    assert r.json()["preferences"] == {"themes": [], "matieres": ["Physique"], "objectifHebdo": 480}
    assert me(server, u.token).json()["preferences"]["objectifHebdo"] == 480
    exported = requests.get(server.url + "/api/users/me/export", timeout=30,
                            headers={"Authorization": f"Bearer {u.token}"}).json()
    assert exported["user"]["preferences"]["objectifHebdo"] == 480
    # Chosen at registration.
    v = new_user(server, preferences={"objectifHebdo": 10080})
    assert v.profile["preferences"]["objectifHebdo"] == 10080


@pytest.mark.parametrize("goal", [0, -1, 10081, 12.5, "600", True, [600], {"minutes": 600}])
def test_weekly_goal_out_of_bounds_or_of_the_wrong_type_is_refused(server, goal):
    u = new_user(server)
    invalid(patch_me(server, u.token, {"preferences": {"objectifHebdo": goal}}), "preferences.objectifHebdo")
    assert me(server, u.token).json() == u.profile
    r = requests.post(server.url + "/api/auth/register", timeout=30, json={
        "email": unique_email(), "password": PASSWORD, "name": "A", "preferences": {"objectifHebdo": goal}})
    invalid(r, "preferences.objectifHebdo")


def test_patch_preferences_duplicates_dropped_case_sensitive(server):
    u = new_user(server)
    r = patch_me(server, u.token, {"preferences": {"matieres": ["Maths", "maths", "Maths", "Histoire"]}})
    assert r.status_code == 200, r.text
    assert r.json()["preferences"]["matieres"] == ["Maths", "maths", "Histoire"]


def test_patch_empty_body_is_noop(server):
    u = new_user(server, timezone="Europe/Paris", preferences={"themes": ["A"]})
    r = patch_me(server, u.token, {})
    assert r.status_code == 200, r.text
    assert r.json() == u.profile
    assert me(server, u.token).json() == u.profile


def test_patch_null_is_like_absent(server):
    u = new_user(server)
    r = patch_me(server, u.token, {"name": None, "timezone": None, "preferences": None})
    assert r.status_code == 200, r.text
    assert r.json() == u.profile


@pytest.mark.parametrize("payload, path", [
    ({"email": "autre@example.com"}, "email"),
    ({"password": "nouveau-mot-de-passe"}, "password"),
    ({"_id": "0123456789abcdef01234567"}, "_id"),
    ({"createdAt": "2020-01-01T00:00:00.000Z"}, "createdAt"),
    ({"couleur": "bleu"}, "couleur"),
    ({"preferences": {"couleurs": ["bleu"]}}, "preferences.couleurs"),
])
def test_patch_unknown_field_rejected(server, payload, path):
    u = new_user(server)
    invalid(patch_me(server, u.token, payload), path)
    assert me(server, u.token).json() == u.profile


@pytest.mark.parametrize("payload, path", [
    ({"name": 5}, "name"),
    ({"name": ["x"]}, "name"),
    ({"timezone": 1}, "timezone"),
    ({"preferences": "Maths"}, "preferences"),
    ({"preferences": {"themes": "Maths"}}, "preferences.themes"),
    ({"preferences": {"themes": ["a", "b", "c", 4]}}, "preferences.themes[3]"),
])
def test_patch_wrong_types_rejected(server, payload, path):
    u = new_user(server)
    invalid(patch_me(server, u.token, payload), path)
    assert me(server, u.token).json() == u.profile


@pytest.mark.parametrize("payload, path", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "a" * 101}, "name"),
    ({"name": "é" * 101}, "name"),
    ({"timezone": "+01:00"}, "timezone"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"preferences": {"themes": [f"t{i}" for i in range(51)]}}, "preferences.themes"),
    ({"preferences": {"matieres": [f"m{i}" for i in range(51)]}}, "preferences.matieres"),
    ({"preferences": {"themes": ["a", "b", "c", "x" * 101]}}, "preferences.themes[3]"),
    ({"preferences": {"matieres": ["a", "b", "c", ""]}}, "preferences.matieres[3]"),
])
def test_patch_bounds_rejected(server, payload, path):
    u = new_user(server)
    invalid(patch_me(server, u.token, payload), path)
    assert me(server, u.token).json() == u.profile


def test_patch_bounds_ok(server):
    tok = new_user(server).token
    for payload, check in [
        ({"name": "Z"}, lambda u: u["name"] == "Z"),
        ({"name": "é" * 100}, lambda u: u["name"] == "é" * 100),
        ({"preferences": {"themes": [f"t{i}" for i in range(50)]}},
         lambda u: u["preferences"]["themes"] == [f"t{i}" for i in range(50)]),
        ({"preferences": {"matieres": ["x" * 100]}},
         lambda u: u["preferences"]["matieres"] == ["x" * 100]),
    ]:
        r = patch_me(server, tok, payload)
        assert r.status_code == 200, (payload, r.text)
        assert check(r.json()), (payload, r.json())


def test_patch_body_errors(server):
    u = new_user(server)
    err(patch_me(server, u.token, ["name"]), 400, "validation_failed")
    err(call(server, "PATCH", "/api/users/me", u.token, data="{",
             headers={"Content-Type": "application/json"}), 400, "invalid_json")
    err(call(server, "PATCH", "/api/users/me", u.token, data='{"name":"x"}',
             headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    r = call(server, "PATCH", "/api/users/me", u.token, data=b'{"name":"\xff\xfe"}',
             headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] in ("invalid_json", "validation_failed")


def test_patch_requires_auth(server):
    err(patch_me(server, None, {"name": "x"}), 401, "unauthenticated")


# ---------------------------------------------------------------------------------- password

def test_password_change_full_flow(server):
    u = new_user(server)
    other = login(server, u.email, u.password).json()["token"]
    assert me(server, other).status_code == 200
    r = change_pw(server, u.token, {"currentPassword": u.password, "newPassword": "un-tout-nouveau-secret"})
    assert r.status_code == 204, r.text
    assert r.content == b""
    # the request's own token keeps working
    r = me(server, u.token)
    assert r.status_code == 200 and r.json()["_id"] == u.id, r.text
    # every other token is revoked
    err(me(server, other), 401, "unauthenticated")
    # old password refused, new one accepted
    err(login(server, u.email, u.password), 401, "invalid_credentials")
    r = login(server, u.email, "un-tout-nouveau-secret")
    assert r.status_code == 200, r.text
    assert me(server, r.json()["token"]).status_code == 200
    # the token that made the change still works after the new login
    assert me(server, u.token).status_code == 200


def test_password_change_wrong_current(server):
    u = new_user(server)
    r = change_pw(server, u.token, {"currentPassword": u.password + "!", "newPassword": "un-tout-nouveau-secret"})
    err(r, 401, "invalid_credentials")
    # nothing changed and the token still works
    assert me(server, u.token).status_code == 200
    assert login(server, u.email, u.password).status_code == 200


def test_password_change_current_not_trimmed(server):
    u = new_user(server, password="  espaces-autour  ")
    err(change_pw(server, u.token, {"currentPassword": "espaces-autour", "newPassword": "abcdefgh"}),
        401, "invalid_credentials")
    assert change_pw(server, u.token, {"currentPassword": "  espaces-autour  ",
                                   "newPassword": "abcdefgh"}).status_code == 204


@pytest.mark.parametrize("newpw", ["a" * 7, "é" * 7, "b" * 129, "ü" * 129, ""],
                         ids=["7", "7-accented", "129", "129-accented", "empty"])
def test_password_change_new_bounds_rejected(server, newpw):
    u = new_user(server)
    invalid(change_pw(server, u.token, {"currentPassword": u.password, "newPassword": newpw}), "newPassword")
    assert login(server, u.email, u.password).status_code == 200


@pytest.mark.parametrize("newpw", ["a" * 8, "é" * 8, "b" * 128, "ü" * 128, " spaces "],
                         ids=["8", "8-accented", "128", "128-accented", "spaces-kept"])
def test_password_change_new_bounds_ok(server, newpw):
    u = new_user(server)
    assert change_pw(server, u.token, {"currentPassword": u.password, "newPassword": newpw}).status_code == 204
    assert login(server, u.email, newpw).status_code == 200


@pytest.mark.parametrize("payload, path", [
    ({"newPassword": "abcdefgh"}, "currentPassword"),
    ({"currentPassword": "x"}, "newPassword"),
    ({"currentPassword": 12345678, "newPassword": "abcdefgh"}, "currentPassword"),
    ({"currentPassword": "PW", "newPassword": 12345678}, "newPassword"),
    ({"currentPassword": "PW", "newPassword": "abcdefgh", "confirm": "abcdefgh"}, "confirm"),
])
def test_password_change_validation(server, payload, path):
    u = new_user(server)
    payload = {k: (u.password if v == "PW" else v) for k, v in payload.items()}
    invalid(change_pw(server, u.token, payload), path)
    assert login(server, u.email, u.password).status_code == 200


def test_password_change_body_errors_and_auth(server):
    u = new_user(server)
    err(call(server, "PUT", "/api/users/me/password", u.token,
             headers={"Content-Type": "application/json"}), 400, "invalid_json")
    err(call(server, "PUT", "/api/users/me/password", u.token, data="{",
             headers={"Content-Type": "application/json"}), 400, "invalid_json")
    err(change_pw(server, None, {"currentPassword": u.password, "newPassword": "abcdefgh"}),
        401, "unauthenticated")


# ---------------------------------------------------------------------------------- export

def test_export_shape(server):
    u = new_user(server)
    r = call(server, "GET", "/api/users/me/export", u.token)
    assert r.status_code == 200, r.text
    assert r.headers.get("Content-Type", "").startswith("application/json")
    data = r.json()
    assert set(data) == {"user", "plannings", "progress", "chat", "timetable", "joursRepos", "exportedAt"}, data.keys()
    assert data["timetable"] is None and data["joursRepos"] == []
    assert set(data["chat"]) == {"messages", "proposals"}, data["chat"]
    assert data["user"] == u.profile
    assert data["plannings"] == [] and data["progress"] == []
    assert data["chat"]["messages"] == [] and data["chat"]["proposals"] == []
    assert TS_RE.match(data["exportedAt"]), data["exportedAt"]
    exported = dt.datetime.strptime(data["exportedAt"], "%Y-%m-%dT%H:%M:%S.%fZ") \
        .replace(tzinfo=dt.timezone.utc)
    assert abs((exported - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 300
    assert "$argon2" not in r.text
    for k in walk_keys(data):
        assert "password" not in k.lower() and "hash" not in k.lower(), k


def test_export_requires_auth(server):
    err(call(server, "GET", "/api/users/me/export"), 401, "unauthenticated")


# ---------------------------------------------------------------------------------- isolation

def test_each_token_only_sees_its_own_user(server):
    a = new_user(server, name="Alice", preferences={"themes": ["Secret A"]})
    b = new_user(server, name="Bob")
    assert me(server, a.token).json() == a.profile
    assert me(server, b.token).json() == b.profile
    ex_a = call(server, "GET", "/api/users/me/export", a.token).json()
    ex_b = call(server, "GET", "/api/users/me/export", b.token).json()
    assert ex_a["user"] == a.profile and ex_b["user"] == b.profile
    text_b = json.dumps(ex_b, ensure_ascii=False)
    assert a.id not in text_b and a.email not in text_b and "Secret A" not in text_b
    # a PATCH through B's token changes only B
    assert patch_me(server, b.token, {"name": "Bob 2"}).status_code == 200
    assert me(server, a.token).json() == a.profile
    # deleting B leaves A untouched
    assert delete_me(server, b.token, {"password": "motdepasse-solide"}).status_code == 204
    assert me(server, a.token).json() == a.profile


def test_export_holds_only_own_progress(server):
    """Needs POST /api/progress (free entry)."""
    a = new_user(server)
    b = new_user(server)
    r = call(server, "POST", "/api/progress", a.token, json={"tempsEtudie": 45, "notes": "révision A"})
    assert r.status_code == 201, r.text
    ex_a = call(server, "GET", "/api/users/me/export", a.token).json()
    ex_b = call(server, "GET", "/api/users/me/export", b.token).json()
    assert len(ex_a["progress"]) == 1 and ex_a["progress"][0]["notes"] == "révision A"
    assert ex_b["progress"] == []
    assert "révision A" not in json.dumps(ex_b, ensure_ascii=False)


# ---------------------------------------------------------------------------------- delete

def test_delete_account_flow(server):
    u = new_user(server)
    other = login(server, u.email, u.password).json()["token"]
    err(delete_me(server, u.token, {"password": u.password + "x"}), 401, "invalid_credentials")
    assert me(server, u.token).status_code == 200
    r = delete_me(server, u.token, {"password": u.password})
    assert r.status_code == 204, r.text
    assert r.content == b""
    err(me(server, u.token), 401, "unauthenticated")
    err(me(server, other), 401, "unauthenticated")
    err(call(server, "GET", "/api/users/me/export", other), 401, "unauthenticated")
    err(login(server, u.email, u.password), 401, "invalid_credentials")
    # the email is free again, for a brand new account
    r = requests.post(server.url + "/api/auth/register",
                      json={"email": u.email, "password": u.password, "name": "Revenu"}, timeout=30)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["user"]["_id"] != u.id
    assert new["user"]["email"] == u.email
    # the old tokens do not open the new account
    err(me(server, u.token), 401, "unauthenticated")
    assert me(server, new["token"]).json()["name"] == "Revenu"


def test_delete_account_removes_data(server):
    """Needs POST /api/progress (free entry)."""
    u = new_user(server)
    r = call(server, "POST", "/api/progress", u.token, json={"tempsEtudie": 30})
    assert r.status_code == 201, r.text
    assert delete_me(server, u.token, {"password": u.password}).status_code == 204
    r = requests.post(server.url + "/api/auth/register",
                      json={"email": u.email, "password": u.password, "name": "Revenu"}, timeout=30)
    assert r.status_code == 201, r.text
    ex = call(server, "GET", "/api/users/me/export", r.json()["token"]).json()
    assert ex["progress"] == [] and ex["plannings"] == []


def test_delete_password_not_trimmed(server):
    u = new_user(server, password=" avec-espaces ")
    err(delete_me(server, u.token, {"password": "avec-espaces"}), 401, "invalid_credentials")
    assert me(server, u.token).status_code == 200


@pytest.mark.parametrize("payload, path", [
    ({}, "password"),
    ({"password": 12345678}, "password"),
    ({"password": "PW", "raison": "départ"}, "raison"),
])
def test_delete_validation(server, payload, path):
    u = new_user(server)
    payload = {k: (u.password if v == "PW" else v) for k, v in payload.items()}
    invalid(delete_me(server, u.token, payload), path)
    assert me(server, u.token).status_code == 200


def test_delete_requires_body_and_auth(server):
    u = new_user(server)
    err(call(server, "DELETE", "/api/users/me", u.token), 400, "invalid_json")
    err(call(server, "DELETE", "/api/users/me", u.token, data='{"password":"x"}',
             headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    err(delete_me(server, None, {"password": u.password}), 401, "unauthenticated")
    assert me(server, u.token).status_code == 200
