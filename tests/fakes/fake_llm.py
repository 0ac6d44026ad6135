#!/usr/bin/env python3
"""Fake LLM providers for PlanÉtude's tests: Gemini REST v1beta and OpenAI-compatible chat completions.

One asyncio program, Python 3 standard library only, serving both APIs on one loopback port:

    POST /v1beta/models/{model}:generateContent
    POST /v1beta/models/{model}:streamGenerateContent?alt=sse      (without alt=sse: the JSON-array stream)
    POST /v1/chat/completions                                       ("stream": true for SSE)

plus an admin API under /_admin/ (script the next calls, read back what the client sent). Start it with

    python3 tests/fakes/fake_llm.py --port 0 [--gemini-key K] [--openai-key K] [--openai-flavour openai|ollama|llamacpp]
                                    [--tls-cert FILE --tls-key FILE]

(with --tls-cert/--tls-key the port speaks HTTPS only, admin API included) and it prints one line `{"listening": PORT}` on stdout once it accepts connections.

The wire formats are those of the real services, byte for byte where they are verified; the part of
the format each piece of code reproduces is named next to it. The markers [V] (verified), [R]
(representative) and [U] (unverified) are explained in tests/fakes/README.md, which also lists every
choice made where the real behaviour is not known, the admin API and every behaviour.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import copy
import email.utils
import json
import math
import os
import random
import re
import signal
import socket
import ssl
import string
import struct
import sys
import time
import traceback
import urllib.parse
from http import HTTPStatus

MAX_HEAD = 64 * 1024
MAX_BODY = 32 * 1024 * 1024
IDLE_TIMEOUT_S = 300.0

ALNUM = string.ascii_letters + string.digits

BEHAVIOURS = (
    "text", "max_tokens", "safety", "prompt_blocked", "error", "hang", "slow_first_byte",
    "malformed_json", "cut_stream", "stream_error_event", "function_call", "json_plan",
)
FLAVOURS = ("openai", "ollama", "llamacpp")

DEFAULT_TEXT = "Bonjour ! Je suis PixelCoach. Prêt·e pour ta séance de révision ? On commence par les maths."
DEFAULT_CUT_TEXT = "Pour réussir ton partiel, commence par revoir les chapitres 1 à 3, puis fais des exer"
DEFAULT_PLAN = {
    "reply": "Voici un planning pour ta semaine de révisions.",
    "proposals": [{
        "type": "create_planning",
        "summary": "Semaine de révisions : maths et physique",
        "payload": {
            "periode": "semaine",
            "dateDebut": "2025-03-10T00:00:00.000Z",
            "titre": "Révisions de mars",
            "sessions": [
                {"matiere": "Mathématiques", "debut": "2025-03-10T08:00:00.000Z", "fin": "2025-03-10T10:00:00.000Z"},
                {"matiere": "Physique", "debut": "2025-03-11T14:00:00.000Z", "fin": "2025-03-11T15:30:00.000Z"},
            ],
        },
    }],
}

SSE_SEPARATORS = {"crlf": b"\r\n\r\n", "lf": b"\n\n", "cr": b"\r\r"}


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def rand_alnum(n: int) -> str:
    return "".join(random.choices(ALNUM, k=n))


def new_response_id() -> str:
    # Gemini response body: opaque, about 22-23 chars (real ones look like base64url: "4HkhaaajEJaY0-kPyI_b2A4").
    return base64.urlsafe_b64encode(os.urandom(17)).decode().rstrip("=")


def new_thought_signature() -> str:
    # Gemini request and stream: "thoughtSignature: base64 string" (standard alphabet in real captures).
    return base64.b64encode(os.urandom(96)).decode()


def j_line(obj) -> str:
    """Gemini SSE event JSON: one line, `": "` after keys and no space after commas (as real Gemini streams)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ": "))


def j_pretty(obj, indent: int = 2) -> str:
    """Pretty-printed unary body (Gemini responses and errors: 2-space indent). The trailing newline is [U]."""
    return json.dumps(obj, ensure_ascii=False, indent=indent) + "\n"


def j_compact(obj, sort_keys: bool = False) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


def est_tokens(chars: int) -> int:
    return math.ceil(chars / 4) if chars > 0 else 0


def split_text(text: str, n: int) -> list:
    """Split text into at most n non-empty pieces of about equal length (on code points)."""
    if not text:
        return [""]
    n = max(1, min(int(n), len(text)))
    size = len(text)
    return [text[i * size // n:(i + 1) * size // n] for i in range(n)]


def split_bytes(data: bytes, n: int) -> list:
    return [data[i:i + n] for i in range(0, len(data), n)] or [b""]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def both_cases(*camel: str) -> frozenset:
    """Protobuf JSON: the frontend accepts lowerCamelCase and snake_case names (Gemini request body)."""
    out = set()
    for c in camel:
        out.add(c)
        out.add(snake(c))
    return frozenset(out)


def collect_text(obj) -> int:
    """Number of characters of every "text"/"content" string in a request (to estimate prompt tokens)."""
    total = 0
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("text", "content") and isinstance(v, str):
                total += len(v)
            else:
                total += collect_text(v)
    elif isinstance(obj, list):
        for v in obj:
            total += collect_text(v)
    return total


class ClientGone(Exception):
    """The client closed or reset the connection before the response ended."""


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------------------------------------
# Minimal HTTP/1.1 server side
# ---------------------------------------------------------------------------------------------

class Request:
    __slots__ = ("method", "target", "path", "query_string", "query", "version", "header_list",
                 "headers", "body", "keep_alive")


class Conn:
    """One client connection, with its own read buffer so that the peer going away can be watched
    for while a response is being produced (without losing pipelined bytes)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer
        self.buf = bytearray()
        self.eof = False
        self.gone = asyncio.Event()
        self.closed = False
        self._watch = None

    async def _fill(self) -> bool:
        try:
            data = await self.reader.read(65536)
        except (ConnectionError, OSError):
            data = b""
        if not data:
            self.eof = True
            self.gone.set()
            return False
        self.buf += data
        return True

    async def read_head(self, idle_timeout: float):
        first = True
        while True:
            while self.buf[:2] == b"\r\n":  # tolerate stray CRLFs between requests (RFC 9112 2.2)
                del self.buf[:2]
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                head = bytes(self.buf[:i])
                del self.buf[:i + 4]
                return head
            if len(self.buf) > MAX_HEAD:
                raise HttpError(431, "request header too large")
            if self.eof:
                if self.buf.strip():
                    raise HttpError(400, "incomplete request")
                return None
            if first and not self.buf:
                try:
                    ok = await asyncio.wait_for(self._fill(), idle_timeout)
                except asyncio.TimeoutError:
                    return None
            else:
                ok = await self._fill()
            first = False
            if not ok and not self.buf.strip():
                return None

    async def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if self.eof or not await self._fill():
                raise HttpError(400, "incomplete body")
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    async def read_line(self) -> bytes:
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            if len(self.buf) > MAX_HEAD:
                raise HttpError(400, "chunk line too long")
            if self.eof or not await self._fill():
                raise HttpError(400, "incomplete chunked body")

    def start_watch(self):
        async def loop():
            while not self.eof and len(self.buf) < (1 << 20):
                if not await self._fill():
                    break
        self._watch = asyncio.ensure_future(loop())

    async def stop_watch(self):
        task, self._watch = self._watch, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass

    async def write(self, data: bytes, drain: bool = True):
        if self.gone.is_set() or self.closed:
            raise ClientGone()
        try:
            self.writer.write(data)
            if drain:
                await self.writer.drain()
        except (ConnectionError, OSError, RuntimeError):
            self.gone.set()
            raise ClientGone()

    def abort(self, rst: bool):
        if self.closed:
            return
        self.closed = True
        if rst:
            sock = self.writer.get_extra_info("socket")
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except (OSError, AttributeError):
                pass
            self.writer.transport.abort()
        else:
            self.writer.close()

    async def close(self):
        if self.closed:
            return
        self.closed = True
        try:
            self.writer.close()
            await asyncio.wait_for(self.writer.wait_closed(), 2)
        except (Exception, asyncio.CancelledError):
            pass


async def read_request(conn: Conn, idle_timeout: float):
    head = await conn.read_head(idle_timeout)
    if head is None:
        return None
    lines = head.split(b"\r\n")
    try:
        method, target, version = lines[0].decode("ascii").split(" ")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "bad request line")
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise HttpError(505, "HTTP version not supported")
    header_list = []
    for raw in lines[1:]:
        if not raw:
            continue
        if raw[:1] in (b" ", b"\t"):
            raise HttpError(400, "obsolete line folding")
        name, sep, value = raw.partition(b":")
        if not sep or not name or name != name.strip():
            raise HttpError(400, "bad header line")
        try:
            v = value.strip().decode("utf-8")
        except UnicodeDecodeError:
            v = value.strip().decode("latin-1")
        header_list.append((name.decode("latin-1"), v))
    headers = {}
    for k, v in header_list:
        lk = k.lower()
        headers[lk] = headers[lk] + ", " + v if lk in headers else v

    req = Request()
    req.method, req.target, req.version = method, target, version
    raw_path, _, req.query_string = target.partition("?")
    req.path = urllib.parse.unquote(raw_path)
    req.query = {k: v[0] for k, v in urllib.parse.parse_qs(req.query_string, keep_blank_values=True).items()}
    req.header_list = header_list
    req.headers = headers
    conn_tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
    req.keep_alive = ("close" not in conn_tokens) if version == "HTTP/1.1" else ("keep-alive" in conn_tokens)

    if headers.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1":
        await conn.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    te = headers.get("transfer-encoding", "").lower()
    if "chunked" in te:
        body = bytearray()
        while True:
            size_line = await conn.read_line()
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError:
                raise HttpError(400, "bad chunk size")
            if size == 0:
                while await conn.read_line():  # trailers
                    pass
                break
            body += await conn.read_exact(size)
            if await conn.read_exact(2) != b"\r\n":
                raise HttpError(400, "bad chunk end")
            if len(body) > MAX_BODY:
                raise HttpError(413, "body too large")
        req.body = bytes(body)
    else:
        try:
            length = int(headers.get("content-length", "0") or "0")
        except ValueError:
            raise HttpError(400, "bad content-length")
        if length < 0:
            raise HttpError(400, "bad content-length")
        if length > MAX_BODY:
            raise HttpError(413, "body too large")
        req.body = await conn.read_exact(length) if length else b""
    return req


def http_date() -> str:
    return email.utils.formatdate(usegmt=True)


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class Responder:
    """Writes one HTTP response and keeps the request record up to date."""

    def __init__(self, conn: Conn, rec: dict, req: Request):
        self.conn = conn
        self.rec = rec
        self.keep = req.keep_alive
        self.http11 = req.version == "HTTP/1.1"
        self.chunked = False
        self.head_sent = False
        self.frag = 0
        self.frag_delay = 0.001
        self.extra = []

    def configure(self, b: dict):
        self.frag = int(b.get("fragment_bytes") or 0)
        self.frag_delay = float(b.get("fragment_delay_ms", 1)) / 1000.0
        self.extra = [(str(k), str(v)) for k, v in (b.get("headers") or {}).items()]

    async def pause(self, seconds: float):
        if self.conn.gone.is_set():
            raise ClientGone()
        if seconds and seconds > 0:
            try:
                await asyncio.wait_for(self.conn.gone.wait(), seconds)
            except asyncio.TimeoutError:
                return
            raise ClientGone()

    async def wait_gone(self, max_seconds=None) -> None:
        """Wait until the client goes away (raises ClientGone) or max_seconds pass (returns)."""
        try:
            await asyncio.wait_for(self.conn.gone.wait(), max_seconds)
        except asyncio.TimeoutError:
            return
        raise ClientGone()

    async def head(self, status: int, headers, *, length=None, stream=False):
        hs = list(headers) + self.extra
        names = {k.lower() for k, _ in hs}
        if "date" not in names:
            hs.insert(0, ("Date", http_date()))
        if stream:
            if self.http11:
                hs.append(("Transfer-Encoding", "chunked"))
                self.chunked = True
            else:
                self.keep = False  # HTTP/1.0: the body ends when the connection closes
        elif length is not None:
            hs.append(("Content-Length", str(length)))
        if not self.keep:
            hs.append(("Connection", "close"))
        elif not self.http11:
            hs.append(("Connection", "keep-alive"))
        lines = ["HTTP/1.1 %d %s" % (status, reason_phrase(status))]
        lines += ["%s: %s" % (k, v) for k, v in hs]
        self.rec["status"] = status
        self.rec["response_headers"] = hs
        await self.conn.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
        self.head_sent = True
        self.rec["first_byte_at"] = time.time()

    async def data(self, payload: bytes, last: bool = False):
        pieces = split_bytes(payload, self.frag) if self.frag else [payload]
        for i, p in enumerate(pieces):
            if i:
                await self.pause(self.frag_delay)
            if self.chunked:
                if not p:
                    continue
                p = b"%x\r\n" % len(p) + p + b"\r\n"
            final = last and i == len(pieces) - 1
            if final:
                # Mark complete as soon as the last byte is handed to the kernel: a client that reads
                # the whole response and then hangs up did not disconnect "before the response ended".
                await self.conn.write(p, drain=False)
                self.rec["response_complete"] = True
                try:
                    await self.conn.writer.drain()
                except (ConnectionError, OSError, RuntimeError):
                    pass
            else:
                await self.conn.write(p)

    async def event(self, payload: bytes):
        await self.data(payload)
        self.rec["events_sent"] += 1

    async def finish(self):
        if self.chunked:
            await self.conn.write(b"0\r\n\r\n", drain=False)
            self.rec["response_complete"] = True
            try:
                await self.conn.writer.drain()
            except (ConnectionError, OSError, RuntimeError):
                pass
        else:
            self.rec["response_complete"] = True
            self.keep = self.keep and self.http11

    async def full(self, status: int, headers, body: bytes):
        await self.head(status, headers, length=len(body))
        await self.data(body, last=True)
        if not body:
            self.rec["response_complete"] = True

    def cut(self, rst: bool = False):
        self.keep = False
        self.rec["server_cut"] = True
        try:
            self.conn.abort(rst)
        except Exception:
            pass


# ---------------------------------------------------------------------------------------------
# State: config, script, request records
# ---------------------------------------------------------------------------------------------

class State:
    def __init__(self, args):
        self.initial = {
            "gemini_key": args.gemini_key,
            "openai_key": args.openai_key,
            "openai_flavour": args.openai_flavour,
            "validate": not args.no_validate,
        }
        self.max_records = args.max_records
        self.tls_enabled = bool(getattr(args, "tls_cert", None))
        self.seq = 0
        self.reset()

    def reset(self):
        self.config = dict(self.initial)
        self.script = []
        self.default = {"behaviour": "text"}
        self.records = collections.deque(maxlen=self.max_records)
        self.tls_hellos = collections.deque(maxlen=self.max_records)

    def new_record(self, req: Request, peer, tls=None) -> dict:
        self.seq += 1
        body_json, body_text = None, None
        if req.body:
            try:
                body_json = json.loads(req.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                body_text = req.body.decode("utf-8", "replace")
        rec = {
            "seq": self.seq,
            "time": time.time(),
            "api": None,
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "query_string": req.query_string,
            "http_version": req.version,
            "headers": dict(req.headers),
            "header_list": [list(h) for h in req.header_list],
            "body": body_json,
            "body_text": body_text,
            "body_length": len(req.body),
            "peer": "%s:%s" % tuple(peer[:2]) if peer else None,
            "tls": tls,
            "model": None,
            "stream": False,
            "behaviour": None,
            "params": None,
            "rejected": None,
            "status": None,
            "response_headers": None,
            "events_sent": 0,
            "first_byte_at": None,
            "ended_at": None,
            "response_complete": False,
            "client_disconnected": False,
            "server_cut": False,
        }
        self.records.append(rec)
        return rec

    def take(self, api: str) -> dict:
        for i, entry in enumerate(self.script):
            if entry.get("api") in (None, api):
                entry["times"] -= 1
                if entry["times"] <= 0:
                    del self.script[i]
                out = copy.deepcopy(entry)
                out.pop("times", None)
                return out
        out = copy.deepcopy(self.default)
        out.pop("times", None)
        return out


def normalise_behaviour(b) -> dict:
    if isinstance(b, str):
        b = {"behaviour": b}
    if not isinstance(b, dict):
        raise ValueError("a behaviour is a name or an object with a \"behaviour\" key")
    b = dict(b)
    name = b.pop("behaviour", None) or b.pop("type", None)
    if name not in BEHAVIOURS:
        raise ValueError("unknown behaviour %r (one of: %s)" % (name, ", ".join(BEHAVIOURS)))
    b["behaviour"] = name
    api = b.get("api")
    if api not in (None, "gemini", "openai"):
        raise ValueError("\"api\" must be \"gemini\" or \"openai\"")
    times = b.get("times", 1)
    if not isinstance(times, int) or times < 1:
        raise ValueError("\"times\" must be a positive integer")
    b["times"] = times
    flavour = b.get("flavour")
    if flavour is not None and flavour not in FLAVOURS:
        raise ValueError("\"flavour\" must be one of " + ", ".join(FLAVOURS))
    return b


# ---------------------------------------------------------------------------------------------
# Gemini (REST v1beta)
# ---------------------------------------------------------------------------------------------

GEMINI_PATH = re.compile(r"^/v1beta/(models|tunedModels)/([^/:]+):(generateContent|streamGenerateContent)$")
GEMINI_JSON = "application/json; charset=UTF-8"         # [R]
GEMINI_SSE = "text/event-stream"                         # [U] exact value
GEMINI_BASE_HEADERS = [("Server", "ESF")]               # [R] public reports show `server: ESF`

G_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
            409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL",
            501: "NOT_IMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

MSG_NO_KEY = ("Method doesn't allow unregistered callers (callers without established identity). "
              "Please use API Key or other form of API consumer identity to call this API.")
MSG_BAD_KEY = "API key not valid. Please pass a valid API key."
MSG_LEAKED = "Your API key was reported as leaked. Please use another API key."
MSG_INTERNAL = ("An internal error has occurred. Please retry or report in "
                "https://developers.generativeai.google/guide/troubleshooting")
MSG_OVERLOADED = "The model is overloaded. Please try again later."
MSG_DEADLINE = "Deadline expired before operation could complete."  # [U]
MSG_GENERIC_400 = "Request contains an invalid argument."

HARM_CATEGORIES_PROTO = frozenset([
    "HARM_CATEGORY_UNSPECIFIED", "HARM_CATEGORY_DEROGATORY", "HARM_CATEGORY_TOXICITY",
    "HARM_CATEGORY_VIOLENCE", "HARM_CATEGORY_SEXUAL", "HARM_CATEGORY_MEDICAL", "HARM_CATEGORY_DANGEROUS",
    "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY"])
HARM_CATEGORIES_GEMINI = frozenset([
    "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY"])
HARM_THRESHOLDS = frozenset(["HARM_BLOCK_THRESHOLD_UNSPECIFIED", "BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE",
                             "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF"])
PREDICATE_MSG = ("$.category in (HarmCategory.HARM_CATEGORY_HATE_SPEECH, HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT, "
                 "HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT, HarmCategory.HARM_CATEGORY_HARASSMENT, "
                 "HarmCategory.HARM_CATEGORY_CIVIC_INTEGRITY)")
RATING_CATEGORIES = ("HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_HATE_SPEECH",
                     "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_DANGEROUS_CONTENT")
FC_MODES = frozenset(["AUTO", "ANY", "NONE", "VALIDATED", "MODE_UNSPECIFIED"])

TOP_FIELDS = both_cases("contents", "model", "systemInstruction", "tools", "toolConfig", "safetySettings",
                        "generationConfig", "cachedContent", "serviceTier", "store", "labels")
GEN_FIELDS = both_cases("candidateCount", "stopSequences", "maxOutputTokens", "temperature", "topP", "topK",
                        "seed", "responseMimeType", "responseSchema", "responseJsonSchema", "_responseJsonSchema",
                        "responseJsonSchemaOrdered", "presencePenalty", "frequencyPenalty", "responseLogprobs",
                        "logprobs", "enableEnhancedCivicAnswers", "responseModalities", "speechConfig",
                        "imageConfig", "mediaResolution", "thinkingConfig")
THINK_FIELDS = both_cases("includeThoughts", "thinkingBudget", "thinkingLevel")
SAFETY_FIELDS = both_cases("category", "threshold")
CONTENT_FIELDS = both_cases("role", "parts")
PART_FIELDS = both_cases("text", "inlineData", "functionCall", "functionResponse", "fileData", "executableCode",
                         "codeExecutionResult", "thought", "thoughtSignature", "videoMetadata", "partMetadata",
                         "mediaResolution")
PART_DATA = ("text", "inlineData", "functionCall", "functionResponse", "fileData", "executableCode",
             "codeExecutionResult")
PART_DATA_ALL = both_cases(*PART_DATA)
SCHEMA_FIELDS = both_cases("type", "format", "title", "description", "nullable", "enum", "items", "minItems",
                           "maxItems", "properties", "required", "minProperties", "maxProperties", "minimum",
                           "maximum", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
                           "default")
TOOL_FIELDS = both_cases("functionDeclarations", "googleSearch", "codeExecution", "urlContext",
                         "googleSearchRetrieval", "fileSearch", "googleMaps", "computerUse")
FD_FIELDS = both_cases("name", "description", "parameters", "parametersJsonSchema", "response",
                       "responseJsonSchema", "behavior")
TOOL_CONFIG_FIELDS = both_cases("functionCallingConfig", "retrievalConfig")
FCC_FIELDS = both_cases("mode", "allowedFunctionNames")


def g_error_body(code: int, message: str, status: str = None, details=None) -> dict:
    """google.rpc.Status as JSON (Gemini errors)."""
    err = {"code": code, "message": message, "status": status or G_STATUS.get(code, "UNKNOWN")}
    if details:
        err["details"] = details
    return {"error": err}


def g_bad_key_body(message: str = MSG_BAD_KEY) -> dict:
    # Gemini key errors [R]
    return g_error_body(400, message, "INVALID_ARGUMENT", [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
         "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": message},
    ])


def g_quota_body(model: str, retry_delay="47s", retry_info=True, per_day=False, message=None) -> dict:
    # Gemini errors: 429 and its retry hints [R]
    quota_id = ("GenerateRequestsPerDayPerProjectPerModel-FreeTier" if per_day
                else "GenerateRequestsPerMinutePerProjectPerModel-FreeTier")
    limit = 250 if per_day else 10
    if message is None:
        message = ("You exceeded your current quota, please check your plan and billing details. For more "
                   "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
                   "To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n"
                   "* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, "
                   "limit: %d, model: %s" % (limit, model))
        if retry_info and retry_delay:
            message += "\nPlease retry in %s." % retry_delay
    details = [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": quota_id,
            "quotaDimensions": {"location": "global", "model": model}}]},
        {"@type": "type.googleapis.com/google.rpc.Help", "links": [
            {"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
    ]
    if retry_info and retry_delay:
        details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": str(retry_delay)})
    return g_error_body(429, message, "RESOURCE_EXHAUSTED", details)


def g_scripted_error(b: dict, model: str, method: str):
    status = int(b.get("status", 500))
    if "body" in b:
        return status, b["body"]
    msg = b.get("message")
    reason = b.get("reason")
    if status == 400:
        if reason in (None, "API_KEY_INVALID", "api_key_invalid", "bad_key"):
            body = g_bad_key_body(msg or MSG_BAD_KEY)
        else:
            body = g_error_body(400, msg or MSG_GENERIC_400, b.get("grpc_status") or
                                ("FAILED_PRECONDITION" if reason == "FAILED_PRECONDITION" else "INVALID_ARGUMENT"))
    elif status == 403:
        body = g_error_body(403, msg or (MSG_LEAKED if reason == "leaked" else MSG_NO_KEY), "PERMISSION_DENIED")
    elif status == 404:
        body = g_error_body(404, msg or (
            "models/%s is not found for API version v1beta, or is not supported for %s. Call ListModels to see "
            "the list of available models and their supported methods." % (model, method)), "NOT_FOUND")
    elif status == 429:
        body = g_quota_body(model, b.get("retry_delay", "47s"), b.get("retry_info", True), b.get("per_day", False), msg)
    elif status == 500:
        body = g_error_body(500, msg or MSG_INTERNAL, "INTERNAL")
    elif status == 503:
        body = g_error_body(503, msg or MSG_OVERLOADED, "UNAVAILABLE")
    elif status == 504:
        body = g_error_body(504, msg or MSG_DEADLINE, "DEADLINE_EXCEEDED")
    else:
        body = g_error_body(status, msg or reason_phrase(status), b.get("grpc_status"))
    if "grpc_status" in b and status != 400:
        body["error"]["status"] = b["grpc_status"]
    if "details" in b:
        if b["details"] is None:
            body["error"].pop("details", None)
        else:
            body["error"]["details"] = b["details"]
    return status, body


def g_unknown(name: str, path: str) -> str:
    name = name.lstrip("$")  # real errors quote `Unknown name "ref"` for a `$ref` key
    if path:
        return 'Invalid JSON payload received. Unknown name "%s" at \'%s\': Cannot find field.' % (name, path)
    return 'Invalid JSON payload received. Unknown name "%s": Cannot find field.' % name


class GeminiValidator:
    """The 400s of the real Gemini API: JSON-to-proto transcoding first (unknown names, bad enum values, a
    oneof set twice; all collected, with google.rpc.BadRequest details), then request validation
    (`* GenerateContentRequest...` lines, no details)."""

    def __init__(self, body: dict, model: str):
        self.body = body
        self.model = model
        self.violations = []  # (field or None, description)

    def unknown(self, obj, allowed, path):
        for k in obj:
            if k not in allowed:
                self.violations.append((path or None, g_unknown(k, path)))

    def schema(self, s, path):
        if not isinstance(s, dict):
            return
        self.unknown(s, SCHEMA_FIELDS, path)
        props = s.get("properties")
        if isinstance(props, dict):
            for i, v in enumerate(props.values()):
                self.schema(v, "%s.properties[%d].value" % (path, i))
        if "items" in s:
            self.schema(s["items"], path + ".items")
        for key in ("anyOf", "any_of"):
            if isinstance(s.get(key), list):
                for i, v in enumerate(s[key]):
                    self.schema(v, "%s.any_of[%d]" % (path, i))

    def content(self, c, path):
        if not isinstance(c, dict):
            return
        self.unknown(c, CONTENT_FIELDS, path)
        parts = c.get("parts")
        if isinstance(parts, list):
            for j, p in enumerate(parts):
                if not isinstance(p, dict):
                    continue
                ppath = "%s.parts[%d]" % (path, j)
                self.unknown(p, PART_FIELDS, ppath)
                seen = [k for k in p if k in PART_DATA_ALL]
                if len(seen) > 1:
                    self.violations.append((ppath, "Invalid value at '%s' (oneof), oneof field 'data' is already set. "
                                                   "Cannot set '%s'" % (ppath, seen[1])))

    def get(self, obj, camel):
        if camel in obj:
            return obj[camel]
        return obj.get(snake(camel))

    def run(self):
        """Returns (status, body) of the 400, or None when the request is acceptable."""
        body = self.body
        self.unknown(body, TOP_FIELDS, "")
        contents = self.get(body, "contents")
        if isinstance(contents, list):
            for i, c in enumerate(contents):
                self.content(c, "contents[%d]" % i)
        si = self.get(body, "systemInstruction")
        if isinstance(si, dict):
            self.content(si, "system_instruction")
        gc = self.get(body, "generationConfig")
        if isinstance(gc, dict):
            self.unknown(gc, GEN_FIELDS, "generation_config")
            if isinstance(self.get(gc, "responseSchema"), dict):
                self.schema(self.get(gc, "responseSchema"), "generation_config.response_schema")
            tc = self.get(gc, "thinkingConfig")
            if isinstance(tc, dict):
                self.unknown(tc, THINK_FIELDS, "generation_config.thinking_config")
        ss = self.get(body, "safetySettings")
        if isinstance(ss, list):
            for i, s in enumerate(ss):
                if not isinstance(s, dict):
                    continue
                path = "safety_settings[%d]" % i
                self.unknown(s, SAFETY_FIELDS, path)
                cat = s.get("category")
                if isinstance(cat, str) and cat not in HARM_CATEGORIES_PROTO:
                    self.violations.append((path + ".category", "Invalid value at '%s.category' "
                                            "(type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "
                                            "\"%s\"" % (path, cat)))
                thr = s.get("threshold")
                if isinstance(thr, str) and thr not in HARM_THRESHOLDS:
                    self.violations.append((path + ".threshold", "Invalid value at '%s.threshold' "
                                            "(type.googleapis.com/google.ai.generativelanguage.v1beta.SafetySetting."
                                            "HarmBlockThreshold), \"%s\"" % (path, thr)))
        tools = self.get(body, "tools")
        if isinstance(tools, list):
            for i, t in enumerate(tools):
                if not isinstance(t, dict):
                    continue
                self.unknown(t, TOOL_FIELDS, "tools[%d]" % i)
                fds = self.get(t, "functionDeclarations")
                if isinstance(fds, list):
                    for j, fd in enumerate(fds):
                        if not isinstance(fd, dict):
                            continue
                        fpath = "tools[%d].function_declarations[%d]" % (i, j)
                        self.unknown(fd, FD_FIELDS, fpath)
                        if isinstance(fd.get("parameters"), dict):
                            self.schema(fd["parameters"], fpath + ".parameters")
                        if isinstance(fd.get("response"), dict):
                            self.schema(fd["response"], fpath + ".response")
        tcfg = self.get(body, "toolConfig")
        if isinstance(tcfg, dict):
            self.unknown(tcfg, TOOL_CONFIG_FIELDS, "tool_config")
            fcc = self.get(tcfg, "functionCallingConfig")
            if isinstance(fcc, dict):
                self.unknown(fcc, FCC_FIELDS, "tool_config.function_calling_config")
                mode = fcc.get("mode")
                if isinstance(mode, str) and mode not in FC_MODES:
                    self.violations.append(("tool_config.function_calling_config.mode",
                                            "Invalid value at 'tool_config.function_calling_config.mode' "
                                            "(type.googleapis.com/google.ai.generativelanguage.v1beta."
                                            "FunctionCallingConfig.Mode), \"%s\"" % mode))
        if self.violations:
            msg = "\n".join(d for _, d in self.violations)
            fv = [({"field": f, "description": d} if f else {"description": d}) for f, d in self.violations]
            return 400, g_error_body(400, msg, "INVALID_ARGUMENT", [
                {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": fv}])

        # Request validation (no details).
        lines = []
        if not contents:
            lines.append("* GenerateContentRequest.contents: contents is not specified\n")
        elif isinstance(contents, list):
            for i, c in enumerate(contents):
                if not isinstance(c, dict):
                    continue
                role = c.get("role")
                if role not in (None, "", "user", "model"):
                    return 400, g_error_body(400, "Please use a valid role: user, model.", "INVALID_ARGUMENT")
                parts = c.get("parts")
                if not parts:
                    lines.append("* GenerateContentRequest.contents[%d].parts: contents.parts must not be empty.\n" % i)
                    continue
                if isinstance(parts, list):
                    for j, p in enumerate(parts):
                        if isinstance(p, dict) and not any(k in PART_DATA_ALL for k in p):
                            lines.append("* GenerateContentRequest.contents[%d].parts[%d].data: required oneof field "
                                         "'data' must have one initialized field\n" % (i, j))
        if isinstance(ss, list):
            for i, s in enumerate(ss):
                if isinstance(s, dict) and s.get("category") in HARM_CATEGORIES_PROTO - HARM_CATEGORIES_GEMINI:
                    lines.append("* GenerateContentRequest.safety_settings[%d]: element predicate failed: %s\n"
                                 % (i, PREDICATE_MSG))
        if lines:
            return 400, g_error_body(400, "".join(lines), "INVALID_ARGUMENT")

        # thinkingBudget ranges of the 2.5 models [R].
        if isinstance(gc, dict) and isinstance(self.get(gc, "thinkingConfig"), dict):
            budget = self.get(self.get(gc, "thinkingConfig"), "thinkingBudget")
            if isinstance(budget, int) and not isinstance(budget, bool) and budget != -1:
                m = self.model
                if "2.5-pro" in m:
                    if budget == 0:
                        return 400, g_error_body(400, "Budget 0 is invalid. This model only works in thinking mode.")
                    ok = 128 <= budget <= 32768
                elif "2.5-flash-lite" in m:
                    ok = budget == 0 or 512 <= budget <= 24576
                elif "2.5-flash" in m:
                    ok = 0 <= budget <= 24576
                else:
                    ok = True
                if not ok:
                    return 400, g_error_body(400, "The thinking budget (%d) is invalid." % budget)
        return None


def g_invalid_json(text: str, pos: int):
    # Gemini errors: `Invalid JSON payload received. Unexpected token.\n<excerpt>\n^` [U] excerpt format
    start = max(0, pos - 20)
    excerpt = text[start:pos + 20].replace("\n", " ").replace("\r", " ")
    msg = "Invalid JSON payload received. Unexpected token.\n%s\n%s^" % (excerpt, " " * (pos - start))
    return g_error_body(400, msg, "INVALID_ARGUMENT", [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"description": msg}]}])


def g_ratings(blocked_category=None, probability="HIGH"):
    out = []
    for c in RATING_CATEGORIES:
        if c == blocked_category:
            out.append({"category": c, "probability": probability, "blocked": True})
        else:
            out.append({"category": c, "probability": "NEGLIGIBLE"})
    if blocked_category and blocked_category not in RATING_CATEGORIES:
        out.append({"category": blocked_category, "probability": probability, "blocked": True})
    return out


O2G_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "content_filter": "SAFETY", "tool_calls": "STOP"}
G2O_FINISH = {"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter", "RECITATION": "content_filter",
              "BLOCKLIST": "content_filter", "PROHIBITED_CONTENT": "content_filter", "SPII": "content_filter",
              "IMAGE_SAFETY": "content_filter"}


class GeminiCtx:
    def __init__(self, b, model, method, mode, body):
        self.b = b
        self.model = model
        self.method = method
        self.mode = mode  # "unary" | "sse" | "array"
        self.body = body if isinstance(body, dict) else {}
        pt = b.get("prompt_tokens")
        self.prompt_tokens = int(pt) if pt is not None else max(1, est_tokens(collect_text(self.body)))
        self.model_version = b.get("model_version") or model
        self.response_id = b.get("response_id") or new_response_id()
        th = b.get("thoughts_tokens")
        if th is None:
            th = est_tokens(len(b["thought"])) if isinstance(b.get("thought"), str) else 0
        self.thoughts = int(th)

    def usage(self, candidates: int) -> dict:
        # Gemini response and stream: key order as in the real capture; proto3 JSON leaves out zero counts;
        # totalTokenCount includes thoughts.
        u = {"promptTokenCount": self.prompt_tokens}
        if candidates:
            u["candidatesTokenCount"] = candidates
        u["totalTokenCount"] = self.prompt_tokens + candidates + self.thoughts
        u["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": self.prompt_tokens}]
        if self.thoughts:
            u["thoughtsTokenCount"] = self.thoughts
        return u

    def wrap(self, cand, candidates_tokens: int) -> dict:
        return {"candidates": [cand], "usageMetadata": self.usage(candidates_tokens),
                "modelVersion": self.model_version, "responseId": self.response_id}


def g_part_weight(p) -> int:
    if p.get("thought"):
        return 0
    if "text" in p:
        return len(p["text"])
    if "functionCall" in p:
        return len(j_compact(p["functionCall"]))
    return 1


def g_merge_parts(parts):
    """Unary answers carry the text in one part (consecutive plain text parts joined)."""
    out = []
    for p in parts:
        plain = "text" in p and not p.get("thought") and set(p) <= {"text", "thoughtSignature"}
        if plain and out and "text" in out[-1] and not out[-1].get("thought") and set(out[-1]) <= {"text", "thoughtSignature"}:
            out[-1]["text"] += p["text"]
        else:
            out.append(dict(p))
    return out


def g_finish(b, default):
    fr = b.get("finish_reason", default)
    return O2G_FINISH.get(fr, fr)


def g_build(ctx: GeminiCtx):
    """Returns (stream events, unary response) for the content-producing behaviours."""
    b = ctx.b
    name = b["behaviour"]
    if name == "prompt_blocked":
        # Gemini response body: HTTP 200, no candidates, promptFeedback.blockReason set.
        reason = b.get("block_reason", "SAFETY")
        pf = {"blockReason": reason}
        if reason == "SAFETY":
            pf["safetyRatings"] = g_ratings(b.get("category", "HARM_CATEGORY_HARASSMENT"), b.get("probability", "HIGH"))
        obj = {"promptFeedback": pf, "usageMetadata": ctx.usage(0),
               "modelVersion": ctx.model_version, "responseId": ctx.response_id}
        return [obj], obj

    if name == "json_plan":
        if "text" in b:
            text = b["text"]
        else:
            doc = b.get("document", DEFAULT_PLAN)
            text = json.dumps(doc, ensure_ascii=False, indent=b.get("indent"))
            if b.get("fenced"):
                text = "```json\n" + text + "\n```"
    elif name == "max_tokens":
        text = b.get("text", DEFAULT_CUT_TEXT)
    elif name in ("safety", "function_call"):
        text = b.get("text", "")
    else:
        text = b.get("text", DEFAULT_TEXT)
    chunks = int(b.get("chunks", 3))

    groups = []
    if isinstance(b.get("thought"), str):
        groups.append([{"text": b["thought"], "thought": True}])
    tail = None
    finish_message = None
    ratings = None
    if name == "safety":
        finish = g_finish(b, "SAFETY")
        tail = "none"
        ratings = g_ratings(b.get("category", "HARM_CATEGORY_HARASSMENT"), b.get("probability", "HIGH"))
        if text:
            groups += [[{"text": p}] for p in split_text(text, chunks)]
    elif name == "max_tokens":
        finish = g_finish(b, "MAX_TOKENS")
        if b.get("no_parts"):
            tail = "role_only"
            if "thoughts_tokens" not in b and not ctx.thoughts:
                ctx.thoughts = 200
        else:
            groups += [[{"text": p}] for p in split_text(text, chunks)]
    elif name == "function_call":
        finish = g_finish(b, "STOP")
        if text:
            groups += [[{"text": p}] for p in split_text(text, chunks)]
        calls = b.get("calls") or [{"name": b.get("name", "create_planning"), "args": b.get("args", {"periode": "semaine"})}]
        sig = b.get("thought_signature", new_thought_signature())
        parts = []
        for i, c in enumerate(calls):
            fc = {}
            if c.get("id"):
                fc["id"] = c["id"]
            fc["name"] = c["name"]
            fc["args"] = c.get("args", {})
            part = {"functionCall": fc}
            if i == 0 and sig:
                part["thoughtSignature"] = sig
            parts.append(part)
        groups.append(parts)  # a function call arrives whole in one chunk (real Gemini streams)
        finish_message = b.get("finish_message", "Model generated function call(s).")
    else:
        finish = g_finish(b, "STOP")
        groups += [[{"text": p}] for p in split_text(text, chunks)]
        if b.get("thought_signature"):
            for g in groups:
                if not g[0].get("thought"):
                    g[0]["thoughtSignature"] = b["thought_signature"]
                    break
    if b.get("safety_ratings") and ratings is None:
        ratings = b["safety_ratings"] if isinstance(b["safety_ratings"], list) else g_ratings()

    weights = [sum(g_part_weight(p) for p in g) for g in groups]
    total_w = sum(weights)
    ct = b.get("candidates_tokens")
    total = int(ct) if ct is not None else est_tokens(total_w)

    def extras(cand):
        if ratings is not None:
            cand["safetyRatings"] = ratings
        if finish_message:
            cand["finishMessage"] = finish_message

    events = []
    cum = 0
    for i, g in enumerate(groups):
        cum += weights[i]
        tok = math.ceil(total * cum / total_w) if total_w else 0
        last = i == len(groups) - 1 and tail is None
        cand = {"content": {"parts": g, "role": "model"}}
        if last:
            cand["finishReason"] = finish
            tok = total
        cand["index"] = 0
        if last:
            extras(cand)
        events.append(ctx.wrap(cand, tok))
    if tail is not None:
        cand = {}
        if tail == "role_only":
            cand["content"] = {"role": "model"}
        cand["finishReason"] = finish
        cand["index"] = 0
        extras(cand)
        events.append(ctx.wrap(cand, total))

    parts = g_merge_parts([p for g in groups for p in g])
    ucand = {}
    if tail != "none":
        if parts:
            ucand["content"] = {"parts": parts, "role": "model"}
        elif tail == "role_only":
            ucand["content"] = {"role": "model"}
    ucand["finishReason"] = finish
    ucand["index"] = 0
    extras(ucand)
    return events, ctx.wrap(ucand, total)


class GeminiStream:
    """Frames GenerateContentResponse objects as SSE (`data: <one-line JSON>\\r\\n\\r\\n`, as real Gemini streams) or,
    without alt=sse, as the growing JSON array `[{...}\\n,\\r\\n{...}]` (separators [U])."""

    def __init__(self, r: Responder, ctx: GeminiCtx):
        self.r = r
        self.ctx = ctx
        self.n = 0
        self.sep = SSE_SEPARATORS.get(ctx.b.get("sse_separator", "crlf"), b"\r\n\r\n")

    async def start(self):
        ct = GEMINI_SSE if self.ctx.mode == "sse" else GEMINI_JSON
        if self.ctx.mode == "sse" and self.ctx.b.get("sse_content_type"):
            ct = self.ctx.b["sse_content_type"]
        await self.r.head(200, [("Content-Type", ct)] + GEMINI_BASE_HEADERS, stream=True)

    def frame(self, obj=None, raw: str = None) -> bytes:
        if self.ctx.mode == "sse":
            return b"data: " + (raw if raw is not None else j_line(obj)).encode("utf-8") + self.sep
        elem = raw if raw is not None else j_pretty(obj).rstrip("\n")
        return (("[" if self.n == 0 else "\n,\r\n") + elem).encode("utf-8")

    async def send(self, obj=None, raw: str = None):
        data = self.frame(obj, raw)
        self.n += 1
        await self.r.event(data)

    async def end(self):
        if self.ctx.mode == "array":
            await self.r.data(b"]" if self.n else b"[]")
        await self.r.finish()


def stream_timing(b: dict, n_events: int):
    delay = float(b.get("delay_ms", 0)) / 1000.0
    if b.get("duration_ms") is not None and n_events > 1:
        delay = float(b["duration_ms"]) / 1000.0 / (n_events - 1)
    return delay, float(b.get("first_chunk_ms", 0)) / 1000.0


async def send_events(r: Responder, stream, events, b, limit=None):
    """Send events[:limit]; event i goes out at first_chunk_ms + i * delay after the headers (absolute
    deadlines, so that timing does not drift under load)."""
    delay, first = stream_timing(b, len(events))
    n = len(events) if limit is None else max(0, min(int(limit), len(events)))
    loop = asyncio.get_running_loop()
    t0 = loop.time() + first
    for i in range(n):
        await r.pause(t0 + i * delay - loop.time())
        await stream.send(events[i])
    return delay


async def g_send_error(r: Responder, status: int, body: dict):
    await r.full(status, [("Content-Type", GEMINI_JSON)] + GEMINI_BASE_HEADERS, j_pretty(body).encode("utf-8"))


async def run_gemini(r: Responder, ctx: GeminiCtx):
    b = ctx.b
    name = b["behaviour"]
    first_byte = float(b.get("ms", 2000) if name == "slow_first_byte" else b.get("first_byte_ms", 0)) / 1000.0
    if ctx.mode == "unary" and b.get("duration_ms") is not None:
        first_byte += float(b["duration_ms"]) / 1000.0
    await r.pause(first_byte)

    if name == "error":
        status, body = g_scripted_error(b, ctx.model, ctx.method)
        await g_send_error(r, status, body)
        return
    if name == "hang" and b.get("after_chunks") is None and not b.get("after_headers"):
        await r.wait_gone(float(b["max_ms"]) / 1000.0 if b.get("max_ms") is not None else None)
        r.cut()
        return

    events, unary = g_build(ctx)

    if ctx.mode == "unary":
        if name == "hang":
            await r.head(200, [("Content-Type", GEMINI_JSON)] + GEMINI_BASE_HEADERS, length=len(j_pretty(unary).encode()))
            await r.wait_gone(float(b["max_ms"]) / 1000.0 if b.get("max_ms") is not None else None)
            r.cut()
            return
        if name == "stream_error_event":
            status = int(b.get("code", 500))
            await g_send_error(r, status, g_error_body(status, b.get("message", MSG_INTERNAL), b.get("status")))
            return
        if name == "malformed_json":
            body = b.get("body", '{\n  "candidates": [\n    {\n      "content": {\n        "parts": [\n          {\n'
                                 '            "text": "Bonj')
            await r.full(200, [("Content-Type", b.get("content_type", GEMINI_JSON))] + GEMINI_BASE_HEADERS,
                         body.encode("utf-8"))
            return
        data = j_pretty(unary).encode("utf-8")
        if name == "cut_stream":
            await r.head(200, [("Content-Type", GEMINI_JSON)] + GEMINI_BASE_HEADERS, length=len(data))
            await r.data(data[:len(data) // 2])
            r.cut(bool(b.get("rst")))
            return
        await r.full(200, [("Content-Type", GEMINI_JSON)] + GEMINI_BASE_HEADERS, data)
        return

    stream = GeminiStream(r, ctx)
    await stream.start()
    if name == "hang":
        await send_events(r, stream, events, b, limit=b.get("after_chunks") or 0)
        await r.wait_gone(float(b["max_ms"]) / 1000.0 if b.get("max_ms") is not None else None)
        r.cut()
        return
    if name == "cut_stream":
        await send_events(r, stream, events, b, limit=b.get("after_chunks", 1))
        r.cut(bool(b.get("rst")))
        return
    if name == "stream_error_event":
        delay = await send_events(r, stream, events, b, limit=b.get("after_chunks", 1))
        if stream.n:
            await r.pause(delay)
        code = int(b.get("code", 500))
        err = b.get("error") or {"code": code, "message": b.get("message", MSG_INTERNAL),
                                 "status": b.get("status", G_STATUS.get(code, "UNKNOWN"))}
        await stream.send({"error": err})
        await stream.end()
        return
    if name == "malformed_json":
        delay = await send_events(r, stream, events, b, limit=b.get("after_chunks", 0))
        if stream.n:
            await r.pause(delay)
        await stream.send(raw=b.get("body", '{"candidates": [{"content": {"parts": [{"text": "Bonj'))
        await stream.end()
        return
    await send_events(r, stream, events, b)
    await stream.end()


async def gemini_endpoint(state: State, r: Responder, req: Request, kind: str, model: str, method: str):
    rec = r.rec
    rec["api"] = "gemini"
    rec["model"] = model
    stream = method == "streamGenerateContent"
    rec["stream"] = stream
    mode = "unary" if not stream else ("sse" if req.query.get("alt") == "sse" else "array")

    # Gemini key: x-goog-api-key (or ?key=). No key: 403; wrong key: 400 API_KEY_INVALID.
    key = req.headers.get("x-goog-api-key") or req.query.get("key")
    if not key:
        rec["rejected"] = "no_key"
        await g_send_error(r, 403, g_error_body(403, MSG_NO_KEY, "PERMISSION_DENIED"))
        return
    want = state.config["gemini_key"]
    if want is not None and key != want:
        rec["rejected"] = "bad_key"
        await g_send_error(r, 400, g_bad_key_body())
        return

    text = req.body.decode("utf-8", "replace") if req.body else ""
    if text.strip():
        try:
            body = json.loads(req.body.decode("utf-8"))
        except UnicodeDecodeError:
            rec["rejected"] = "invalid_json"
            await g_send_error(r, 400, g_invalid_json(text, 0))
            return
        except json.JSONDecodeError as e:
            rec["rejected"] = "invalid_json"
            await g_send_error(r, 400, g_invalid_json(text, e.pos))
            return
    else:
        body = {}
    if not isinstance(body, dict):
        rec["rejected"] = "invalid_json"
        # [U] the message for a JSON document that is not an object
        await g_send_error(r, 400, g_error_body(400, 'Invalid JSON payload received. Unknown name "": Root element '
                                                     'must be a message.', "INVALID_ARGUMENT"))
        return
    if state.config["validate"]:
        bad = GeminiValidator(body, model).run()
        if bad:
            rec["rejected"] = "validation"
            await g_send_error(r, bad[0], bad[1])
            return

    b = state.take("gemini")
    rec["behaviour"] = b["behaviour"]
    rec["params"] = b
    r.configure(b)
    await run_gemini(r, GeminiCtx(b, model, method, mode, body))


# ---------------------------------------------------------------------------------------------
# OpenAI-compatible chat completions
# ---------------------------------------------------------------------------------------------

OPENAI_PARAMS = frozenset([
    "model", "messages", "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
    "max_completion_tokens", "max_tokens", "metadata", "modalities", "n", "parallel_tool_calls", "prediction",
    "presence_penalty", "prompt_cache_key", "prompt_cache_retention", "reasoning_effort", "response_format",
    "safety_identifier", "seed", "service_tier", "stop", "store", "stream", "stream_options", "temperature",
    "tool_choice", "tools", "top_logprobs", "top_p", "user", "verbosity", "web_search_options"])
LLAMA_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 500: "server_error", 501: "not_supported_error", 503: "unavailable_error"}

MSG_OA_NO_KEY = ("You didn't provide an API key. You need to provide your API key in an Authorization header using "
                 "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) "
                 "if you're accessing the API from your browser and are prompted for a username and password. You "
                 "can obtain an API key from https://platform.openai.com/account/api-keys.")
MSG_OA_BAD_JSON = ("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
                   "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid "
                   "JSON. If you have trouble figuring out how to fix this, please contact us through our help center "
                   "at help.openai.com.)")
MSG_OA_500 = "The server had an error while processing your request. Sorry about that!"  # [U]
MSG_OA_503 = "The server is overloaded or not ready yet."                                 # [U]


def oa_mask_key(key: str) -> str:
    if len(key) <= 8:
        return "*" * len(key)
    return key[:5] + "*" * (len(key) - 9) + key[-4:]


def oa_json_type(flavour: str) -> str:
    return "application/json" if flavour == "openai" else "application/json; charset=utf-8"


def oa_encode(flavour: str, obj, error=False) -> bytes:
    if flavour == "openai":
        return j_pretty(obj, indent=4 if error else 2).encode("utf-8")   # [U] indentation
    if flavour == "llamacpp":
        return j_compact(obj, sort_keys=True).encode("utf-8")  # nlohmann::json keeps keys sorted
    return j_compact(obj).encode("utf-8")


def oa_error_obj(flavour: str, status: int, message: str, etype=None, param=None, code=None) -> dict:
    """OpenAI-compatible errors: the body per server."""
    if flavour == "llamacpp":
        return {"error": {"code": status, "message": message, "type": etype or LLAMA_TYPES.get(status, "server_error")}}
    if flavour == "ollama":
        t = etype or ("invalid_request_error" if status == 400 else "not_found_error" if status == 404 else "api_error")
        return {"error": {"message": message, "type": t, "param": None, "code": None}}
    return {"error": {"message": message, "type": etype or ("server_error" if status >= 500 else "invalid_request_error"),
                      "param": param, "code": code}}


async def oa_send_error(r: Responder, flavour: str, status: int, obj: dict, headers=()):
    await r.full(status, [("Content-Type", oa_json_type(flavour))] + list(headers), oa_encode(flavour, obj, error=True))


def oa_scripted_error(b: dict, flavour: str, model: str, presented_key):
    status = int(b.get("status", 500))
    headers = []
    if "body" in b:
        return status, b["body"], headers
    msg = b.get("message")
    etype, param, code = b.get("error_type"), b.get("param"), b.get("code")
    if flavour == "llamacpp":
        defaults = {400: "Invalid request", 401: "Invalid API Key", 404: "File Not Found", 429: "Too many requests",
                    500: "Internal server error", 503: "Loading model"}
        obj = oa_error_obj(flavour, status, msg or defaults.get(status, reason_phrase(status)), etype)
    elif flavour == "ollama":
        defaults = {400: "[] is too short - 'messages'", 404: 'model "%s" not found, try pulling it first' % model,
                    429: "server busy, please try again.  maximum pending requests exceeded",
                    500: "an error was encountered while running the model", 503: "server busy"}
        obj = oa_error_obj(flavour, status, msg or defaults.get(status, reason_phrase(status)), etype)
    else:
        if status == 400:
            obj = oa_error_obj(flavour, 400, msg or MSG_OA_BAD_JSON, etype, param, code)
        elif status == 401:
            shown = oa_mask_key(presented_key) if presented_key else "sk-ab***************************wxyz"
            obj = oa_error_obj(flavour, 401, msg or ("Incorrect API key provided: %s. You can find your API key at "
                                                     "https://platform.openai.com/account/api-keys." % shown),
                               etype, param, code if "code" in b else "invalid_api_key")
        elif status == 403:
            obj = oa_error_obj(flavour, 403, msg or "Country, region, or territory not supported",
                               etype or "request_forbidden", param, code if "code" in b else "unsupported_country_region_territory")
        elif status == 404:
            obj = oa_error_obj(flavour, 404, msg or ("The model `%s` does not exist or you do not have access to it." % model),
                               etype, param, code if "code" in b else "model_not_found")
        elif status == 429:
            if b.get("quota"):
                obj = oa_error_obj(flavour, 429, msg or "You exceeded your current quota, please check your plan and "
                                   "billing details. For more information on this error, read the docs: "
                                   "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                                   etype or "insufficient_quota", param, code if "code" in b else "insufficient_quota")
            else:
                obj = oa_error_obj(flavour, 429, msg or (
                    "Rate limit reached for %s in organization org-fakeorg0000000000000000 on tokens per min (TPM): "
                    "Limit 30000, Used 29873, Requested 3298. Please try again in 6.596s. Visit "
                    "https://platform.openai.com/account/rate-limits to learn more." % model),
                    etype or "tokens", param, code if "code" in b else "rate_limit_exceeded")
        elif status == 500:
            obj = oa_error_obj(flavour, 500, msg or MSG_OA_500, etype, param, code)
        elif status == 503:
            obj = oa_error_obj(flavour, 503, msg or MSG_OA_503, etype, param, code)
        else:
            obj = oa_error_obj(flavour, status, msg or reason_phrase(status), etype, param, code)
    if status == 429 and not b.get("quota"):
        ra = b.get("retry_after", "7")
        if ra is not None:
            headers.append(("Retry-After", str(ra)))
        if b.get("retry_after_ms") is not None:
            headers.append(("retry-after-ms", str(b["retry_after_ms"])))
    elif b.get("retry_after") is not None:
        headers.append(("Retry-After", str(b["retry_after"])))
    return status, obj, headers


class OpenAICtx:
    def __init__(self, b, body, flavour):
        self.b = b
        self.body = body
        self.flavour = flavour
        self.model = b.get("model") or body.get("model") or "gpt-4o-mini"
        self.stream = body.get("stream") is True
        so = body.get("stream_options")
        self.include_usage = isinstance(so, dict) and so.get("include_usage") is True
        self.created = int(b.get("created", time.time()))
        if b.get("id"):
            self.id = b["id"]
        elif flavour == "ollama":
            self.id = "chatcmpl-%d" % random.randint(0, 998)
        elif flavour == "llamacpp":
            self.id = "chatcmpl-" + rand_alnum(32)
        else:
            self.id = "chatcmpl-" + rand_alnum(29)
        self.fingerprint = {"openai": "fp_" + os.urandom(5).hex(), "ollama": "fp_ollama",
                            "llamacpp": "b6000-fakellm"}[flavour]
        pt = b.get("prompt_tokens")
        self.prompt_tokens = int(pt) if pt is not None else max(1, est_tokens(collect_text(body.get("messages"))))

    def usage(self, completion: int) -> dict:
        reasoning = int(self.b.get("thoughts_tokens", 0) or 0)
        completion += reasoning
        u = {"prompt_tokens": self.prompt_tokens, "completion_tokens": completion,
             "total_tokens": self.prompt_tokens + completion}
        if self.flavour == "openai":
            u["prompt_tokens_details"] = {"cached_tokens": 0, "audio_tokens": 0}
            u["completion_tokens_details"] = {"reasoning_tokens": reasoning, "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
        return u


def oa_finish(b, default):
    fr = b.get("finish_reason", default)
    return G2O_FINISH.get(fr, fr)


def oa_content(ctx: OpenAICtx):
    """(text pieces, tool calls, finish_reason, content_is_null) for a content-producing behaviour."""
    b = ctx.b
    name = b["behaviour"]
    chunks = int(b.get("chunks", 3))
    calls = []
    if name == "json_plan":
        if "text" in b:
            text = b["text"]
        else:
            text = json.dumps(b.get("document", DEFAULT_PLAN), ensure_ascii=False, indent=b.get("indent"))
            if b.get("fenced"):
                text = "```json\n" + text + "\n```"
        finish = oa_finish(b, "stop")
    elif name == "max_tokens":
        text = "" if b.get("no_parts") else b.get("text", DEFAULT_CUT_TEXT)
        finish = oa_finish(b, "length")
    elif name == "safety":
        text = b.get("text", "")
        finish = oa_finish(b, "content_filter")
    elif name == "function_call":
        text = b.get("text", "")
        finish = oa_finish(b, "tool_calls")
        for c in b.get("calls") or [{"name": b.get("name", "create_planning"), "args": b.get("args", {"periode": "semaine"})}]:
            args = c.get("arguments")
            if args is None:
                args = json.dumps(c.get("args", {}), ensure_ascii=False, separators=(",", ":"))
            calls.append({"id": c.get("id") or "call_" + rand_alnum(24), "name": c["name"], "arguments": args})
    else:
        text = b.get("text", DEFAULT_TEXT)
        finish = oa_finish(b, "stop")
    pieces = split_text(text, chunks) if text else []
    null_content = not text and (name in ("safety", "function_call") or (name == "max_tokens" and b.get("no_parts")))
    return pieces, calls, finish, null_content


def oa_completion_tokens(ctx, pieces, calls) -> int:
    ct = ctx.b.get("candidates_tokens")
    if ct is not None:
        return int(ct)
    return est_tokens(sum(len(p) for p in pieces) + sum(len(c["arguments"]) + len(c["name"]) for c in calls))


def oa_unary(ctx: OpenAICtx, pieces, calls, finish, null_content) -> dict:
    text = "".join(pieces)
    f = ctx.flavour
    msg = {"role": "assistant", "content": None if (null_content or (calls and not text)) else text}
    if calls:
        tcs = [{"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
               for c in calls]
        if f == "ollama":
            tcs = [dict(t, index=i) for i, t in enumerate(tcs)]
        msg["tool_calls"] = tcs
    if f == "openai":
        msg["refusal"] = None
        msg["annotations"] = []
    choice = {"index": 0, "message": msg}
    if f == "openai":
        choice["logprobs"] = None
    choice["finish_reason"] = finish
    usage = ctx.usage(oa_completion_tokens(ctx, pieces, calls))
    if f == "openai":
        return {"id": ctx.id, "object": "chat.completion", "created": ctx.created, "model": ctx.model,
                "choices": [choice], "usage": usage, "service_tier": "default", "system_fingerprint": ctx.fingerprint}
    return {"id": ctx.id, "object": "chat.completion", "created": ctx.created, "model": ctx.model,
            "system_fingerprint": ctx.fingerprint, "choices": [choice], "usage": usage}


def oa_chunks(ctx: OpenAICtx, pieces, calls, finish, null_content) -> list:
    """ChatCompletionChunk objects (per flavour). The [DONE] line is added by the sender."""
    f = ctx.flavour
    b = ctx.b

    def chunk(delta, fr=None, choices=None):
        c = {"id": ctx.id, "object": "chat.completion.chunk", "created": ctx.created, "model": ctx.model,
             "system_fingerprint": ctx.fingerprint}
        if choices is None:
            ch = {"index": 0, "delta": delta}
            if f != "ollama":
                ch["logprobs"] = None
            ch["finish_reason"] = fr
            choices = [ch]
        c["choices"] = choices
        if ctx.include_usage and f == "openai":
            c["usage"] = None
        return c

    out = []
    if f == "ollama":
        for p in pieces:
            out.append(chunk({"role": "assistant", "content": p}))
        if calls:
            out.append(chunk({"role": "assistant", "content": "", "tool_calls": [
                {"id": c["id"], "index": i, "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
                for i, c in enumerate(calls)]}))
        out.append(chunk({"role": "assistant", "content": ""}, finish))
    else:
        arg_chunks = int(b.get("arg_chunks", 3))

        def call_start(i, c):
            return {"index": i, "id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": ""}}

        first = {"role": "assistant", "content": None if f == "llamacpp" else ""}
        if f == "openai":
            first["refusal"] = None
        started = set()
        if not pieces and calls and f == "openai":
            first = {"role": "assistant", "content": None, "tool_calls": [call_start(0, calls[0])], "refusal": None}
            started.add(0)
        elif null_content and f == "openai":
            first["content"] = None
        out.append(chunk(first))
        for p in pieces:
            out.append(chunk({"content": p}))
        for i, c in enumerate(calls):
            if i not in started:
                out.append(chunk({"tool_calls": [call_start(i, c)]}))
            for frag in split_text(c["arguments"], arg_chunks):
                if frag:
                    out.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": frag}}]}))
        out.append(chunk({}, finish))
    if ctx.include_usage:
        u = chunk(None, choices=[])
        u["usage"] = ctx.usage(oa_completion_tokens(ctx, pieces, calls))
        out.append(u)
    return out


class OpenAIStream:
    def __init__(self, r: Responder, ctx: OpenAICtx):
        self.r = r
        self.ctx = ctx
        self.n = 0
        self.sep = SSE_SEPARATORS.get(ctx.b.get("sse_separator", "lf"), b"\n\n")

    async def start(self):
        ct = self.ctx.b.get("sse_content_type") or "text/event-stream"
        await self.r.head(200, [("Content-Type", ct)], stream=True)

    def encode(self, obj) -> str:
        return j_compact(obj, sort_keys=self.ctx.flavour == "llamacpp")

    async def send(self, obj=None, raw: str = None):
        self.n += 1
        await self.r.event(b"data: " + (raw if raw is not None else self.encode(obj)).encode("utf-8") + self.sep)

    async def end(self, done=True):
        if done:
            await self.r.event(b"data: [DONE]" + self.sep)
        await self.r.finish()


async def run_openai(r: Responder, ctx: OpenAICtx, presented_key):
    b = ctx.b
    name = b["behaviour"]
    f = ctx.flavour
    first_byte = float(b.get("ms", 2000) if name == "slow_first_byte" else b.get("first_byte_ms", 0)) / 1000.0
    if not ctx.stream and b.get("duration_ms") is not None:
        first_byte += float(b["duration_ms"]) / 1000.0
    await r.pause(first_byte)
    jt = [("Content-Type", oa_json_type(f))]

    if name == "error":
        status, obj, headers = oa_scripted_error(b, f, ctx.model, presented_key)
        await oa_send_error(r, f, status, obj, headers)
        return
    if name == "prompt_blocked":
        # No OpenAI equivalent of a 200 with a blocked prompt: OpenAI refuses the request. [U] wording
        status = int(b.get("status", 400))
        obj = oa_error_obj(f, status, b.get("message", "Invalid prompt: your prompt was flagged as potentially "
                                                       "violating our usage policy. Please try again with a different "
                                                       "prompt."), None, None, "invalid_prompt")
        await oa_send_error(r, f, status, obj)
        return
    if name == "hang" and b.get("after_chunks") is None and not b.get("after_headers"):
        await r.wait_gone(float(b["max_ms"]) / 1000.0 if b.get("max_ms") is not None else None)
        r.cut()
        return

    pieces, calls, finish, null_content = oa_content(ctx)

    if not ctx.stream:
        unary = oa_unary(ctx, pieces, calls, finish, null_content)
        data = oa_encode(f, unary)
        if name == "hang":
            await r.head(200, jt, length=len(data))
            await r.wait_gone(float(b["max_ms"]) / 1000.0 if b.get("max_ms") is not None else None)
            r.cut()
            return
        if name == "stream_error_event":
            status = int(b.get("code", 500))
            await oa_send_error(r, f, status, oa_error_obj(f, status, b.get("message", MSG_OA_500)))
            return
        if name == "malformed_json":
            await r.full(200, [("Content-Type", b.get("content_type", oa_json_type(f)))],
                         b.get("body", '{"id":"chatcmpl-x","object":"chat.completion","choices":[{"index":0,"mess').encode())
            return
        if name == "cut_stream":
            await r.head(200, jt, length=len(data))
            await r.data(data[:len(data) // 2])
            r.cut(bool(b.get("rst")))
            return
        await r.full(200, jt, data)
        return

    events = oa_chunks(ctx, pieces, calls, finish, null_content)
    stream = OpenAIStream(r, ctx)
    await stream.start()
    if name == "hang":
        await send_events(r, stream, events, b, limit=b.get("after_chunks") or 0)
        await r.wait_gone(float(b["max_ms"]) / 1000.0 if b.get("max_ms") is not None else None)
        r.cut()
        return
    if name == "cut_stream":
        await send_events(r, stream, events, b, limit=b.get("after_chunks", 1))
        r.cut(bool(b.get("rst")))
        return
    if name == "stream_error_event":
        delay = await send_events(r, stream, events, b, limit=b.get("after_chunks", 1))
        if stream.n:
            await r.pause(delay)
        code = int(b.get("code", 500))
        err = b.get("error") or oa_error_obj(f, code, b.get("message", MSG_OA_500))["error"]
        await stream.send({"error": err})
        # llama.cpp closes without [DONE] (its server source); for the others it is [U]: default no [DONE].
        await stream.end(done=bool(b.get("done", False)))
        return
    if name == "malformed_json":
        delay = await send_events(r, stream, events, b, limit=b.get("after_chunks", 0))
        if stream.n:
            await r.pause(delay)
        await stream.send(raw=b.get("body", '{"id":"chatcmpl-x","object":"chat.completion.chunk","choi'))
        await stream.end(done=bool(b.get("done", True)))
        return
    await send_events(r, stream, events, b)
    await stream.end(done=b.get("done", True))


def oa_validate(body, flavour):
    """Returns (status, error obj) or None."""
    if flavour == "openai":
        unknown = [k for k in body if k not in OPENAI_PARAMS]
        if len(unknown) == 1:
            return 400, oa_error_obj(flavour, 400, "Unrecognized request argument supplied: %s" % unknown[0])
        if unknown:
            return 400, oa_error_obj(flavour, 400, "Unrecognized request arguments supplied: %s" % ", ".join(unknown))
        if not body.get("model"):
            return 400, oa_error_obj(flavour, 400, "you must provide a model parameter")  # [U]
        if "messages" not in body:
            return 400, oa_error_obj(flavour, 400, "Missing required parameter: 'messages'.", None, "messages",
                                     "missing_required_parameter")  # [U]
        if not isinstance(body["messages"], list) or not body["messages"]:
            return 400, oa_error_obj(flavour, 400, "Invalid 'messages': empty array. Expected an array with minimum "
                                     "length 1, but got an empty array instead.", None, "messages", "empty_array")  # [U]
    elif flavour == "ollama":
        if not body.get("messages"):
            return 400, oa_error_obj(flavour, 400, "[] is too short - 'messages'")
        if not body.get("model"):
            return 400, oa_error_obj(flavour, 400, "model is required")  # [U]
    else:
        if not isinstance(body.get("messages"), list):
            return 400, oa_error_obj(flavour, 400, "'messages' is required")  # [U]
    return None


async def openai_endpoint(state: State, r: Responder, req: Request):
    rec = r.rec
    rec["api"] = "openai"
    flavour = state.config["openai_flavour"]
    # Peek at a flavour set on the next behaviour, so auth/validation errors use its body shape.
    for entry in state.script:
        if entry.get("api") in (None, "openai"):
            flavour = entry.get("flavour") or flavour
            break
    else:
        flavour = state.default.get("flavour") or flavour

    auth = req.headers.get("authorization", "")
    presented = None
    m = re.match(r"(?i)^bearer\s+(.+)$", auth.strip())
    if m:
        presented = m.group(1).strip()
    want = state.config["openai_key"]
    if want is not None:
        if presented is None:
            rec["rejected"] = "no_key"
            if flavour == "llamacpp":
                obj = oa_error_obj(flavour, 401, "Invalid API Key")
            else:
                obj = oa_error_obj(flavour, 401, MSG_OA_NO_KEY if flavour == "openai" else "unauthorized")
            await oa_send_error(r, flavour, 401, obj)
            return
        if presented != want:
            rec["rejected"] = "bad_key"
            if flavour == "llamacpp":
                obj = oa_error_obj(flavour, 401, "Invalid API Key")
            elif flavour == "ollama":
                obj = oa_error_obj(flavour, 401, "unauthorized")
            else:
                obj = oa_error_obj(flavour, 401, "Incorrect API key provided: %s. You can find your API key at "
                                   "https://platform.openai.com/account/api-keys." % oa_mask_key(presented),
                                   None, None, "invalid_api_key")
            await oa_send_error(r, flavour, 401, obj)
            return

    try:
        body = json.loads(req.body.decode("utf-8")) if req.body.strip() else None
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        rec["rejected"] = "invalid_json"
        msg = {"openai": MSG_OA_BAD_JSON, "ollama": "invalid request body",  # [U] for ollama/llama.cpp
               "llamacpp": "Invalid JSON body"}[flavour]
        await oa_send_error(r, flavour, 400, oa_error_obj(flavour, 400, msg))
        return
    rec["model"] = body.get("model")
    rec["stream"] = body.get("stream") is True
    if state.config["validate"]:
        bad = oa_validate(body, flavour)
        if bad:
            rec["rejected"] = "validation"
            await oa_send_error(r, flavour, bad[0], bad[1])
            return

    b = state.take("openai")
    rec["behaviour"] = b["behaviour"]
    rec["params"] = b
    r.configure(b)
    await run_openai(r, OpenAICtx(b, body, b.get("flavour") or flavour), presented)


# ---------------------------------------------------------------------------------------------
# Admin API and dispatch
# ---------------------------------------------------------------------------------------------

async def send_simple(conn: Conn, req: Request, status: int, obj, headers=()):
    body = (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    r = Responder(conn, {"events_sent": 0}, req)
    await r.full(status, [("Content-Type", "application/json")] + list(headers), body)
    return r.keep


async def admin(state: State, conn: Conn, req: Request) -> bool:
    path, method = req.path, req.method

    def body_json():
        if not req.body.strip():
            return None
        return json.loads(req.body.decode("utf-8"))

    try:
        if path == "/_admin/script" and method == "POST":
            payload = body_json()
            append = False
            default = None
            if isinstance(payload, dict):
                append = bool(payload.get("append"))
                default = payload.get("default")
                payload = payload.get("script", [])
            if not isinstance(payload, list):
                raise ValueError("the body is a JSON list of behaviours, or {\"script\": [...], \"default\": {...}}")
            entries = [normalise_behaviour(x) for x in payload]
            if default is not None:
                default = normalise_behaviour(default)
            if append:
                state.script.extend(entries)
            else:
                state.script = entries
            if default is not None:
                state.default = default
            return await send_simple(conn, req, 200, {"queued": len(state.script), "default": state.default})
        if path == "/_admin/script" and method == "GET":
            return await send_simple(conn, req, 200, {"script": state.script, "default": state.default})
        if path == "/_admin/requests" and method == "GET":
            q = req.query
            if q.get("wait_done") not in (None, "", "0", "false"):
                # A monotonic deadline: a step of the wall clock must not stretch (or cut) the wait.
                deadline = time.monotonic() + float(q.get("timeout_ms", "2000")) / 1000.0
                count = int(q.get("count", "0") or 0)
                while time.monotonic() < deadline:
                    recs = list(state.records)
                    if len(recs) >= count and all(x["ended_at"] is not None for x in recs):
                        break
                    await asyncio.sleep(0.01)
            since = int(q.get("since", "0") or 0)
            return await send_simple(conn, req, 200, [x for x in state.records if x["seq"] > since])
        if path == "/_admin/tls" and method == "GET":
            return await send_simple(conn, req, 200, {"tls": state.tls_enabled, "hellos": list(state.tls_hellos)})
        if path == "/_admin/reset" and method == "POST":
            state.reset()
            return await send_simple(conn, req, 200, {"reset": True})
        if path == "/_admin/config" and method in ("GET", "POST"):
            if method == "POST":
                payload = body_json() or {}
                if not isinstance(payload, dict):
                    raise ValueError("the body is a JSON object")
                for k, v in payload.items():
                    if k not in state.config:
                        raise ValueError("unknown setting %r (one of: %s)" % (k, ", ".join(state.config)))
                    if k == "openai_flavour" and v not in FLAVOURS:
                        raise ValueError("openai_flavour must be one of " + ", ".join(FLAVOURS))
                    state.config[k] = v
            return await send_simple(conn, req, 200, state.config)
    except (ValueError, UnicodeDecodeError) as e:
        return await send_simple(conn, req, 400, {"error": str(e)})
    return await send_simple(conn, req, 404, {"error": "no admin route %s %s" % (method, path)})


NOT_FOUND_HTML = ("<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not Found)!!1</title>\n"
                  "  <p><b>404.</b> <ins>That’s an error.</ins>\n  <p>The requested URL <code>%s</code> was not found "
                  "on this server.  <ins>That’s all we know.</ins>\n")


async def dispatch(state: State, conn: Conn, req: Request, peer, tls=None) -> bool:
    if req.path.startswith("/_admin/"):
        return await admin(state, conn, req)
    rec = state.new_record(req, peer, tls)
    r = Responder(conn, rec, req)
    conn.start_watch()
    try:
        m = GEMINI_PATH.match(req.path)
        if m and req.method == "POST":
            await gemini_endpoint(state, r, req, m.group(1), m.group(2), m.group(3))
        elif req.path == "/v1/chat/completions" and req.method == "POST":
            await openai_endpoint(state, r, req)
        elif req.path.startswith("/v1beta/"):
            rec["api"] = "gemini"
            # [U] Google's front end answers an unknown URL with an HTML page.
            await r.full(404, [("Content-Type", "text/html; charset=UTF-8")],
                         (NOT_FOUND_HTML % req.path).encode("utf-8"))
        else:
            rec["api"] = "openai" if req.path.startswith("/v1/") else None
            obj = {"error": {"message": "Invalid URL (%s %s)" % (req.method, req.path), "type": "invalid_request_error",
                             "param": None, "code": None}}
            await r.full(404, [("Content-Type", "application/json")], j_pretty(obj, 4).encode("utf-8"))
    except ClientGone:
        if not rec["response_complete"]:
            rec["client_disconnected"] = True
        r.keep = False
    finally:
        await conn.stop_watch()
        rec["ended_at"] = time.time()
    if conn.closed or conn.eof:
        return False
    return r.keep


class FakeServer:
    def __init__(self, args):
        self.args = args
        self.state = State(args)
        self.tasks = set()
        self.server = None

    async def on_connection(self, reader, writer):
        task = asyncio.current_task()
        self.tasks.add(task)
        sock = writer.get_extra_info("socket")
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass
        peer = writer.get_extra_info("peername")
        tls = None
        ssl_object = writer.get_extra_info("ssl_object")
        if ssl_object is not None:  # the handshake is complete by now
            tls = {"version": ssl_object.version(), "cipher": (ssl_object.cipher() or [None])[0],
                   "sni": getattr(ssl_object, "sni_seen", None)}
        conn = Conn(reader, writer)
        try:
            while True:
                try:
                    req = await read_request(conn, self.args.idle_timeout)
                except HttpError as e:
                    body = (e.message + "\n").encode()
                    head = ("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                            % (e.status, reason_phrase(e.status), len(body))).encode()
                    try:
                        await conn.write(head + body)
                    except ClientGone:
                        pass
                    break
                if req is None:
                    break
                if not await dispatch(self.state, conn, req, peer, tls):
                    break
        except (ClientGone, ConnectionError, asyncio.CancelledError):
            pass
        except Exception:
            traceback.print_exc(file=sys.stderr)
        finally:
            await conn.stop_watch()
            await conn.close()
            self.tasks.discard(task)

    def tls_context(self):
        """The server-side TLS context for --tls-cert/--tls-key, or None (plain HTTP).

        Every ClientHello is recorded (GET /_admin/tls) with the SNI host name it carried, before the
        certificate is even sent: a client that then rejects the certificate (and so never sends a
        request) still shows up there, which tells "refused our certificate" from "never came"."""
        if not self.args.tls_cert:
            return None
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.args.tls_cert, self.args.tls_key)
        state = self.state

        def on_hello(ssl_object, server_name, _ctx):
            ssl_object.sni_seen = server_name
            state.tls_hellos.append({"time": time.time(), "sni": server_name})
            return None
        ctx.sni_callback = on_hello
        return ctx

    async def main(self):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        self.server = await asyncio.start_server(self.on_connection, self.args.host, self.args.port,
                                                 backlog=self.args.backlog, limit=MAX_HEAD,
                                                 ssl=self.tls_context())
        port = self.server.sockets[0].getsockname()[1]
        sys.stdout.write(json.dumps({"listening": port}) + "\n")
        sys.stdout.flush()
        if self.args.exit_with_parent:
            parent = os.getppid()

            async def watchdog():
                while os.getppid() == parent:
                    await asyncio.sleep(1)
                stop.set()
            asyncio.ensure_future(watchdog())
        await stop.wait()
        self.server.close()
        for t in list(self.tasks):
            t.cancel()
        await asyncio.sleep(0)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Fake Gemini v1beta + OpenAI-compatible LLM server for tests.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port (printed as {\"listening\": PORT})")
    p.add_argument("--gemini-key", default=None,
                   help="the accepted x-goog-api-key; without it any non-empty key is accepted")
    p.add_argument("--openai-key", default=None,
                   help="the accepted Authorization: Bearer key; without it no key is checked")
    p.add_argument("--openai-flavour", default="openai", choices=FLAVOURS)
    p.add_argument("--no-validate", action="store_true", help="do not reject malformed requests with the real 400s")
    p.add_argument("--max-records", type=int, default=20000, help="request records kept (oldest dropped)")
    p.add_argument("--backlog", type=int, default=4096)
    p.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT_S,
                   help="seconds an idle keep-alive connection is kept")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="stop when the process that started the fake exits")
    p.add_argument("--tls-cert", default=None, metavar="FILE",
                   help="serve HTTPS with this PEM certificate (chain); needs --tls-key")
    p.add_argument("--tls-key", default=None, metavar="FILE", help="the PEM private key of --tls-cert")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        asyncio.run(FakeServer(args).main())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
