#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/: a few small, valid inputs per target.

Run from anywhere: python3 tests/fuzz/make_seeds.py (it rewrites the seed files it knows, nothing
else). Several targets read their last bytes with libFuzzer's FuzzedDataProvider, which takes
integers from the end of the input: the helpers below write those trailers.
"""
import base64
import hashlib
import hmac
import json
import pathlib

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
JWT_KEY = b"fuzzing-key-fuzzing-key-fuzzing-key!"  # jwt_fuzz.cpp's kKey


def seed(target, name, data):
    path = CORPUS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def int_in_range(value, low, high):
    """FuzzedDataProvider.ConsumeIntegralInRange(low, high) giving `value`: bytes in file order."""
    span, raw, out = high - low, value - low, []
    while span > 0:  # one byte per 8 bits of the range, the first one read last in the file
        out.append(raw & 0xFF)
        raw >>= 8
        span >>= 8
    return bytes(out)


def i64(value):
    return int_in_range(value, -(2**63), 2**63 - 1)


def u64(value):
    return int_in_range(value, 0, 2**64 - 1)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header, payload, key=JWT_KEY):
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    return signing_input + "." + b64url(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


def j(value):
    return json.dumps(value, ensure_ascii=False)


# ---- core -------------------------------------------------------------------------------------
seed("json_reader", "object", b"\x00\x00" + j({"email": " lea@example.com ", "n": 3, "x": 2.5}).encode())
seed("json_reader", "deep_63", b"\x3f\x00[1]")
seed("json_reader", "mixed", b"\x05\xaa" + j({"a": [1, -3e2, True, None, "\u00e9\u2028"], "b": {"c": {}}}).encode())
seed("json_reader", "string", b"\x01\x01\"  trimmed\\n  \"")

seed("datetime", "datetime_offset", "2025-03-30T02:30:00.125+01:00" + "\x00")
seed("datetime", "datetime_z", "2025-12-25t09:00z" + "\x00")
seed("datetime", "date", "2024-02-29" + "\x01")
for name, zone, days, instant in [
    ("zone_paris", "Europe/Paris", 20177, 1743296400000),
    ("zone_monrovia", "Africa/Monrovia", 11000, 946684800000),
    ("zone_apia", "Pacific/Apia", 15338, 1325203200000),
    ("zone_lord_howe", "Australia/Lord_Howe", 19000, 1600000000000),
]:
    data = zone.encode() + int_in_range(1, 0, 3)
    data += int_in_range(instant, -2208988800000 + 86400000 * 200, 253402300799999 - 86400000 * 200)
    data += int_in_range(days, -25567, 2932896) + int_in_range(2, 0, 2)
    seed("datetime", name, data)

# ---- models: request bodies -------------------------------------------------------------------
seed("user_body", "register", j({"email": "Lea@Example.com", "password": "un-mot-de-passe", "name": " Léa ",
                                 "preferences": {"themes": ["sombre"], "matieres": ["Maths", "Physique", "Maths"]},
                                 "timezone": "Europe/Paris"}))
seed("user_body", "login", j({"email": "lea@example.com", "password": "x"}))
seed("user_body", "profile", j({"name": "Léa", "preferences": {"matieres": []}, "timezone": "Asia/Calcutta"}))
seed("user_body", "password", j({"currentPassword": "un-mot-de-passe", "newPassword": "un-autre-mot"}))

session = {"matiere": "Maths", "debut": "2025-03-10T09:00:00+01:00", "fin": "2025-03-10T10:30:00+01:00"}
seed("planning_body", "post_paris", b"\x01" + j({"titre": "Semaine", "periode": "semaine", "dateDebut": "2025-03-10",
                                                "sessions": [session, dict(session, debut="2025-03-10T10:30:00+01:00",
                                                                           fin="2025-03-10T11:00:00+01:00",
                                                                           statut="termine", notes="ok")]}).encode())
seed("planning_body", "put_apia", b"\x06" + j({"mode": "manual", "periode": "jour", "dateDebut": "2011-12-29T00:00:00Z",
                                              "sessions": [dict(session, _id="0123456789abcdef01234567")]}).encode())
seed("planning_body", "patch", b"\x00" + j({"statut": "rate", "notes": None, "debut": "2025-01-01T08:00Z"}).encode())

seed("ai_planning_body", "full", b"\x01" + j({
    "mode": "ai", "titre": "Révisions", "periode": "mois", "dateDebut": "2025-01-31", "matieres": ["Maths"],
    "objectif": "Réussir", "minutesParJour": 90,
    "disponibilites": [{"jour": 0, "debut": "18:00", "fin": "24:00"}],
    "examens": [{"matiere": "Chimie", "date": "2025-02-15T08:00:00+01:00"}]}).encode())
seed("ai_planning_body", "preferences", b"\x83" + j({"mode": "ai", "periode": "semestre",
                                                    "dateDebut": "2025-08-31"}).encode())

seed("progress_body", "linked", j({"planningId": "0123456789abcdef01234567", "sessionId": "89abcdef0123456789abcdef",
                                   "tempsEtudie": 45, "notes": "fait"}))
seed("progress_body", "free", j({"date": "2025-02-28", "sessionsCompletees": 2, "tempsEtudie": 90.0,
                                 "matiere": "Maths", "planningId": None}))

seed("chat_body", "message", j({"message": "  Bonjour PixelCoach !\nJe révise quoi ?  "}))
seed("chat_body", "context", j({"message": "Et demain ?", "context": {"page": "planning", "ids": [1, 2]}}))

# ---- services ---------------------------------------------------------------------------------
header = {"alg": "HS256", "typ": "JWT"}
claims = {"sub": "0123456789abcdef01234567", "iat": 1735689600, "exp": 4102444800, "jti": "abc"}
now = i64(1735689600)
seed("jwt", "valid", jwt(header, claims).encode() + now + b"\x00")
seed("jwt", "expired", jwt(header, dict(claims, exp=1700000000)).encode() + now + b"\x00")
seed("jwt", "nbf_double", jwt(header, dict(claims, nbf=1.5e9, iat=1.7e9)).encode() + now + b"\x00")
seed("jwt", "alg_none", (b64url(b'{"alg":"none"}') + "." + b64url(json.dumps(claims).encode()) + ".").encode()
     + now + b"\x00")
seed("jwt", "sign_round_trip", b"0123456789abcdef01234567\\jti-1\\" + bytes([65, 7]) + i64(1735689600)
     + i64(4102444800) + i64(1735689600) + b"\x01")

cursor = b64url(b"v1:1741564800000:0123456789abcdef01234567")
seed("planning_cursor", "valid", cursor.encode() + b"\x00")
seed("planning_cursor", "negative", b64url(b"v1:-5:0123456789abcdef01234567").encode() + b"\x00")
seed("planning_cursor", "position", bytes(range(24)) + i64(-1) + b"\x01")

seed("ics", "escape", "Maths; physique, chimie\\ \r\n notes\rfin\n" + "\x00")
seed("ics", "fold", "SUMMARY:" + "é" * 40 + "€𝄞" * 10 + "\x01")
seed("ics", "render", "Mon planning\\Maths, \\séance\\Révisions; chap. 2\nfin\\" + "\x01\x00\x00\x01\x02" * 8 + "\x02")

# ---- llm ----------------------------------------------------------------------------------------
gemini_event = {"candidates": [{"content": {"parts": [{"text": "Bonjour"}], "role": "model"}, "index": 0}]}
gemini_last = {"candidates": [{"content": {"parts": [{"text": " !"}, {"functionCall": {"name": "propose",
                                                                                      "args": {"n": 1}}}]},
                               "finishReason": "STOP"}],
               "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 7, "totalTokenCount": 38}}
gemini_error = {"error": {"code": 429, "message": "Quota", "status": "RESOURCE_EXHAUSTED",
                          "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "6.5s"},
                                      {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                                       "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel"}]}]}}
status = lambda s: int_in_range(s, 400, 599)  # noqa: E731
seed("gemini_wire", "response", j(gemini_last).encode() + status(500))
seed("gemini_wire", "blocked", j({"promptFeedback": {"blockReason": "SAFETY"}}).encode() + status(400))
seed("gemini_wire", "error", j(gemini_error).encode() + status(429))
seed("gemini_wire", "model", b"models/gemini-2.5-flash" + status(401))

openai_done = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Bonjour",
                                                    "tool_calls": [{"id": "c1", "type": "function",
                                                                    "function": {"name": "propose",
                                                                                 "arguments": "{\"n\":1}"}}]},
                            "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 8, "completion_tokens": 7, "total_tokens": 15}}
openai_delta = {"choices": [{"index": 0, "delta": {"content": "Bon"}, "finish_reason": None}]}
openai_error = {"error": {"message": "Rate limit reached. Please try again in 6.596s.", "type": "requests",
                          "code": "rate_limit_exceeded", "param": None}}


def openai_trailer(http_status, retry_after=None):
    out = b""
    if retry_after is not None:
        out += retry_after.encode()[::-1] + int_in_range(len(retry_after), 0, 12) + b"\x01"
    else:
        out += b"\x00"
    return out + status(http_status)


seed("openai_wire", "response", j(openai_done).encode() + openai_trailer(500))
seed("openai_wire", "delta", j(openai_delta).encode() + openai_trailer(400))
seed("openai_wire", "error_429", j(openai_error).encode() + openai_trailer(429))
seed("openai_wire", "retry_after", j({"detail": "Bad gateway"}).encode() + openai_trailer(503, "7.5"))
seed("openai_wire", "done", b" [DONE]\n" + openai_trailer(404))
seed("openai_wire", "base_path", b"/api/v1/?api-version=2024" + openai_trailer(401))


def sse(events, crlf=False):
    nl = "\r\n" if crlf else "\n"
    return "".join(f"data: {e}{nl}{nl}" for e in events).encode()


def stream_trailer(wire_is_openai, piece_seed, max_piece):
    return int_in_range(max_piece, 1, 64) + u64(piece_seed) + (b"\x01" if wire_is_openai else b"\x00")


seed("ai_stream", "gemini", sse([j(gemini_event), j(gemini_last)], crlf=True) + stream_trailer(False, 7, 5))
seed("ai_stream", "gemini_error", sse([j(gemini_event), j(gemini_error)]) + stream_trailer(False, 9, 64))
seed("ai_stream", "openai", b": keep-alive\n\n" + sse([j(openai_delta), j({
    "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"name": "propose",
                                                                                "arguments": "{\"n\""}}]}}]}), j({
    "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": ":1}"}}]},
                 "finish_reason": "tool_calls"}]}), j({"choices": [], "usage": openai_done["usage"]}), "[DONE]"])
     + stream_trailer(True, 3, 2))
seed("ai_stream", "openai_cut", sse([j(openai_delta)]) + b"data: {\"choi" + stream_trailer(True, 11, 17))

seed("sse_parser", "mixed", b"\xef\xbb\xbf: hello\r\ndata: {\"n\":1}\r\n\r\nevent: update\nid: 7\nretry: 1000\n"
     b"data:first\ndata:  second\ndata\n\ndata: cr-only\r\rfoo: bar\n" + b"\x01" + int_in_range(3, 1, 64) + u64(42))
seed("sse_parser", "small_bound", b"data: " + b"x" * 40 + b"\n\n" + int_in_range(16, 8, 512) + b"\x00"
     + int_in_range(1, 1, 64) + u64(5))

# ---- config -------------------------------------------------------------------------------------
seed("dotenv", "example", "# PlanÉtude\nexport PORT=8080\nHOST = 0.0.0.0 # all\nJWT_TTL='12h'\n"
     "CORS_ORIGIN=\"https://a.example, http://b.example/\" # two\nLLM_PROVIDER=openai\n"
     "OPENAI_BASE_URL=http://localhost:11434/v1\r\nOPENAI_MODEL=llama3.1\nNO_PROXY=.example.com,::1\n")
seed("dotenv", "production", "APP_ENV=production\nJWT_SECRET=short\nDATABASE_URL=postgres://x\nMAX_BODY_BYTES=12\n")

# ---- services: an AI planner's answer -----------------------------------------------------------
plan = {"titre": "  Semaine de révisions  ", "sessions": [
    {"matiere": "maths", "debut": "2025-03-10T09:00:00Z", "fin": "2025-03-10T10:00:00Z", "notes": "Chapitre 1"},
    {"matiere": "Physique", "debut": "2025-03-12T14:00:00+00:00", "fin": "2025-03-12T15:30:00Z"},
    {"matiere": "Éco", "debut": "2025-03-15T23:00:00Z", "fin": "2025-03-16T01:00:00Z", "notes": None},
    {"matiere": "Chimie", "debut": "2025-03-11T09:00:00Z", "fin": "2025-03-11T10:00:00Z"}]}
seed("ai_plan_answer", "windows_utc", b"\x01" + j(plan).encode())
seed("ai_plan_answer", "fenced_paris", b"\x02Voici :\n```json\n" + j(plan).encode() + b"\n```")
