"""Fixtures of the browser tests: the real server on SQLite (with the fake AI, or with none: the
built-in coach), Chromium at a phone or desktop viewport in a light or dark theme, and an API client
to check from the outside what the app did.

Without Chromium, ChromeDriver or axe-core the tests are skipped on a developer's machine, and fail
under CI (CI=true): a browser suite that did not run must not look green.
"""
import os
import uuid

import pytest
import requests

import browser as browser_mod
import servers

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "motdepasse-solide"


@pytest.fixture(scope="session", autouse=True)
def _tools():
    missing = browser_mod.missing_tools()
    if not os.access(servers.BIN, os.X_OK):
        missing.append(f"{servers.BIN} (make build-dev)")
    if missing:
        text = "browser tests need: " + ", ".join(missing) + " (scripts/install-deps.sh browser-tools)"
        if IN_CI:
            pytest.fail(text)
        pytest.skip(text)


class App:
    """The server (which serves the app and the API on one origin) and the fake AI if any."""

    def __init__(self, server, fake=None):
        self.server = server
        self.fake = fake

    @property
    def url(self):
        return self.server.url

    @property
    def api_url(self):
        return self.server.url

    def cleanup(self):
        self.server.cleanup()
        if self.fake:
            servers.stop_process(self.fake.proc)


def start_app(fake=None):
    env = {"LLM_PROVIDER": "fallback"}
    if fake:
        env = {"LLM_PROVIDER": "gemini", "GEMINI_API_KEY": servers.FAKE_GEMINI_KEY, "GEMINI_BASE_URL": fake.url,
               "LLM_TIMEOUT_MS": "15000"}
    server = servers.Planetude(env)
    if not server.serves_web_app:
        server.cleanup()
        pytest.fail(f"{servers.BIN} was built without the web app (its listening line: {server.listening}); "
                    "build web/dist, then the binary (make test-browser does both)")
    return App(server, fake)


@pytest.fixture(scope="module")
def app():
    """The server with PixelCoach on the fake Gemini (tests/fakes/fake_llm.py)."""
    proc, port = servers.start_fake_llm()
    a = start_app(servers.FakeAI(proc, port))
    yield a
    a.cleanup()


@pytest.fixture(scope="module")
def app_builtin():
    """The server with no AI provider: PixelCoach is the built-in coach."""
    a = start_app()
    yield a
    a.cleanup()


@pytest.fixture
def fake(app):
    app.fake.reset()
    return app.fake


@pytest.fixture
def browsers():
    """A factory of Chromium browsers: `browsers("phone", "dark")`. Each is closed after the test,
    which fails if a page of it reported a Content-Security-Policy violation or an uncaught error."""
    made = []

    def factory(viewport="desktop", theme="light", **kw):
        b = browser_mod.Browser(viewport, theme, **kw)
        made.append(b)
        return b

    yield factory
    problems = []
    for b in made:
        try:
            csp = b.csp_violations()
            errors = b.js_errors()
        finally:
            b.quit()
        problems += [f"CSP violation ({b.viewport}, {b.theme}): {m}" for m in csp]
        problems += [f"uncaught error ({b.viewport}, {b.theme}): {m}" for m in errors]
    assert not problems, "the browser reported:\n" + "\n".join(problems)


# ------------------------------------------------------------------------------ the API, from outside

class ApiUser:
    """A user as the API sees it: a bearer token of its own (not the browser's cookie)."""

    def __init__(self, app, email, password=PASSWORD, token=None):
        self.base = app.api_url
        self.email = email
        self.password = password
        self.token = token or self.login()

    def login(self):
        r = requests.post(self.base + "/api/auth/login", json={"email": self.email, "password": self.password},
                          timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def request(self, method, path, **kw):
        h = dict(kw.pop("headers", {}))
        h.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, self.base + path, headers=h, timeout=30, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def ok(self, method, path, **kw):
        r = self.request(method, path, **kw)
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def plannings(self):
        return self.ok("GET", "/api/planning?limit=100")["items"]

    def sessions(self):
        return [s for p in self.plannings() for s in p["sessions"]]


def unique_email(tag="eleve"):
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def register_via_api(app, name="Élève Test", timezone="Europe/Paris", **fields):
    email = unique_email()
    r = requests.post(app.api_url + "/api/auth/register", timeout=30, json={
        "email": email, "password": PASSWORD, "name": name, "timezone": timezone, **fields})
    assert r.status_code == 201, r.text
    return ApiUser(app, email, token=r.json()["token"])
