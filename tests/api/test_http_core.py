"""HTTP core: routing errors, body limits, content types, header limits, keep-alive, security
headers, CORS, request ids, the request log, timeouts and the connection cap.

Sources: docs/api.md (conventions, operations) and docs/behaviour.md ("HTTP").
"""
import json
import re
import select
import socket
import time
import uuid

import pytest
import requests

from conftest import Server, assert_error, new_user, unique_email
from raw_http import RawConn
from waits import log_barrier

RID_RE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def header_set(value):
    return {m.strip().upper() for m in (value or "").split(",") if m.strip()}


def check_security_headers(headers, production=False):
    """`headers` is a case-insensitive mapping (requests) or a lower-case dict (RawResponse)."""
    get = (lambda n: headers.get(n.lower())) if isinstance(headers, dict) else headers.get
    assert (get("X-Content-Type-Options") or "").lower() == "nosniff", dict(headers)
    assert (get("Referrer-Policy") or "").lower() == "no-referrer", dict(headers)
    assert (get("X-Frame-Options") or "").upper() == "DENY", dict(headers)
    assert get("Content-Security-Policy"), dict(headers)
    assert get("Cross-Origin-Opener-Policy"), dict(headers)
    assert get("Cross-Origin-Resource-Policy"), dict(headers)
    assert get("X-Powered-By") is None, dict(headers)
    if production:
        hsts = get("Strict-Transport-Security")
        assert hsts and re.search(r"max-age=\d*[1-9]", hsts), dict(headers)
    else:
        assert get("Strict-Transport-Security") is None, dict(headers)
    rid = get("X-Request-Id")
    assert rid and RID_RE.match(rid), dict(headers)


def wait_for(pred, timeout=15.0, step=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(step)


def reg_body(**over):
    body = {"email": unique_email(), "password": "motdepasse-solide", "name": "Élève Test"}
    body.update(over)
    return body


JSON = {"Content-Type": "application/json"}


# --------------------------------------------------------------------------------------------
# Dedicated servers (module scope: started once, cleaned up at the end of the module)
# --------------------------------------------------------------------------------------------

def _module_server(env):
    s = Server(env=env)
    try:
        yield s
    finally:
        s.cleanup()


@pytest.fixture(scope="module")
def small_body_server():
    yield from _module_server({"MAX_BODY_BYTES": "1024"})


@pytest.fixture(scope="module")
def cors_server():
    yield from _module_server({"CORS_ORIGIN": "https://app.example,https://admin.example"})


# --------------------------------------------------------------------------------------------
# Routing: 404, 405 + Allow, HEAD
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/nope", "/api/nope", "/api/users/me/nope", "/api/auth/login/extra",
                                  "/api/auth", "/healthz/x"])
def test_unknown_path_is_404_not_found(server, path):
    r = requests.get(server.url + path, timeout=10)
    assert_error(r, 404, "not_found")
    assert r.headers["Content-Type"].startswith("application/json")
    check_security_headers(r.headers)


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/api/auth/login", {"POST"}),
    ("GET", "/api/auth/login", {"POST"}),
    ("PUT", "/api/auth/register", {"POST"}),
    ("GET", "/api/users/me/password", {"PUT"}),
    ("POST", "/api/users/me", {"GET", "HEAD", "PATCH", "DELETE"}),
    ("POST", "/healthz", {"GET", "HEAD"}),
    ("DELETE", "/metrics", {"GET", "HEAD"}),
])
def test_wrong_method_is_405_with_allow(server, method, path, allowed):
    r = requests.request(method, server.url + path, timeout=10)
    assert_error(r, 405, "method_not_allowed")
    allow = header_set(r.headers.get("Allow"))
    assert allowed <= allow, r.headers.get("Allow")
    assert method not in allow, r.headers.get("Allow")
    # Nothing but real methods of the route (OPTIONS is tolerated for CORS preflight).
    assert allow - {"OPTIONS"} == allowed, r.headers.get("Allow")
    check_security_headers(r.headers)


def test_405_even_with_a_body_that_would_be_refused(server):
    # Routing first: a wrong method with a text/plain body is 405, not 415.
    r = requests.delete(server.url + "/api/auth/login", data=b"hello",
                        headers={"Content-Type": "text/plain"}, timeout=10)
    assert_error(r, 405, "method_not_allowed")
    assert "POST" in header_set(r.headers.get("Allow"))


def test_routing_decided_before_body_checks(server):
    r = requests.post(server.url + "/nope", data=b"just text", headers={"Content-Type": "text/plain"}, timeout=10)
    assert_error(r, 404, "not_found")
    r = requests.post(server.url + "/nope", data=b"{not json", headers=JSON, timeout=10)
    assert_error(r, 404, "not_found")


def test_routing_before_body_size(small_body_server):
    r = requests.post(small_body_server.url + "/nope", data=b"x" * 2000,
                      headers={"Content-Type": "text/plain"}, timeout=10)
    assert_error(r, 404, "not_found")


# --------------------------------------------------------------------------------------------
# Body size: 413
# --------------------------------------------------------------------------------------------

def _padded_register_body(size):
    raw = json.dumps(reg_body()).encode()
    assert len(raw) < size
    return raw + b" " * (size - len(raw))  # JSON allows trailing whitespace


def test_body_at_limit_is_accepted(small_body_server):
    body = _padded_register_body(1024)
    assert len(body) == 1024
    r = requests.post(small_body_server.url + "/api/auth/register", data=body, headers=JSON, timeout=10)
    assert r.status_code == 201, r.text


def test_body_over_limit_is_413(small_body_server):
    body = _padded_register_body(1025)
    r = requests.post(small_body_server.url + "/api/auth/register", data=body, headers=JSON, timeout=10)
    assert_error(r, 413, "payload_too_large")
    check_security_headers(r.headers)


def test_body_over_limit_closes_connection(small_body_server):
    c = RawConn(small_body_server.port)
    try:
        resp = c.request("POST", "/api/auth/register", headers=JSON, body=_padded_register_body(1500))
        assert resp.status == 413
        assert resp.json()["error"]["code"] == "payload_too_large"
        closed, _ = c.wait_closed(3)
        assert closed is not None, "connection stays open after a 413"
    finally:
        c.close()


def test_413_comes_before_415(small_body_server):
    r = requests.post(small_body_server.url + "/api/auth/register", data=b"x" * 2000,
                      headers={"Content-Type": "text/plain"}, timeout=10)
    assert_error(r, 413, "payload_too_large")


def _chunked(body, size=300):
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def test_chunked_body_over_limit_is_413(small_body_server):
    c = RawConn(small_body_server.port)
    try:
        body = _padded_register_body(2000)
        head = ("POST /api/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        c.send(head + _chunked(body))
        resp = c.read_response()
        assert resp.status == 413, resp.body
        assert resp.json()["error"]["code"] == "payload_too_large"
    finally:
        c.close()


def test_chunked_body_within_limit_is_accepted(small_body_server):
    c = RawConn(small_body_server.port)
    try:
        body = json.dumps(reg_body()).encode()
        head = ("POST /api/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        c.send(head + _chunked(body, 40))
        resp = c.read_response()
        assert resp.status == 201, resp.body
        assert resp.json()["token"]
    finally:
        c.close()


# --------------------------------------------------------------------------------------------
# Content type: 415, accepted variants
# --------------------------------------------------------------------------------------------

def test_text_plain_body_is_415(server):
    r = requests.post(server.url + "/api/auth/register", data=json.dumps(reg_body()),
                      headers={"Content-Type": "text/plain"}, timeout=10)
    assert_error(r, 415, "unsupported_media_type")
    check_security_headers(r.headers)


def test_body_without_content_type_is_415(server):
    r = requests.post(server.url + "/api/auth/register", data=json.dumps(reg_body()).encode(), timeout=10)
    assert "Content-Type" not in r.request.headers
    assert_error(r, 415, "unsupported_media_type")


@pytest.mark.parametrize("ctype", ["application/json", "application/json; charset=utf-8",
                                   "Application/JSON", "application/json;charset=UTF-8",
                                   "APPLICATION/JSON; CHARSET=UTF-8"])
def test_json_content_type_variants_accepted(server, ctype):
    r = requests.post(server.url + "/api/auth/register", data=json.dumps(reg_body()).encode(),
                      headers={"Content-Type": ctype}, timeout=10)
    assert r.status_code == 201, (ctype, r.text)


@pytest.mark.parametrize("ctype", ["application/xml", "application/x-www-form-urlencoded",
                                   "application/jsonx", "application/json; charset=latin-1"])
def test_other_content_types_refused(server, ctype):
    r = requests.post(server.url + "/api/auth/register", data=json.dumps(reg_body()).encode(),
                      headers={"Content-Type": ctype}, timeout=10)
    assert_error(r, 415, "unsupported_media_type")


def test_415_on_delete_with_body_and_before_auth(server):
    # Content type is checked on DELETE too, and before authentication.
    r = requests.delete(server.url + "/api/users/me", data=b"password=x",
                        headers={"Content-Type": "text/plain"}, timeout=10)
    assert_error(r, 415, "unsupported_media_type")
    r = requests.patch(server.url + "/api/users/me", data=b"name=x",
                       headers={"Content-Type": "text/plain"}, timeout=10)
    assert_error(r, 415, "unsupported_media_type")


def test_auth_checked_before_json_parsing(server):
    r = requests.patch(server.url + "/api/users/me", data=b"{not json", headers=JSON, timeout=10)
    assert_error(r, 401, "unauthenticated")


# --------------------------------------------------------------------------------------------
# JSON: 400 invalid_json
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"{", b'{"email": "a@b.co", "password": }', b"{'email': 'x'}",
                                  b'{"email":"a@b.co"} trailing', b"nul", b'{"a":1,}'])
def test_malformed_json_is_400_invalid_json(server, body):
    r = requests.post(server.url + "/api/auth/register", data=body, headers=JSON, timeout=10)
    assert_error(r, 400, "invalid_json")
    check_security_headers(r.headers)


def test_empty_body_on_register_is_400_invalid_json(server):
    r = requests.post(server.url + "/api/auth/register", data=b"", headers=JSON, timeout=10)
    assert_error(r, 400, "invalid_json")
    # Without any body (and so without a content type) it is still a missing body.
    r = requests.post(server.url + "/api/auth/register", timeout=10)
    assert_error(r, 400, "invalid_json")


def test_invalid_utf8_is_400_invalid_json(server):
    body = b'{"email":"' + unique_email().encode() + b'","password":"motdepasse-solide","name":"\xff\xfeabc"}'
    r = requests.post(server.url + "/api/auth/register", data=body, headers=JSON, timeout=10)
    assert_error(r, 400, "invalid_json")
    # A truncated multi-byte sequence too.
    body = b'{"email":"' + unique_email().encode() + b'","password":"motdepasse-solide","name":"\xc3"}'
    r = requests.post(server.url + "/api/auth/register", data=body, headers=JSON, timeout=10)
    assert_error(r, 400, "invalid_json")


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_json_that_is_not_an_object_is_validation_failed(server, body):
    r = requests.post(server.url + "/api/auth/register", data=body, headers=JSON, timeout=10)
    assert_error(r, 400, "validation_failed")


# --------------------------------------------------------------------------------------------
# Header size: 431
# --------------------------------------------------------------------------------------------

def test_headers_over_16k_are_431(server):
    c = RawConn(server.port)
    try:
        resp = c.request("GET", "/healthz", headers={"X-Big": "a" * (17 * 1024)})
        assert resp.status == 431, resp.body
        assert resp.json()["error"]["code"] == "headers_too_large"
        check_security_headers(resp.headers)
        closed, _ = c.wait_closed(3)
        assert closed is not None, "connection stays open after a 431"
    finally:
        c.close()


def test_many_headers_summing_over_16k_are_431(server):
    c = RawConn(server.port)
    try:
        headers = {f"X-H{i}": "b" * 1000 for i in range(20)}
        resp = c.request("GET", "/healthz", headers=headers)
        assert resp.status == 431, resp.body
    finally:
        c.close()


def test_headers_under_16k_are_served(server):
    # 12 KiB of headers is above Beast's 8 KiB default but within the documented 16 KiB.
    r = requests.get(server.url + "/healthz", headers={"X-Big": "a" * (12 * 1024)}, timeout=10)
    assert r.status_code == 200, r.text


# --------------------------------------------------------------------------------------------
# Keep-alive
# --------------------------------------------------------------------------------------------

def test_keep_alive_serves_several_requests_on_one_socket(server):
    c = RawConn(server.port)
    try:
        for path, status in [("/healthz", 200), ("/nope", 404), ("/readyz", 200), ("/healthz", 200)]:
            resp = c.request("GET", path)
            assert resp.status == status
            assert "close" not in resp.headers.get("connection", "").lower()
        # A POST with a body on the same connection, then another GET.
        resp = c.request("POST", "/api/auth/register", headers=JSON, body=json.dumps(reg_body()).encode())
        assert resp.status == 201, resp.body
        assert c.request("GET", "/healthz").status == 200
    finally:
        c.close()


def test_keep_alive_with_http_client(server):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        r.read()
        assert r.status == 200 and r.version == 11
        sock = conn.sock
        assert sock is not None
        for _ in range(3):
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            assert r.status == 200
            assert conn.sock is sock, "the server closed the keep-alive connection"
    finally:
        conn.close()


def test_pipelined_requests_answered_in_order(server):
    c = RawConn(server.port)
    try:
        req = lambda rid: f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: {rid}\r\n\r\n".encode()
        c.send(req("pipe-1") + req("pipe-2") + req("pipe-3"))
        ids = [c.read_response().headers.get("x-request-id") for _ in range(3)]
        assert ids == ["pipe-1", "pipe-2", "pipe-3"]
    finally:
        c.close()


def test_connection_close_is_honoured(server):
    c = RawConn(server.port)
    try:
        resp = c.request("GET", "/healthz", headers={"Connection": "close"})
        assert resp.status == 200
        closed, _ = c.wait_closed(3)
        assert closed is not None
    finally:
        c.close()


# --------------------------------------------------------------------------------------------
# Security headers
# --------------------------------------------------------------------------------------------

def test_security_headers_on_success_and_errors(server):
    client = new_user(server)
    responses = [
        requests.get(server.url + "/healthz", timeout=10),
        requests.get(server.url + "/readyz", timeout=10),
        requests.get(server.url + "/metrics", timeout=10),
        requests.get(server.url + "/api/openapi.json", timeout=10),
        requests.post(server.url + "/api/auth/register", json=reg_body(), timeout=10),   # 201
        client.get("/api/users/me"),                                                      # 200
        requests.get(server.url + "/api/users/me", timeout=10),                           # 401
        requests.get(server.url + "/nope", timeout=10),                                   # 404
        requests.delete(server.url + "/api/auth/login", timeout=10),                      # 405
        requests.post(server.url + "/api/auth/register", data=b"{", headers=JSON, timeout=10),  # 400
        requests.post(server.url + "/api/auth/register", json={"email": "x"}, timeout=10),      # 400
    ]
    statuses = [r.status_code for r in responses]
    assert statuses[4] == 201 and statuses[5] == 200 and statuses[6] == 401, statuses
    for r in responses:
        check_security_headers(r.headers)
    logout = client.post("/api/auth/logout")  # 204
    assert logout.status_code == 204
    check_security_headers(logout.headers)


def test_hsts_in_production(make_server):
    s = make_server(env={"APP_ENV": "production"})
    for r in [requests.get(s.url + "/healthz", timeout=10),
              requests.get(s.url + "/nope", timeout=10),
              requests.get(s.url + "/api/users/me", timeout=10)]:
        check_security_headers(r.headers, production=True)


# --------------------------------------------------------------------------------------------
# CORS
# --------------------------------------------------------------------------------------------

def test_cors_allowed_origin_echoed(cors_server):
    for origin in ["https://app.example", "https://admin.example"]:
        r = requests.get(cors_server.url + "/healthz", headers={"Origin": origin}, timeout=10)
        assert r.status_code == 200
        assert r.headers.get("Access-Control-Allow-Origin") == origin, dict(r.headers)
        assert "origin" in {v.strip().lower() for v in r.headers.get("Vary", "").split(",")}, dict(r.headers)
        assert r.headers.get("Access-Control-Allow-Credentials") == "true", dict(r.headers)


def test_cors_headers_on_error_responses_for_allowed_origin(cors_server):
    # The web app must be able to read a 401 to send the student to the login page.
    r = requests.get(cors_server.url + "/api/users/me", headers={"Origin": "https://app.example"}, timeout=10)
    assert r.status_code == 401
    assert r.headers.get("Access-Control-Allow-Origin") == "https://app.example", dict(r.headers)
    assert r.headers.get("Access-Control-Allow-Credentials") == "true"


def test_cors_preflight(cors_server):
    r = requests.options(cors_server.url + "/api/auth/login", headers={
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization,x-request-id",
    }, timeout=10)
    assert r.status_code == 204, r.text
    assert r.headers.get("Access-Control-Allow-Origin") == "https://app.example", dict(r.headers)
    assert r.headers.get("Access-Control-Allow-Credentials") == "true", dict(r.headers)
    assert "POST" in header_set(r.headers.get("Access-Control-Allow-Methods")), dict(r.headers)
    allowed_headers = header_set(r.headers.get("Access-Control-Allow-Headers"))
    for h in ("CONTENT-TYPE", "AUTHORIZATION", "X-REQUEST-ID"):
        assert h in allowed_headers, dict(r.headers)
    check_security_headers(r.headers)


def test_cors_preflight_for_other_methods(cors_server):
    r = requests.options(cors_server.url + "/api/users/me", headers={
        "Origin": "https://admin.example",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "Content-Type",
    }, timeout=10)
    assert r.status_code == 204, r.text
    assert r.headers.get("Access-Control-Allow-Origin") == "https://admin.example"
    assert "PATCH" in header_set(r.headers.get("Access-Control-Allow-Methods")), dict(r.headers)


def test_cors_other_origin_gets_nothing(cors_server):
    for origin in ["https://evil.example", "http://app.example", "https://app.example.evil.com", "null"]:
        r = requests.get(cors_server.url + "/healthz", headers={"Origin": origin}, timeout=10)
        assert r.status_code == 200
        assert "Access-Control-Allow-Origin" not in r.headers, (origin, dict(r.headers))
        assert "Access-Control-Allow-Credentials" not in r.headers, (origin, dict(r.headers))
        r = requests.options(cors_server.url + "/api/auth/login", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=10)
        assert "Access-Control-Allow-Origin" not in r.headers, (origin, dict(r.headers))


def test_no_cors_without_cors_origin(server):
    r = requests.get(server.url + "/healthz", headers={"Origin": "https://app.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in r.headers
    r = requests.options(server.url + "/api/auth/login", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in r.headers


# --------------------------------------------------------------------------------------------
# X-Request-Id
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rid", ["abc", "Req-1.2_3", "x" * 128, "0", uuid.uuid4().hex])
def test_valid_request_id_is_echoed(server, rid):
    r = requests.get(server.url + "/healthz", headers={"X-Request-Id": rid}, timeout=10)
    assert r.headers.get("X-Request-Id") == rid
    r = requests.get(server.url + "/nope", headers={"X-Request-Id": rid}, timeout=10)
    assert r.status_code == 404
    assert r.headers.get("X-Request-Id") == rid


def test_request_id_generated_when_missing(server):
    a = requests.get(server.url + "/healthz", timeout=10).headers.get("X-Request-Id")
    b = requests.get(server.url + "/healthz", timeout=10).headers.get("X-Request-Id")
    assert a and b and a != b
    assert RID_RE.match(a) and RID_RE.match(b)


@pytest.mark.parametrize("rid", ["x" * 129, "y" * 200, "has space", "a/b", "<script>", "semi;colon", "é"])
def test_invalid_request_id_is_replaced(server, rid):
    r = requests.get(server.url + "/healthz", headers={"X-Request-Id": rid.encode("utf-8")}, timeout=10)
    assert r.status_code == 200
    got = r.headers.get("X-Request-Id")
    assert got and got != rid.encode("utf-8").decode("latin-1")
    assert RID_RE.match(got), got


def test_empty_request_id_is_replaced(server):
    c = RawConn(server.port)
    try:
        resp = c.request("GET", "/healthz", headers={"X-Request-Id": ""})
        assert resp.status == 200
        assert RID_RE.match(resp.headers.get("x-request-id", "")), resp.headers
    finally:
        c.close()


# --------------------------------------------------------------------------------------------
# Request log
# --------------------------------------------------------------------------------------------

def _request_entries(server, rid):
    return [e for e in server.log_entries() if e.get("msg") == "request" and e.get("request_id") == rid]


def test_request_log_line_fields(server):
    rid = "log-" + uuid.uuid4().hex
    r = requests.get(server.url + "/healthz?probe=1", headers={"X-Request-Id": rid}, timeout=10)
    assert r.status_code == 200
    entries = wait_for(lambda: _request_entries(server, rid))
    assert len(entries) == 1, entries
    e = entries[0]
    assert e["method"] == "GET"
    assert e["route"] == "/healthz"
    assert e["status"] == 200
    assert isinstance(e["duration_ms"], (int, float)) and e["duration_ms"] >= 0
    assert e["request_id"] == rid


def test_request_log_generated_id_matches_header(server):
    r = requests.get(server.url + "/readyz", timeout=10)
    rid = r.headers["X-Request-Id"]
    entries = wait_for(lambda: _request_entries(server, rid))
    assert len(entries) == 1, entries
    assert entries[0]["route"] == "/readyz" and entries[0]["status"] == r.status_code


def test_request_log_one_line_per_request(server):
    ids = [f"one-{i}-{uuid.uuid4().hex[:8]}" for i in range(6)]
    paths = ["/healthz", "/nope", "/api/users/me", "/healthz", "/readyz", "/metrics"]
    for rid, path in zip(ids, paths):
        requests.get(server.url + path, headers={"X-Request-Id": rid}, timeout=10)
    wait_for(lambda: all(_request_entries(server, rid) for rid in ids))
    log_barrier(server)  # a second line for any of them would have been read by now
    for rid, path in zip(ids, paths):
        entries = _request_entries(server, rid)
        assert len(entries) == 1, (path, entries)
    assert _request_entries(server, ids[1])[0]["status"] == 404
    assert _request_entries(server, ids[2])[0]["status"] == 401
    assert _request_entries(server, ids[2])[0]["route"] == "/api/users/me"


def test_request_log_uses_route_template_and_hides_secrets(make_server):
    s = make_server()
    password = "Secr3t-" + uuid.uuid4().hex
    name = "Zorglub-" + uuid.uuid4().hex[:10]
    email = unique_email()
    r = requests.post(s.url + "/api/auth/register", json={"email": email, "password": password, "name": name},
                      headers={"X-Request-Id": "reg-1"}, timeout=10)
    assert r.status_code == 201, r.text
    r = requests.post(s.url + "/api/auth/login", json={"email": email, "password": password},
                      headers={"X-Request-Id": "login-1"}, timeout=10)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    r = requests.get(s.url + "/api/users/me", headers={"Authorization": f"Bearer {token}", "X-Request-Id": "me-1"},
                     timeout=10)
    assert r.status_code == 200
    r = requests.get(s.url + "/api/users/me", cookies={"token": token}, headers={"X-Request-Id": "me-2"}, timeout=10)
    assert r.status_code == 200
    r = requests.post(s.url + "/api/auth/login", json={"email": email, "password": password + "-wrong"},
                      headers={"X-Request-Id": "login-bad"}, timeout=10)
    assert r.status_code == 401
    wait_for(lambda: _request_entries(s, "login-bad"))
    log_barrier(s)  # every line written for the requests above has been read
    for rid, method, route, status in [("reg-1", "POST", "/api/auth/register", 201),
                                       ("login-1", "POST", "/api/auth/login", 200),
                                       ("me-1", "GET", "/api/users/me", 200),
                                       ("me-2", "GET", "/api/users/me", 200),
                                       ("login-bad", "POST", "/api/auth/login", 401)]:
        entries = _request_entries(s, rid)
        assert len(entries) == 1, (rid, entries)
        assert (entries[0]["method"], entries[0]["route"], entries[0]["status"]) == (method, route, status)
    text = "\n".join(s.logs)
    signature = token.rsplit(".", 1)[1]
    assert password not in text, "password in the logs"
    assert signature not in text, "token in the logs"
    assert name not in text, "body text (name) in the logs"
    assert email not in text, "body text (email) in the logs"


# --------------------------------------------------------------------------------------------
# Timeouts against slow clients
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def request_timeout_server():
    yield from _module_server({"REQUEST_TIMEOUT_MS": "1000"})


IDLE_TIMEOUT_S = 3.0


@pytest.fixture(scope="module")
def idle_timeout_server():
    yield from _module_server({"IDLE_TIMEOUT_MS": str(int(IDLE_TIMEOUT_S * 1000))})


# REQUEST_TIMEOUT_MS is 1 s on request_timeout_server and 30 s by default: a connection closed within
# 20 s was closed by the configured timeout, and a slow machine still has 19 s of slack.
WELL_UNDER_DEFAULT_REQUEST_TIMEOUT_S = 20.0


def test_half_request_is_closed_without_answer(request_timeout_server):
    c = RawConn(request_timeout_server.port)
    try:
        c.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        closed, got = c.wait_closed(WELL_UNDER_DEFAULT_REQUEST_TIMEOUT_S)
        assert closed is not None, "a half-sent request kept the connection open"
        assert got == b"", got
    finally:
        c.close()


def test_half_body_is_closed(request_timeout_server):
    c = RawConn(request_timeout_server.port)
    try:
        c.send(b"POST /api/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: 200\r\n\r\n{\"email\":")
        closed, got = c.wait_closed(WELL_UNDER_DEFAULT_REQUEST_TIMEOUT_S)
        assert closed is not None, "a half-sent body kept the connection open"
        assert got == b"", got
    finally:
        c.close()


def test_trickling_client_is_cut_at_request_timeout(request_timeout_server):
    # One byte every 0.2 s: each read makes progress, but the whole request never arrives in time.
    c = RawConn(request_timeout_server.port)
    try:
        c.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        start = time.monotonic()
        closed_at = None
        while time.monotonic() - start < WELL_UNDER_DEFAULT_REQUEST_TIMEOUT_S:
            try:
                c.sock.send(b"a")
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.monotonic() - start
                break
            r, _, _ = select.select([c.sock], [], [], 0.2)
            if r:
                try:
                    data = c.sock.recv(4096)
                except ConnectionResetError:
                    data = b""
                if not data:
                    closed_at = time.monotonic() - start
                    break
        assert closed_at is not None, \
            f"a trickling client kept the connection for {WELL_UNDER_DEFAULT_REQUEST_TIMEOUT_S:g} s"
    finally:
        c.close()


def test_request_timeout_is_per_request(request_timeout_server):
    c = RawConn(request_timeout_server.port)
    try:
        for _ in range(3):
            assert c.request("GET", "/healthz").status == 200
            time.sleep(0.6)
        assert c.request("GET", "/healthz").status == 200
    finally:
        c.close()


def test_idle_keep_alive_connection_is_closed(idle_timeout_server):
    c = RawConn(idle_timeout_server.port)
    try:
        assert c.request("GET", "/healthz").status == 200
        time.sleep(0.4)
        assert c.request("GET", "/healthz").status == 200  # still open well before the idle timeout
        # The default IDLE_TIMEOUT_MS is 60 s: a close within 30 s is the configured 3 s one.
        closed, got = c.wait_closed(30)
        assert closed is not None, "idle connection still open after 30 s"
        # Not closed right after the answer: the server waited for (most of) the idle timeout, whose
        # clock started a little before our own (when it sent the answer we then read).
        assert closed >= IDLE_TIMEOUT_S - 2.0, closed
        assert got == b""
    finally:
        c.close()


# --------------------------------------------------------------------------------------------
# Connection cap
# --------------------------------------------------------------------------------------------

def test_connection_cap(make_server):
    s = make_server(env={"MAX_CONNECTIONS": "3"})
    held = []
    try:
        for _ in range(3):
            c = RawConn(s.port)
            assert c.request("GET", "/healthz").status == 200  # accepted and counted; stays open
            held.append(c)
        extra = RawConn(s.port, timeout=15)
        try:
            try:
                extra.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                resp = extra.read_response()
            except (ConnectionError, BrokenPipeError):
                resp = None  # closed without an answer: tolerated
            except socket.timeout:
                pytest.fail("the connection past the cap hangs instead of being refused")
            if resp is not None:
                assert resp.status == 503, resp.body
                assert resp.json()["error"]["code"] == "overloaded"
                closed, _ = extra.wait_closed(15)
                assert closed is not None, "connection past the cap stays open after its 503"
        finally:
            extra.close()
        # The held connections still work.
        assert held[0].request("GET", "/healthz").status == 200
        for c in held:
            c.close()
        held.clear()

        def ok():
            try:
                return requests.get(s.url + "/healthz", timeout=10).status_code == 200
            except requests.RequestException:
                return False
        assert wait_for(ok, timeout=15, step=0.1), "no connection accepted after the others closed"
        # Several fresh connections in a row work too (slots are released each time).
        for _ in range(5):
            assert requests.get(s.url + "/healthz", timeout=10).status_code == 200
    finally:
        for c in held:
            c.close()
