"""Self-tests of tests/fakes/fake_push.py, the fake Web Push service: a message encrypted here as
RFC 8291 says (and RFC 8291's own example) is decrypted and recorded; what a real push service
refuses (RFC 8030 headers, RFC 8292 VAPID tokens) is refused; the control API works.

Python 3 standard library plus python3-cryptography. From the repository root:
/usr/bin/python3 -m pytest tests/fakes/test_fake_push.py -q
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import pathlib
import select
import subprocess
import sys
import time
import urllib.parse

import pytest

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FAKE = pathlib.Path(__file__).resolve().parent / "fake_push.py"
SUBJECT = "mailto:ops@planetude.example"

# RFC 8291 §5 and Appendix A.
RFC_UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC_UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
RFC_AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
RFC_AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
RFC_SALT = "DGv6ra1nlYgDCS1FRnbzlw"
RFC_BODY = ("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
            "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
            "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")
RFC_PLAINTEXT = b"When I grow up, I want to be a watermelon"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def point(private_key) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint)


# ---------------------------------------------------------------------------------------------
# An application server, written from the RFCs (independently of the fake's decrypter)
# ---------------------------------------------------------------------------------------------

def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def encrypt(plaintext: bytes, p256dh: str, auth: str, as_private=None, salt: bytes = None, rs: int = 4096,
            delimiter: bytes = b"\x02") -> bytes:
    """RFC 8291 §3.4 and RFC 8188 §2: one record, the ephemeral key as keyid."""
    as_private = as_private or ec.generate_private_key(ec.SECP256R1())
    salt = salt if salt is not None else os.urandom(16)
    ua_public = unb64u(p256dh)
    as_public = point(as_private)
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ua_public)
    ecdh_secret = as_private.exchange(ec.ECDH(), peer)
    ikm = hkdf_sha256(unb64u(auth), ecdh_secret, b"WebPush: info\x00" + ua_public + as_public, 32)
    cek = hkdf_sha256(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf_sha256(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    header = salt + rs.to_bytes(4, "big") + bytes([len(as_public)]) + as_public
    return header + AESGCM(cek).encrypt(nonce, plaintext + delimiter, b"")


class Vapid:
    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.public = b64u(point(self.key))

    def token(self, claims: dict, header=None, der: bool = False, key=None) -> str:
        header = header or {"typ": "JWT", "alg": "ES256"}
        signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())
        signature = (key or self.key).sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        if not der:
            r, s = decode_dss_signature(signature)
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signing_input + "." + b64u(signature)

    def authorization(self, aud: str, exp_in: int = 12 * 3600, **overrides) -> str:
        claims = {"aud": aud, "exp": int(time.time()) + exp_in, "sub": SUBJECT}
        claims.update(overrides.pop("claims", {}))
        for k in [k for k, v in claims.items() if v is None]:
            del claims[k]
        return f"vapid t={self.token(claims, **overrides)}, k={self.public}"


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
            raise RuntimeError("fake_push did not start")
        self.port = json.loads(self.proc.stdout.readline())["listening"]
        self.origin = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def call(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        c.request(method, path, body=data, headers=headers or {})
        r = c.getresponse()
        raw = r.read()
        c.close()
        return r, raw

    def control(self, method, path, obj=None):
        r, raw = self.call(method, "/_control/" + path, obj)
        return r.status, (json.loads(raw) if raw else None)

    def subscribe(self, **options):
        status, sub = self.control("POST", "subscriptions", options)
        assert status == 201, sub
        return sub

    def push(self, sub, body: bytes, headers: dict):
        path = urllib.parse.urlsplit(sub["endpoint"]).path
        return self.call("POST", path, body, headers)


@pytest.fixture(scope="module")
def fake():
    f = Fake()
    yield f
    f.stop()


@pytest.fixture(autouse=True)
def clean(fake):
    fake.control("POST", "reset")


@pytest.fixture
def vapid():
    return Vapid()


def good_headers(fake, vapid, **extra):
    h = {"TTL": "60", "Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
         "Urgency": "normal", "Authorization": vapid.authorization(fake.origin)}
    h.update(extra)
    return {k: v for k, v in h.items() if v is not None}


def reason(raw: bytes) -> str:
    return json.loads(raw)["reason"]


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------

def test_subscription_looks_like_a_browsers(fake):
    sub = fake.subscribe()
    assert set(sub) == {"endpoint", "expirationTime", "keys"}
    assert sub["endpoint"].startswith(fake.origin + "/push/")
    assert sub["expirationTime"] is None
    p256dh, auth = unb64u(sub["keys"]["p256dh"]), unb64u(sub["keys"]["auth"])
    assert len(p256dh) == 65 and p256dh[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)  # on the curve
    assert len(auth) == 16
    assert "=" not in sub["keys"]["p256dh"] + sub["keys"]["auth"]


def test_an_rfc_8291_message_is_decrypted_and_recorded(fake, vapid):
    sub = fake.subscribe()
    payload = json.dumps({"title": "Révision", "body": "Maths à 18 h"}).encode()
    r, raw = fake.push(sub, encrypt(payload, **sub["keys"]), good_headers(fake, vapid, Topic="rappel-42",
                                                                              Urgency="high"))
    assert r.status == 201, raw
    assert raw == b""
    assert r.getheader("Location").startswith(fake.origin + "/message/")
    status, messages = fake.control("GET", "messages")
    assert len(messages) == 1
    m = messages[0]
    assert m["payload"] == payload.decode()
    assert m["ttl"] == 60 and m["urgency"] == "high" and m["topic"] == "rappel-42"
    assert m["content_encoding"] == "aes128gcm"
    assert m["vapid"]["aud"] == fake.origin and m["vapid"]["sub"] == SUBJECT and m["vapid"]["k"] == vapid.public
    assert m["subscription"] == sub["endpoint"].rsplit("/", 1)[1]


def test_the_rfc_8291_example_body_decrypts_to_its_plaintext(fake, vapid):
    sub = fake.subscribe(private_key=RFC_UA_PRIVATE, auth=RFC_AUTH)
    assert sub["keys"] == {"p256dh": RFC_UA_PUBLIC, "auth": RFC_AUTH}
    # This file's encrypter reproduces the RFC's body byte for byte…
    as_private = ec.derive_private_key(int.from_bytes(unb64u(RFC_AS_PRIVATE), "big"), ec.SECP256R1())
    assert encrypt(RFC_PLAINTEXT, **sub["keys"], as_private=as_private, salt=unb64u(RFC_SALT)) == unb64u(RFC_BODY)
    # …and the fake decrypts it.
    r, raw = fake.push(sub, unb64u(RFC_BODY), good_headers(fake, vapid))
    assert r.status == 201, raw
    _, messages = fake.control("GET", "messages")
    assert messages[0]["payload"] == RFC_PLAINTEXT.decode()


def test_an_empty_push_needs_no_content_encoding(fake, vapid):
    sub = fake.subscribe()
    r, raw = fake.push(sub, b"", good_headers(fake, vapid, **{"Content-Encoding": None}))
    assert r.status == 201, raw
    _, messages = fake.control("GET", "messages")
    assert messages[0]["payload"] == ""


@pytest.mark.parametrize("headers, status, why", [
    ({"TTL": None}, 400, "missing_ttl"),
    ({"TTL": "soon"}, 400, "invalid_ttl"),
    ({"Urgency": "urgent"}, 400, "invalid_urgency"),
    ({"Topic": "a" * 33}, 400, "invalid_topic"),
    ({"Topic": "not/base64url"}, 400, "invalid_topic"),
    ({"Content-Encoding": None}, 415, "unsupported_content_encoding"),
    ({"Content-Encoding": "aesgcm"}, 415, "unsupported_content_encoding"),
    ({"Authorization": None}, 401, "missing_authorization"),
    ({"Authorization": "Bearer abc"}, 401, "unsupported_scheme"),
    ({"Authorization": "vapid t=abc"}, 403, "vapid_malformed"),
])
def test_requests_a_push_service_refuses(fake, vapid, headers, status, why):
    sub = fake.subscribe()
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid, **headers))
    assert (r.status, reason(raw)) == (status, why), raw
    if status == 401:
        assert r.getheader("WWW-Authenticate") == "vapid"
    _, messages = fake.control("GET", "messages")
    assert messages == []
    _, requests = fake.control("GET", "requests")
    assert (requests[-1]["status"], requests[-1]["reason"]) == (status, why)


def vapid_case(fake, vapid, name):
    other = Vapid()
    now = int(time.time())
    cases = {
        "wrong_signature": lambda: f"vapid t={other.token({'aud': fake.origin, 'exp': now + 3600, 'sub': SUBJECT})}, "
                                   f"k={vapid.public}",
        "der_signature": lambda: vapid.authorization(fake.origin, der=True),
        "wrong_aud": lambda: vapid.authorization("http://127.0.0.1:1"),
        "aud_with_path": lambda: vapid.authorization(fake.origin + "/push"),
        "expired": lambda: vapid.authorization(fake.origin, exp_in=-10),
        "exp_beyond_24h": lambda: vapid.authorization(fake.origin, exp_in=24 * 3600 + 60),
        "exp_not_a_number": lambda: vapid.authorization(fake.origin, claims={"exp": str(now + 60)}),
        "no_sub": lambda: vapid.authorization(fake.origin, claims={"sub": None}),
        "sub_not_a_url": lambda: vapid.authorization(fake.origin, claims={"sub": "ops@planetude.example"}),
        "alg_none": lambda: vapid.authorization(fake.origin, header={"typ": "JWT", "alg": "none"}),
        "bad_k": lambda: f"vapid t={vapid.token({'aud': fake.origin, 'exp': now + 60, 'sub': SUBJECT})}, k=AAAA",
    }
    return cases[name]()


@pytest.mark.parametrize("name, why", [
    ("wrong_signature", "jwt_bad_signature"),
    ("der_signature", "jwt_bad_signature"),
    ("wrong_aud", "jwt_bad_aud"),
    ("aud_with_path", "jwt_bad_aud"),
    ("expired", "jwt_expired"),
    ("exp_beyond_24h", "jwt_exp_too_far"),
    ("exp_not_a_number", "jwt_bad_exp"),
    ("no_sub", "jwt_bad_sub"),
    ("sub_not_a_url", "jwt_bad_sub"),
    ("alg_none", "jwt_bad_alg"),
    ("bad_k", "vapid_bad_key"),
])
def test_invalid_vapid_tokens_are_refused_with_403(fake, vapid, name, why):
    sub = fake.subscribe()
    headers = good_headers(fake, vapid, Authorization=vapid_case(fake, vapid, name))
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), headers)
    assert r.status == 403, raw
    body = json.loads(raw)
    assert body["reason"] == why and body["message"]
    _, messages = fake.control("GET", "messages")
    assert messages == []


def test_vapid_parameters_in_either_order(fake, vapid):
    sub = fake.subscribe()
    t = vapid.authorization(fake.origin).split("t=", 1)[1].split(",")[0]
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]),
                       good_headers(fake, vapid, Authorization=f"vapid k={vapid.public},t={t}"))
    assert r.status == 201, raw


def test_a_subscription_made_with_an_application_server_key_accepts_only_that_key(fake, vapid):
    sub = fake.subscribe(applicationServerKey=vapid.public)
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid))
    assert r.status == 201, raw
    other = Vapid()
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, other))
    assert (r.status, reason(raw)) == (403, "vapid_key_mismatch")


def test_bodies_that_do_not_decrypt_are_refused(fake, vapid):
    sub = fake.subscribe()
    other = fake.subscribe()
    cases = [
        (encrypt(b"{}", **other["keys"]), "authentication tag"),           # encrypted for someone else
        (encrypt(b"{}", **sub["keys"], delimiter=b"\x01"), "delimiter"),   # not the last record
        (encrypt(b"{}", **sub["keys"], rs=10), "record size"),
        (encrypt(b"x" * 100, **sub["keys"], rs=50), "more than one record"),
        (b"\x00" * 30, "keyid length"),
    ]
    for body, words in cases:
        r, raw = fake.push(sub, body, good_headers(fake, vapid))
        assert (r.status, reason(raw)) == (400, "decryption_failed"), raw
        assert words in json.loads(raw)["message"]


def test_payload_limit_is_4096_octets(fake, vapid):
    sub = fake.subscribe()
    r, raw = fake.push(sub, encrypt(b"x" * 3993, **sub["keys"]), good_headers(fake, vapid))
    assert r.status == 201, raw                                           # 86 + 3993 + 1 + 16 = 4096
    r, raw = fake.push(sub, encrypt(b"x" * 3994, **sub["keys"], rs=8192), good_headers(fake, vapid))
    assert (r.status, reason(raw)) == (413, "payload_too_large")


def test_scripted_answers_then_back_to_normal(fake, vapid):
    sub = fake.subscribe()
    body = lambda: encrypt(b"{}", **sub["keys"])  # noqa: E731
    status, out = fake.control("POST", "next", {"endpoint": sub["endpoint"], "status": 429, "retry_after": "7"})
    assert status == 200 and out["queued"] == 1
    fake.control("POST", "next", {"endpoint": sub["endpoint"], "status": 500})
    r, raw = fake.push(sub, body(), good_headers(fake, vapid))
    assert (r.status, r.getheader("Retry-After")) == (429, "7")
    r, raw = fake.push(sub, body(), good_headers(fake, vapid))
    assert r.status == 500 and r.getheader("Retry-After") is None
    r, raw = fake.push(sub, body(), good_headers(fake, vapid))
    assert r.status == 201
    _, messages = fake.control("GET", "messages")
    assert len(messages) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_answered_gone_stays_gone(fake, vapid, status):
    sub = fake.subscribe()
    fake.control("POST", "next", {"endpoint": sub["endpoint"], "status": status})
    r, _ = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid))
    assert r.status == status
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid))
    assert (r.status, reason(raw)) == (410, "subscription_expired")


def test_scripted_answers_do_not_bypass_validation(fake, vapid):
    sub = fake.subscribe()
    fake.control("POST", "next", {"endpoint": sub["endpoint"], "status": 500})
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid, TTL=None))
    assert r.status == 400
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid))
    assert r.status == 500


def test_unknown_and_deleted_subscriptions(fake, vapid):
    sub = fake.subscribe()
    r, raw = fake.call("POST", "/push/nobody", encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid))
    assert (r.status, reason(raw)) == (404, "unknown_subscription")
    sid = sub["endpoint"].rsplit("/", 1)[1]
    assert fake.control("DELETE", "subscriptions/" + sid)[0] == 204
    r, raw = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid))
    assert (r.status, reason(raw)) == (410, "subscription_expired")


def test_a_long_ttl_is_lowered_and_said_so(fake, vapid):
    sub = fake.subscribe()
    r, _ = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid, TTL="99999999"))
    assert r.status == 201 and r.getheader("TTL") == str(28 * 24 * 3600)
    r, _ = fake.push(sub, encrypt(b"{}", **sub["keys"]), good_headers(fake, vapid, TTL="0"))
    assert r.status == 201 and r.getheader("TTL") is None


def test_messages_wait_and_filter_and_reset(fake, vapid):
    a, b = fake.subscribe(), fake.subscribe()
    fake.push(a, encrypt(b'"a"', **a["keys"]), good_headers(fake, vapid))
    fake.push(b, encrypt(b'"b"', **b["keys"]), good_headers(fake, vapid))
    sid = b["endpoint"].rsplit("/", 1)[1]
    _, only_b = fake.control("GET", f"messages?subscription={sid}&count=1&timeout_ms=1000")
    assert [m["payload"] for m in only_b] == ['"b"']
    started = time.monotonic()
    _, three = fake.control("GET", "messages?count=3&timeout_ms=300")
    assert len(three) == 2 and time.monotonic() - started >= 0.25
    fake.control("POST", "reset", {"keep_subscriptions": True})
    assert fake.control("GET", "messages")[1] == []
    r, _ = fake.push(a, encrypt(b"{}", **a["keys"]), good_headers(fake, vapid))
    assert r.status == 201
    fake.control("POST", "reset")
    r, _ = fake.push(a, encrypt(b"{}", **a["keys"]), good_headers(fake, vapid))
    assert r.status == 404


def test_accept_undecryptable_answers_like_a_real_service(vapid):
    f = Fake("--accept-undecryptable")
    try:
        sub = f.subscribe()
        other = f.subscribe()
        r, raw = f.push(sub, encrypt(b"{}", **other["keys"]), good_headers(f, vapid))
        assert r.status == 201, raw
        _, messages = f.control("GET", "messages")
        assert "authentication tag" in messages[0]["decrypt_error"]
    finally:
        f.stop()


def test_over_https_the_endpoints_are_https_localhost(tmp_path, vapid):
    sys.path.insert(0, str(FAKE.parent))
    from pki import available, make_pki
    if not available():
        pytest.skip("the openssl command line is not installed")
    import ssl
    p = make_pki(tmp_path)
    f = Fake("--tls-cert", p["localhost"]["cert"], "--tls-key", p["localhost"]["key"])
    try:
        context = ssl.create_default_context(cafile=p["ca_file"])

        def call(method, path, body, headers):
            c = http.client.HTTPSConnection("localhost", f.port, timeout=10, context=context)
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            raw = r.read()
            c.close()
            return r, raw

        r, raw = call("POST", "/_control/subscriptions", b"{}", {})
        sub = json.loads(raw)
        origin = f"https://localhost:{f.port}"
        assert sub["endpoint"].startswith(origin + "/push/")
        headers = {"TTL": "60", "Content-Encoding": "aes128gcm", "Authorization": vapid.authorization(origin)}
        r, raw = call("POST", urllib.parse.urlsplit(sub["endpoint"]).path, encrypt(b'"tls"', **sub["keys"]), headers)
        assert r.status == 201, raw
        assert r.getheader("Location").startswith(origin + "/message/")
    finally:
        f.stop()
