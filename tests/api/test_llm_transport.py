"""PixelCoach's outbound transport for real: TLS verification and the HTTPS_PROXY tunnel of
src/http/client.cpp, black-box, against the fake LLM server speaking HTTPS (tests/fakes/fake_llm.py
--tls-cert) and a CONNECT proxy (tests/fakes/connect_proxy.py).

A test PKI is made at test time with the openssl CLI (tests/fakes/pki.py): a test CA, a certificate
from it for localhost + 127.0.0.1, one from it for wrong.example only, a self-signed localhost
certificate, and a localhost certificate from another CA. The server trusts only the test CA, through
SSL_CERT_FILE (OpenSSL's set_default_verify_paths() reads it).

What is checked (README "Configuration", docs/api.md (chat with pixelcoach)):
- a trusted certificate: the provider answers (`source` "gemini"/"openai"), JSON and streamed;
- a certificate for another name, a self-signed one, one from a CA that is not trusted: the client
  refuses it during the handshake, so the fake gets a ClientHello but never a request, and the built-in
  coach answers (`source: "fallback"`, status 200);
- HTTPS_PROXY (and https_proxy): one CONNECT per call to the exact host:port of the base URL, TLS
  still verified end to end through the tunnel; a proxy that refuses or is down: fallback;
- plain http:// base URLs never go through the proxy (the client tunnels only TLS);
- the logs never hold the API keys (nor a proxy password);
- a TLS server or a proxy that never answers is given up at LLM_TIMEOUT_MS; a student who hangs up
  cancels the upstream call through the tunnel;
- no SNI for an IP-address base URL (RFC 6066 section 3), the certificate still checked against it;
- NO_PROXY (and no_proxy): the hosts it names are reached directly, without a CONNECT;
- an https:// HTTPS_PROXY is refused at start-up (the hop to the proxy is plain HTTP);
- bracketed IPv6 literals in the base URL and in HTTPS_PROXY;
- the Host header names the port unless it is the scheme's default (RFC 9110 section 7.2).
"""
import socket
import sys
import time

import pytest
import requests

from conftest import FAKES, Fake, new_user, start_fake_program, stop_process
from test_coach_providers import GKEY, OKEY, ask, ask_stream, looks_french, pieces
from waits import llm_calls

sys.path.insert(0, str(FAKES))
from pki import available as openssl_available, make_pki  # noqa: E402

pytestmark = pytest.mark.skipif(not openssl_available(), reason="the openssl command line is not installed")

GEMINI_GEN = "/v1beta/models/gemini-2.5-flash:generateContent"
GEMINI_SSE = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
TEXT = "Bonjour ! On révise la chimie organique ce soir, à 18 h ?"
# A failure that is not a timeout must be answered well before LLM_TIMEOUT_MS (20 s by default) and the
# first-byte timeout (10 s); the logged outcome tells which ended the call, this bound only leaves a
# slow machine plenty of slack.
QUICK_S = 7.5
# How long the fakes' admin API may wait for records to settle; well under the 15 s HTTP timeout of
# the calls that ask them (a wait that times out answers with what it has, and the test says why).
SETTLE_MS = 10000


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


class Proxy:
    """A running connect_proxy.py and its admin API (plain HTTP on its own port)."""

    def __init__(self, proc, port):
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def records(self):
        r = requests.get(self.url + "/_admin/connects", params={"wait_closed": 1, "timeout_ms": SETTLE_MS},
                         timeout=SETTLE_MS / 1000 + 15)
        assert r.status_code == 200, r.text
        return r.json()

    def reset(self):
        assert requests.post(self.url + "/_admin/reset", timeout=15).status_code == 200


class Programs:
    """Fakes and proxies, each started on first use and kept for the module; every getter resets the
    program it returns, so a test sees empty records."""

    def __init__(self, pki):
        self.pki = pki
        self.started = {}

    def tls_fake(self, cert):
        """A fake serving HTTPS with pki[cert]. Only the trusted one has its admin API verified."""
        if cert not in self.started:
            proc, port = start_fake_program(FAKES / "fake_llm.py", "--gemini-key", GKEY, "--openai-key", OKEY,
                                            "--tls-cert", self.pki[cert]["cert"], "--tls-key", self.pki[cert]["key"])
            self.started[cert] = Fake(proc, port, scheme="https",
                                      verify=self.pki["ca_file"] if cert == "localhost" else False)
        self.started[cert].reset()
        return self.started[cert]

    def plain_fake(self):
        if "plain" not in self.started:
            proc, port = start_fake_program(FAKES / "fake_llm.py", "--gemini-key", GKEY, "--openai-key", OKEY)
            self.started["plain"] = Fake(proc, port)
        self.started["plain"].reset()
        return self.started["plain"]

    def proxy(self, *args):
        key = ("proxy",) + args
        if key not in self.started:
            self.started[key] = Proxy(*start_fake_program(FAKES / "connect_proxy.py", *args))
        self.started[key].reset()
        return self.started[key]

    def stop(self):
        for p in self.started.values():
            stop_process(p.proc)


@pytest.fixture(scope="module")
def programs(pki):
    p = Programs(pki)
    yield p
    p.stop()


def closed_port():
    """A loopback port where nothing listens."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def gemini_env(pki, base, **extra):
    env = {"LLM_PROVIDER": "gemini", "GEMINI_API_KEY": GKEY, "GEMINI_BASE_URL": base,
           "SSL_CERT_FILE": pki["ca_file"]}
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def hellos(fake, sni="localhost"):
    """ClientHellos the fake received with that SNI name (the test's own admin calls go to 127.0.0.1,
    for which Python sends no SNI, so they are not counted)."""
    return [h for h in fake.admin("GET", "tls")["hellos"] if h["sni"] == sni]


def llm_outcomes(server, count):
    """The `outcome` of the server's llm_call log lines, once at least `count` of them were read (the
    lines are written before the answer is sent, but read from the pipe by another thread)."""
    return [e.get("outcome") for e in llm_calls(server, count)]


def assert_no_secrets(server, *extra, calls=2):
    llm_outcomes(server, calls)  # the log lines of the calls made so far have been read
    logs = "\n".join(server.logs)
    for secret in (GKEY, OKEY, *extra):
        assert secret not in logs, f"the logs contain {secret!r}"


def assert_gemini_json_and_stream(server, fake):
    """One JSON and one streamed question answered by the fake Gemini; returns its two records."""
    c = new_user(server)
    fake.script({"behaviour": "text", "text": TEXT},
                {"behaviour": "text", "text": TEXT, "chunks": 3, "delay_ms": 30})
    body = ask(c, "Que réviser ce soir ?")
    assert body["source"] == "gemini", body
    assert body["reply"] == TEXT, body
    deltas, done = ask_stream(c, "Et demain ?")
    assert done["source"] == "gemini", done
    assert deltas == pieces(TEXT, 3), deltas
    recs = fake.requests(count=2, timeout_ms=SETTLE_MS)
    assert [(r["method"], r["path"], r["query_string"], r["status"]) for r in recs] == [
        ("POST", GEMINI_GEN, "", 200), ("POST", GEMINI_SSE, "alt=sse", 200)], recs
    for r in recs:
        assert r["headers"].get("x-goog-api-key") == GKEY, r["headers"]
        assert r["rejected"] is None and r["response_complete"] is True, r
    return recs


def assert_fallback_json_and_stream(server):
    """One JSON and one streamed question, both answered by the built-in coach, quickly, with 200."""
    c = new_user(server)
    t0 = time.monotonic()
    body = ask(c, "Que réviser ce soir ?")  # asserts the 200
    assert body["source"] == "fallback", body
    assert looks_french(body["reply"]), body
    deltas, done = ask_stream(c, "Et demain ?")
    assert done["source"] == "fallback", done
    assert deltas, "the built-in coach's text streams as deltas"
    elapsed = time.monotonic() - t0
    assert elapsed < 2 * QUICK_S, f"the fallback took {elapsed:.1f}s"
    # The provider was tried twice and failed on the network level (not a timeout, not an HTTP error).
    assert llm_outcomes(server, 2) == ["network_error", "network_error"], server.logs[-20:]


# ------------------------------------------------------------------------------ TLS

def test_trusted_certificate_gemini_json_and_stream(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}"))
    recs = assert_gemini_json_and_stream(s, fake)
    for r in recs:
        # SNI carries the base URL's host name; a modern TLS version.
        assert r["tls"] is not None and r["tls"]["sni"] == "localhost", r["tls"]
        assert r["tls"]["version"] in ("TLSv1.2", "TLSv1.3"), r["tls"]
    # One new TLS connection per call (the client keeps no pool).
    assert len(hellos(fake)) == 2
    assert llm_outcomes(s, 2) == ["ok", "ok"]
    assert_no_secrets(s)


def test_ip_address_base_url_is_verified_against_the_ip_san(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    s = make_server(env=gemini_env(pki, f"https://127.0.0.1:{fake.port}"))
    recs = assert_gemini_json_and_stream(s, fake)
    assert all(r["tls"] is not None for r in recs)
    assert_no_secrets(s)


def test_no_sni_for_an_ip_address_base_url(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    s = make_server(env=gemini_env(pki, f"https://127.0.0.1:{fake.port}"))
    c = new_user(s)
    assert ask(c, "Bonjour")["source"] == "gemini"
    rec = fake.requests(count=1)[0]
    assert rec["tls"]["sni"] is None, rec["tls"]


# cert served by the fake, SSL_CERT_FILE given to the server (None: not set, the system store only)
REJECTED = {
    "wrong_host_name": ("wrong_name", "ca"),           # from the trusted CA, but for wrong.example only
    "self_signed": ("self_signed", "ca"),               # names localhost, signed by nobody trusted
    "untrusted_ca": ("other_ca_localhost", "ca"),       # names localhost, from a CA not in SSL_CERT_FILE
    "ca_not_in_cert_file": ("localhost", "other_ca"),   # our CA exists, but SSL_CERT_FILE holds another
    "system_store_only": ("localhost", None),           # no SSL_CERT_FILE: the test CA is in no system store
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_rejected_certificate_falls_back_without_sending_the_request(make_server, pki, programs, case):
    cert, trusted = REJECTED[case]
    fake = programs.tls_fake(cert)
    ssl_cert_file = None if trusted is None else pki[trusted]["cert"]
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}", SSL_CERT_FILE=ssl_cert_file))
    assert_fallback_json_and_stream(s)
    # The client reached the fake and started TLS (2 ClientHellos with SNI localhost) ...
    assert len(hellos(fake)) == 2, fake.admin("GET", "tls")
    # ... but refused the certificate, so no request (and no key) was ever sent.
    assert fake.requests() == []
    assert_no_secrets(s)


def test_openai_compatible_provider_over_tls(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    s = make_server(env={"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": f"https://localhost:{fake.port}/v1",
                         "OPENAI_MODEL": "llama3.1", "OPENAI_API_KEY": OKEY, "SSL_CERT_FILE": pki["ca_file"]})
    c = new_user(s)
    fake.script({"behaviour": "text", "text": TEXT},
                {"behaviour": "text", "text": TEXT, "chunks": 4, "delay_ms": 20})
    body = ask(c, "Salut coach")
    assert body["source"] == "openai" and body["reply"] == TEXT, body
    deltas, done = ask_stream(c, "Salut coach")
    assert done["source"] == "openai" and deltas == pieces(TEXT, 4), (deltas, done)
    recs = fake.requests(count=2)
    assert [(r["path"], bool(r["body"].get("stream")), r["status"]) for r in recs] == [
        ("/v1/chat/completions", False, 200), ("/v1/chat/completions", True, 200)], recs
    for r in recs:
        assert r["headers"].get("authorization") == f"Bearer {OKEY}", r["headers"]
        assert r["tls"]["sni"] == "localhost", r["tls"]
    assert_no_secrets(s)


def test_openai_compatible_provider_rejects_a_wrong_certificate(make_server, pki, programs):
    fake = programs.tls_fake("wrong_name")
    s = make_server(env={"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": f"https://localhost:{fake.port}/v1",
                         "OPENAI_MODEL": "llama3.1", "OPENAI_API_KEY": OKEY, "SSL_CERT_FILE": pki["ca_file"]})
    assert_fallback_json_and_stream(s)
    assert fake.requests() == [] and len(hellos(fake)) == 2
    assert_no_secrets(s)


# ------------------------------------------------------------------------------ HTTPS_PROXY

@pytest.mark.parametrize("variable,host", [("HTTPS_PROXY", "localhost"), ("https_proxy", "localhost"),
                                           ("HTTPS_PROXY", "127.0.0.1")])
def test_https_goes_through_the_proxy_tunnel(make_server, pki, programs, variable, host):
    fake = programs.tls_fake("localhost")
    proxy = programs.proxy()
    s = make_server(env=gemini_env(pki, f"https://{host}:{fake.port}", **{variable: proxy.url}))
    recs = assert_gemini_json_and_stream(s, fake)
    target = f"{host}:{fake.port}"
    connects = proxy.records()
    # One CONNECT per call, to the exact host:port of the base URL (not a resolved address).
    assert [(x["method"], x["target"], x["status"]) for x in connects] == [("CONNECT", target, 200)] * 2, connects
    for x in connects:
        assert x["headers"].get("host") == target, x["headers"]
        assert "x-goog-api-key" not in x["headers"], x["headers"]  # the key only travels inside TLS
        assert x["bytes_up"] > 0 and x["bytes_down"] > 0 and x["closed"], x
    # TLS ran end to end inside the tunnel: the fake saw the handshake (SNI localhost), the proxy only
    # ciphertext.
    assert all(r["tls"] is not None for r in recs), recs
    if host == "localhost":
        assert all(r["tls"]["sni"] == "localhost" for r in recs), recs
    assert all(r["peer"].startswith("127.0.0.1:") for r in recs)
    assert_no_secrets(s)


def test_tls_is_still_verified_through_the_proxy(make_server, pki, programs):
    fake = programs.tls_fake("wrong_name")
    proxy = programs.proxy()
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}", HTTPS_PROXY=proxy.url))
    assert_fallback_json_and_stream(s)
    connects = proxy.records()
    assert [(x["target"], x["status"]) for x in connects] == [(f"localhost:{fake.port}", 200)] * 2, connects
    assert len(hellos(fake)) == 2 and fake.requests() == []
    assert_no_secrets(s)


def test_a_proxy_that_refuses_the_tunnel_means_fallback(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    proxy = programs.proxy("--refuse")
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}", HTTPS_PROXY=proxy.url))
    assert_fallback_json_and_stream(s)
    connects = proxy.records()
    assert [(x["target"], x["status"], x["reason"]) for x in connects] == [
        (f"localhost:{fake.port}", 403, "refuse_all")] * 2, connects
    # Nothing reached the provider, not even a ClientHello.
    assert hellos(fake) == [] and fake.requests() == []
    assert_no_secrets(s)


def test_a_proxy_that_is_down_means_fallback(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}",
                                   HTTPS_PROXY=f"http://127.0.0.1:{closed_port()}"))
    assert_fallback_json_and_stream(s)
    assert hellos(fake) == [] and fake.requests() == []  # no direct connection behind the proxy's back
    assert_no_secrets(s)


def test_proxy_credentials_never_reach_the_logs(make_server, pki, programs):
    # user:password in the proxy URL: today the client drops them (no Proxy-Authorization is sent, so
    # a proxy that asks for credentials answers 407 and the built-in coach answers). Whatever it does
    # with them, the password must never be logged.
    fake = programs.tls_fake("localhost")
    proxy = programs.proxy()
    secret = "proxy-pass-Xy7Qw2"
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}",
                                   HTTPS_PROXY=f"http://alice:{secret}@127.0.0.1:{proxy.port}"))
    c = new_user(s)
    assert ask(c, "Bonjour")["source"] == "gemini"
    connects = proxy.records()
    assert [(x["target"], x["status"]) for x in connects] == [(f"localhost:{fake.port}", 200)], connects
    assert_no_secrets(s, secret, calls=1)


@pytest.mark.parametrize("proxy_state", ["up", "down"])
def test_plain_http_base_url_does_not_use_the_proxy(make_server, pki, programs, proxy_state):
    # client.cpp tunnels only https:// targets (README: "outbound HTTPS ... goes through this proxy").
    fake = programs.plain_fake()
    proxy = programs.proxy()
    proxy_url = proxy.url if proxy_state == "up" else f"http://127.0.0.1:{closed_port()}"
    s = make_server(env=gemini_env(pki, fake.url, HTTPS_PROXY=proxy_url))
    recs = assert_gemini_json_and_stream(s, fake)
    assert all(r["tls"] is None for r in recs)
    assert proxy.records() == []
    assert_no_secrets(s)


def test_no_proxy_hosts_are_reached_directly(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    proxy = programs.proxy("--refuse")
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}", HTTPS_PROXY=proxy.url,
                                   NO_PROXY="localhost,127.0.0.1"))
    c = new_user(s)
    assert ask(c, "Bonjour")["source"] == "gemini"
    assert proxy.records() == []


# ------------------------------------------------------------------------------ stalls, hang-ups, odd URLs

@pytest.fixture
def silent_listener():
    """A loopback port that accepts TCP connections (the kernel's backlog) but never reads or answers:
    a TLS server that never sends its ServerHello, or a proxy that never answers CONNECT."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    yield s.getsockname()[1]
    s.close()


@pytest.mark.parametrize("where", ["tls_handshake", "proxy_connect"])
def test_a_silent_peer_is_given_up_at_the_deadline(make_server, pki, programs, silent_listener, where):
    if where == "tls_handshake":
        env = gemini_env(pki, f"https://localhost:{silent_listener}", LLM_TIMEOUT_MS="1500")
    else:
        fake = programs.tls_fake("localhost")
        env = gemini_env(pki, f"https://localhost:{fake.port}", LLM_TIMEOUT_MS="1500",
                         HTTPS_PROXY=f"http://127.0.0.1:{silent_listener}")
    s = make_server(env=env)
    c = new_user(s)
    t0 = time.monotonic()
    body = ask(c, "Bonjour")
    elapsed = time.monotonic() - t0
    assert body["source"] == "fallback", body
    # Given up at LLM_TIMEOUT_MS=1500, not at the first-byte timeout (10 s) nor the default 20 s; a
    # slow machine only makes it later, and has 6.5 s of slack.
    assert elapsed < 8.0, f"answered after {elapsed:.2f}s (LLM_TIMEOUT_MS=1500)"
    deltas, done = ask_stream(c, "Bonjour")
    assert done["source"] == "fallback" and deltas, done
    calls = llm_calls(s, 2)
    assert [e["outcome"] for e in calls] == ["timeout", "timeout"], s.logs[-10:]
    # The server's own clock: each call waited the whole 1.5 s before giving up.
    assert all(e["latency_ms"] >= 1400 for e in calls), calls
    if where == "proxy_connect":
        assert hellos(fake) == [] and fake.requests() == []


def test_student_hang_up_cancels_the_call_through_the_tunnel(make_server, pki, programs):
    fake = programs.tls_fake("localhost")
    proxy = programs.proxy()
    s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}", HTTPS_PROXY=proxy.url))
    c = new_user(s)
    # 40 events 250 ms apart: the whole stream would last 10 s (under the 20 s LLM_TIMEOUT_MS).
    fake.script({"behaviour": "text", "chunks": 40, "delay_ms": 250,
                 "text": "Un texte assez long pour quarante morceaux, envoyés lentement un par un, "
                         "avec encore bien des mots derrière pour que chaque morceau en ait un."})
    body = b'{"message": "Raconte une longue histoire"}'
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    sock.sendall((f"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\n"
                  f"Authorization: Bearer {c.token}\r\nContent-Type: application/json\r\n"
                  f"Accept: text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
    buf = b""
    while b"event: delta" not in buf:  # the first delta came through TLS and the tunnel
        data = sock.recv(4096)
        assert data, f"connection closed before the first delta: {buf!r}"
        buf += data
    sock.close()
    # The call ended because the student left: the server logs it as cancelled ...
    assert llm_outcomes(s, 1) == ["cancelled"], s.logs[-10:]
    # ... and hung up on the provider in the middle of the stream, through the tunnel.
    rec = fake.requests(count=1, timeout_ms=SETTLE_MS)[0]
    assert rec["ended_at"] is not None, rec
    assert rec["client_disconnected"] is True and not rec["response_complete"], rec
    assert rec["events_sent"] < 40, rec["events_sent"]
    connects = proxy.records()  # waits until the tunnel has closed
    assert [(x["target"], x["status"], x["closed"]) for x in connects] == [(f"localhost:{fake.port}", 200, True)]


@pytest.mark.parametrize("proxy_url", ["https://127.0.0.1:{port}", "http://[::1:{port}"])
def test_an_unusable_proxy_url_is_refused_at_start_up(make_server, pki, programs, proxy_url):
    # A proxy that was asked for is never skipped in silence: the server does not start.
    fake = programs.tls_fake("localhost")
    proxy = programs.proxy()
    with pytest.raises(RuntimeError) as failed:
        make_server(env=gemini_env(pki, f"https://localhost:{fake.port}",
                                   HTTPS_PROXY=proxy_url.format(port=proxy.port)))
    assert "HTTPS_PROXY" in str(failed.value)


@pytest.fixture(scope="module")
def ipv6_programs():
    """A plain fake and a proxy on [::1]."""
    fake_proc, fake_port = start_fake_program(FAKES / "fake_llm.py", "--host", "::1", "--gemini-key", GKEY)
    proxy_proc, proxy_port = start_fake_program(FAKES / "connect_proxy.py", "--host", "::1")
    fake, proxy = Fake(fake_proc, fake_port), Proxy(proxy_proc, proxy_port)
    fake.url = f"http://[::1]:{fake_port}"
    proxy.url = f"http://[::1]:{proxy_port}"
    yield fake, proxy
    stop_process(fake_proc)
    stop_process(proxy_proc)


@pytest.mark.parametrize("what", ["base_url", "proxy_url"])
def test_ipv6_literal_urls(make_server, pki, programs, ipv6_programs, what):
    v6_fake, v6_proxy = ipv6_programs
    v6_fake.reset()
    if what == "base_url":
        s = make_server(env=gemini_env(pki, v6_fake.url))
        fake = v6_fake
    else:
        fake = programs.tls_fake("localhost")
        s = make_server(env=gemini_env(pki, f"https://localhost:{fake.port}", HTTPS_PROXY=v6_proxy.url))
    c = new_user(s)
    assert ask(c, "Bonjour")["source"] == "gemini"
    assert len(fake.requests(count=1)) == 1


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_host_header_names_the_port(make_server, pki, programs, scheme):
    fake = programs.tls_fake("localhost") if scheme == "https" else programs.plain_fake()
    authority = f"localhost:{fake.port}" if scheme == "https" else f"127.0.0.1:{fake.port}"
    s = make_server(env=gemini_env(pki, f"{scheme}://{authority}"))
    assert ask(new_user(s), "Bonjour")["source"] == "gemini"
    rec = fake.requests(count=1)[0]
    assert [v for k, v in rec["header_list"] if k.lower() == "host"] == [authority], rec["header_list"]
