"""PlanÉtude behind nginx (Debian's), configured with the repository's own proxy settings
(packaging/nginx/planetude-proxy.conf): a streamed coach reply goes through as deltas while it is
written, requests reach both instances, and with TRUSTED_PROXIES the registration limit counts each
student's own address (the test's clients connect to nginx from 127.0.0.2 and 127.0.0.3)."""
import http.client
import json
import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest
import requests

from conftest import FAKE_GEMINI_KEY, ROOT, new_user, unique_email
from waits import wait_for_log

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PROXY_CONF = ROOT / "packaging" / "nginx" / "planetude-proxy.conf"

pytestmark = pytest.mark.skipif(not os.access(NGINX, os.X_OK), reason="nginx is not installed (make deps)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    def __init__(self, tmp, upstream_ports):
        self.port = free_port()
        self.dir = tmp
        user = "user root root;\n" if os.geteuid() == 0 else ""  # workers as the test's user
        servers = "".join(f"    server 127.0.0.1:{p};\n" for p in upstream_ports)
        conf = f"""{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream planetude {{
{servers}    keepalive 8;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{ include {PROXY_CONF}; }}
    location = /api/chat {{ include {PROXY_CONF}; proxy_buffering off; }}
  }}
}}
"""
        (tmp / "nginx.conf").write_text(conf)
        check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                assert self.proc.poll() is None, self.proc.stderr.read()
                assert time.monotonic() < deadline, "nginx did not listen"
                time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        errors = (self.dir / "error.log").read_text() if (self.dir / "error.log").exists() else ""
        return errors


@pytest.fixture
def nginx_for(tmp_path):
    made = []

    def start(*servers):
        n = Nginx(tmp_path, [s.port for s in servers])
        made.append(n)
        return n
    yield start
    for n in made:
        errors = n.stop()
        assert "[error]" not in errors and "[crit]" not in errors and "[emerg]" not in errors, errors


def test_a_streamed_reply_goes_through_nginx_as_it_is_written(make_server, fake, nginx_for):
    env = {"LLM_PROVIDER": "gemini", "GEMINI_API_KEY": FAKE_GEMINI_KEY, "GEMINI_BASE_URL": fake.url}
    # Two instances on one SQLite file (SQLite's locks order the two processes' writes).
    a = make_server(env=env)
    b = make_server(env=env, data_dir=a.data_dir)
    n = nginx_for(a, b)
    token = requests.post(n.url + "/api/auth/register", timeout=30, json={
        "email": unique_email(), "password": "motdepasse-solide", "name": "Élève"}).json()["token"]
    text = "Un. Deux. Trois. Quatre. Cinq. Six."
    fake.script(default={"behaviour": "text", "text": text, "chunks": 6, "delay_ms": 300})
    for _ in range(2):  # round robin: one chat on each instance
        r = requests.post(n.url + "/api/chat", json={"message": "Compte"}, stream=True, timeout=30,
                          headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/event-stream"), r.headers
        arrivals = []
        buf = b""
        for piece in r.iter_content(chunk_size=None):
            buf += piece
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                event = next((line[7:] for line in block.decode().split("\n") if line.startswith("event: ")), None)
                arrivals.append((event, time.monotonic()))
        events = [e for e, _ in arrivals]
        assert events[-1] == "done" and events.count("delta") >= 3, events
        first_delta = next(t for e, t in arrivals if e == "delta")
        # Six chunks 0.3 s apart: buffered, everything would arrive at the end together.
        assert arrivals[-1][1] - first_delta >= 1.0, arrivals
    for s in (a, b):
        chats = wait_for_log(s, "request", route="/api/chat")
        assert len(chats) == 1, (s.port, chats)


def post_from(source, url_port, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", url_port, timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def test_throttling_behind_nginx_sees_each_students_address(make_server, nginx_for):
    s = make_server(env={"REGISTER_MAX_PER_IP": "2", "TRUSTED_PROXIES": "127.0.0.1"})
    n = nginx_for(s)

    def register(source):
        return post_from(source, n.port, "/api/auth/register",
                         {"email": unique_email(), "password": "motdepasse-solide", "name": "Élève"})
    assert [register("127.0.0.2") for _ in range(3)] == [201, 201, 429]
    # Another student behind the same nginx is not held back by the first one's limit.
    assert register("127.0.0.3") == 201
    # Straight to the instance, a forged header is believed only from a trusted proxy: here the
    # test itself connects from 127.0.0.1, which is one, so it counts for 127.0.0.4 as named.
    r = requests.post(s.url + "/api/auth/register", headers={"X-Forwarded-For": "127.0.0.4"}, timeout=30,
                      json={"email": unique_email(), "password": "motdepasse-solide", "name": "Élève"})
    assert r.status_code == 201, r.text
