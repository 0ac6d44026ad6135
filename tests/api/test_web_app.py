"""The web app as the server serves it (docs/behaviour.md, "The web app"): pages and client-side
routes, hashed assets, compression by Accept-Encoding, ETag revalidation, the pages' own
Content-Security-Policy, and the refusal of cookie-authenticated writes from another origin.

These tests read whatever app the binary embeds: they find its files through index.html."""
import gzip
import pathlib
import re

import brotli
import pytest
import requests

from conftest import PASSWORD, new_user
from raw_http import RawConn

ROOT = pathlib.Path(__file__).resolve().parents[2]


def app_routes():
    """The screens' paths as the app declares them (web/src/routes.ts): the server must serve each."""
    text = (ROOT / "web" / "src" / "routes.ts").read_text(encoding="utf-8")
    paths = sorted(set(re.findall(r"path: '(/[^']*)'", text)))
    assert len(paths) >= 5, "web/src/routes.ts lists no screens"
    return paths


CLIENT_ROUTES = ["/", "/planning/semaine/", *app_routes()]


def get(server, path, **headers):
    return requests.get(server.url + path, headers=headers, timeout=10)


@pytest.fixture(scope="module")
def index(server):
    r = get(server, "/", **{"Accept-Encoding": "identity"})
    assert r.status_code == 200, "the binary was built without the web app (make web)"
    return r


def referenced_assets(html):
    """The /assets/ files index.html loads (scripts, styles, preloads, icons)."""
    found = set(re.findall(r'(?:src|href)="(/assets/[^"]+)"', html))
    assert found, "index.html references no /assets/ file"
    return sorted(found)


def test_the_app_is_served_at_the_root_as_a_page(index):
    assert index.headers["Content-Type"] == "text/html; charset=utf-8"
    assert index.text.lstrip().lower().startswith("<!doctype html>")
    assert index.headers["Cache-Control"] == "no-cache"
    assert re.fullmatch(r'"[0-9a-f]{20}"', index.headers["ETag"])


def test_pages_get_a_strict_policy_of_their_own(index):
    policy = index.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "http:" not in policy and "https:" not in policy  # nothing from another origin


def test_the_api_keeps_its_own_policy(server):
    r = get(server, "/healthz")
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.parametrize("path", CLIENT_ROUTES)
def test_client_side_routes_load_the_app(server, index, path):
    r = get(server, path, **{"Accept-Encoding": "identity"})
    assert r.status_code == 200
    assert r.content == index.content
    assert r.headers["ETag"] == index.headers["ETag"]


@pytest.mark.parametrize("path", ["/api/nothing", "/api", "/cal/nothing", "/assets/absent-00000000.js",
                                  "/missing.png", "/nope", "/planningx"])
def test_unknown_paths_keep_their_json_404(server, path):
    r = get(server, path)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_landing_on_an_unknown_page_gets_the_app_with_404(server, index):
    r = get(server, "/nope/deeper", Accept=BROWSER_ACCEPT, **{"Accept-Encoding": "identity"})
    assert r.status_code == 404
    assert r.content == index.content  # the app shows its own "page introuvable"
    for path in ("/api/nope", "/assets/absent-00000000.js", "/missing.png"):
        api = get(server, path, Accept=BROWSER_ACCEPT)
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found", path


def test_other_methods_on_client_routes_are_not_pages(server):
    r = requests.post(server.url + "/planning", json={}, timeout=10)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    root = requests.post(server.url + "/", json={}, timeout=10)
    assert root.status_code == 405
    assert "GET" in root.headers["Allow"]


def test_hashed_assets_are_cached_for_a_year(server, index):
    for path in referenced_assets(index.text):
        r = get(server, path, **{"Accept-Encoding": "identity"})
        assert r.status_code == 200, path
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable", path
        assert re.search(r"-[A-Za-z0-9_]{6,}\.[a-z0-9]+$", path), f"{path}: no content hash in the name"
        kind = path.rsplit(".", 1)[1]
        expected = {"js": "text/javascript", "css": "text/css", "woff2": "font/woff2", "svg": "image/svg+xml",
                    "png": "image/png"}.get(kind)
        if expected:
            assert r.headers["Content-Type"].startswith(expected), path


def text_files(index):
    return ["/"] + [p for p in referenced_assets(index.text) if p.endswith((".js", ".css", ".svg"))]


@pytest.mark.parametrize("coding,decode", [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_text_is_served_compressed_as_asked(server, index, coding, decode):
    for path in text_files(index):
        plain = get(server, path, **{"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers
        r = requests.get(server.url + path, headers={"Accept-Encoding": coding}, timeout=10, stream=True)
        raw = r.raw.read(decode_content=False)
        assert r.headers.get("Content-Encoding") == coding, path
        assert r.headers["Vary"] == "Accept-Encoding", path
        assert decode(raw) == plain.content, path
        assert len(raw) < len(plain.content), path
        assert r.headers["ETag"] != plain.headers["ETag"], "each encoding needs its own strong tag"


def test_brotli_is_preferred_and_weights_are_honoured(server, index):
    assert get(server, "/", **{"Accept-Encoding": "gzip, deflate, br"}).headers["Content-Encoding"] == "br"
    assert get(server, "/", **{"Accept-Encoding": "br;q=0.1, gzip"}).headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in get(server, "/", **{"Accept-Encoding": "br;q=0, gzip;q=0"}).headers


def test_revalidation_gets_304_without_a_body(server, index):
    conn = RawConn(server.port)
    try:
        tag = index.headers["ETag"]
        r = conn.request("GET", "/", {"If-None-Match": tag, "Accept-Encoding": "identity"})
        assert r.status == 304
        assert r.body == b""
        assert r.headers["etag"] == tag
        assert r.headers["cache-control"] == "no-cache"
        # A weak form and a list match too; another tag does not (same connection: framing held).
        assert conn.request("GET", "/planning", {"If-None-Match": f'"x", W/{tag}'}).status == 304
        fresh = conn.request("GET", "/", {"If-None-Match": '"other"', "Accept-Encoding": "identity"})
        assert fresh.status == 200
        assert fresh.body == index.content
    finally:
        conn.close()


def test_head_gives_the_headers_of_get_without_the_body(server, index):
    conn = RawConn(server.port)
    try:
        for path in ["/", "/coach", referenced_assets(index.text)[0]]:
            full = conn.request("GET", path, {"Accept-Encoding": "gzip"})
            head = conn.request("HEAD", path, {"Accept-Encoding": "gzip"})
            assert head.status == 200 and head.body == b""
            for name in ("content-type", "content-length", "etag", "cache-control", "content-encoding"):
                assert head.headers.get(name) == full.headers.get(name), (path, name)
    finally:
        conn.close()


# --- Cross-origin writes with the session cookie ------------------------------------------------

PLANNING = {"titre": "Révisions", "periode": "semaine", "dateDebut": "2030-01-07T00:00:00.000Z", "sessions": []}


def cookie_post(server, token, path, body, **headers):
    return requests.post(server.url + path, json=body, timeout=10,
                         headers={"Cookie": f"token={token}", **headers})


def planning_count(user):
    return len(user.get("/api/planning").json()["items"])


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
])
def test_a_cookie_write_from_another_origin_is_refused_and_changes_nothing(server, headers):
    u = new_user(server)
    r = cookie_post(server, u.token, "/api/planning", PLANNING, **headers)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "cross_origin_request"
    assert planning_count(u) == 0
    # Deleting the account the same way fails too.
    d = requests.delete(server.url + "/api/users/me", json={"password": PASSWORD}, timeout=10,
                        headers={"Cookie": f"token={u.token}", **headers})
    assert d.status_code == 403
    assert u.get("/api/users/me").status_code == 200


def test_a_form_post_from_another_site_is_refused_before_its_content_type(server):
    # What a hidden auto-submitting form sends: a simple request, no preflight.
    u = new_user(server)
    r = requests.post(server.url + "/api/planning", data="titre=x", timeout=10,
                      headers={"Cookie": f"token={u.token}", "Origin": "http://evil.example",
                               "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403
    assert planning_count(u) == 0


def test_the_apps_own_pages_and_scripts_may_write(server):
    u = new_user(server)
    same = cookie_post(server, u.token, "/api/planning", PLANNING, Origin=server.url,
                       **{"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 201, same.text
    scripted = cookie_post(server, u.token, "/api/planning", PLANNING)  # no browser header at all
    assert scripted.status_code == 201
    bearer = u.post("/api/planning", json=PLANNING, headers={"Origin": "http://evil.example"})
    assert bearer.status_code == 201  # a bearer token is never sent by a browser on its own
    reads = requests.get(server.url + "/api/planning", timeout=10,
                         headers={"Cookie": f"token={u.token}", "Origin": "http://evil.example"})
    assert reads.status_code == 200  # reads change nothing (and CORS keeps their answer from the page)
    assert planning_count(u) == 3


def test_public_url_and_cors_origins_are_trusted(make_server):
    s = make_server(env={"PUBLIC_URL": "https://planetude.example/app", "CORS_ORIGIN": "http://localhost:3000"})
    u = new_user(s)
    for origin in ("https://planetude.example", "http://localhost:3000"):
        assert cookie_post(s, u.token, "/api/planning", PLANNING, Origin=origin).status_code == 201, origin
    assert cookie_post(s, u.token, "/api/planning", PLANNING, Origin="http://planetude.example").status_code == 403
