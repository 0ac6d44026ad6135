"""Self-tests of tests/fakes/connect_proxy.py: tunnels (plain and TLS through them), the exact CONNECT
target recorded, --refuse, loopback-only targets, unreachable targets, non-CONNECT requests, admin API.

Standard library only (plus pytest and the openssl CLI for the TLS case).
Run: /usr/bin/python3 -m pytest tests/fakes -q
"""
import http.client
import json
import os
import pathlib
import select
import socket
import ssl
import subprocess
import sys
import time

import pytest

HERE = pathlib.Path(__file__).resolve().parent
PROXY = HERE / "connect_proxy.py"
FAKE = HERE / "fake_llm.py"
GKEY = "test-gemini-key"
GEN = "/v1beta/models/gemini-2.5-flash:generateContent"
BODY = {"contents": [{"parts": [{"text": "Bonjour"}], "role": "user"}]}


class Proc:
    """A fake or the proxy, started on a free port; `port` from its {"listening": PORT} line."""

    def __init__(self, script, *args):
        self.proc = subprocess.Popen([sys.executable, str(script), "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready, _, _ = select.select([self.proc.stdout], [], [], 15)
        if not ready:
            self.stop()
            raise RuntimeError("%s did not start" % script.name)
        self.first_line = self.proc.stdout.readline()
        self.port = json.loads(self.first_line)["listening"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request("GET", path)
        r = c.getresponse()
        data = r.read()
        c.close()
        is_json = (r.getheader("Content-Type") or "").startswith("application/json")
        return r.status, json.loads(data) if is_json else data

    def records(self):
        status, recs = self.get("/_admin/connects?wait_closed=1&timeout_ms=8000")
        assert status == 200
        return recs

    def reset(self):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request("POST", "/_admin/reset")
        assert c.getresponse().status == 200
        c.close()


@pytest.fixture(scope="module")
def proxy():
    p = Proc(PROXY)
    yield p
    p.stop()


@pytest.fixture(autouse=True)
def _reset(request):
    if "proxy" in request.fixturenames:
        request.getfixturevalue("proxy").reset()


@pytest.fixture(scope="module")
def plain_fake():
    f = Proc(FAKE, "--gemini-key", GKEY)
    yield f
    f.stop()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    from pki import available, make_pki
    if not available():
        pytest.skip("the openssl command line is not installed")
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_fake(pki):
    f = Proc(FAKE, "--gemini-key", GKEY, "--tls-cert", pki["localhost"]["cert"], "--tls-key", pki["localhost"]["key"])
    yield f
    f.stop()


def connect(proxy_port, target, extra=b""):
    """Sends CONNECT target (plus `extra` bytes right behind it); returns (socket, status line, rest read)."""
    s = socket.create_connection(("127.0.0.1", proxy_port), timeout=10)
    s.sendall(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target.encode(), target.encode()) + extra)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    return s, head.split(b"\r\n")[0].decode(), rest


def read_all(s):
    out = b""
    while True:
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            break
        if not d:
            break
        out += d
    return out


def test_prints_listening_line(proxy):
    assert proxy.first_line == ('{"listening": %d}\n' % proxy.port).encode()


def test_tunnel_carries_bytes_both_ways(proxy, plain_fake):
    target = "127.0.0.1:%d" % plain_fake.port
    data = json.dumps(BODY).encode()
    req = ("POST %s HTTP/1.1\r\nHost: x\r\nx-goog-api-key: %s\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
           % (GEN, GKEY, len(data))).encode() + data
    # The request is sent in the same packet as the CONNECT head: the proxy must forward those bytes too.
    s, status, rest = connect(proxy.port, target, extra=req)
    assert status == "HTTP/1.1 200 Connection established"
    answer = rest + read_all(s)
    s.close()
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200]
    assert b'"finishReason": "STOP"' in answer
    recs = proxy.records()
    assert len(recs) == 1, recs
    r = recs[0]
    assert r["method"] == "CONNECT" and r["target"] == target and r["status"] == 200 and r["reason"] is None
    assert r["headers"] == {"host": target}
    assert r["bytes_up"] == len(req) and r["bytes_down"] == len(answer) and r["closed"] is True


def test_tls_through_the_tunnel_with_http_client(proxy, tls_fake, pki):
    ctx = ssl.create_default_context(cafile=pki["ca_file"])
    c = http.client.HTTPSConnection("127.0.0.1", proxy.port, context=ctx, timeout=10)
    c.set_tunnel("localhost", tls_fake.port)
    c.request("POST", GEN, body=json.dumps(BODY), headers={"x-goog-api-key": GKEY, "Content-Type": "application/json"})
    r = c.getresponse()
    assert r.status == 200
    assert json.loads(r.read())["candidates"][0]["finishReason"] == "STOP"
    c.close()
    recs = proxy.records()
    assert [(x["target"], x["status"]) for x in recs] == [("localhost:%d" % tls_fake.port, 200)], recs


def test_refuses_targets_that_are_not_loopback(proxy):
    for target in ("example.com:443", "10.1.2.3:443", "8.8.8.8:53", "[2001:db8::1]:443", "localhost.example:443"):
        s, status, rest = connect(proxy.port, target)
        rest += read_all(s)
        s.close()
        assert status == "HTTP/1.1 403 Forbidden", (target, status)
        assert b"loopback" in rest
    recs = proxy.records()
    assert [(x["target"], x["status"], x["reason"]) for x in recs] == [
        ("example.com:443", 403, "not_loopback"), ("10.1.2.3:443", 403, "not_loopback"),
        ("8.8.8.8:53", 403, "not_loopback"), ("[2001:db8::1]:443", 403, "not_loopback"),
        ("localhost.example:443", 403, "not_loopback")]


def test_bad_and_unreachable_targets(proxy):
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    closed_port = free.getsockname()[1]
    free.close()  # nothing listens there now
    s, status, _ = connect(proxy.port, "127.0.0.1:%d" % closed_port)
    s.close()
    assert status == "HTTP/1.1 502 Bad Gateway"
    s, status, _ = connect(proxy.port, "localhost")
    s.close()
    assert status == "HTTP/1.1 400 Bad Request"
    recs = proxy.records()
    assert [(x["status"], x["reason"]) for x in recs] == [(502, "unreachable"), (400, "bad_target")]


def test_plain_proxy_requests_are_refused_and_recorded(proxy, plain_fake):
    s = socket.create_connection(("127.0.0.1", proxy.port), timeout=10)
    target = "http://127.0.0.1:%d%s" % (plain_fake.port, GEN)
    s.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % target.encode())
    answer = read_all(s)
    s.close()
    assert answer.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    assert b"Connection: close" in answer
    recs = proxy.records()
    assert [(x["method"], x["target"], x["status"], x["reason"]) for x in recs] == [
        ("GET", target, 405, "not_connect")]
    # The fake was never reached.
    status, reqs = plain_fake.get("/_admin/requests")
    assert status == 200 and all(r["path"] != GEN or r["method"] != "GET" for r in reqs)


def test_admin_routes(proxy):
    assert proxy.get("/_admin/connects") == (200, [])
    status, body = proxy.get("/_admin/nothing")
    assert status == 404 and body == b"no such admin route\n"
    assert proxy.records() == []  # admin requests are not recorded


def test_refuse_option(plain_fake):
    p = Proc(PROXY, "--refuse")
    try:
        target = "127.0.0.1:%d" % plain_fake.port
        s, status, rest = connect(p.port, target)
        rest += read_all(s)
        s.close()
        assert status == "HTTP/1.1 403 Forbidden"
        assert [(x["target"], x["status"], x["reason"], x["bytes_up"]) for x in p.records()] == [
            (target, 403, "refuse_all", 0)]
    finally:
        p.stop()


def test_exit_with_parent(tmp_path):
    # A parent shell starts the proxy in the background, waits for its listening line, prints the
    # proxy's pid and exits.
    out = tmp_path / "listening"
    sh = subprocess.run(
        ["/bin/sh", "-c", '"$0" "$1" --port 0 --exit-with-parent > "$2" & echo $!; '
                          'while [ ! -s "$2" ]; do sleep 0.05; done', sys.executable, str(PROXY), str(out)],
        stdout=subprocess.PIPE, timeout=15)
    pid = int(sh.stdout.split()[0])
    assert json.loads(out.read_text())["listening"] > 0
    # The proxy notices within about a second that its parent is gone (polling /proc, no fixed sleep);
    # the wait ends as soon as it has exited, 15 s is only the give-up point.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            state = pathlib.Path("/proc/%d/stat" % pid).read_text().split(") ")[1][0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state == "Z":  # exited, waiting for init to reap it
            return
        time.sleep(0.05)
    os.kill(pid, 15)
    pytest.fail("the proxy did not exit with its parent")
