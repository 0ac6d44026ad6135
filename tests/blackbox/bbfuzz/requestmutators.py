"""Mutations of everything around the body: content type, token, path parameters, query, method,
headers and HTTP framing. Each changes a `cases.Draft` and says, through `draft.expect(layer, ...)`,
what the server must answer when that layer is the first one the request breaks (docs/api.md,
"Errors": routing, size, content type, authentication, JSON, validation, then the route's own rules)."""
import base64
import json
import urllib.parse

BAD_CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1",
                     "application/jsonx", "application/json-patch+json", "multipart/form-data; boundary=x",
                     "application/json; charset=utf-16", "json", "application/xml", "*/*", "application/json;charset",
                     "text/json", "application/ json", "application/json; charset=\"iso-8859-1\""]
GOOD_CONTENT_TYPES = ["APPLICATION/JSON", "application/json;charset=UTF-8", "application/json; charset=\"utf-8\"",
                      "application/json; foo=bar", "Application/Json ; Charset=utf8", "application/json;"]
MALFORMED_IDS = ["6601A1B2C3D4E5F601234567", "6601a1b2c3d4e5f60123456", "6601a1b2c3d4e5f6012345678", "zzzz",
                 "0", "-1", "null", "undefined", "%00", "%2e%2e", "..", "%C3%A9", "%FF%FE", "'%20OR%201=1",
                 "x" * 3000, "6601a1b2c3d4e5f60123456%67", "%20" + "a" * 24, "a" * 24 + "%00", "{id}", "%7Bid%7D",
                 "6601a1b2c3d4e5f601234567.json", "6601a1b2c3d4e5f601234567;x=1", "%25"]
BAD_LIMITS = ["0", "101", "-1", "abc", "1e2", "99999999999999999999", "1.5", "0x10", "1000", "+5", "%00",
              "%EF%BC%95"]
ODD_VALUES = ["", "%00", "%FF", "%zz", "%", "a" * 5000, "%C3%A9", "+", "null", "[]", "{}", "2025-02-30",
              "2025-12-22T09:00+01:00", "2025-12-22T09:00%2B01:00", "2025-12-22T25:00Z", "9999-12-31", "0000-01-01",
              "-2025-01-01", "2025-1-1", "2025-12-22T09:00", "semaine", "SEMAINE", "2025-12-22t09:00z"]
ODD_METHODS = ["PUT", "PATCH", "DELETE", "POST", "GET", "HEAD", "HEAD", "OPTIONS", "TRACE", "CONNECT", "BREW", "get",
               "M-SEARCH"]


def hexid(rng):
    return "".join(rng.choice("0123456789abcdef") for _ in range(24))


def content_type(rng, d, ctx):
    if not d.body:
        return None
    if rng.random() < 0.25:
        d.content_type = rng.choice(GOOD_CONTENT_TYPES)
        return f"ctype_ok:{d.content_type}"
    d.content_type = rng.choice(BAD_CONTENT_TYPES + [None])
    d.content_type_bad = True  # 415 when a body arrives (cases.finish)
    return f"ctype:{d.content_type}"


def forged(header, payload):
    enc = lambda obj: base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{enc(header)}.{enc(payload)}."


def auth(rng, d, ctx):
    """A missing, malformed, forged or tampered token."""
    token = d.token or "x.y.z"
    head, _, rest = token.partition(".")
    choices = {
        "none": lambda: ("", None),
        "garbage": lambda: ("Bearer not-a-token", None),
        "empty_bearer": lambda: ("Bearer ", None),
        "basic": lambda: ("Basic dXNlcjpwYXNz", None),
        "alg_none": lambda: ("Bearer " + forged({"alg": "none", "typ": "JWT"},
                                                 {"sub": ctx.world.user_id, "exp": 4102444800}), None),
        "alg_hs512": lambda: ("Bearer " + forged({"alg": "HS512", "typ": "JWT"},
                                                  {"sub": ctx.world.user_id, "exp": 4102444800}) + "c2ln", None),
        "tampered_payload": lambda: ("Bearer " + head + "." + _flip(rng, rest.split(".")[0]) + "." +
                                     rest.split(".")[-1], None),
        "extra_dots": lambda: ("Bearer " + token + ".x", None),
        "huge": lambda: ("Bearer " + "a" * rng.choice([5000, 20000]), None),
        "bad_cookie_only": lambda: (None, "token=abc.def.ghi"),
        "unicode": lambda: ("Bearer " + token[:10] + "é" + token[10:], None),
    }
    name = rng.choice(list(choices))
    d.authorization, d.cookie = choices[name]()
    if d.op and d.op.authenticated:  # (a header over 16 KiB is 431 first: cases.finish)
        d.expect("auth", {401}, {"unauthenticated", "token_expired"})
    return f"auth:{name}"


def good_auth_variant(rng, d, ctx):
    """The same valid token, sent another valid way."""
    if not d.token:
        return None
    how = rng.choice(["cookie", "lowercase_scheme", "spaces", "cookie_among_others"])
    if how == "cookie":
        d.authorization, d.cookie = None, f"token={d.token}"
    elif how == "cookie_among_others":
        d.authorization, d.cookie = None, f"a=1; token={d.token}; b=2"
    elif how == "lowercase_scheme":
        d.authorization = f"bearer {d.token}"
    else:
        d.authorization = f"Bearer   {d.token}  "
    return f"auth_ok:{how}"


def _flip(rng, text):
    if not text:
        return "x"
    i = rng.randrange(len(text))
    return text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]


def path_param(rng, d, ctx):
    if not d.op or not d.op.path_params:
        return None
    name = rng.choice(d.op.path_params)
    kind = rng.choice(["other_user", "unknown", "malformed", "malformed", "mixed"])
    victim = ctx.victim_ids
    if name == "file":
        value = {"other_user": f"{victim.get('feed')}.ics", "unknown": base64.urlsafe_b64encode(
            rng.randbytes(32)).rstrip(b"=").decode() + ".ics"}.get(kind, rng.choice(MALFORMED_IDS))
    elif kind == "other_user":
        key = {"sessionId": "session"}.get(name) or {"applyProposal": "proposal", "dismissProposal": "proposal",
                                                     "deleteProgressEntry": "progress"}.get(d.op.op_id, "planning")
        value = victim.get(key) or hexid(rng)
    elif kind == "unknown":
        value = hexid(rng)
    elif kind == "mixed":
        # The caller's planning with another user's session, or the reverse.
        value = victim.get("session" if name == "sessionId" else "planning") or hexid(rng)
    else:
        value = rng.choice(MALFORMED_IDS)
    d.path_values[name] = value
    decoded = urllib.parse.unquote(value)
    if name == "file" and kind == "other_user":
        d.expect("resource", {200}, None)  # the secret is the credential: anyone holding it reads the feed
    elif "/" in decoded or not decoded:
        pass  # another path, or none of ours: cases.route_expectation says which
    elif not d.body_mutated:
        d.expect("resource", {404}, {"not_found"})
    return f"path:{name}={kind}:{value[:40]}"


def query(rng, d, ctx):
    names = [n for n, _ in d.op.query_params] if d.op else []
    if not names:
        d.query.append((rng.choice(["limit", "x", "cursor"]), rng.choice(ODD_VALUES)))
        return "query:unknown_param"
    name = rng.choice(names)
    kind = rng.choice(["bad", "bad", "odd", "duplicate", "unknown"])
    d.query = [(k, v) for k, v in d.query if k != name]
    if kind == "bad":
        if name == "limit":
            value = rng.choice(BAD_LIMITS)
        elif name == "periode":
            value = rng.choice(["annee", "SEMAINE", "", "semaine%00"])
        elif name == "before":
            value = rng.choice([ctx.victim_ids.get("message") or hexid(rng), hexid(rng), "abc", ""])
        elif name == "cursor":
            value = rng.choice(["abc", "", base64.urlsafe_b64encode(rng.randbytes(rng.choice([8, 30, 90]))).decode(),
                                "%FF%FE", "a" * 4000, hexid(rng), "eyJ4IjoxfQ", "-1", "null"])
        else:  # dates
            value = rng.choice(["2025-02-30", "2025-13-01", "x", "2025-12-22T25:00Z", "20251222", "-1",
                                "2025-12-22T09:00", "99999-01-01", "2025-00-10"])
        d.query.append((name, value))
        if value != "" or name in ("limit", "before", "cursor"):
            d.expect("validation", {400}, {"validation_failed"})
        return f"query:{name}=bad:{value[:40]}"
    if kind == "odd":
        value = rng.choice(ODD_VALUES)
        d.query.append((name, value))
        return f"query:{name}=odd:{value[:40]}"
    if kind == "duplicate":
        d.query += [(name, rng.choice(ODD_VALUES[:3] + ["1", "20"])), (name, "5")]
        return f"query:{name}=duplicate"
    d.query.append((rng.choice(["x", "Limit", "limit[]", "from%00", "a" * 300]), "1"))
    return "query:unknown_param"


def method(rng, d, ctx):
    m = rng.choice(ODD_METHODS)
    if m == d.method:
        return None
    if m == "HEAD" and d.method == "GET":
        d.method = m  # the same status and headers as GET, no body
        return "method:HEAD"
    allowed = ctx.allowed_methods(d.op.template) if d.op else set()
    d.method = m  # 405 or a CORS preflight: cases.route_expectation
    if m in allowed and m != "OPTIONS":
        d.op = ctx.operation(d.op.template, "GET" if m == "HEAD" else m)
        d.expect("route", None, None)  # another operation with this body: nothing sure
    return f"method:{m}"


def route_shape(rng, d, ctx):
    kind = rng.choice(["extra_segment", "double_slash", "upper_case", "trailing_slash", "dot_segment", "unknown",
                       "absolute_form", "encoded_slash"])
    # What the server makes of the new path is worked out by cases.route_expectation.
    if kind == "trailing_slash":
        d.path_suffix = "/"  # tolerated, as Express does
    elif kind == "absolute_form":
        d.absolute = True
    elif kind == "extra_segment":
        d.path_suffix = "/" + rng.choice(["x", "..", "%2e%2e", "1", "ics"])
    elif kind == "double_slash":
        d.path_prefix = "/"
    elif kind == "upper_case":
        d.path_upper = True
    elif kind == "dot_segment":
        d.path_prefix = "/api/.."
    elif kind == "encoded_slash":
        d.path_encoded_slash = True  # the server decodes the path first: the same path
    else:
        d.path_override = rng.choice(["/", "/api", "/api/", "/API/planning", "/api/planning/", "/api/%00",
                                      "/" + "a" * 5000, "/api/users/me/password/x", "/.env", "/cal/", "/cal/.ics",
                                      "*", "/api/planning/%zz", "/healthz%", "/planning", "/index.html",
                                      "/coach/x", "/assets/none.js"])
    return f"route:{kind}"


def headers(rng, d, ctx):
    kind = rng.choice(["request_id_bad", "request_id_long", "huge_header", "many_headers", "obs_fold",
                       "no_host", "two_hosts", "host_userinfo", "accept_sse", "accept_odd", "origin", "expect_odd",
                       "connection_close", "null_byte_header", "upgrade", "accept_html"])
    if kind == "request_id_bad":
        d.request_id = rng.choice(["a b", "é", "x" * 129, "", "<script>", "a/b"])
    elif kind == "request_id_long":
        d.request_id = "r" * 128
    elif kind == "huge_header":
        d.extra_headers.append(("X-Big", "a" * rng.choice([8000, 17000, 40000])))
    elif kind == "many_headers":
        d.extra_headers += [(f"X-H{i}", "v") for i in range(rng.choice([100, 3000]))]
    elif kind == "obs_fold":
        d.extra_headers.append(("X-Folded", "a\r\n  b"))
        d.expect("framing", {400}, {"bad_request"})
    elif kind == "no_host":
        d.host = None
        d.expect("framing", {400}, {"bad_request"})
    elif kind == "two_hosts":
        d.extra_headers.append(("Host", "example.com"))
        d.expect("framing", {400}, {"bad_request"})
    elif kind == "host_userinfo":
        d.host = "user@127.0.0.1"
        d.expect("framing", {400}, {"bad_request"})
    elif kind == "accept_sse":
        d.extra_headers.append(("Accept", "text/event-stream"))
    elif kind == "accept_html":
        d.extra_headers.append(("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"))  # a browser
    elif kind == "accept_odd":
        d.extra_headers.append(("Accept", rng.choice(["application/xml", "*/*;q=0", "text/event-stream;q=0, x"])))
    elif kind == "origin":
        d.extra_headers.append(("Origin", rng.choice(["http://evil.example", "null", "http://127.0.0.1"])))
    elif kind == "expect_odd":
        d.extra_headers.append(("Expect", rng.choice(["200-ok", "100-continue, x"])))
    elif kind == "connection_close":
        d.extra_headers.append(("Connection", rng.choice(["close", "keep-alive, Upgrade", "x"])))
    elif kind == "null_byte_header":
        d.extra_headers.append(("X-Nul", "a\x00b"))
        d.expect("framing", {400}, {"bad_request"})
    else:
        d.extra_headers += [("Upgrade", "websocket"), ("Connection", "Upgrade")]
    return f"header:{kind}"


def framing(rng, d, ctx):
    body = d.body
    # A truncated body the client then waits on costs REQUEST_TIMEOUT_MS: rarer than the others.
    kinds = {"chunked": 2, "expect_continue": 1, "truncated_close": 1, "truncated_wait": 0.4, "no_length": 1,
             "short_length": 1, "bad_length": 1, "two_lengths": 1, "te_and_cl": 1, "te_other": 1, "bad_chunk": 1,
             "declared_huge": 1, "chunked_huge": 0.5}
    kind = rng.choices(list(kinds), list(kinds.values()))[0]
    if kind in ("truncated_close", "truncated_wait", "no_length", "short_length", "bad_chunk") and not body:
        body = d.body = b'{"a":1}'
    if kind == "chunked":
        d.framing = "chunked"
        d.chunks = [rng.randint(1, 64) for _ in range(rng.randint(1, 8))]
    elif kind == "expect_continue":
        d.expect_continue = True
    elif kind == "truncated_close":
        d.raw(body[:rng.randrange(len(body))], [("Content-Length", str(len(body)))], half_close=True)
        d.no_answer_ok = True
        d.expect("framing", {400, 404, 405, 413, 415, 431}, None)
    elif kind == "truncated_wait":
        d.raw(body[:rng.randrange(len(body))], [("Content-Length", str(len(body)))])
        d.no_answer_ok = True
        d.wait = ctx.request_timeout + 3.0
        d.expect("framing", {400, 404, 405, 413, 415, 431}, None)
    elif kind == "no_length":
        d.raw(body, [])
        d.effective_body = b""
    elif kind == "short_length":
        n = rng.randrange(len(body))
        d.raw(body, [("Content-Length", str(n))])
        d.effective_body = body[:n]
    elif kind == "bad_length":
        d.raw(body, [("Content-Length", rng.choice(["abc", "-1", "1 2", "0x10", "+5", "", "1.0",
                                                    "99999999999999999999999"]))])
        d.expect("framing", {400, 413}, {"bad_request", "payload_too_large"})
    elif kind == "two_lengths":
        d.raw(body, [("Content-Length", str(len(body))), ("Content-Length", str(len(body) + 1))])
        d.expect("framing", {400}, {"bad_request"})
    elif kind == "te_and_cl":
        d.raw(_chunked(body), [("Transfer-Encoding", "chunked"), ("Content-Length", str(len(body)))])
        d.expect("framing", {400}, {"bad_request"})
    elif kind == "te_other":
        te = rng.choice(["gzip", "gzip, chunked", "chunked, chunked", "identity", "chunked, gzip", "x"])
        d.raw(_chunked(body), [("Transfer-Encoding", te)])
        d.expect("framing", {501} if te == "gzip, chunked" else {400},
                 {"not_implemented"} if te == "gzip, chunked" else {"bad_request"})
    elif kind == "bad_chunk":
        junk = rng.choice([b"zz\r\n", b"5\r\nabc\r\n0\r\n\r\n", b"ffffffffffffffffffff\r\n", b"-1\r\n",
                           b"3\r\nabcde", b"0x3\r\nabc\r\n0\r\n\r\n"])
        d.raw(junk, [("Transfer-Encoding", "chunked")], half_close=rng.random() < 0.5)
        d.no_answer_ok = True  # a body that cannot be read: closed (or 400)
        d.wait = ctx.request_timeout + 3.0  # a chunk still owed may be waited for until the request timeout
        d.expect("framing", {400, 404, 405, 413, 415}, None)
    elif kind == "declared_huge":
        d.raw(b"", [("Content-Length", str(rng.choice([ctx.max_body + 1, 10**9, 10**15])))])
        d.no_answer_ok = False
        d.expect("size", {413}, {"payload_too_large"})
    else:  # chunked_huge
        d.framing = "chunked"
        d.body = d.body or b"{}"
        d.body = d.body + b" " * (ctx.max_body + 1 - len(d.body))
        d.chunks = [65536] * (len(d.body) // 65536 + 1)
        d.expect("size", {413}, {"payload_too_large"})
    return f"framing:{kind}"


def _chunked(body):
    return (b"%x\r\n" % len(body) + body + b"\r\n" if body else b"") + b"0\r\n\r\n"


def unexpected_body(rng, d, ctx):
    if d.body:
        return None
    d.body = rng.choice([b'{"a":1}', b"{}", b"[]", b"not json", b'{"password":"x"}'])
    d.content_type = "application/json"
    return "unexpected_body"
