#!/usr/bin/env python3
"""Fake Web Push service for PlanÉtude's tests: a loopback stand-in for the push services browsers
subscribe to (FCM, Mozilla autopush, Apple's web push), speaking RFC 8030 with RFC 8291 message
encryption and RFC 8292 VAPID authentication.

Python 3 standard library plus python3-cryptography (Debian's, 38). Start it with

    /usr/bin/python3 tests/fakes/fake_push.py --port 0 [--host 127.0.0.1] [--endpoint-host H]
                                              [--tls-cert FILE --tls-key FILE] [--exit-with-parent]

and it prints one line `{"listening": PORT}` on stdout once it accepts connections.

    POST /push/<id>                   a push message (RFC 8030 §5), checked as a real service does,
                                      then decrypted with the subscription's keys and recorded
    POST /_control/subscriptions      a new subscription, as PushSubscription.toJSON() shows it
    GET  /_control/subscriptions      the subscriptions
    DELETE /_control/subscriptions/<id>   the subscription expires: pushes to it get 410
    POST /_control/next               script the next answers of one subscription (410, 404, 429, 500…)
    GET  /_control/messages           the messages received (decrypted), oldest first
    GET  /_control/requests           every push request, refused ones included, with why
    POST /_control/reset              forget everything

Every behaviour is described in tests/fakes/README.md ("The fake push service"), which says which come
from the RFCs and which are choices of this fake.
"""
from __future__ import annotations

import argparse
import base64
import hmac
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAX_BODY = 4096            # RFC 8030 §7.2: a push service must accept at least 4096 octets of payload body
MAX_READ = 1024 * 1024     # bodies above this are not even read (413 and close)
MAX_VAPID_LIFETIME = 24 * 60 * 60   # RFC 8292 §2: exp no more than 24 hours after the request
MAX_TTL = 28 * 24 * 60 * 60         # the longest TTL kept (FCM's four weeks); a longer one is lowered
URGENCIES = ("very-low", "low", "normal", "high")   # RFC 8030 §5.3
TOPIC_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")    # RFC 8030 §5.4
TTL_RE = re.compile(r"^[0-9]+$")


# ---------------------------------------------------------------------------------------------
# base64url and keys
# ---------------------------------------------------------------------------------------------

def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64u(text: str) -> bytes:
    """Strict base64url (padding tolerated); ValueError otherwise."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text):
        raise ValueError("not base64url")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """The uncompressed point (0x04 || X || Y) of a private key's public half."""
    return private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint)


def load_point(raw: bytes) -> ec.EllipticCurvePublicKey:
    """An uncompressed P-256 point (65 octets, 0x04 first), checked to be on the curve."""
    if len(raw) != 65 or raw[0] != 4:
        raise ValueError("not a 65-octet uncompressed P-256 point")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)


# ---------------------------------------------------------------------------------------------
# RFC 8291 decryption (the user agent's side)
# ---------------------------------------------------------------------------------------------

def hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def decrypt_aes128gcm(body: bytes, ua_private: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """RFC 8291 §3-4 over RFC 8188 §2: one record, keyid = the application server's ephemeral key.
    Raises ValueError with the reason when the body is not a valid message."""
    if len(body) < 21:
        raise ValueError("body shorter than the aes128gcm header")
    salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    if idlen != 65:
        raise ValueError(f"keyid length {idlen}, expected 65 (RFC 8291 §4)")
    if len(body) < 21 + idlen:
        raise ValueError("body shorter than its header")
    as_public_raw = body[21:21 + idlen]
    record = body[21 + idlen:]
    if rs < 18:
        raise ValueError(f"record size {rs} below 18 (RFC 8188 §2)")
    if len(record) > rs:
        raise ValueError(f"more than one record: {len(record)} octets with rs {rs} (RFC 8291 §4)")
    if len(record) < 17:
        raise ValueError("record shorter than the authentication tag and the delimiter")
    try:
        as_public = load_point(as_public_raw)
    except ValueError as e:
        raise ValueError(f"keyid is not a P-256 point: {e}") from None
    ecdh_secret = ua_private.exchange(ec.ECDH(), as_public)
    ua_public = public_bytes(ua_private)
    ikm = hkdf(auth_secret, ecdh_secret, b"WebPush: info\x00" + ua_public + as_public_raw, 32)
    cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    try:
        padded = AESGCM(cek).decrypt(nonce, record, b"")
    except InvalidTag:
        raise ValueError("authentication tag mismatch (wrong keys, salt or key derivation)") from None
    stripped = padded.rstrip(b"\x00")
    if not stripped or stripped[-1] != 2:
        raise ValueError("padding delimiter is not 0x02 (RFC 8291 §4: a single, last record)")
    return stripped[:-1]


# ---------------------------------------------------------------------------------------------
# RFC 8292 VAPID
# ---------------------------------------------------------------------------------------------

class Refusal(Exception):
    def __init__(self, status: int, reason: str, message: str, headers=None):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.headers = headers or []


def parse_vapid(header: str):
    """`vapid t=<JWT>, k=<key>` (RFC 8292 §3) → (t, k). Parameters in any order."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise Refusal(401, "unsupported_scheme", f"authorization scheme {scheme!r} is not vapid (RFC 8292 §3)",
                      [("WWW-Authenticate", "vapid")])
    params = {}
    for part in rest.split(","):
        name, eq, value = part.strip().partition("=")
        if eq:
            params[name.strip().lower()] = value.strip().strip('"')
    if "t" not in params or "k" not in params:
        raise Refusal(403, "vapid_malformed", "the vapid authorization needs both t= and k= (RFC 8292 §3)")
    return params["t"], params["k"]


def check_vapid(header: str, origin: str, now: float, restricted_key: str | None):
    """Verifies the token as RFC 8292 asks a push service to; returns the claims."""
    token, key_text = parse_vapid(header)
    try:
        key_raw = unb64u(key_text)
        public_key = load_point(key_raw)
    except ValueError as e:
        raise Refusal(403, "vapid_bad_key", f"k is not a base64url uncompressed P-256 point: {e} (RFC 8292 §3.2)")
    if restricted_key is not None and key_raw != unb64u(restricted_key):
        raise Refusal(403, "vapid_key_mismatch",
                      "k is not the applicationServerKey this subscription was made with (RFC 8292 §4.2)")
    parts = token.split(".")
    if len(parts) != 3:
        raise Refusal(403, "jwt_malformed", "t is not a JWS compact serialization (three parts)")
    try:
        header_json = json.loads(unb64u(parts[0]))
        claims = json.loads(unb64u(parts[1]))
        signature = unb64u(parts[2])
    except ValueError as e:
        raise Refusal(403, "jwt_malformed", f"t does not decode: {e}")
    if not isinstance(header_json, dict) or header_json.get("alg") != "ES256":
        raise Refusal(403, "jwt_bad_alg", f"JWT alg must be ES256 (RFC 8292 §2), got {header_json!r}")
    if "typ" in header_json and header_json["typ"] != "JWT":
        raise Refusal(403, "jwt_bad_typ", f"JWT typ must be JWT, got {header_json['typ']!r}")
    if len(signature) != 64:
        raise Refusal(403, "jwt_bad_signature",
                      f"the ES256 signature is {len(signature)} octets: JOSE wants r || s, 64 octets, not DER "
                      "(RFC 7515 §A.3, RFC 7518 §3.4)")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, (parts[0] + "." + parts[1]).encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Refusal(403, "jwt_bad_signature", "the JWT signature does not verify with k (RFC 8292 §2)")
    if not isinstance(claims, dict):
        raise Refusal(403, "jwt_malformed", "the JWT claims are not a JSON object")
    if claims.get("aud") != origin:
        raise Refusal(403, "jwt_bad_aud", f"aud must be the push resource's origin {origin!r} (RFC 8292 §2), "
                                          f"got {claims.get('aud')!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise Refusal(403, "jwt_bad_exp", f"exp must be an integer (RFC 8292 §2), got {exp!r}")
    if exp <= now:
        raise Refusal(403, "jwt_expired", f"the JWT expired {int(now - exp)} s ago")
    if exp > now + MAX_VAPID_LIFETIME:
        raise Refusal(403, "jwt_exp_too_far",
                      f"exp is {int(exp - now)} s ahead, more than 24 hours (RFC 8292 §2)")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not (sub.startswith("mailto:") or sub.startswith("https:")):
        raise Refusal(403, "jwt_bad_sub", f"sub must be a mailto: or https: URL (RFC 8292 §2.1), got {sub!r}")
    return {"k": key_text, "aud": claims["aud"], "exp": exp, "sub": sub, "header": header_json}


# ---------------------------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------------------------

class State:
    def __init__(self, origin: str, accept_undecryptable: bool):
        self.lock = threading.Condition()
        self.origin = origin
        self.accept_undecryptable = accept_undecryptable
        self.reset()

    def reset(self, keep_subscriptions: bool = False):
        with self.lock:
            if not keep_subscriptions:
                self.subscriptions = {}   # id -> dict(private, auth, public, application_server_key, expired)
            self.next_answers = {}        # id -> [answer, ...]
            self.messages = []
            self.requests = []
            self.seq = 0
            self.lock.notify_all()

    def subscription_json(self, sid: str, sub: dict) -> dict:
        return {"endpoint": f"{self.origin}/push/{sid}", "expirationTime": None,
                "keys": {"p256dh": b64u(sub["public"]), "auth": b64u(sub["auth"])}}


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-push/1"

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - quiet: stdout carries the listening line only
        pass

    @property
    def state(self) -> State:
        return self.server.state

    # ---- plumbing ----

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
                if len(data) > MAX_READ:
                    return None
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_READ:
            return None
        return self.rfile.read(length) if length else b""

    def answer(self, status: int, body=None, headers=(), close: bool = False):
        data = b"" if body is None else (body if isinstance(body, bytes) else
                                         json.dumps(body, ensure_ascii=False).encode())
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body is not None and not isinstance(body, bytes):
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def refuse(self, r: Refusal, record: dict | None = None):
        if record is not None:
            record.update(status=r.status, reason=r.reason, message=r.message)
        self.answer(r.status, {"code": r.status, "reason": r.reason, "message": r.message}, r.headers)

    def json_body(self):
        raw = self.read_body()
        if raw is None:
            raise Refusal(413, "too_large", "body too large")
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise Refusal(400, "invalid_json", "the body is not JSON")

    # ---- routes ----

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def do_PUT(self):
        self.route("PUT")

    def route(self, method: str):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        try:
            if path.startswith("/push/"):
                if method != "POST":
                    self.read_body()
                    raise Refusal(405, "method_not_allowed", "push messages are POSTed (RFC 8030 §5)",
                                  [("Allow", "POST")])
                return self.push(path[len("/push/"):])
            if path == "/_control/subscriptions" and method == "POST":
                return self.create_subscription(self.json_body())
            if path == "/_control/subscriptions" and method == "GET":
                with self.state.lock:
                    subs = [dict(self.state.subscription_json(sid, s), id=sid, expired=s["expired"],
                                 applicationServerKey=s["application_server_key"])
                            for sid, s in self.state.subscriptions.items()]
                return self.answer(200, subs)
            if path.startswith("/_control/subscriptions/") and method == "DELETE":
                sid = path[len("/_control/subscriptions/"):]
                with self.state.lock:
                    sub = self.state.subscriptions.get(sid)
                    if sub is None:
                        raise Refusal(404, "unknown_subscription", "no such subscription")
                    sub["expired"] = True
                return self.answer(204)
            if path == "/_control/next" and method == "POST":
                return self.script_next(self.json_body())
            if path == "/_control/messages" and method == "GET":
                return self.answer(200, self.wait_list("messages", query))
            if path == "/_control/requests" and method == "GET":
                return self.answer(200, self.wait_list("requests", query))
            if path == "/_control/reset" and method == "POST":
                body = self.json_body()
                self.state.reset(keep_subscriptions=bool(isinstance(body, dict) and body.get("keep_subscriptions")))
                return self.answer(200, {"reset": True})
            self.read_body()
            raise Refusal(404, "not_found", f"no route {method} {path}")
        except Refusal as r:
            self.refuse(r)
        except Exception as e:  # a bug of the fake: say so rather than drop the connection
            traceback.print_exc()
            self.answer(500, {"code": 500, "reason": "fake_internal_error", "message": repr(e)}, close=True)

    def create_subscription(self, body):
        if not isinstance(body, dict):
            raise Refusal(400, "invalid_body", "expected a JSON object")
        app_key = body.get("applicationServerKey")
        if app_key is not None:
            try:
                load_point(unb64u(app_key))
            except (ValueError, TypeError) as e:
                raise Refusal(400, "invalid_application_server_key", f"applicationServerKey: {e}")
        try:
            if "private_key" in body:   # a key pair of the test's choosing (RFC 8291's example, say)
                private = ec.derive_private_key(int.from_bytes(unb64u(body["private_key"]), "big"), ec.SECP256R1())
            else:
                private = ec.generate_private_key(ec.SECP256R1())
            auth = unb64u(body["auth"]) if "auth" in body else secrets.token_bytes(16)
        except (ValueError, TypeError) as e:
            raise Refusal(400, "invalid_key", str(e))
        if len(auth) != 16:
            raise Refusal(400, "invalid_key", "auth must be 16 octets")
        sid = body.get("id") or b64u(secrets.token_bytes(24))
        if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", sid):
            raise Refusal(400, "invalid_id", "id: 1 to 100 base64url characters")
        with self.state.lock:
            self.state.subscriptions[sid] = {"private": private, "public": public_bytes(private), "auth": auth,
                                             "application_server_key": app_key, "expired": False}
            out = self.state.subscription_json(sid, self.state.subscriptions[sid])
        self.answer(201, out, [("Location", out["endpoint"])])

    def script_next(self, body):
        if not isinstance(body, dict):
            raise Refusal(400, "invalid_body", "expected a JSON object")
        sid = body.get("id")
        if sid is None and isinstance(body.get("endpoint"), str):
            sid = body["endpoint"].rstrip("/").rsplit("/", 1)[-1]
        status = body.get("status")
        if not isinstance(status, int) or not 200 <= status <= 599:
            raise Refusal(400, "invalid_status", "status: an HTTP status code")
        times = body.get("times", 1)
        with self.state.lock:
            if sid not in self.state.subscriptions:
                raise Refusal(404, "unknown_subscription", "no such subscription")
            answer = {"status": status, "retry_after": body.get("retry_after"), "body": body.get("body")}
            queue = self.state.next_answers.setdefault(sid, [])
            if not body.get("append", True):
                queue.clear()
            queue.extend([answer] * int(times))
            queued = len(queue)
        self.answer(200, {"id": sid, "queued": queued})

    def wait_list(self, name: str, query: dict):
        count = int(query.get("count", ["0"])[0])
        timeout = int(query.get("timeout_ms", ["0"])[0]) / 1000.0
        sid = query.get("subscription", [None])[0]
        deadline = time.monotonic() + timeout

        def selected():
            items = getattr(self.state, name)
            return [m for m in items if sid is None or m["subscription"] == sid]

        with self.state.lock:
            while len(selected()) < count and time.monotonic() < deadline:
                self.state.lock.wait(max(0.0, deadline - time.monotonic()))
            return list(selected())

    # ---- the push service proper ----

    def push(self, sid: str):
        state = self.state
        now = time.time()
        with state.lock:
            state.seq += 1
            record = {"seq": state.seq, "time": now, "subscription": sid, "peer": self.client_address[0],
                      "headers": {k.lower(): v for k, v in self.headers.items()}, "body_length": None,
                      "status": None, "reason": None, "message": None}
            state.requests.append(record)
        try:
            status, headers = self.push_checked(sid, record, now)
            record["status"] = status
            self.answer(status, None, headers)
        except Refusal as r:
            self.refuse(r, record)
        except Exception as e:  # a bug of the fake
            traceback.print_exc()
            record.update(status=500, reason="fake_internal_error", message=repr(e))
            self.answer(500, {"code": 500, "reason": "fake_internal_error", "message": repr(e)}, close=True)
        finally:
            with state.lock:
                state.lock.notify_all()

    def push_checked(self, sid: str, record: dict, now: float):
        """The checks, in this order: size, subscription, TTL, Urgency, Topic, VAPID, Content-Encoding;
        then a scripted answer if one is queued; then decryption."""
        state = self.state
        too_large = Refusal(413, "payload_too_large", f"the body is larger than {MAX_BODY} octets (RFC 8030 §7.2)")
        declared = self.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > MAX_READ:
            too_large.headers = [("Connection", "close")]   # the body is left unread
            raise too_large
        body = self.read_body()
        if body is None:
            too_large.headers = [("Connection", "close")]
            raise too_large
        record["body_length"] = len(body)
        if len(body) > MAX_BODY:
            raise too_large
        with state.lock:
            sub = state.subscriptions.get(sid)
        if sub is None:
            raise Refusal(404, "unknown_subscription", "no such subscription")
        if sub["expired"]:
            raise Refusal(410, "subscription_expired", "the subscription has expired (410 as autopush and FCM answer)")

        # RFC 8030 §5.2: TTL is required.
        ttl_text = self.headers.get("TTL")
        if ttl_text is None:
            raise Refusal(400, "missing_ttl", "the TTL header field is required (RFC 8030 §5.2)")
        if not TTL_RE.match(ttl_text.strip()):
            raise Refusal(400, "invalid_ttl", f"TTL must be delta-seconds, got {ttl_text!r} (RFC 8030 §5.2)")
        ttl = int(ttl_text.strip())
        urgency = self.headers.get("Urgency")
        if urgency is not None and urgency.strip() not in URGENCIES:
            raise Refusal(400, "invalid_urgency", f"Urgency must be one of {', '.join(URGENCIES)} (RFC 8030 §5.3)")
        topic = self.headers.get("Topic")
        if topic is not None and not TOPIC_RE.match(topic):
            raise Refusal(400, "invalid_topic", "Topic: at most 32 base64url characters (RFC 8030 §5.4)")

        # RFC 8292: every subscription here asks for VAPID.
        auth_header = self.headers.get("Authorization")
        if auth_header is None:
            raise Refusal(401, "missing_authorization", "vapid authorization is required (RFC 8292 §4.2)",
                          [("WWW-Authenticate", "vapid")])
        vapid = check_vapid(auth_header, state.origin, now, sub["application_server_key"])

        # RFC 8291 §4 + RFC 8188: the only content coding of a push message.
        encoding = self.headers.get("Content-Encoding")
        if body and (encoding is None or encoding.strip().lower() != "aes128gcm"):
            raise Refusal(415, "unsupported_content_encoding",
                          f"Content-Encoding must be aes128gcm (RFC 8291 §4), got {encoding!r}")

        with state.lock:
            queue = state.next_answers.get(sid)
            scripted = queue.pop(0) if queue else None
        if scripted is not None:
            return self.scripted_answer(sid, scripted, record)

        payload = b""
        decrypt_error = None
        if body:
            try:
                payload = decrypt_aes128gcm(body, sub["private"], sub["auth"])
            except ValueError as e:
                decrypt_error = str(e)
                if not state.accept_undecryptable:
                    raise Refusal(400, "decryption_failed",
                                  f"the body does not decrypt: {e} (a real push service would take it and the "
                                  "browser drop it; start with --accept-undecryptable for that)")
        kept_ttl = min(ttl, MAX_TTL)
        message_id = b64u(secrets.token_bytes(16))
        message = {
            "seq": record["seq"], "id": message_id, "time": now, "subscription": sid,
            "payload": payload.decode("utf-8", errors="replace"), "payload_b64": b64u(payload),
            "decrypt_error": decrypt_error, "ttl": ttl, "urgency": (urgency or "normal").strip(), "topic": topic,
            "content_encoding": encoding, "content_type": self.headers.get("Content-Type"),
            "body_length": len(body), "vapid": vapid,
        }
        with state.lock:
            state.messages.append(message)
        headers = [("Location", f"{state.origin}/message/{message_id}")]
        if kept_ttl != ttl:
            headers.append(("TTL", str(kept_ttl)))   # RFC 8030 §5.2: the TTL actually kept
        return 201, headers

    def scripted_answer(self, sid: str, scripted: dict, record: dict):
        status = scripted["status"]
        headers = []
        if scripted.get("retry_after") is not None:
            headers.append(("Retry-After", str(scripted["retry_after"])))
        if status in (404, 410):
            with self.state.lock:
                self.state.subscriptions[sid]["expired"] = True   # a gone subscription stays gone
        reason = {404: "unknown_subscription", 410: "subscription_expired", 429: "too_many_requests",
                  500: "internal_error", 503: "unavailable"}.get(status, "scripted")
        if status < 300:
            record.update(status=status, reason="scripted")
            return status, headers
        body = scripted.get("body")
        raise Refusal(status, reason, body if isinstance(body, str) else f"scripted answer {status}", headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, state: State, tls_context):
        self.state = state
        self.tls_context = tls_context
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs on the connection's own thread, so a slow client stalls no one else.
        if self.tls_context is not None:
            request.settimeout(30)
            try:
                request = self.tls_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
            request.settimeout(None)
        super().finish_request(request, client_address)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Fake Web Push service (RFC 8030, 8291, 8292) for tests")
    p.add_argument("--port", type=int, default=0, help="0 = any free port (printed as {\"listening\": PORT})")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--endpoint-host", default=None,
                   help="the host name the subscriptions' endpoints use (default: --host; 'localhost' with TLS)")
    p.add_argument("--tls-cert", default=None)
    p.add_argument("--tls-key", default=None)
    p.add_argument("--accept-undecryptable", action="store_true",
                   help="answer 201 to a body that does not decrypt, as a real push service would")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="stop when the process that started the fake exits")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    return args


def main(argv=None):
    args = parse_args(argv)
    parent = os.getppid()  # before the listening line: a parent that exits after reading it is noticed
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    Server.address_family = family
    state = State("", args.accept_undecryptable)
    server = Server((args.host, args.port), state, tls)
    port = server.server_address[1]
    host = args.endpoint_host or ("localhost" if tls else args.host)
    if ":" in host:
        host = f"[{host}]"
    scheme = "https" if tls else "http"
    default_port = 443 if tls else 80
    state.origin = f"{scheme}://{host}" + ("" if port == default_port else f":{port}")

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_parent:
        def watchdog():
            while os.getppid() == parent:
                time.sleep(1)
            stop()
        threading.Thread(target=watchdog, daemon=True).start()
    sys.stdout.write(json.dumps({"listening": port}) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
