"""Black-box tests of login and registration throttling (docs/api.md (details that clients rely on):
10 failed logins per email and 100 per client address in 15 minutes, only 401s count;
20 successful registrations per client address an hour). Each test starts its own server so
counts never leak between tests. Sliding windows are not waited out (15 minutes / 1 hour)."""
import re

import requests

from conftest import new_user, unique_email, assert_french_error as err

PASSWORD = "motdepasse-solide"


def login(s, email, password):
    return requests.post(s.url + "/api/auth/login", json={"email": email, "password": password},
                         timeout=30)


def reg(s, email=None, **over):
    b = {"email": email or unique_email(), "password": PASSWORD, "name": "Élève Test"}
    b.update(over)
    return requests.post(s.url + "/api/auth/register", json=b, timeout=30)


def int_header(r, name):
    v = r.headers.get(name)
    assert v is not None, f"missing {name}: {dict(r.headers)}"
    assert re.fullmatch(r"\d+", v.strip()), f"{name} is not an integer of seconds: {v!r}"
    return int(v)


def assert_limited(r, limit, window):
    """429 rate_limited with Retry-After and RateLimit-* headers of the limit that was hit."""
    err(r, 429, "rate_limited")
    retry = int_header(r, "Retry-After")
    assert 0 < retry <= window, retry
    assert int_header(r, "RateLimit-Limit") == limit
    assert int_header(r, "RateLimit-Remaining") == 0
    reset = int_header(r, "RateLimit-Reset")
    assert 0 < reset <= window, reset
    assert "token" not in {c.split("=")[0].strip().lower()
                           for c in r.raw.headers.getlist("Set-Cookie")}


def test_login_per_email_limit(make_server):
    s = make_server()
    victim = new_user(s)
    other = new_user(s)
    for i in range(10):
        err(login(s, victim.email, f"mauvais-{i}-secret"), 401, "invalid_credentials")
    # the 11th attempt is refused before the password is checked: even the right one
    r = login(s, victim.email, victim.password)
    assert_limited(r, 10, 900)
    assert_limited(login(s, victim.email, "encore-mauvais"), 10, 900)
    # the same email in another case / with spaces is the same email
    assert_limited(login(s, "  " + victim.email.upper() + " ", victim.password), 10, 900)
    # another email from the same address still works
    r = login(s, other.email, other.password)
    assert r.status_code == 200, r.text
    # the throttled user's existing token is untouched
    r = requests.get(s.url + "/api/users/me", headers=victim.headers, timeout=30)
    assert r.status_code == 200, r.text


def test_login_per_email_limit_for_unknown_email(make_server):
    """Failures for an email with no account are throttled the same way (no account probing)."""
    s = make_server()
    ghost = unique_email()
    for i in range(10):
        err(login(s, ghost, f"mauvais-{i}-secret"), 401, "invalid_credentials")
    assert_limited(login(s, ghost, PASSWORD), 10, 900)


def test_login_successes_and_bad_requests_do_not_count(make_server):
    s = make_server()
    u = new_user(s)
    # 400s do not count
    for _ in range(12):
        r = requests.post(s.url + "/api/auth/login", json={"email": u.email}, timeout=30)
        err(r, 400, "validation_failed")
    # successes do not count
    for _ in range(12):
        r = login(s, u.email, u.password)
        assert r.status_code == 200, r.text
    for i in range(10):
        err(login(s, u.email, f"mauvais-{i}-secret"), 401, "invalid_credentials")
    assert_limited(login(s, u.email, u.password), 10, 900)


def test_login_per_address_limit(make_server):
    s = make_server(env={"LOGIN_MAX_FAILURES_PER_IP": "5"})
    u = new_user(s)
    # successful logins before do not count
    assert login(s, u.email, u.password).status_code == 200
    for i in range(5):
        err(login(s, unique_email(), f"mauvais-{i}-secret"), 401, "invalid_credentials")
    # 6th attempt from this address: refused, whatever the email and even with the right password
    assert_limited(login(s, u.email, u.password), 5, 900)
    assert_limited(login(s, unique_email(), "quelconque"), 5, 900)


def test_login_per_address_default_is_100(make_server):
    """With the default per-address limit (100), 11 failures over several emails are not throttled
    by address: only the email with 10 failures is."""
    s = make_server()
    u = new_user(s)
    for i in range(11):
        err(login(s, unique_email(), "mauvais-secret"), 401, "invalid_credentials")
    assert login(s, u.email, u.password).status_code == 200


def test_register_per_address_limit(make_server):
    s = make_server(env={"REGISTER_MAX_PER_IP": "20"})
    taken = unique_email()
    ok = 0
    for i in range(20):
        e = taken if i == 0 else unique_email()
        r = reg(s, e)
        assert r.status_code == 201, (i, r.text)
        ok += 1
        if i < 19:
            # failed registrations do not count (done while still under the limit, since once it
            # is reached any registration attempt may be answered 429 first)
            err(reg(s, taken), 409, "email_taken")
            err(reg(s, unique_email(), password="court"), 400, "validation_failed")
    assert ok == 20
    refused = unique_email()
    r = reg(s, refused)
    assert_limited(r, 20, 3600)
    # the refused registration created nothing
    err(login(s, refused, PASSWORD), 401, "invalid_credentials")
    # logging in is not affected by the registration limit
    assert login(s, taken, PASSWORD).status_code == 200


def reg_from(s, forwarded_for):
    b = {"email": unique_email(), "password": PASSWORD, "name": "Élève Test"}
    return requests.post(s.url + "/api/auth/register", json=b, headers={"X-Forwarded-For": forwarded_for},
                         timeout=30)


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(make_server):
    # The test client is the proxy (127.0.0.1); X-Forwarded-For names the students' addresses.
    s = make_server(env={"REGISTER_MAX_PER_IP": "2", "TRUSTED_PROXIES": "127.0.0.1, ::1"})
    assert reg_from(s, "203.0.113.5").status_code == 201
    assert reg_from(s, "198.51.100.7, 203.0.113.5").status_code == 201  # a spoofed entry left of it: ignored
    assert_limited(reg_from(s, "203.0.113.5"), 2, 3600)
    # Another student behind the same proxy, and one behind a second trusted hop, are not limited.
    assert reg_from(s, "203.0.113.6").status_code == 201
    assert reg_from(s, "2001:db8::7, 127.0.0.1").status_code == 201
    # Without the header (or with one that is not an address), the proxy itself is the client.
    assert reg(s).status_code == 201
    assert reg_from(s, "pas-une-adresse").status_code == 201
    assert_limited(reg(s), 2, 3600)


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(make_server):
    s = make_server(env={"REGISTER_MAX_PER_IP": "2", "TRUSTED_PROXIES": "10.0.0.0/8"})
    assert reg_from(s, "203.0.113.1").status_code == 201
    assert reg_from(s, "203.0.113.2").status_code == 201
    # Both counted for 127.0.0.1, which is not a trusted proxy: a client cannot pick its address.
    assert_limited(reg_from(s, "203.0.113.3"), 2, 3600)
