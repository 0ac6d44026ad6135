"""Self-tests of tests/fakes/fake_llm.py: each behaviour's exact wire format (status line, headers,
chunked framing, SSE bytes, JSON shapes, error bodies), checked against the real services' formats
(see tests/fakes/README.md).

Standard library only (plus pytest). Run from the repository root:
/usr/bin/python3 -m pytest tests/fakes -q
The 1,000-stream load check is opt-in: FAKE_LLM_LOAD=1 (it takes about 10 s).
"""
import asyncio
import http.client
import json
import os
import pathlib
import re
import select
import socket
import subprocess
import sys
import threading
import time

import pytest

FAKE = pathlib.Path(__file__).resolve().parent / "fake_llm.py"
GKEY = "test-gemini-key"
OKEY = "sk-test-openai-0123456789abcdef"
MODEL = "gemini-2.5-flash"
GEN = "/v1beta/models/%s:generateContent" % MODEL
SSE = "/v1beta/models/%s:streamGenerateContent?alt=sse" % MODEL
CHAT = "/v1/chat/completions"

# The minimal Gemini request body, exactly as @google/genai sends it.
GEMINI_BODY = {
    "contents": [{"parts": [{"text": "Bonjour"}], "role": "user"}],
    "systemInstruction": {"parts": [{"text": "Tu es PixelCoach."}], "role": "user"},
    "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}],
    "generationConfig": {"temperature": 0.4, "maxOutputTokens": 256, "thinkingConfig": {"thinkingBudget": 0}},
}
OPENAI_BODY = {"model": "gpt-4o-mini", "messages": [
    {"role": "system", "content": "Tu es PixelCoach."}, {"role": "user", "content": "Bonjour"}]}
GH = {"x-goog-api-key": GKEY, "Content-Type": "application/json"}
OH = {"Authorization": "Bearer " + OKEY, "Content-Type": "application/json"}


# ---------------------------------------------------------------------------------------------
# Harness
# ---------------------------------------------------------------------------------------------

class Fake:
    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, str(FAKE), "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready, _, _ = select.select([self.proc.stdout], [], [], 15)
        if not ready:
            self.stop()
            raise RuntimeError("fake did not start")
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

    def call(self, method, path, body=None, headers=None, timeout=10):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        c.request(method, path, body=data, headers=headers or {})
        r = c.getresponse()
        raw = r.read()
        c.close()
        return r, raw

    def admin(self, method, path, obj=None):
        r, raw = self.call(method, "/_admin/" + path, obj)
        return r.status, json.loads(raw)

    def script(self, *behaviours, default=None):
        payload = list(behaviours) if default is None else {"script": list(behaviours), "default": default}
        status, out = self.admin("POST", "script", payload)
        assert status == 200, out
        return out

    def requests(self, wait=False, timeout_ms=8000):  # answered once settled; < the 10 s HTTP timeout
        q = "?wait_done=1&timeout_ms=%d" % timeout_ms if wait else ""
        return self.admin("GET", "requests" + q)[1]


@pytest.fixture(scope="module")
def fake():
    f = Fake("--gemini-key", GKEY, "--openai-key", OKEY)
    yield f
    f.stop()


@pytest.fixture(autouse=True)
def _reset(request):
    if "fake" in request.fixturenames:
        f = request.getfixturevalue("fake")
        assert f.admin("POST", "reset")[0] == 200


def raw_exchange(port, method, path, body=None, headers=None, timeout=10):
    """Send one request with Connection: close and return every byte of the answer."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    data = data or b""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port, "Connection: close",
             "Content-Length: %d" % len(data)]
    lines += ["%s: %s" % kv for kv in (headers or {}).items()]
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        out += chunk
    s.close()
    return out


def split_response(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = [tuple(x.split(": ", 1)) for x in lines[1:]]
    return lines[0], headers, body


def hdr(headers, name):
    vals = [v for k, v in headers if k.lower() == name.lower()]
    return vals[0] if vals else None


def dechunk(body):
    """Returns (payloads of each HTTP chunk, whether the terminating 0-size chunk was seen)."""
    out, pos = [], 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            return out, False
        size = int(body[pos:end], 16)
        if size == 0:
            assert body[end:] == b"\r\n\r\n"
            return out, True
        out.append(body[end + 2:end + 2 + size])
        assert body[end + 2 + size:end + 4 + size] == b"\r\n"
        pos = end + 4 + size


def gemini_events(payload, sep=b"\r\n\r\n"):
    """Splits an SSE body the strict way: every event is `data: <one-line JSON>` + sep, nothing else."""
    assert payload.endswith(sep)
    events = payload.split(sep)[:-1]
    out = []
    for ev in events:
        assert ev.startswith(b"data: "), ev
        assert b"\n" not in ev and b"\r" not in ev
        line = ev[len(b"data: "):].decode("utf-8")
        obj = json.loads(line)
        # One line, ": " after keys, no space after commas (as real Gemini streams).
        assert line == json.dumps(obj, ensure_ascii=False, separators=(",", ": "))
        out.append(obj)
    return out


def gemini_stream(fake, body=None, headers=None, path=SSE):
    raw = raw_exchange(fake.port, "POST", path, body or GEMINI_BODY, headers or GH)
    status, hs, body = split_response(raw)
    return status, hs, body


def openai_events(payload):
    assert payload.endswith(b"\n\n")
    out = []
    for ev in payload.split(b"\n\n")[:-1]:
        assert ev.startswith(b"data: ") and b"\n" not in ev and b"\r" not in ev, ev
        data = ev[6:].decode()
        out.append(data if data == "[DONE]" else json.loads(data))
    return out


def pretty(obj, indent=2):
    return (json.dumps(obj, ensure_ascii=False, indent=indent) + "\n").encode()


# ---------------------------------------------------------------------------------------------
# Start-up and HTTP plumbing
# ---------------------------------------------------------------------------------------------

def test_prints_listening_line(fake):
    assert fake.first_line == ('{"listening": %d}\n' % fake.port).encode()


def test_keep_alive_and_expect_continue(fake):
    c = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    for _ in range(2):
        c.request("POST", GEN, body=json.dumps(GEMINI_BODY), headers=GH)
        r = c.getresponse()
        assert r.status == 200 and r.getheader("Connection") is None
        json.loads(r.read())
    c.close()
    recs = fake.requests()
    assert recs[0]["peer"] == recs[1]["peer"]  # same TCP connection

    s = socket.create_connection(("127.0.0.1", fake.port), timeout=5)
    data = json.dumps(GEMINI_BODY).encode()
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nx-goog-api-key: %s\r\nExpect: 100-continue\r\n"
               "Content-Length: %d\r\n\r\n" % (GEN, GKEY, len(data))).encode())
    assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
    s.sendall(data)
    assert s.recv(20).startswith(b"HTTP/1.1 200 OK\r\n")
    s.close()


def test_chunked_request_body_is_read(fake):
    data = json.dumps(GEMINI_BODY).encode()
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data)
    s = socket.create_connection(("127.0.0.1", fake.port), timeout=5)
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nx-goog-api-key: %s\r\nTransfer-Encoding: chunked\r\n"
               "Connection: close\r\n\r\n" % (GEN, GKEY)).encode() + body)
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
    assert out.startswith(b"HTTP/1.1 200 OK\r\n")
    assert fake.requests()[-1]["body"] == GEMINI_BODY


# ---------------------------------------------------------------------------------------------
# Gemini (REST v1beta)
# ---------------------------------------------------------------------------------------------

def test_gemini_unary_text(fake):
    fake.script({"behaviour": "text", "text": "Salut Léa !", "prompt_tokens": 8, "candidates_tokens": 7,
                 "thoughts_tokens": 23})
    raw = raw_exchange(fake.port, "POST", GEN, GEMINI_BODY, GH)
    status, hs, body = split_response(raw)
    assert status == "HTTP/1.1 200 OK"
    assert hdr(hs, "Content-Type") == "application/json; charset=UTF-8"
    assert int(hdr(hs, "Content-Length")) == len(body)
    obj = json.loads(body)
    assert body == pretty(obj)  # pretty-printed, 2-space indent (as real Gemini responses)
    assert list(obj) == ["candidates", "usageMetadata", "modelVersion", "responseId"]
    assert obj["candidates"] == [{"content": {"parts": [{"text": "Salut Léa !"}], "role": "model"},
                                  "finishReason": "STOP", "index": 0}]
    assert obj["usageMetadata"] == {"promptTokenCount": 8, "candidatesTokenCount": 7, "totalTokenCount": 38,
                                    "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 8}],
                                    "thoughtsTokenCount": 23}
    assert obj["modelVersion"] == MODEL
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,23}", obj["responseId"])


def test_gemini_request_is_recorded(fake):
    fake.call("POST", GEN, GEMINI_BODY, dict(GH, **{"User-Agent": "planetude-test"}))
    rec = fake.requests(wait=True)[-1]
    assert rec["api"] == "gemini" and rec["method"] == "POST" and rec["model"] == MODEL
    assert rec["path"] == GEN and rec["query"] == {}
    assert rec["headers"]["x-goog-api-key"] == GKEY
    assert ["x-goog-api-key", GKEY] in rec["header_list"]
    assert rec["body"] == GEMINI_BODY
    assert rec["body"]["systemInstruction"]["parts"][0]["text"] == "Tu es PixelCoach."
    assert rec["behaviour"] == "text" and rec["status"] == 200
    assert rec["response_complete"] is True and rec["client_disconnected"] is False


def test_gemini_sse_framing(fake):
    text = "Bonjour Léa, on révise les intégrales aujourd'hui ?"
    fake.script({"behaviour": "text", "text": text, "chunks": 4, "thoughts_tokens": 5})
    status, hs, body = gemini_stream(fake)
    assert status == "HTTP/1.1 200 OK"
    assert hdr(hs, "Content-Type") == "text/event-stream"
    assert hdr(hs, "Transfer-Encoding") == "chunked" and hdr(hs, "Content-Length") is None
    chunks, terminated = dechunk(body)
    assert terminated and len(chunks) == 4
    payload = b"".join(chunks)
    assert b"[DONE]" not in payload
    events = gemini_events(payload)
    assert len(events) == 4
    assert "".join(e["candidates"][0]["content"]["parts"][0]["text"] for e in events) == text
    assert len({e["responseId"] for e in events}) == 1
    assert all(e["modelVersion"] == MODEL and e["candidates"][0]["index"] == 0 for e in events)
    assert all(e["candidates"][0]["content"]["role"] == "model" for e in events)
    assert [("finishReason" in e["candidates"][0]) for e in events] == [False, False, False, True]
    assert events[-1]["candidates"][0]["finishReason"] == "STOP"
    counts = [e["usageMetadata"]["candidatesTokenCount"] for e in events]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    for e in events:
        u = e["usageMetadata"]
        assert list(u) == ["promptTokenCount", "candidatesTokenCount", "totalTokenCount", "promptTokensDetails",
                           "thoughtsTokenCount"]
        assert u["totalTokenCount"] == u["promptTokenCount"] + u["candidatesTokenCount"] + 5
    # Key order of the real capture.
    assert payload.startswith(b'data: {"candidates": [{"content": {"parts": [{"text": ')


def test_gemini_stream_delay_and_separator_and_fragments(fake):
    fake.script({"behaviour": "text", "text": "abcdef", "chunks": 3, "delay_ms": 150},
                {"behaviour": "text", "text": "xy", "chunks": 2, "sse_separator": "lf"},
                {"behaviour": "text", "text": "héhé", "chunks": 1, "fragment_bytes": 7})
    c = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    c.request("POST", SSE, body=json.dumps(GEMINI_BODY), headers=GH)
    r = c.getresponse()
    t0 = time.monotonic()
    stamps = []
    buf = b""
    while True:
        d = r.read1(65536)
        if not d:
            break
        buf += d
        stamps.append(time.monotonic() - t0)
    assert len(gemini_events(buf)) == 3
    assert stamps[-1] >= 0.28  # two gaps of 150 ms
    _, _, body = gemini_stream(fake)
    assert len(gemini_events(b"".join(dechunk(body)[0]), sep=b"\n\n")) == 2
    _, _, body = gemini_stream(fake)
    chunks, term = dechunk(body)
    assert term and len(chunks) > 5 and all(len(ch) <= 7 for ch in chunks)
    assert gemini_events(b"".join(chunks))[0]["candidates"][0]["content"]["parts"][0]["text"] == "héhé"


def test_gemini_json_array_stream_without_alt(fake):
    fake.script({"behaviour": "text", "text": "abcd", "chunks": 2})
    status, hs, body = gemini_stream(fake, path="/v1beta/models/%s:streamGenerateContent" % MODEL)
    assert hdr(hs, "Content-Type") == "application/json; charset=UTF-8"
    payload = b"".join(dechunk(body)[0])
    assert payload.startswith(b"[{\n") and b"}\n,\r\n{" in payload and payload.endswith(b"}]")
    arr = json.loads(payload)
    assert [e["candidates"][0]["content"]["parts"][0]["text"] for e in arr] == ["ab", "cd"]


def test_gemini_auth(fake):
    fake.script({"behaviour": "text", "text": "kept"})
    r, body = fake.call("POST", GEN, GEMINI_BODY, {"Content-Type": "application/json"})
    assert r.status == 403 and r.reason == "Forbidden"
    assert r.getheader("Content-Type") == "application/json; charset=UTF-8"
    assert r.getheader("Retry-After") is None
    assert body == pretty({"error": {
        "code": 403,
        "message": "Method doesn't allow unregistered callers (callers without established identity). Please use "
                   "API Key or other form of API consumer identity to call this API.",
        "status": "PERMISSION_DENIED"}})

    r, body = fake.call("POST", SSE, GEMINI_BODY, {"x-goog-api-key": "AIza-wrong"})
    assert r.status == 400 and r.getheader("Content-Type") == "application/json; charset=UTF-8"
    assert json.loads(body) == {"error": {
        "code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
        "details": [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
             "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
            {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
             "message": "API key not valid. Please pass a valid API key."}]}}
    assert body == pretty(json.loads(body))

    # ?key= is accepted too; the rejected calls did not consume the script.
    r, body = fake.call("POST", GEN + "?key=" + GKEY, GEMINI_BODY)
    assert r.status == 200 and json.loads(body)["candidates"][0]["content"]["parts"][0]["text"] == "kept"
    assert [x["rejected"] for x in fake.requests()] == ["no_key", "bad_key", None]


def test_gemini_max_tokens(fake):
    fake.script({"behaviour": "max_tokens", "text": "Commence par les chap"},
                {"behaviour": "max_tokens", "no_parts": True},
                {"behaviour": "max_tokens", "text": "abcdef", "chunks": 2})
    obj = json.loads(fake.call("POST", GEN, GEMINI_BODY, GH)[1])
    assert obj["candidates"][0] == {"content": {"parts": [{"text": "Commence par les chap"}], "role": "model"},
                                    "finishReason": "MAX_TOKENS", "index": 0}
    obj = json.loads(fake.call("POST", GEN, GEMINI_BODY, GH)[1])
    assert obj["candidates"][0] == {"content": {"role": "model"}, "finishReason": "MAX_TOKENS", "index": 0}
    assert "candidatesTokenCount" not in obj["usageMetadata"] and obj["usageMetadata"]["thoughtsTokenCount"] > 0
    events = gemini_events(b"".join(dechunk(gemini_stream(fake)[2])[0]))
    assert [e["candidates"][0].get("finishReason") for e in events] == [None, "MAX_TOKENS"]


def test_gemini_safety_block(fake):
    fake.script({"behaviour": "safety"}, {"behaviour": "safety", "text": "Je vais", "chunks": 1})
    r, body = fake.call("POST", GEN, GEMINI_BODY, GH)
    assert r.status == 200
    cand = json.loads(body)["candidates"][0]
    assert "content" not in cand
    assert list(cand) == ["finishReason", "index", "safetyRatings"]
    assert cand["finishReason"] == "SAFETY"
    blocked = [x for x in cand["safetyRatings"] if x.get("blocked")]
    assert blocked == [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": True}]
    events = gemini_events(b"".join(dechunk(gemini_stream(fake)[2])[0]))
    assert events[0]["candidates"][0]["content"]["parts"] == [{"text": "Je vais"}]
    last = events[-1]["candidates"][0]
    assert "content" not in last and last["finishReason"] == "SAFETY"
    assert len({e["responseId"] for e in events}) == 1


def test_gemini_prompt_blocked(fake):
    fake.script({"behaviour": "prompt_blocked"}, {"behaviour": "prompt_blocked", "block_reason": "OTHER"})
    r, body = fake.call("POST", GEN, GEMINI_BODY, GH)
    assert r.status == 200
    obj = json.loads(body)
    assert "candidates" not in obj
    assert obj["promptFeedback"]["blockReason"] == "SAFETY"
    assert any(x.get("blocked") for x in obj["promptFeedback"]["safetyRatings"])
    assert set(obj["usageMetadata"]) == {"promptTokenCount", "totalTokenCount", "promptTokensDetails"}
    events = gemini_events(b"".join(dechunk(gemini_stream(fake)[2])[0]))
    assert len(events) == 1 and events[0]["promptFeedback"] == {"blockReason": "OTHER"}


@pytest.mark.parametrize("status,grpc,reason", [
    (404, "NOT_FOUND", "Not Found"), (500, "INTERNAL", "Internal Server Error"),
    (503, "UNAVAILABLE", "Service Unavailable"), (400, "INVALID_ARGUMENT", "Bad Request"),
    (403, "PERMISSION_DENIED", "Forbidden")])
def test_gemini_scripted_errors(fake, status, grpc, reason):
    fake.script({"behaviour": "error", "status": status})
    raw = raw_exchange(fake.port, "POST", SSE, GEMINI_BODY, GH)  # even with alt=sse: a JSON body
    line, hs, body = split_response(raw)
    assert line == "HTTP/1.1 %d %s" % (status, reason)
    assert hdr(hs, "Content-Type") == "application/json; charset=UTF-8"
    err = json.loads(body)["error"]
    assert body == pretty({"error": err})
    assert err["code"] == status and err["status"] == grpc
    if status == 404:
        assert err["message"] == ("models/gemini-2.5-flash is not found for API version v1beta, or is not supported "
                                  "for streamGenerateContent. Call ListModels to see the list of available models "
                                  "and their supported methods.")
    if status == 503:
        assert err["message"] == "The model is overloaded. Please try again later."
    if status == 400:
        assert err["details"][0]["reason"] == "API_KEY_INVALID"


def test_gemini_429_retry_info(fake):
    fake.script({"behaviour": "error", "status": 429},
                {"behaviour": "error", "status": 429, "retry_info": False})
    r, body = fake.call("POST", GEN, GEMINI_BODY, GH)
    assert r.status == 429 and r.reason == "Too Many Requests"
    assert r.getheader("Retry-After") is None  # only RetryInfo (as real Gemini 429s)
    err = json.loads(body)["error"]
    assert err["status"] == "RESOURCE_EXHAUSTED"
    assert [d["@type"].rsplit(".", 1)[1] for d in err["details"]] == ["QuotaFailure", "Help", "RetryInfo"]
    assert err["details"][2] == {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "47s"}
    assert err["details"][0]["violations"][0]["quotaDimensions"]["model"] == MODEL
    assert err["message"].startswith("You exceeded your current quota")
    err = json.loads(fake.call("POST", GEN, GEMINI_BODY, GH)[1])["error"]
    assert [d["@type"].rsplit(".", 1)[1] for d in err["details"]] == ["QuotaFailure", "Help"]


def test_gemini_function_call(fake):
    fc = {"behaviour": "function_call", "name": "getWeather", "args": {"location": "Tokyo"}, "thought_signature": "c2ln"}
    fake.script(fc, dict(fc, thoughts_tokens=104))
    cand = json.loads(fake.call("POST", GEN, GEMINI_BODY, GH)[1])["candidates"][0]
    assert cand == {"content": {"parts": [{"functionCall": {"name": "getWeather", "args": {"location": "Tokyo"}},
                                           "thoughtSignature": "c2ln"}], "role": "model"},
                    "finishReason": "STOP", "index": 0, "finishMessage": "Model generated function call(s)."}
    payload = b"".join(dechunk(gemini_stream(fake)[2])[0])
    events = gemini_events(payload)
    assert len(events) == 1  # the call arrives whole in one chunk
    assert payload.startswith(b'data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "getWeather",'
                              b'"args": {"location": "Tokyo"}},"thoughtSignature": "c2ln"}],"role": "model"},'
                              b'"finishReason": "STOP","index": 0,"finishMessage": "Model generated function call(s)."}]')


def test_gemini_json_plan(fake):
    doc = {"reply": "Voici ton plan", "proposals": [{"type": "create_planning", "payload": {"periode": "semaine"}}]}
    fake.script({"behaviour": "json_plan", "document": doc}, {"behaviour": "json_plan", "document": doc, "chunks": 5})
    obj = json.loads(fake.call("POST", GEN, GEMINI_BODY, GH)[1])
    assert json.loads(obj["candidates"][0]["content"]["parts"][0]["text"]) == doc
    events = gemini_events(b"".join(dechunk(gemini_stream(fake)[2])[0]))
    assert len(events) == 5
    assert json.loads("".join(e["candidates"][0]["content"]["parts"][0]["text"] for e in events)) == doc


def test_gemini_malformed_json(fake):
    fake.script({"behaviour": "malformed_json"}, {"behaviour": "malformed_json", "after_chunks": 1})
    r, body = fake.call("POST", GEN, GEMINI_BODY, GH)
    assert r.status == 200 and r.getheader("Content-Type") == "application/json; charset=UTF-8"
    with pytest.raises(ValueError):
        json.loads(body)
    payload = b"".join(dechunk(gemini_stream(fake)[2])[0])
    evs = payload.split(b"\r\n\r\n")
    json.loads(evs[0][6:])
    assert evs[1].startswith(b"data: {") and evs[2] == b""
    with pytest.raises(ValueError):
        json.loads(evs[1][6:])


def test_gemini_stream_error_event(fake):
    fake.script({"behaviour": "stream_error_event", "text": "abcd", "chunks": 2, "after_chunks": 1})
    status, _, body = gemini_stream(fake)
    assert status == "HTTP/1.1 200 OK"
    chunks, terminated = dechunk(body)
    assert terminated
    events = gemini_events(b"".join(chunks))
    assert len(events) == 2 and "candidates" in events[0]
    assert list(events[1]) == ["error"]
    assert events[1]["error"]["code"] == 500 and events[1]["error"]["status"] == "INTERNAL"


def test_gemini_cut_stream(fake):
    fake.script({"behaviour": "cut_stream", "text": "abcdef", "chunks": 3, "after_chunks": 2},
                {"behaviour": "cut_stream", "text": "abcdef", "chunks": 3, "after_chunks": 1})
    status, _, body = gemini_stream(fake)
    chunks, terminated = dechunk(body)
    assert status == "HTTP/1.1 200 OK" and not terminated and len(gemini_events(b"".join(chunks))) == 2
    c = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    c.request("POST", SSE, body=json.dumps(GEMINI_BODY), headers=GH)
    r = c.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        r.read()
    recs = fake.requests(wait=True)
    assert all(x["server_cut"] and not x["client_disconnected"] and not x["response_complete"] for x in recs)


def test_gemini_slow_first_byte(fake):
    fake.script({"behaviour": "slow_first_byte", "ms": 400, "text": "enfin"})
    s = socket.create_connection(("127.0.0.1", fake.port), timeout=5)
    data = json.dumps(GEMINI_BODY).encode()
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nx-goog-api-key: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
               % (GEN, GKEY, len(data))).encode() + data)
    t0 = time.monotonic()
    first = s.recv(1)
    assert first == b"H" and time.monotonic() - t0 >= 0.38
    s.close()


def _wait_for_record(fake, n=1):
    deadline = time.monotonic() + 15  # returns as soon as the record is there
    while time.monotonic() < deadline:
        recs = fake.requests()
        if len(recs) >= n:
            return recs
        time.sleep(0.02)
    raise AssertionError("request not recorded")


def test_gemini_hang_records_client_disconnect(fake):
    fake.script("hang")
    s = socket.create_connection(("127.0.0.1", fake.port), timeout=5)
    data = json.dumps(GEMINI_BODY).encode()
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nx-goog-api-key: %s\r\nContent-Length: %d\r\n\r\n"
               % (SSE, GKEY, len(data))).encode() + data)
    _wait_for_record(fake)
    s.settimeout(0.3)
    with pytest.raises(socket.timeout):
        s.recv(1)  # nothing comes
    assert fake.requests()[0]["ended_at"] is None
    s.close()
    rec = fake.requests(wait=True)[0]
    assert rec["behaviour"] == "hang" and rec["status"] is None
    assert rec["client_disconnected"] is True and rec["response_complete"] is False


def test_gemini_client_hangs_up_mid_stream(fake):
    fake.script({"behaviour": "text", "text": "abcdefghij", "chunks": 5, "delay_ms": 200})
    c = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    c.request("POST", SSE, body=json.dumps(GEMINI_BODY), headers=GH)
    r = c.getresponse()
    assert r.read1(65536).startswith(b"data: ")
    c.sock.close()
    c.close()
    rec = fake.requests(wait=True)[0]
    assert rec["client_disconnected"] is True and rec["response_complete"] is False
    assert 1 <= rec["events_sent"] < 5
    # A client that read everything did not disconnect early.
    fake.call("POST", SSE, GEMINI_BODY, GH)
    rec = fake.requests(wait=True)[-1]
    assert rec["client_disconnected"] is False and rec["response_complete"] is True


def test_gemini_validation(fake):
    fake.script({"behaviour": "text", "text": "kept"})

    def post(body):
        r, raw = fake.call("POST", GEN, body, GH)
        assert r.status == 400 and raw == pretty(json.loads(raw))
        return json.loads(raw)["error"]

    err = post(dict(GEMINI_BODY, foo=1))
    assert err["message"] == 'Invalid JSON payload received. Unknown name "foo": Cannot find field.'
    assert err["details"] == [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                               "fieldViolations": [{"description": err["message"]}]}]
    schema = {"type": "OBJECT", "properties": {"a": {"type": "STRING"}, "b": {"type": "ARRAY", "items": {
        "type": "OBJECT", "additionalProperties": False}}}}
    err = post(dict(GEMINI_BODY, generationConfig={"responseMimeType": "application/json", "responseSchema": schema}))
    path = "generation_config.response_schema.properties[1].value.items"
    assert err["message"] == ('Invalid JSON payload received. Unknown name "additionalProperties" at \'%s\': '
                              'Cannot find field.' % path)
    assert err["details"][0]["fieldViolations"] == [{"field": path, "description": err["message"]}]
    err = post(dict(GEMINI_BODY, safetySettings=[{"category": "HARM_CATEGORY_JAILBREAK", "threshold": "BLOCK_NONE"}]))
    assert err["message"] == ("Invalid value at 'safety_settings[0].category' (type.googleapis.com/google.ai."
                              "generativelanguage.v1beta.HarmCategory), \"HARM_CATEGORY_JAILBREAK\"")
    err = post(dict(GEMINI_BODY, safetySettings=[{"category": "HARM_CATEGORY_TOXICITY", "threshold": "BLOCK_NONE"}]))
    assert err["message"].startswith("* GenerateContentRequest.safety_settings[0]: element predicate failed: "
                                     "$.category in (HarmCategory.HARM_CATEGORY_HATE_SPEECH,")
    assert err["message"].endswith(")\n") and "details" not in err
    err = post({"contents": []})
    assert err == {"code": 400, "message": "* GenerateContentRequest.contents: contents is not specified\n",
                   "status": "INVALID_ARGUMENT"}
    err = post({"contents": [{"role": "system", "parts": [{"text": "x"}]}]})
    assert err["message"] == "Please use a valid role: user, model."
    err = post({"contents": [{"role": "user", "parts": [{"text": "x", "inlineData": {}}]}]})
    assert err["message"] == ("Invalid value at 'contents[0].parts[0]' (oneof), oneof field 'data' is already set. "
                              "Cannot set 'inlineData'")
    err = post(b'{"contents": [')
    assert err["message"].startswith("Invalid JSON payload received. Unexpected token.\n")
    r, raw = fake.call("POST", "/v1beta/models/gemini-2.5-pro:generateContent",
                       dict(GEMINI_BODY), GH)
    assert r.status == 400 and json.loads(raw)["error"]["message"] == \
        "Budget 0 is invalid. This model only works in thinking mode."
    # snake_case names are accepted; none of the rejected calls consumed the script.
    snake_body = {"contents": GEMINI_BODY["contents"], "system_instruction": GEMINI_BODY["systemInstruction"],
                  "generation_config": {"max_output_tokens": 10, "thinking_config": {"thinking_budget": 0}}}
    r, raw = fake.call("POST", GEN, snake_body, GH)
    assert r.status == 200 and json.loads(raw)["candidates"][0]["content"]["parts"][0]["text"] == "kept"


def test_gemini_unknown_url_is_404(fake):
    r, body = fake.call("POST", "/v1beta/models/%s:countTokenz" % MODEL, GEMINI_BODY, GH)
    assert r.status == 404 and r.getheader("Content-Type").startswith("text/html")


# ---------------------------------------------------------------------------------------------
# OpenAI-compatible
# ---------------------------------------------------------------------------------------------

def test_openai_unary(fake):
    fake.script({"behaviour": "text", "text": "Salut !", "prompt_tokens": 19, "candidates_tokens": 10})
    raw = raw_exchange(fake.port, "POST", CHAT, OPENAI_BODY, OH)
    line, hs, body = split_response(raw)
    assert line == "HTTP/1.1 200 OK" and hdr(hs, "Content-Type") == "application/json"
    obj = json.loads(body)
    assert list(obj) == ["id", "object", "created", "model", "choices", "usage", "service_tier", "system_fingerprint"]
    assert re.fullmatch(r"chatcmpl-[A-Za-z0-9]{29}", obj["id"]) and obj["object"] == "chat.completion"
    assert isinstance(obj["created"], int) and obj["model"] == "gpt-4o-mini"
    assert obj["choices"] == [{"index": 0, "message": {"role": "assistant", "content": "Salut !", "refusal": None,
                                                       "annotations": []},
                               "logprobs": None, "finish_reason": "stop"}]
    assert obj["usage"]["prompt_tokens"] == 19 and obj["usage"]["completion_tokens"] == 10
    assert obj["usage"]["total_tokens"] == 29
    rec = fake.requests()[-1]
    assert rec["api"] == "openai" and rec["headers"]["authorization"] == "Bearer " + OKEY
    assert [m["role"] for m in rec["body"]["messages"]] == ["system", "user"]


def test_openai_stream(fake):
    fake.script({"behaviour": "text", "text": "Bonjour Léa", "chunks": 3},
                {"behaviour": "text", "text": "abc", "chunks": 1})
    status, hs, body = split_response(raw_exchange(fake.port, "POST", CHAT, dict(OPENAI_BODY, stream=True), OH))
    assert status == "HTTP/1.1 200 OK" and hdr(hs, "Content-Type") == "text/event-stream"
    chunks, terminated = dechunk(body)
    assert terminated
    events = openai_events(b"".join(chunks))
    assert events[-1] == "[DONE]"
    evs = events[:-1]
    assert len({(e["id"], e["created"]) for e in evs}) == 1
    assert all(e["object"] == "chat.completion.chunk" and "usage" not in e for e in evs)
    assert evs[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    assert "".join(e["choices"][0]["delta"].get("content", "") for e in evs) == "Bonjour Léa"
    assert [e["choices"][0]["finish_reason"] for e in evs] == [None] * (len(evs) - 1) + ["stop"]
    assert evs[-1]["choices"][0]["delta"] == {}
    # include_usage: "usage": null everywhere, then one chunk with choices [] and the usage.
    body = dict(OPENAI_BODY, stream=True, stream_options={"include_usage": True})
    events = openai_events(b"".join(dechunk(split_response(raw_exchange(fake.port, "POST", CHAT, body, OH))[2])[0]))
    assert events[-1] == "[DONE]" and events[-2]["choices"] == []
    assert events[-2]["usage"]["total_tokens"] == events[-2]["usage"]["prompt_tokens"] + 1
    assert all(e["usage"] is None for e in events[:-2])


def test_openai_auth(fake):
    r, body = fake.call("POST", CHAT, OPENAI_BODY, {"Content-Type": "application/json"})
    assert r.status == 401 and r.reason == "Unauthorized"
    err = json.loads(body)["error"]
    assert body == pretty({"error": err}, 4)
    assert err["message"].startswith("You didn't provide an API key. You need to provide your API key in an "
                                     "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)")
    assert err["type"] == "invalid_request_error" and err["code"] is None and err["param"] is None
    r, body = fake.call("POST", CHAT, OPENAI_BODY, {"Authorization": "Bearer sk-wrongkey0000000000wxyz"})
    err = json.loads(body)["error"]
    assert r.status == 401 and err["code"] == "invalid_api_key"
    assert err["message"].startswith("Incorrect API key provided: sk-wr") and "wxyz. You can find" in err["message"]


def test_openai_429_and_errors(fake):
    fake.script({"behaviour": "error", "status": 429},
                {"behaviour": "error", "status": 429, "quota": True},
                {"behaviour": "error", "status": 500},
                {"behaviour": "error", "status": 503})
    r, body = fake.call("POST", CHAT, OPENAI_BODY, OH)
    assert r.status == 429 and r.getheader("Retry-After") == "7"
    err = json.loads(body)["error"]
    assert set(err) == {"message", "type", "param", "code"} and err["code"] == "rate_limit_exceeded"
    assert err["message"].startswith("Rate limit reached for gpt-4o-mini in organization")
    r, body = fake.call("POST", CHAT, OPENAI_BODY, OH)
    err = json.loads(body)["error"]
    assert r.status == 429 and r.getheader("Retry-After") is None and err["type"] == err["code"] == "insufficient_quota"
    for status in (500, 503):
        r, body = fake.call("POST", CHAT, OPENAI_BODY, OH)
        assert r.status == status and json.loads(body)["error"]["type"] == "server_error"


def test_openai_tool_calls(fake):
    fc = {"behaviour": "function_call", "name": "create_planning", "args": {"periode": "semaine", "n": 3},
          "arg_chunks": 4}
    fake.script(fc, fc)
    obj = json.loads(fake.call("POST", CHAT, OPENAI_BODY, OH)[1])
    ch = obj["choices"][0]
    assert ch["finish_reason"] == "tool_calls" and ch["message"]["content"] is None
    (tc,) = ch["message"]["tool_calls"]
    assert re.fullmatch(r"call_[A-Za-z0-9]+", tc["id"]) and tc["type"] == "function"
    assert tc["function"]["name"] == "create_planning"
    assert json.loads(tc["function"]["arguments"]) == {"periode": "semaine", "n": 3}
    events = openai_events(b"".join(dechunk(split_response(
        raw_exchange(fake.port, "POST", CHAT, dict(OPENAI_BODY, stream=True), OH))[2])[0]))
    assert events[-1] == "[DONE]"
    first = events[0]["choices"][0]["delta"]
    assert first["role"] == "assistant" and first["content"] is None
    assert first["tool_calls"][0]["function"] == {"name": "create_planning", "arguments": ""}
    args = "".join(tcd["function"].get("arguments", "") for e in events[:-1]
                   for tcd in e["choices"][0]["delta"].get("tool_calls", []) if tcd["index"] == 0)
    assert json.loads(args) == {"periode": "semaine", "n": 3}
    assert events[-2]["choices"][0]["finish_reason"] == "tool_calls"


def test_openai_finish_reasons_and_json_plan(fake):
    doc = {"reply": "ok", "proposals": []}
    fake.script("max_tokens", "safety", {"behaviour": "json_plan", "document": doc})
    objs = [json.loads(fake.call("POST", CHAT, OPENAI_BODY, OH)[1])["choices"][0] for _ in range(3)]
    assert objs[0]["finish_reason"] == "length"
    assert objs[1]["finish_reason"] == "content_filter" and objs[1]["message"]["content"] is None
    assert json.loads(objs[2]["message"]["content"]) == doc


def test_openai_stream_error_event_and_cut(fake):
    fake.script({"behaviour": "stream_error_event", "text": "abcd", "chunks": 2, "after_chunks": 2},
                {"behaviour": "cut_stream", "after_chunks": 2})
    body = dict(OPENAI_BODY, stream=True)
    chunks, terminated = dechunk(split_response(raw_exchange(fake.port, "POST", CHAT, body, OH))[2])
    events = openai_events(b"".join(chunks))
    assert terminated and "[DONE]" not in events
    assert set(events[-1]) == {"error"} and events[-1]["error"]["type"] == "server_error"
    chunks, terminated = dechunk(split_response(raw_exchange(fake.port, "POST", CHAT, body, OH))[2])
    assert not terminated and len(openai_events(b"".join(chunks))) == 2


def test_openai_validation(fake):
    r, body = fake.call("POST", CHAT, dict(OPENAI_BODY, top_k=3), OH)
    assert r.status == 400 and json.loads(body)["error"]["message"] == "Unrecognized request argument supplied: top_k"
    r, body = fake.call("POST", CHAT, b"{not json", OH)
    assert r.status == 400 and json.loads(body)["error"]["message"].startswith(
        "We could not parse the JSON body of your request. (HINT:")


def test_openai_flavours(fake):
    fake.admin("POST", "config", {"openai_key": None})
    fake.script({"behaviour": "text", "text": "ab", "chunks": 2, "flavour": "ollama"},
                {"behaviour": "text", "text": "ab", "chunks": 1, "flavour": "llamacpp"},
                {"behaviour": "error", "status": 503, "flavour": "llamacpp"})
    body = dict(OPENAI_BODY, stream=True)
    events = openai_events(b"".join(dechunk(split_response(raw_exchange(fake.port, "POST", CHAT, body, {}))[2])[0]))
    assert re.fullmatch(r"chatcmpl-\d{1,3}", events[0]["id"]) and events[0]["system_fingerprint"] == "fp_ollama"
    assert all(e["choices"][0]["delta"]["role"] == "assistant" for e in events[:-1])
    assert events[-1] == "[DONE]"
    raw = split_response(raw_exchange(fake.port, "POST", CHAT, body, {}))[2]
    events = openai_events(b"".join(dechunk(raw)[0]))
    assert re.fullmatch(r"chatcmpl-[A-Za-z0-9]{32}", events[0]["id"])
    assert events[0]["choices"][0]["delta"] == {"content": None, "role": "assistant"}
    r, body = fake.call("POST", CHAT, OPENAI_BODY, {})
    assert r.status == 503 and body == b'{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}'


# ---------------------------------------------------------------------------------------------
# Admin API
# ---------------------------------------------------------------------------------------------

def test_admin_script_order_api_filter_times_default(fake):
    fake.script({"behaviour": "text", "text": "o1", "api": "openai"},
                {"behaviour": "text", "text": "g1", "times": 2},
                default={"behaviour": "text", "text": "dflt"})
    assert fake.admin("GET", "script")[1]["script"][1]["times"] == 2

    def g():
        return json.loads(fake.call("POST", GEN, GEMINI_BODY, GH)[1])["candidates"][0]["content"]["parts"][0]["text"]

    def o():
        return json.loads(fake.call("POST", CHAT, OPENAI_BODY, OH)[1])["choices"][0]["message"]["content"]

    assert [g(), g(), o(), g(), o()] == ["g1", "g1", "o1", "dflt", "dflt"]
    st, out = fake.admin("POST", "script", [{"behaviour": "nope"}])
    assert st == 400 and "unknown behaviour" in out["error"]
    fake.admin("POST", "reset")
    assert fake.requests() == [] and fake.admin("GET", "script")[1] == {"script": [], "default": {"behaviour": "text"}}


def test_admin_config_keys(fake):
    fake.admin("POST", "config", {"gemini_key": "other"})
    assert fake.call("POST", GEN, GEMINI_BODY, GH)[0].status == 400
    fake.admin("POST", "reset")
    assert fake.call("POST", GEN, GEMINI_BODY, GH)[0].status == 200


def test_concurrent_streams(fake):
    fake.script(default={"behaviour": "text", "chunks": 4, "duration_ms": 600})
    results = []

    def worker():
        status, _, body = gemini_stream(fake)
        results.append((status, len(gemini_events(b"".join(dechunk(body)[0])))))

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # One after the other, the 100 streams of 0.6 s would take 60 s: well under that, they ran
    # concurrently (a slow machine still has 30 s of slack).
    assert time.monotonic() - t0 < 30
    assert results == [("HTTP/1.1 200 OK", 4)] * 100


@pytest.mark.skipif(os.environ.get("FAKE_LLM_LOAD") != "1", reason="load check: set FAKE_LLM_LOAD=1")
def test_load_1000_streams_of_5s(fake):
    fake.script(default={"behaviour": "text", "chunks": 10, "duration_ms": 5000})

    async def one():
        r, w = await asyncio.open_connection("127.0.0.1", fake.port)
        data = json.dumps(GEMINI_BODY).encode()
        w.write(("POST %s HTTP/1.1\r\nHost: x\r\nx-goog-api-key: %s\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
                 % (SSE, GKEY, len(data))).encode() + data)
        out = await r.read(-1)
        w.close()
        return out.count(b"data: "), out.endswith(b"0\r\n\r\n")

    async def run():
        return await asyncio.gather(*[one() for _ in range(1000)])

    res = asyncio.run(run())
    assert res == [(10, True)] * 1000
    recs = fake.requests()
    durations = [x["ended_at"] - x["first_byte_at"] for x in recs]
    assert len(recs) == 1000 and max(durations) < 5.5


# ---------------------------------------------------------------------------------------------
# TLS (--tls-cert / --tls-key)
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    from pki import available, make_pki
    if not available():
        pytest.skip("the openssl command line is not installed")
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_fake(pki):
    f = Fake("--gemini-key", GKEY, "--tls-cert", pki["localhost"]["cert"], "--tls-key", pki["localhost"]["key"])
    yield f
    f.stop()


def https_call(port, method, path, ctx, host="localhost", body=None, headers=None):
    c = http.client.HTTPSConnection(host, port, context=ctx, timeout=10)
    c.request(method, path, body=None if body is None else json.dumps(body).encode(), headers=headers or {})
    r = c.getresponse()
    raw = r.read()
    c.close()
    return r, raw


def test_tls_serves_https_and_records_the_handshake(tls_fake, pki):
    import ssl
    ctx = ssl.create_default_context(cafile=pki["ca_file"])
    assert https_call(tls_fake.port, "POST", "/_admin/reset", ctx)[0].status == 200
    r, raw = https_call(tls_fake.port, "POST", GEN, ctx, body=GEMINI_BODY, headers=GH)
    assert r.status == 200, raw
    assert json.loads(raw)["candidates"][0]["finishReason"] == "STOP"
    # Over 127.0.0.1 too: the certificate names the address (and Python sends no SNI for an address).
    r, raw = https_call(tls_fake.port, "GET", "/_admin/requests", ctx, host="127.0.0.1")
    assert r.status == 200
    recs = json.loads(raw)
    assert len(recs) == 1, recs
    assert recs[0]["path"] == GEN and recs[0]["status"] == 200
    assert recs[0]["tls"]["version"] in ("TLSv1.2", "TLSv1.3") and recs[0]["tls"]["sni"] == "localhost", recs[0]
    r, raw = https_call(tls_fake.port, "GET", "/_admin/tls", ctx, host="127.0.0.1")
    tls = json.loads(raw)
    assert tls["tls"] is True
    assert [h["sni"] for h in tls["hellos"]] == ["localhost", None, None], tls


def test_tls_client_that_rejects_the_certificate_sends_nothing(tls_fake, pki):
    import ssl
    good = ssl.create_default_context(cafile=pki["ca_file"])
    assert https_call(tls_fake.port, "POST", "/_admin/reset", good, host="127.0.0.1")[0].status == 200
    other = ssl.create_default_context(cafile=pki["other_ca"]["cert"])
    with pytest.raises(ssl.SSLCertVerificationError):
        https_call(tls_fake.port, "POST", GEN, other, body=GEMINI_BODY, headers=GH)
    # A client that trusts the CA but asked for another name.
    raw = socket.create_connection(("127.0.0.1", tls_fake.port), timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError):
        good.wrap_socket(raw, server_hostname="wrong.example")
    raw.close()
    recs = json.loads(https_call(tls_fake.port, "GET", "/_admin/requests", good, host="127.0.0.1")[1])
    assert recs == []
    hellos = json.loads(https_call(tls_fake.port, "GET", "/_admin/tls", good, host="127.0.0.1")[1])["hellos"]
    assert [h["sni"] for h in hellos[:2]] == ["localhost", "wrong.example"], hellos


def test_tls_port_does_not_speak_plain_http(tls_fake):
    s = socket.create_connection(("127.0.0.1", tls_fake.port), timeout=5)
    s.sendall(b"GET /_admin/requests HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        data = s.recv(100)
    except ConnectionResetError:
        data = b""
    s.close()
    assert not data.startswith(b"HTTP/1.1 200")


def test_plain_fake_records_no_tls(fake):
    fake.call("POST", GEN, GEMINI_BODY, GH)
    assert fake.requests(wait=True)[-1]["tls"] is None
    assert fake.admin("GET", "tls") == (200, {"tls": False, "hellos": []})


def test_tls_options_go_together(pki):
    r = subprocess.run([sys.executable, str(FAKE), "--port", "0", "--tls-cert", pki["localhost"]["cert"]],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=15)
    assert r.returncode == 2 and b"--tls-key" in r.stderr
