"""Black-box tests of token handling (docs/api.md (authentication)): JWT HS256 with sub/iat/exp/jti,
Bearer header or `token` cookie, rejection of other algorithms, bad signatures, expiry and revocation,
and interoperability with PyJWT."""
import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
import requests

from conftest import TEST_SECRET, new_user, assert_french_error as err

SEVEN_DAYS = 7 * 24 * 3600


def me(server, token=None, cookie=None, auth_header=None):
    h = {}
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    if auth_header is not None:
        h["Authorization"] = auth_header
    if cookie is not None:
        h["Cookie"] = f"token={cookie}"
    return requests.get(server.url + "/api/users/me", headers=h, timeout=30)


def b64url(raw):
    if isinstance(raw, (dict, list)):
        raw = json.dumps(raw, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(sub, **over):
    t = int(time.time())
    c = {"sub": sub, "iat": t, "exp": t + 3600, "jti": uuid.uuid4().hex}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def mint(payload, key=TEST_SECRET, alg="HS256"):
    return jwt.encode(payload, key, algorithm=alg)


# ---------------------------------------------------------------------------------- missing/garbage

def test_missing_token(server):
    err(me(server), 401, "unauthenticated")


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c", "Bearer ...", "Basic dXNlcjpwYXNz",
    "Token abc", "Bearer " + "A" * 2000,
], ids=["bearer-alone", "bearer-empty", "garbage", "three-parts", "dots", "basic", "other-scheme",
        "long-garbage"])
def test_garbage_authorization(server, header):
    err(me(server, auth_header=header), 401, "unauthenticated")


@pytest.mark.parametrize("cookie", ["", "garbage", "a.b.c"])
def test_garbage_cookie(server, cookie):
    err(me(server, cookie=cookie), 401, "unauthenticated")


# ---------------------------------------------------------------------------------- algorithms

def test_alg_none_rejected(server, user):
    p = claims(user.id)
    for alg in ("none", "None", "NONE"):
        unsigned = f"{b64url({'alg': alg, 'typ': 'JWT'})}.{b64url(p)}."
        err(me(server, unsigned), 401, "unauthenticated")
        err(me(server, cookie=unsigned), 401, "unauthenticated")
    # none-token carrying a (valid HS256) signature of its own header+payload
    header = b64url({"alg": "none", "typ": "JWT"})
    good = mint(p)
    sig = good.split(".")[2]
    err(me(server, f"{header}.{b64url(p)}.{sig}"), 401, "unauthenticated")


@pytest.mark.parametrize("alg", ["HS512", "HS384"])
def test_other_hmac_alg_same_secret_rejected(server, user, alg):
    tok = mint(claims(user.id), alg=alg)
    err(me(server, tok), 401, "unauthenticated")


def test_hs256_bad_signature_rejected(server, user):
    p = claims(user.id)
    err(me(server, mint(p, key="un-autre-secret-0123456789abcdef0123456789")), 401, "unauthenticated")
    # flip the signature of a correct token
    good = mint(p)
    h, pl, sig = good.split(".")
    flipped = sig[:-2] + ("AA" if sig[-2:] != "AA" else "BA")
    err(me(server, f"{h}.{pl}.{flipped}"), 401, "unauthenticated")
    # drop the signature
    err(me(server, f"{h}.{pl}."), 401, "unauthenticated")
    err(me(server, f"{h}.{pl}"), 401, "unauthenticated")


def test_tampered_server_token_rejected(server, user):
    other = new_user(server)
    h, pl, sig = user.token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(pl + "=" * (-len(pl) % 4)))
    payload["sub"] = other.id
    err(me(server, f"{h}.{b64url(payload)}.{sig}"), 401, "unauthenticated")
    payload = json.loads(base64.urlsafe_b64decode(pl + "=" * (-len(pl) % 4)))
    payload["exp"] = payload["exp"] + 10 * SEVEN_DAYS
    err(me(server, f"{h}.{b64url(payload)}.{sig}"), 401, "unauthenticated")


# ---------------------------------------------------------------------------------- claims

def test_expired_token(server, user):
    t = int(time.time())
    tok = mint(claims(user.id, iat=t - 8 * 24 * 3600, exp=t - 3600))
    err(me(server, tok), 401, "token_expired")
    err(me(server, cookie=tok), 401, "token_expired")


def test_token_without_exp(server, user):
    tok = mint(claims(user.id, exp=None))
    assert "exp" not in jwt.decode(tok, options={"verify_signature": False})
    err(me(server, tok), 401, "unauthenticated")


@pytest.mark.parametrize("exp", ["demain", "9999999999", [1], {}, None],
                         ids=["string", "numeric-string", "list", "object", "null"])
def test_token_with_malformed_exp(server, user, exp):
    p = claims(user.id)
    p["exp"] = exp
    tok = f"{b64url({'alg': 'HS256', 'typ': 'JWT'})}.{b64url(p)}"
    sig = hmac.new(TEST_SECRET.encode(), tok.encode(), hashlib.sha256).digest()
    r = me(server, f"{tok}.{b64url(sig)}")
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] in ("unauthenticated", "token_expired")


@pytest.mark.parametrize("sub", ["0123456789abcdef01234567", "ffffffffffffffffffffffff"])
def test_token_for_unknown_user(server, sub):
    err(me(server, mint(claims(sub))), 401, "unauthenticated")


@pytest.mark.parametrize("sub", ["abc", "", "0123456789ABCDEF01234567", 12345, None,
                                 "../../etc/passwd", "0123456789abcdef01234567' OR '1'='1"])
def test_token_with_malformed_sub(server, sub):
    err(me(server, mint(claims(sub))), 401, "unauthenticated")


def test_revoked_token(server, user):
    tok = user.token
    r = requests.post(server.url + "/api/auth/logout", headers={"Authorization": f"Bearer {tok}"},
                      timeout=30)
    assert r.status_code == 204, r.text
    err(me(server, tok), 401, "unauthenticated")
    err(me(server, cookie=tok), 401, "unauthenticated")


def test_revoked_pyjwt_token_by_jti(server, user):
    """Revocation is per token: logging out a PyJWT-minted token revokes that jti only."""
    uid = user.id
    t1, t2 = mint(claims(uid)), mint(claims(uid))
    r = requests.post(server.url + "/api/auth/logout", headers={"Authorization": f"Bearer {t1}"},
                      timeout=30)
    assert r.status_code == 204, r.text
    err(me(server, t1), 401, "unauthenticated")
    assert me(server, t2).status_code == 200


# ---------------------------------------------------------------------------------- interop

def test_pyjwt_minted_token_accepted(server, user):
    tok = mint(claims(user.id))
    r = me(server, tok)
    assert r.status_code == 200, r.text
    assert r.json() == user.profile
    r = me(server, cookie=tok)
    assert r.status_code == 200, r.text
    assert r.json()["_id"] == user.id


def test_server_token_verifies_with_pyjwt(server, user):
    tok = user.token
    header = jwt.get_unverified_header(tok)
    assert header["alg"] == "HS256", header
    c = jwt.decode(tok, TEST_SECRET, algorithms=["HS256"])
    assert c["sub"] == user.id
    assert isinstance(c["iat"], int) and isinstance(c["exp"], int), c
    assert c["exp"] - c["iat"] == SEVEN_DAYS, c
    assert abs(c["iat"] - time.time()) < 300, c
    assert isinstance(c["jti"], str) and c["jti"], c
    # expiresAt is the token's exp
    exp_at = dt.datetime.strptime(user.registration["expiresAt"], "%Y-%m-%dT%H:%M:%S.%fZ") \
        .replace(tzinfo=dt.timezone.utc).timestamp()
    assert abs(exp_at - c["exp"]) < 1.0, (user.registration["expiresAt"], c["exp"])
    # the wrong secret does not verify it
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tok, "pas-le-bon-secret", algorithms=["HS256"])


def test_login_tokens_have_distinct_jti(server):
    u = new_user(server)
    jtis = {jwt.decode(u.token, TEST_SECRET, algorithms=["HS256"])["jti"]}
    for _ in range(3):
        r = requests.post(server.url + "/api/auth/login",
                          json={"email": u.email, "password": u.password}, timeout=30)
        assert r.status_code == 200, r.text
        c = jwt.decode(r.json()["token"], TEST_SECRET, algorithms=["HS256"])
        assert c["sub"] == u.id
        assert c["exp"] - c["iat"] == SEVEN_DAYS
        jtis.add(c["jti"])
    assert len(jtis) == 4


def test_token_of_other_server_secret_rejected(make_server):
    s = make_server(env={"JWT_SECRET": "un-secret-completement-different-0123456789abcdef"})
    u = new_user(s)
    assert me(s, u.token).status_code == 200
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(u.token, TEST_SECRET, algorithms=["HS256"])
    # a token signed with conftest's secret, even for a real user of s, is refused by s
    err(me(s, mint(claims(u.id))), 401, "unauthenticated")
