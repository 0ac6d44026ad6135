"""The processes the browser tests talk to: the real `planetude` binary on a fresh SQLite file, the
fake AI provider of tests/fakes, and second-origin pages (the attacker of the cross-origin test).

The binary is $PLANETUDE_BIN (default build/dev/planetude). It serves the web app it was built with
(web/dist embedded at build time; its `listening` log line says `"web_app": true`).
"""
import http.server
import json
import os
import pathlib
import queue
import shutil
import signal
import socketserver
import subprocess
import tempfile
import threading
import time
import uuid

import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.path.abspath(os.environ.get("PLANETUDE_BIN", str(ROOT / "build" / "dev" / "planetude")))
FAKES = ROOT / "tests" / "fakes"
TEST_SECRET = "browser-test-secret-0123456789abcdef0123456789"

# The keys the fake AI accepts (the server is configured with the same).
FAKE_GEMINI_KEY = "gk-browser-tests-7Qp2"


class Planetude:
    """A running planetude process; `logs` collects every line it printed."""

    def __init__(self, env=None):
        self.data_dir = tempfile.mkdtemp(prefix="planetude-browser-")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOST": "127.0.0.1",
            "PORT": "0",
            "DATABASE_URL": f"sqlite:{self.data_dir}/planetude.db",
            "JWT_SECRET": TEST_SECRET,
            "APP_ENV": "development",
            "LOG_LEVEL": "info",
            "REGISTER_MAX_PER_IP": "100000",
            "CHAT_RATE_LIMIT": "1000",
        }
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                self.env[k] = os.environ[k]
        self.env.update(env or {})
        self.logs = []
        self.listening = None
        self._lines = queue.Queue()
        self.proc = subprocess.Popen([BIN, "serve"], env=self.env, cwd=self.data_dir, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError("planetude exited early:\n" + "\n".join(self.logs))
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "listening":
                self.listening = entry
                self.port = entry["port"]
                return
        self.stop()
        raise RuntimeError("planetude did not start:\n" + "\n".join(self.logs))

    def _pump(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.logs.append(line)
            self._lines.put(line)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def serves_web_app(self):
        return bool(self.listening and self.listening.get("web_app"))

    def log_entries(self, msg=None, **fields):
        out = []
        for line in list(self.logs):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if (msg is None or e.get("msg") == msg) and all(e.get(k) == v for k, v in fields.items()):
                out.append(e)
        return out

    def barrier(self, timeout=15):
        """One more request, then wait for its log line: every line of earlier answers is read then."""
        rid = "barrier-" + uuid.uuid4().hex
        r = requests.get(self.url + "/healthz", headers={"X-Request-Id": rid}, timeout=30)
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + timeout
        while not self.log_entries("request", request_id=rid):
            assert time.monotonic() < deadline, "the barrier request was never logged"
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def start_fake_llm():
    """tests/fakes/fake_llm.py on a free loopback port; returns (process, port)."""
    proc = subprocess.Popen(["/usr/bin/python3", str(FAKES / "fake_llm.py"), "--port", "0", "--exit-with-parent",
                             "--gemini-key", FAKE_GEMINI_KEY], stdout=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        return proc, json.loads(lines.get(timeout=15))["listening"]
    except (queue.Empty, ValueError, KeyError):
        stop_process(proc)
        raise RuntimeError("fake_llm.py did not start")


def stop_process(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class FakeAI:
    """The admin API of a running fake_llm.py (tests/fakes/README.md)."""

    def __init__(self, proc, port):
        self.proc = proc
        self.url = f"http://127.0.0.1:{port}"

    def admin(self, method, path, **kw):
        r = requests.request(method, self.url + "/_admin/" + path, timeout=15, **kw)
        assert r.status_code == 200, r.text
        return r.json()

    def script(self, *behaviours, default=None):
        body = {"script": list(behaviours)}
        if default is not None:
            body["default"] = default
        return self.admin("POST", "script", json=body)

    def reset(self):
        self.admin("POST", "reset")

    def requests(self):
        return self.admin("GET", "requests", params={"wait_done": 1, "timeout_ms": 3000})


class _QuietThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class StaticPages:
    """A loopback origin of its own (another port) that serves fixed HTML pages: `pages` maps a
    path to its HTML, or to (HTML, {extra headers}). Used as the attacker's site and by the
    harness self-tests. `hits` records the paths requested."""

    def __init__(self, pages):
        self.pages = dict(pages)
        self.hits = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits.append(self.path)
                page = outer.pages.get(self.path.split("?")[0])
                if page is None:
                    self.send_error(404)
                    return
                body, headers = page if isinstance(page, tuple) else (page, {})
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = _QuietThreadingServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
