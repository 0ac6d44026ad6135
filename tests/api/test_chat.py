"""Black-box tests of the chat with PixelCoach (docs/api.md (chat with pixelcoach): POST /api/chat,
GET/DELETE /api/chat/history; "Details that clients rely on": Chat, Throttling, Export;
docs/behaviour.md "HTTP").

The test servers have no AI provider configured (no GEMINI_API_KEY / OPENAI_BASE_URL), so every
reply comes from the built-in coach with `source: "fallback"`, which answers in French from the
student's own data. Rate-limit tests start their own server with a small CHAT_RATE_LIMIT; the
others share one server and give each test fresh users (the default limit is 20 per minute).
"""
import datetime as dt
import json
import re
import secrets
import threading
import uuid

import pytest
import requests

from conftest import (ENGLISH, Client, new_user, assert_error, assert_french_error as err,
                      assert_invalid as invalid)
from waits import log_barrier, wait_for_requests_logged

ID_RE = re.compile(r"^[0-9a-f]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
REPLY_KEYS = {"reply", "source", "messageId", "proposals", "createdAt"}
PROPOSAL_KEYS = {"_id", "type", "summary", "payload", "status"}
UTC = dt.timezone.utc
JSON_CT = {"Content-Type": "application/json; charset=utf-8"}
SSE = {"Accept": "text/event-stream"}
# English words a French coach would not write (on top of conftest's list).
MORE_ENGLISH = re.compile(
    r"\b(you|your|and|with|today|tomorrow|week|next|hello|keep|great|study|studied|hours|"
    r"streak|days|this|have|missed|good|job|let's|well|done)\b", re.I)
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B06\u23F0-\u23FA]")


# ---------------------------------------------------------------------------------- helpers

def chat(c, message, **kw):
    body = {"message": message}
    body.update(kw)
    return c.post("/api/chat", json=body)


def parse_ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def iso(d):
    d = d.astimezone(UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def check_reply(body):
    """The JSON reply object of POST /api/chat (or the data of `event: done`)."""
    assert isinstance(body, dict), body
    assert set(body) == REPLY_KEYS, body
    assert isinstance(body["reply"], str) and body["reply"].strip(), body
    assert body["source"] == "fallback", body
    assert isinstance(body["messageId"], str) and ID_RE.match(body["messageId"]), body
    assert isinstance(body["proposals"], list), body
    for p in body["proposals"]:
        assert set(p) == PROPOSAL_KEYS, p
        assert p["type"] in ("create_planning", "update_session", "delete_session"), p
        assert p["status"] == "pending", p
        assert ID_RE.match(p["_id"]) and isinstance(p["payload"], dict), p
        assert isinstance(p["summary"], str) and p["summary"], p
    assert isinstance(body["createdAt"], str) and TS_RE.match(body["createdAt"]), body
    assert abs((parse_ts(body["createdAt"]) - dt.datetime.now(UTC)).total_seconds()) < 300, body
    return body


def ask(c, message, **kw):
    r = chat(c, message, **kw)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].lower().startswith("application/json"), r.headers
    return check_reply(r.json())


def int_header(r, name):
    v = r.headers.get(name)
    assert v is not None, f"missing {name}: {dict(r.headers)}"
    assert re.fullmatch(r"\d+", v.strip()), f"{name} is not an integer: {v!r}"
    return int(v)


def history(c, **params):
    r = c.get("/api/chat/history", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"messages", "nextCursor"}, body
    assert isinstance(body["messages"], list), body
    for m in body["messages"]:
        assert m["role"] in ("user", "coach"), m
        if m["role"] == "user":
            assert set(m) == {"_id", "role", "content", "createdAt"}, m
        else:
            assert set(m) == {"_id", "role", "content", "source", "createdAt"}, m
            assert m["source"] == "fallback", m
        assert ID_RE.match(m["_id"]), m
        assert isinstance(m["content"], str) and m["content"], m
        assert TS_RE.match(m["createdAt"]), m
    created = [parse_ts(m["createdAt"]) for m in body["messages"]]
    assert created == sorted(created), "history is not oldest first"
    nc = body["nextCursor"]
    assert nc is None or (isinstance(nc, str) and ID_RE.match(nc)), body
    return body


def all_history(c):
    """Every message, following nextCursor with the default page size."""
    pages, before = [], None
    for _ in range(50):
        params = {"before": before} if before else {}
        body = history(c, **params)
        pages.append(body["messages"])
        before = body["nextCursor"]
        if before is None:
            break
    out = []
    for page in reversed(pages):
        out.extend(page)
    return out


def read_sse(resp):
    """Parses a raw text/event-stream body into [(event, data string)]."""
    events, event, data = [], None, []
    for raw in resp.iter_lines(decode_unicode=False, delimiter=b"\n"):
        line = raw.decode("utf-8").rstrip("\r")
        if line == "":
            if event is not None or data:
                events.append((event or "message", "\n".join(data)))
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    if event is not None or data:
        events.append((event or "message", "\n".join(data)))
    return events


def stream_chat(c, message, **kw):
    body = {"message": message}
    body.update(kw)
    return c.post("/api/chat", json=body, headers=SSE, stream=True)


def ask_stream(c, message, **kw):
    """Sends one message as SSE; returns (deltas, done object)."""
    r = stream_chat(c, message, **kw)
    assert r.status_code == 200, r.text
    ct = r.headers.get("Content-Type", "")
    assert ct.lower().split(";")[0].strip() == "text/event-stream", ct
    events = read_sse(r)
    r.close()
    names = [e for e, _ in events]
    assert names, "empty stream"
    assert names.count("done") == 1, names
    assert names[-1] == "done", names
    assert "error" not in names, events
    deltas = events[:-1]
    assert deltas and all(e == "delta" for e, _ in deltas), names
    texts = []
    for _, d in deltas:
        obj = json.loads(d)
        assert set(obj) == {"text"} and isinstance(obj["text"], str), obj
        texts.append(obj["text"])
    done = check_reply(json.loads(events[-1][1]))
    return texts, done


def make_planning(c, periode, date_debut, sessions):
    r = c.post("/api/planning", json={
        "periode": periode, "dateDebut": date_debut,
        "sessions": [{"matiere": m, "debut": iso(a), "fin": iso(b)} for m, a, b in sessions]})
    assert r.status_code == 201, r.text
    return r.json()


def upcoming_planning(c, matiere):
    """A week planning from today (UTC) with a session of `matiere` starting in about an hour."""
    now = dt.datetime.now(UTC)
    start = (now + dt.timedelta(minutes=61)).replace(second=0, microsecond=0)
    return make_planning(c, "semaine", now.date().isoformat(),
                         [(matiere, start, start + dt.timedelta(minutes=45))])


def looks_french(text):
    assert not ENGLISH.search(text), f"reply does not look French: {text!r}"
    assert not MORE_ENGLISH.search(text), f"reply does not look French: {text!r}"


def ctx_of_size(n, accented=False):
    """A context object whose compact UTF-8 JSON is exactly n bytes."""
    base = len(json.dumps({"page": ""}, separators=(",", ":")).encode())
    room = n - base
    k = room // 2 if accented else 0
    ctx = {"page": "é" * k + "a" * (room - 2 * k)}
    assert len(json.dumps(ctx, separators=(",", ":"), ensure_ascii=False).encode()) == n
    return ctx


def raw_post(c, body_bytes, headers=None):
    h = dict(JSON_CT)
    h.update(headers or {})
    return c.post("/api/chat", data=body_bytes, headers=h)


# ---------------------------------------------------------------------------------- JSON reply

def test_reply_shape_and_rate_headers(server):
    c = new_user(server)
    r1 = chat(c, "Salut PixelCoach !")
    assert r1.status_code == 200, r1.text
    check_reply(r1.json())
    assert int_header(r1, "RateLimit-Limit") == 20
    rem1 = int_header(r1, "RateLimit-Remaining")
    assert rem1 == 19
    assert 0 < int_header(r1, "RateLimit-Reset") <= 60
    r2 = chat(c, "Et maintenant ?")
    assert r2.status_code == 200, r2.text
    b2 = check_reply(r2.json())
    assert int_header(r2, "RateLimit-Limit") == 20
    assert int_header(r2, "RateLimit-Remaining") == rem1 - 1
    assert 0 < int_header(r2, "RateLimit-Reset") <= 60
    assert b2["messageId"] != r1.json()["messageId"]


def test_reply_with_accept_json(server):
    c = new_user(server)
    r = c.post("/api/chat", json={"message": "Bonjour"}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    check_reply(r.json())


def test_reply_mentions_next_session(server):
    c = new_user(server)
    subject = f"Paléographie {uuid.uuid4().hex[:6]}"
    upcoming_planning(c, subject)
    body = ask(c, "Quelle est ma prochaine session ?")
    assert subject in body["reply"], body["reply"]
    looks_french(body["reply"])


def test_reply_mentions_week_progress(server):
    c = new_user(server)
    r = c.post("/api/progress", json={"tempsEtudie": 95, "matiere": "Astronomie"})
    assert r.status_code == 201, r.text
    body = ask(c, "Fais-moi le bilan de ma semaine")
    assert "Astronomie" in body["reply"], body["reply"]
    assert "1 h 35" in body["reply"], body["reply"]
    looks_french(body["reply"])


def test_replies_are_french_with_persona(server):
    c = new_user(server)
    upcoming_planning(c, "Histoire")
    assert c.post("/api/progress", json={"tempsEtudie": 40, "matiere": "Histoire"}).status_code == 201
    for msg in ("Bonjour !", "Quelle est ma prochaine session ?", "Fais-moi le bilan de ma semaine",
                "J'ai raté une session, je fais quoi ?", "Combien de jours de suite ?",
                "Hello, what should I study next?"):
        reply = ask(c, msg)["reply"]
        looks_french(reply)
        assert EMOJI.search(reply), f"no emoji in the coach's reply: {reply!r}"


def test_other_students_data_never_leaks(server):
    secret = "Zoologie-secrète"
    b = new_user(server)
    upcoming_planning(b, secret)
    assert b.post("/api/progress", json={"tempsEtudie": 120, "matiere": secret}).status_code == 201
    assert secret in ask(b, "Quelle est ma prochaine session ?")["reply"]

    a = new_user(server)
    upcoming_planning(a, "Chimie")
    assert a.post("/api/progress", json={"tempsEtudie": 30, "matiere": "Chimie"}).status_code == 201
    replies = [ask(a, m)["reply"] for m in (
        "Quelle est ma prochaine session ?", "Fais-moi le bilan de ma semaine",
        "J'ai raté des sessions, que faire ?", "Bonjour")]
    texts, done = ask_stream(a, "Quelle est ma prochaine session ?")
    replies.append(done["reply"])
    for reply in replies:
        assert "Zoologie" not in reply, reply
    assert all("Zoologie" not in m["content"] for m in all_history(a))


# ---------------------------------------------------------------------------------- SSE

def test_stream_events(server):
    c = new_user(server)
    subject = f"Cartographie {uuid.uuid4().hex[:6]}"
    upcoming_planning(c, subject)
    texts, done = ask_stream(c, "Quelle est ma prochaine session ?")
    assert "".join(texts) == done["reply"]
    assert subject in done["reply"], done["reply"]
    looks_french(done["reply"])
    msgs = history(c)["messages"]
    assert [m["role"] for m in msgs] == ["user", "coach"], msgs
    assert msgs[0]["content"] == "Quelle est ma prochaine session ?"
    assert msgs[1]["_id"] == done["messageId"]
    assert msgs[1]["content"] == done["reply"]
    assert msgs[1]["createdAt"] == done["createdAt"]


def test_stream_raw_wire_format(server):
    """Read the stream without a client library's help: event/data lines, blank-line separated."""
    c = new_user(server)
    r = stream_chat(c, "Bonjour")
    assert r.status_code == 200, r.text
    raw = r.raw.read().decode("utf-8")
    r.close()
    blocks = [b for b in raw.replace("\r\n", "\n").split("\n\n") if b.strip()]
    assert len(blocks) >= 2, raw
    for b in blocks[:-1]:
        lines = b.split("\n")
        assert lines[0] == "event: delta", b
        assert lines[1].startswith("data: "), b
        assert set(json.loads(lines[1][len("data: "):])) == {"text"}, b
    last = blocks[-1].split("\n")
    assert last[0] == "event: done", raw
    assert last[1].startswith("data: "), raw
    check_reply(json.loads(last[1][len("data: "):]))


def test_stream_errors_before_stream_are_plain_json(server):
    c = new_user(server)
    r = stream_chat(c, "   ")
    invalid(r, "message")
    r = requests.post(server.url + "/api/chat", json={"message": "Bonjour"}, headers=SSE, timeout=30)
    err(r, 401, "unauthenticated")
    assert history(c)["messages"] == []


# ---------------------------------------------------------------------------------- validation

def test_message_missing_or_empty(server, user):
    c = user
    invalid(c.post("/api/chat", json={}), "message")
    invalid(c.post("/api/chat", json={"message": None}), "message")
    invalid(c.post("/api/chat", json={"context": {"page": "planning"}}), "message")
    for m in ("", "   ", "\n\t  "):
        invalid(chat(c, m), "message")
    assert history(c)["messages"] == []


@pytest.mark.parametrize("value", [123, 0, True, ["Bonjour"], {"texte": "Bonjour"}])
def test_message_not_a_string(server, user, value):
    c = user
    invalid(chat(c, value), "message")
    assert history(c)["messages"] == []


def test_message_length_limit_in_code_points(server, user):
    c = user
    ask(c, "a" * 4000)
    invalid(chat(c, "a" * 4001), "message")
    # 4000 code points of two UTF-8 bytes each, sent escaped and raw
    ask(c, "é" * 4000)
    r = raw_post(c, json.dumps({"message": "é" * 4000}, ensure_ascii=False).encode())
    assert r.status_code == 200, r.text
    check_reply(r.json())
    invalid(raw_post(c, json.dumps({"message": "é" * 4001}, ensure_ascii=False).encode()), "message")
    # astral characters: one code point each (two UTF-16 units, four UTF-8 bytes)
    ask(c, "😀" * 4000)
    invalid(chat(c, "😀" * 4001), "message")
    msgs = history(c)["messages"]
    users = [m["content"] for m in msgs if m["role"] == "user"]
    assert users == ["a" * 4000, "é" * 4000, "é" * 4000, "😀" * 4000]


def test_message_is_trimmed(server, user):
    c = user
    ask(c, "   Bonjour coach \n ")
    msgs = history(c)["messages"]
    assert msgs[0]["role"] == "user" and msgs[0]["content"] == "Bonjour coach", msgs
    # the length is that of the trimmed message
    ask(c, "  " + "b" * 4000 + "\n ")
    assert history(c)["messages"][2]["content"] == "b" * 4000


@pytest.mark.parametrize("ctx", [[], ["page"], "page=planning", 42, True])
def test_context_must_be_an_object(server, user, ctx):
    c = user
    invalid(chat(c, "Bonjour", context=ctx), "context")
    assert history(c)["messages"] == []


def test_context_object_accepted_null_refused(server, user):
    c = user
    ask(c, "Bonjour", context={"page": "planning", "vue": {"jour": "lundi", "ids": [1, 2]}})
    ask(c, "Bonjour", context={})
    # `context` is an object or left out: the documented exception to "null means absent".
    invalid(chat(c, "Bonjour", context=None), "context")


@pytest.mark.parametrize("accented", [False, True])
def test_context_size_limit(server, user, accented):
    c = user
    ok = ctx_of_size(8192, accented)
    too_big = ctx_of_size(8193, accented)
    # sent compact and UTF-8 (exactly the counted size) ...
    r = raw_post(c, json.dumps({"message": "Bonjour", "context": ok}, separators=(",", ":"),
                               ensure_ascii=False).encode())
    assert r.status_code == 200, r.text
    invalid(raw_post(c, json.dumps({"message": "Bonjour", "context": too_big}, separators=(",", ":"),
                                   ensure_ascii=False).encode()), "context")
    # ... and with spaces and \u escapes: the size is still that of the compact UTF-8 JSON
    r = chat(c, "Bonjour", context=ok)
    assert r.status_code == 200, r.text
    invalid(chat(c, "Bonjour", context=too_big), "context")


def test_context_size_counts_escapes_and_astral_characters(server, user):
    """Quotes, backslashes and newlines take two bytes in compact JSON; an emoji takes four."""
    c = user
    def ctx(n):
        head = {"page": 'a"b\\c\nd😀'}
        size = len(json.dumps(head, separators=(",", ":"), ensure_ascii=False).encode())
        out = {"page": head["page"] + "x" * (n - size)}
        assert len(json.dumps(out, separators=(",", ":"), ensure_ascii=False).encode()) == n
        return out
    r = chat(c, "Bonjour", context=ctx(8192))
    assert r.status_code == 200, r.text
    invalid(chat(c, "Bonjour", context=ctx(8193)), "context")


@pytest.mark.parametrize("field,value", [("foo", 1), ("stream", True), ("userId", "a" * 24),
                                          ("source", "gemini"), ("history", [])])
def test_unknown_field_rejected(server, user, field, value):
    c = user
    invalid(chat(c, "Bonjour", **{field: value}), field)
    assert history(c)["messages"] == []


def test_body_errors(server, user):
    c = user
    assert_error(raw_post(c, b'{"message": "Bonjour"'), 400, "invalid_json")
    assert_error(raw_post(c, b'{"message": "Bonjour",}'), 400, "invalid_json")
    assert_error(c.post("/api/chat", headers=JSON_CT), 400, "invalid_json")
    r = raw_post(c, b'{"message": "Bon\xffjour"}')
    assert r.status_code == 400, r.text
    err(chat_raw_array(c), 400, "validation_failed")
    r = c.post("/api/chat", data=json.dumps({"message": "Bonjour"}), headers={"Content-Type": "text/plain"})
    err(r, 415, "unsupported_media_type")
    r = c.post("/api/chat", data={"message": "Bonjour"})  # form-encoded
    err(r, 415, "unsupported_media_type")
    assert history(c)["messages"] == []


def chat_raw_array(c):
    return c.post("/api/chat", json=[{"message": "Bonjour"}])


def test_auth_required(server):
    base = server.url
    for method, path, kw in (("POST", "/api/chat", {"json": {"message": "Bonjour"}}),
                             ("GET", "/api/chat/history", {}),
                             ("DELETE", "/api/chat/history", {})):
        r = requests.request(method, base + path, timeout=30, **kw)
        err(r, 401, "unauthenticated")
        r = requests.request(method, base + path, timeout=30,
                             headers={"Authorization": "Bearer pas-un-jeton"}, **kw)
        assert r.status_code == 401, r.text


def test_wrong_methods(server, user):
    c = user
    r = c.get("/api/chat")
    err(r, 405, "method_not_allowed")
    assert "POST" in r.headers.get("Allow", ""), r.headers
    r = c.post("/api/chat/history", json={})
    err(r, 405, "method_not_allowed")
    allow = {m.strip() for m in r.headers.get("Allow", "").split(",")}
    assert {"GET", "DELETE"} <= allow, r.headers


# ---------------------------------------------------------------------------------- rate limit

def test_rate_limit(make_server):
    s = make_server(env={"CHAT_RATE_LIMIT": "3"})
    a = new_user(s)
    b = new_user(s)
    r = chat(a, "Message un")
    assert r.status_code == 200, r.text
    assert int_header(r, "RateLimit-Limit") == 3 and int_header(r, "RateLimit-Remaining") == 2
    # a refused message does not count
    invalid(chat(a, "   "), "message")
    invalid(chat(a, "x" * 4001), "message")
    invalid(chat(a, "Bonjour", context=[]), "context")
    r = chat(a, "Message deux")
    assert r.status_code == 200, r.text
    assert int_header(r, "RateLimit-Remaining") == 1
    # a streamed message counts like any other
    texts, done = ask_stream(a, "Message trois")
    r = chat(a, "Message quatre")
    err(r, 429, "rate_limited")
    retry = int_header(r, "Retry-After")
    assert 0 < retry <= 60, retry
    assert int_header(r, "RateLimit-Limit") == 3
    assert int_header(r, "RateLimit-Remaining") == 0
    reset = int_header(r, "RateLimit-Reset")
    assert 0 < reset <= 60, reset
    # the window slides: the first message was sent a moment ago, so it leaves in about 60 s
    assert retry >= 50 and reset >= 50, (retry, reset)
    # streamed or not, still refused, as a plain 429
    r = stream_chat(a, "Message cinq")
    err(r, 429, "rate_limited")
    assert 0 < int_header(r, "Retry-After") <= 60
    # refused messages are not in the history
    msgs = history(a)["messages"]
    assert [m["content"] for m in msgs if m["role"] == "user"] == \
        ["Message un", "Message deux", "Message trois"], msgs
    assert len(msgs) == 6
    # another user is not affected
    r = chat(b, "Bonjour")
    assert r.status_code == 200, r.text
    assert int_header(r, "RateLimit-Limit") == 3 and int_header(r, "RateLimit-Remaining") == 2
    # reading the history is not a chat message: it still answers while the limit is reached
    assert a.get("/api/chat/history").status_code == 200


def test_rate_limit_holds_under_concurrency(make_server):
    s = make_server(env={"CHAT_RATE_LIMIT": "3"})
    c = new_user(s)
    results = []

    def send(i):
        results.append(requests.post(s.url + "/api/chat", json={"message": f"Parallèle {i}"},
                                     headers={"Authorization": f"Bearer {c.token}"}, timeout=30))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [200] * 3 + [429] * 7, codes
    for r in results:
        if r.status_code == 429:
            err(r, 429, "rate_limited")
    r = c.get("/api/chat/history")
    assert r.status_code == 200, r.text
    assert len(r.json()["messages"]) == 6, r.json()


def test_rate_limit_counts_per_user_not_per_token(make_server):
    s = make_server(env={"CHAT_RATE_LIMIT": "2"})
    c = new_user(s)
    r = requests.post(s.url + "/api/auth/login", json={"email": c.email, "password": c.password}, timeout=30)
    assert r.status_code == 200, r.text
    c2 = Client(s.url, r.json()["token"])
    assert chat(c, "Un").status_code == 200
    assert chat(c2, "Deux").status_code == 200
    err(chat(c, "Trois"), 429, "rate_limited")
    err(chat(c2, "Trois"), 429, "rate_limited")


# ---------------------------------------------------------------------------------- history

def test_history_empty(server, user):
    assert history(user) == {"messages": [], "nextCursor": None}


def test_history_after_one_exchange(server, user):
    c = user
    body = ask(c, "Quelle est ma prochaine session ?")
    h = history(c)
    msgs = h["messages"]
    assert h["nextCursor"] is None
    assert [m["role"] for m in msgs] == ["user", "coach"], msgs
    assert msgs[0]["content"] == "Quelle est ma prochaine session ?"
    assert msgs[1]["_id"] == body["messageId"]
    assert msgs[1]["content"] == body["reply"]
    assert msgs[1]["source"] == body["source"] == "fallback"
    assert msgs[1]["createdAt"] == body["createdAt"]
    assert msgs[0]["_id"] != msgs[1]["_id"]
    assert parse_ts(msgs[0]["createdAt"]) <= parse_ts(msgs[1]["createdAt"])


@pytest.mark.parametrize("limit", ["0", "101", "x", "-1", "1.5", "", "10abc"])
def test_history_limit_rejected(server, user, limit):
    invalid(user.get("/api/chat/history", params={"limit": limit}), "limit")


def send_four(c):
    for i in range(4):
        ask(c, f"Question numéro {i + 1}")
    msgs = history(c)["messages"]
    assert len(msgs) == 8, msgs
    assert [m["role"] for m in msgs] == ["user", "coach"] * 4
    assert [m["content"] for m in msgs[::2]] == [f"Question numéro {i + 1}" for i in range(4)]
    return msgs


def page_through(c, limit):
    pages, before = [], None
    for _ in range(20):
        params = {"limit": limit}
        if before:
            params["before"] = before
        body = history(c, **params)
        assert 1 <= len(body["messages"]) <= limit, body
        pages.append(body)
        before = body["nextCursor"]
        if before is None:
            break
        assert before == body["messages"][0]["_id"], body
    return pages


def test_history_pagination(server, user):
    c = user
    msgs = send_four(c)
    ids = [m["_id"] for m in msgs]
    pages = page_through(c, 3)
    assert [len(p["messages"]) for p in pages] == [3, 3, 2]
    assert [m["_id"] for m in pages[0]["messages"]] == ids[5:]
    assert [m["_id"] for m in pages[1]["messages"]] == ids[2:5]
    assert [m["_id"] for m in pages[2]["messages"]] == ids[:2]
    assert pages[-1]["nextCursor"] is None
    seen = [m["_id"] for p in reversed(pages) for m in p["messages"]]
    assert seen == ids
    # a page that ends exactly on the oldest message has no cursor
    pages = page_through(c, 4)
    assert [len(p["messages"]) for p in pages] == [4, 4]
    assert pages[0]["nextCursor"] == ids[4] and pages[1]["nextCursor"] is None
    # limit bounds
    assert len(history(c, limit=1)["messages"]) == 1
    assert history(c, limit=1)["messages"][0]["_id"] == ids[-1]
    h = history(c, limit=100)
    assert [m["_id"] for m in h["messages"]] == ids and h["nextCursor"] is None
    # before the oldest message: nothing older
    h = history(c, before=ids[0])
    assert h == {"messages": [], "nextCursor": None}
    h = history(c, before=ids[1])
    assert [m["_id"] for m in h["messages"]] == ids[:1] and h["nextCursor"] is None


def test_history_default_limit_is_50(make_server):
    s = make_server(env={"CHAT_RATE_LIMIT": "100"})
    c = new_user(s)
    for i in range(26):
        ask(c, f"Message {i}")
    h = history(c)
    assert len(h["messages"]) == 50, len(h["messages"])
    assert h["nextCursor"] == h["messages"][0]["_id"]
    assert h["messages"][-1]["role"] == "coach"
    rest = history(c, before=h["nextCursor"])
    assert len(rest["messages"]) == 2 and rest["nextCursor"] is None
    assert rest["messages"][0]["content"] == "Message 0"
    every = rest["messages"] + h["messages"]
    assert len({m["_id"] for m in every}) == 52


def test_history_with_concurrent_messages(make_server):
    """Messages sent at the same time: the history is still complete and oldest first."""
    s = make_server(env={"CHAT_RATE_LIMIT": "100"})
    c = new_user(s)
    results = {}

    def send(i):
        results[i] = requests.post(s.url + "/api/chat", json={"message": f"Parallèle {i}"},
                                   headers={"Authorization": f"Bearer {c.token}"}, timeout=30)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results.values():
        assert r.status_code == 200, r.text
    replies = {r.json()["messageId"]: r.json() for r in results.values()}
    r = c.get("/api/chat/history")
    assert r.status_code == 200, r.text
    msgs = r.json()["messages"]
    assert len(msgs) == 24, msgs
    assert sorted(m["content"] for m in msgs if m["role"] == "user") == \
        sorted(f"Parallèle {i}" for i in range(12))
    coach = [m for m in msgs if m["role"] == "coach"]
    assert {m["_id"] for m in coach} == set(replies)
    for m in coach:
        assert m["createdAt"] == replies[m["_id"]]["createdAt"]
    # paging covers every message once, in the same order
    pages, before = [], None
    for _ in range(10):
        r = c.get("/api/chat/history", params={"limit": 5, **({"before": before} if before else {})})
        assert r.status_code == 200, r.text
        pages.append(r.json()["messages"])
        before = r.json()["nextCursor"]
        if before is None:
            break
    assert [m["_id"] for p in reversed(pages) for m in p] == [m["_id"] for m in msgs]
    created = [m["createdAt"] for m in msgs]
    assert created == sorted(created), \
        "history is not oldest first: " + ", ".join(f"{m['role']}@{m['createdAt']}" for m in msgs)


def test_history_before_must_be_own_message(server):
    a = new_user(server)
    b = new_user(server)
    ask(a, "Bonjour")
    ask(b, "Bonjour")
    b_ids = [m["_id"] for m in history(b)["messages"]]
    for before in (secrets.token_hex(12), b_ids[0], b_ids[1], "abc", "A" * 24, "0" * 24):
        invalid(a.get("/api/chat/history", params={"before": before}), "before")
    # a planning id is not a message id either
    p = upcoming_planning(a, "Maths")
    invalid(a.get("/api/chat/history", params={"before": p["_id"]}), "before")


def test_delete_history(server):
    a = new_user(server)
    b = new_user(server)
    ask(a, "Bonjour")
    ask(a, "Quelle est ma prochaine session ?")
    ask(b, "Bonjour de B")
    old_ids = [m["_id"] for m in history(a)["messages"]]
    b_before = history(b)
    r = a.delete("/api/chat/history")
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert history(a) == {"messages": [], "nextCursor": None}
    assert history(b) == b_before
    # deleted messages are no longer the user's: a cursor pointing at one is 400
    invalid(a.get("/api/chat/history", params={"before": old_ids[0]}), "before")
    # deleting an empty history is still 204; chatting afterwards starts a new history
    assert a.delete("/api/chat/history").status_code == 204
    body = ask(a, "On recommence")
    msgs = history(a)["messages"]
    assert [m["content"] for m in msgs] == ["On recommence", body["reply"]]
    assert not set(old_ids) & {m["_id"] for m in msgs}


# ---------------------------------------------------------------------------------- export

def test_export_includes_chat(server):
    c = new_user(server)
    ask(c, "Bonjour")
    ask(c, "Fais-moi le bilan de ma semaine")
    msgs = history(c)["messages"]
    r = c.get("/api/users/me/export")
    assert r.status_code == 200, r.text
    data = r.json()
    chat_part = data["chat"]
    assert set(chat_part) == {"messages", "proposals"}, chat_part.keys()
    assert isinstance(chat_part["proposals"], list)
    exported = chat_part["messages"]
    assert isinstance(exported, list) and len(exported) == 4, exported
    assert [m["_id"] for m in exported] == [m["_id"] for m in msgs]
    assert [m["content"] for m in exported] == [m["content"] for m in msgs]
    assert [m["role"] for m in exported] == ["user", "coach", "user", "coach"]
    # someone else's chat is not in this export
    other = new_user(server)
    ask(other, "Message de quelqu'un d'autre")
    r = c.get("/api/users/me/export")
    assert [m["_id"] for m in r.json()["chat"]["messages"]] == [m["_id"] for m in msgs]
    # after clearing the history the export has no messages
    assert c.delete("/api/chat/history").status_code == 204
    assert c.get("/api/users/me/export").json()["chat"]["messages"] == []


# ---------------------------------------------------------------------------------- logs

def test_logs_never_contain_messages_or_replies(server):
    marker = "MARQUEUR" + uuid.uuid4().hex
    subject = "Sujet" + uuid.uuid4().hex[:10]
    c = new_user(server)
    upcoming_planning(c, subject)
    rid1 = "chat-log-" + uuid.uuid4().hex
    r = c.post("/api/chat", json={"message": f"Quelle est ma prochaine session ? {marker}",
                                  "context": {"page": "planning", "note": marker}},
               headers={"X-Request-Id": rid1})
    assert r.status_code == 200, r.text
    reply = r.json()["reply"]
    assert subject in reply
    rid2 = "chat-log-" + uuid.uuid4().hex
    r = c.post("/api/chat", json={"message": f"Bonjour {marker}"},
               headers={"X-Request-Id": rid2, **SSE}, stream=True)
    assert r.status_code == 200, r.text
    events = read_sse(r)
    r.close()
    streamed = json.loads(events[-1][1])["reply"]
    rid3 = "chat-log-" + uuid.uuid4().hex
    r = c.post("/api/chat", json={"message": marker + "x" * 4001}, headers={"X-Request-Id": rid3})
    assert r.status_code == 400, r.text
    rid4 = "chat-log-" + uuid.uuid4().hex
    r = c.post("/api/chat", json={"message": "Bonjour", marker: marker}, headers={"X-Request-Id": rid4})
    assert r.status_code == 400, r.text
    # Each request's log line is written before its answer, and these four were answered: once their
    # lines and then the barrier's are read, every line written while handling them is in `lines`.
    wait_for_requests_logged(server, rid1, rid2, rid3, rid4)
    log_barrier(server)
    lines = list(server.logs)
    assert not [l for l in lines if marker in l], "the message text was logged"
    assert not [l for l in lines if reply in l], "the reply was logged"
    assert not [l for l in lines if streamed in l], "the streamed reply was logged"
    long_parts = [p for p in re.split(r"(?<=[.!?])\s+", reply + " " + streamed) if len(p) > 25]
    for part in long_parts:
        assert not [l for l in lines if part in l], f"part of a reply was logged: {part!r}"
