"""Fixtures that start the real `planetude` binary on a loopback port with a fresh SQLite file.

The binary is taken from $PLANETUDE_BIN (default: build/dev/planetude). The server is started with
PORT=0; it prints a JSON log line {"msg":"listening","port":N,...} on stdout, which tells us the port.
"""
import dataclasses
import json
import os
import re
import pathlib
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import warnings

import pytest
import requests

import contract
import raw_http

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Absolute: servers run with their data folder as working directory.
BIN = os.path.abspath(os.environ.get("PLANETUDE_BIN", str(ROOT / "build" / "dev" / "planetude")))
TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef"


# The database the suite's servers use: "sqlite" (a file in each server's data folder) or
# "postgres" (a schema of the PostgreSQL server that scripts/pg-test-server.sh started in
# $PLANETUDE_TEST_PG_DIR, one per data folder: servers sharing a folder share the database).
TEST_DATABASE = os.environ.get("PLANETUDE_TEST_DATABASE", "sqlite")
if TEST_DATABASE not in ("sqlite", "postgres"):
    raise RuntimeError(f"PLANETUDE_TEST_DATABASE must be sqlite or postgres, not {TEST_DATABASE!r}")
sqlite_only = pytest.mark.skipif(TEST_DATABASE != "sqlite", reason="about the SQLite file itself")


def postgres_admin_conninfo():
    pg_dir = os.environ.get("PLANETUDE_TEST_PG_DIR")
    if not pg_dir:
        raise RuntimeError("PLANETUDE_TEST_DATABASE=postgres needs PLANETUDE_TEST_PG_DIR (scripts/pg-test-server.sh)")
    return pathlib.Path(pg_dir, "conninfo").read_text().strip()


def postgres_sql(sql):
    """Runs SQL as the test server's superuser (psql); returns its unaligned output."""
    done = subprocess.run(["psql", postgres_admin_conninfo(), "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed: {done.stderr.strip()}")
    return done.stdout


def postgres_schema(data_dir):
    return "t_" + re.sub(r"[^a-z0-9]", "_", os.path.basename(os.path.normpath(data_dir)).lower())


def database_url(data_dir):
    """The DATABASE_URL of a server whose data folder is `data_dir`."""
    if TEST_DATABASE == "sqlite":
        return f"sqlite:{data_dir}/planetude.db"
    schema = postgres_schema(data_dir)
    postgres_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return f"{postgres_admin_conninfo()} options='-c search_path={schema}'"


class Server:
    """A running planetude process; `logs` collects every stdout/stderr line it printed."""

    def __init__(self, env=None, data_dir=None, args=("serve",)):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="planetude-test-")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOST": "127.0.0.1",
            "PORT": "0",
            "DATABASE_URL": database_url(self.data_dir) if "DATABASE_URL" not in (env or {}) else "",
            "JWT_SECRET": TEST_SECRET,
            "APP_ENV": "development",
            "LOG_LEVEL": "info",
            # The suite registers many users from 127.0.0.1; tests of that limit start their own server.
            "REGISTER_MAX_PER_IP": "100000",
        }
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                self.env[k] = os.environ[k]
        self.env.update(env or {})
        self.args = list(args)
        self.logs = []
        self._lines = queue.Queue()
        self.proc = None
        self.port = None
        self.start()

    def start(self, timeout=20):
        self.proc = subprocess.Popen(
            [BIN, *self.args], env=self.env, cwd=self.data_dir,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._pump, args=(self.proc,), daemon=True).start()
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited early:\n" + "\n".join(self.logs))
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "listening":
                self.port = entry["port"]
                contract.register_base_url(self.url)
                return
        raise RuntimeError("server did not start:\n" + "\n".join(self.logs))

    def _pump(self, proc):
        for line in proc.stdout:
            line = line.rstrip("\n")
            self.logs.append(line)
            self._lines.put(line)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def log_entries(self):
        out = []
        for line in list(self.logs):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.port is not None:
            contract.unregister_base_url(self.url)
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def restart(self):
        self.stop()
        self.start()

    def cleanup(self):
        self.stop()
        if TEST_DATABASE == "postgres" and os.path.isdir(self.data_dir):
            postgres_sql(f"DROP SCHEMA IF EXISTS {postgres_schema(self.data_dir)} CASCADE")
        shutil.rmtree(self.data_dir, ignore_errors=True)


# ------------------------------------------------------------------------------ the contract (contract.py)

# Every answer of a planetude server that goes through `requests` is checked against
# resources/openapi.json; a test fails when one of its answers breaks the document.
contract.install()
contract.install_raw(raw_http.RawConn)


def _contract_failure(phase):
    problems = contract.take_violations()
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise AssertionError(f"answers that break resources/openapi.json ({phase}):\n  {shown}{more}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    contract.take_violations()  # what earlier tests' stray threads left is not this test's
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    if outcome.excinfo is None:
        _contract_failure("setup and test")  # the setup's answers (new_user...) count too


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    outcome = yield
    if outcome.excinfo is None:
        _contract_failure("teardown")


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"contract: {contract.checked[0]} answers checked against resources/openapi.json")


# ------------------------------------------------------------------------------ the fakes (tests/fakes)

FAKES = ROOT / "tests" / "fakes"


def start_fake_program(script, *args, timeout=15):
    """Starts a tests/fakes program (fake_llm.py, connect_proxy.py) on a free loopback port with
    --exit-with-parent; returns (process, port) once it printed {"listening": PORT}."""
    proc = subprocess.Popen(["/usr/bin/python3", str(script), "--port", "0", "--exit-with-parent", *args],
                            stdout=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=timeout)
        return proc, json.loads(line)["listening"]
    except (queue.Empty, ValueError, KeyError):
        stop_process(proc)
        raise RuntimeError(f"{pathlib.Path(script).name} did not start")


def stop_process(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Fake:
    """The admin API of a running fake_llm.py (see tests/fakes/README.md).

    `scheme="https"` for a fake started with --tls-cert; `verify` is what `requests` checks its
    certificate against (a CA file, or False for the fakes whose certificate is meant to be rejected)."""

    def __init__(self, proc, port, scheme="http", verify=True):
        self.proc = proc
        self.port = port
        self.url = f"{scheme}://127.0.0.1:{port}"
        self.verify = verify

    def admin(self, method, path, **kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # urllib3's InsecureRequestWarning when verify=False
            r = requests.request(method, self.url + "/_admin/" + path, timeout=15, verify=self.verify, **kw)
        assert r.status_code == 200, r.text
        return r.json()

    def script(self, *behaviours, default=None):
        body = {"script": list(behaviours)}
        if default is not None:
            body["default"] = default
        return self.admin("POST", "script", json=body)

    def reset(self):
        self.admin("POST", "reset")

    def requests(self, since=0, count=0, timeout_ms=3000):
        """Every provider request received after `since`, once all of them have ended."""
        return self.admin("GET", "requests", params={
            "wait_done": 1, "timeout_ms": timeout_ms, "count": count, "since": since})

    def last_seq(self):
        recs = self.admin("GET", "requests")
        return recs[-1]["seq"] if recs else 0


# The keys the fake accepts in the test files that use `llm_fake`.
FAKE_GEMINI_KEY = "gk-test-shared-K2v9"
FAKE_OPENAI_KEY = "sk-test-shared-Wm4x"


@pytest.fixture(scope="module")
def llm_fake():
    """A fake Gemini/OpenAI server for one test module, emptied before each of its tests."""
    proc, port = start_fake_program(FAKES / "fake_llm.py", "--gemini-key", FAKE_GEMINI_KEY,
                                    "--openai-key", FAKE_OPENAI_KEY)
    try:
        yield Fake(proc, port)
    finally:
        stop_process(proc)


@pytest.fixture
def fake(llm_fake):
    llm_fake.reset()
    return llm_fake


@pytest.fixture(scope="module")
def gemini(llm_fake):
    """A server of the module whose coach is Gemini on `llm_fake`."""
    s = Server(env={"LLM_PROVIDER": "gemini", "GEMINI_API_KEY": FAKE_GEMINI_KEY, "GEMINI_BASE_URL": llm_fake.url})
    yield s
    s.cleanup()


def openai_env(fake):
    return {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": fake.url + "/v1", "OPENAI_MODEL": "llama3.1",
            "OPENAI_API_KEY": FAKE_OPENAI_KEY}


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.cleanup()


@pytest.fixture
def make_server():
    """Factory for tests that need their own server (custom env, restarts, signals)."""
    made = []

    def factory(**kwargs):
        s = Server(**kwargs)
        made.append(s)
        return s

    yield factory
    for s in made:
        s.cleanup()


class Client:
    """A thin requests wrapper bound to one server, with an optional bearer token."""

    def __init__(self, base, token=None):
        self.base = base
        self.token = token
        self.http = requests.Session()

    def request(self, method, path, token=None, headers=None, **kw):
        h = dict(headers or {})
        tok = token if token is not None else self.token
        if tok:
            h.setdefault("Authorization", f"Bearer {tok}")
        return self.http.request(method, self.base + path, headers=h, timeout=30, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def unique_email():
    return f"eleve-{uuid.uuid4().hex[:12]}@example.com"


PASSWORD = "motdepasse-solide"


@dataclasses.dataclass
class User:
    """A registered user of one server, as `new_user` returns it.

    It sends requests as itself: `u.get(path)`, `u.post(path, json=...)`... go through `client`,
    which adds `Authorization: Bearer <token>` and holds no cookie (the registration's `token`
    cookie is not kept), so a test that wants the cookie sends it itself."""
    email: str            # as stored (trimmed, lowercased)
    password: str         # as sent
    name: str             # as stored
    token: str
    id: str
    profile: dict         # the "user" object of the registration response
    registration: dict    # the whole registration response: token, user, expiresAt
    client: Client        # bound to the server, sends `token`

    @property
    def timezone(self):
        return self.profile["timezone"]

    @property
    def headers(self):
        """The Authorization header of this user, for calls made without `client`."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def session(self):
        """The requests.Session under `client` (its cookie jar, connection pool)."""
        return self.client.http

    def request(self, method, path, **kw):
        return self.client.request(method, path, **kw)

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, **kw):
        return self.client.post(path, **kw)

    def put(self, path, **kw):
        return self.client.put(path, **kw)

    def patch(self, path, **kw):
        return self.client.patch(path, **kw)

    def delete(self, path, **kw):
        return self.client.delete(path, **kw)


def new_user(server, *, email=None, password=PASSWORD, name="Élève Test", timezone="UTC", **fields):
    """Registers a fresh user on `server` (a Server) and returns it as a User; asserts the 201.

    Defaults: a unique email, PASSWORD, the name "Élève Test" and the time zone "UTC";
    timezone=None leaves the field out. Other registration fields (preferences=...) are sent as given.
    Tests about the registration request itself post to /api/auth/register directly."""
    body = {"email": email or unique_email(), "password": password, "name": name}
    if timezone is not None:
        body["timezone"] = timezone
    body.update(fields)
    r = requests.post(server.url + "/api/auth/register", json=body, timeout=30)
    assert r.status_code == 201, r.text
    data = r.json()
    profile = data["user"]
    return User(email=profile["email"], password=password, name=profile["name"], token=data["token"],
                id=profile["_id"], profile=profile, registration=data,
                client=Client(server.url, data["token"]))


@pytest.fixture
def user(server):
    """A freshly registered user on the shared server (a User, see new_user)."""
    return new_user(server)


def assert_error(resp, status, code):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    return body["error"]


# Words that betray an English message: the API speaks French to people.
ENGLISH = re.compile(
    r"\b(the|must|is|are|required|invalid|not|found|too|unknown|field|wrong|expired|should|"
    r"missing|credentials|characters|least|most|already|taken|unauthorized|forbidden|"
    r"overlap|overlaps|outside)\b", re.I)


def assert_french_error(resp, status, code):
    """assert_error, plus: a French message and well-formed optional details."""
    e = assert_error(resp, status, code)
    assert not ENGLISH.search(e["message"]), f"message does not look French: {e['message']!r}"
    assert set(e) <= {"code", "message", "details"}, e
    if "details" in e:
        assert isinstance(e["details"], list), e
        for d in e["details"]:
            assert isinstance(d, dict) and isinstance(d.get("path"), str), e
            assert isinstance(d.get("message"), str) and d["message"], e
    return e


def detail_paths(e):
    return [d["path"] for d in e.get("details", [])]


def assert_invalid(resp, path):
    """400 validation_failed whose details name `path`."""
    e = assert_french_error(resp, 400, "validation_failed")
    assert path in detail_paths(e), f"expected a detail for {path!r}: {e}"
    return e
