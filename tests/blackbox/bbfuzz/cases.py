"""One fuzzed request (a Draft, then a Case): a seed request of one operation, bent by some
mutators, with what the server must answer when the document or docs/api.md is precise about it."""
import dataclasses
import json
import re
import urllib.parse

from . import bodymutators, catalogue, oracle, requestmutators as rm, seeds, strictjson, textmutators
from .jsontext import dump, plain
from .wire import WireRequest, encode_head

# docs/api.md, "Errors": the order in which the server checks a request.
LAYERS = ["framing", "route", "size", "ctype", "auth", "syntax", "validation", "resource"]
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
HEADER_LIMIT = 16 * 1024  # docs/api.md: request headers over 16 KiB in total get 431


def url_text(s):
    """`s` for a request target: what cannot be sent raw is percent-encoded, '%' is left alone."""
    out = []
    for ch in s:
        if ch in "%/:@!$'()*+,;=-._~" or ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append(urllib.parse.quote(ch, safe=""))
    return "".join(out)


@dataclasses.dataclass
class Context:
    """What mutators know beyond the request: the caller, another user's ids, the server's limits."""
    world: object
    victim_ids: dict
    max_body: int
    request_timeout: float

    @staticmethod
    def allowed_methods(template):
        return catalogue.allowed_methods(template)

    @staticmethod
    def operation(template, method):
        return catalogue.operation(template, method)


class Draft:
    def __init__(self, op, token):
        self.op = op
        self.method = op.method
        self.path_values = {}
        self.path_prefix = self.path_suffix = ""
        self.path_upper = self.absolute = self.path_encoded_slash = False
        self.path_override = None
        self.query = []
        self.token = token
        self.authorization = f"Bearer {token}" if token else None
        self.cookie = None
        self.value = None                 # the body as a Python value, when it is JSON
        self.body = b""
        self.effective_body = None        # what the server takes as the body, when framing cuts it
        self.content_type = None
        self.content_type_bad = False     # a Content-Type the server must refuse (415) with a body
        self.body_mutated = False
        self.extra_headers = []
        self.request_id = None
        self.host = "127.0.0.1"
        self.framing = "length"
        self.chunks = None
        self.head_extra = []
        self.wire_body = None
        self.half_close = False
        self.expect_continue = False
        self.no_answer_ok = False
        self.wait = None
        self.labels = []
        self.expectations = []            # (layer index, statuses or None, codes or None)

    def expect(self, layer, statuses, codes):
        self.expectations.append((LAYERS.index(layer), frozenset(statuses) if statuses else None,
                                  frozenset(codes) if codes else None))

    def raw(self, wire_body, head_extra, half_close=False):
        self.framing, self.wire_body, self.head_extra, self.half_close = "raw", wire_body, head_extra, half_close


@dataclasses.dataclass
class Case:
    op_id: str
    method: str
    template: str
    path: str                 # as sent (percent-encoded, without the query)
    request: WireRequest
    labels: list
    expect: frozenset         # allowed statuses, None when nothing more than the document is sure
    expect_codes: frozenset
    forbid_unauthenticated: bool  # the token is valid: a 401 unauthenticated is a bug
    no_answer_ok: bool
    wait: float               # how long to wait for the answer (None: the default)
    value: object             # the body as sent, when it is an unmutated seed (else None)
    parsed: object = None     # the JSON body the server reads, when it is plain JSON (for drift.py)

    def describe(self):
        return f"{self.method} {self.path} [{', '.join(self.labels) or 'seed'}]"


PROBABILITIES = [  # (mutator, probability, only when the operation has a JSON body)
    ("body", 0.55, True), ("text", 0.12, True), ("content_type", 0.08, False), ("auth", 0.06, False),
    ("good_auth", 0.03, False), ("path", 0.30, False), ("query", 0.30, False), ("method", 0.03, False),
    ("route", 0.02, False), ("headers", 0.05, False), ("framing", 0.06, False), ("unexpected_body", 0.03, False),
]


def build(rng, op, world, ctx, token=None, control=0.1):
    """A fuzzed request of `op` sent by `world`'s user."""
    d = Draft(op, token if token is not None else (world.token if op.authenticated else None))
    d.path_values = dict(seeds.path_params_for(op.op_id, world))
    d.query = [(k, v) for k, v in seeds.query_for(rng, op.op_id, world)]
    value = seeds.body_for(rng, op.op_id, world)
    d.extra_headers += seeds.headers_for(rng, op.op_id)
    chosen = []
    if rng.random() >= control:
        for name, p, needs_body in PROBABILITIES:
            if needs_body and value is None:
                continue
            if name == "path" and not op.path_params or name == "query" and not op.query_params:
                continue
            if name == "good_auth" and "auth" in chosen:
                continue  # one way or the other
            if rng.random() < p:
                chosen.append(name)
    if "body" in chosen:
        value, labels = bodymutators.mutate(rng, value, rng.choice([1, 1, 1, 2, 3]))
        d.labels += labels
        d.body_mutated = bool(labels)
    if value is not None:
        d.value = value
        d.body = dump(value, ascii_only=rng.random() < 0.2)
        d.content_type = "application/json" if rng.random() < 0.8 else "application/json; charset=utf-8"
    if "text" in chosen and d.body:
        d.body, label = textmutators.mutate(rng, d.body)
        if label:
            d.labels.append(label)
            d.body_mutated = True
    for name, func in [("unexpected_body", rm.unexpected_body), ("path", rm.path_param), ("query", rm.query),
                       ("content_type", rm.content_type), ("auth", rm.auth), ("good_auth", rm.good_auth_variant),
                       ("headers", rm.headers), ("method", rm.method), ("route", rm.route_shape),
                       ("framing", rm.framing)]:
        if name in chosen:
            label = func(rng, d, ctx)
            if label:
                d.labels.append(label)
    return finish(d, world, ctx)


def _target(d):
    path = d.op.template
    for name, value in d.path_values.items():
        path = path.replace("{" + name + "}", url_text(str(value)))
    if d.path_upper:
        path = path.upper()
    if d.path_encoded_slash and path.count("/") > 1:
        path = path[:1] + path[1:].replace("/", "%2F", 1)
    path = d.path_prefix + path + d.path_suffix
    if d.path_override is not None:
        path = d.path_override
    query = "&".join(f"{url_text(k)}={url_text(v)}" for k, v in d.query)
    target = path + ("?" + query if query else "")
    if d.absolute:
        target = "http://127.0.0.1" + target
    return path, target


BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def route_expectation(d, path, target):
    """What routing makes of the request as it will be sent (docs/behaviour.md): a target that is no
    URI is 400 bad_request; the path, percent-decoded, with one trailing slash tolerated and no empty
    segment, must match a path of the document (else 404, or the web app's answer outside /api and
    /cal) with a method it lists (else 405)."""
    if BAD_PERCENT.search(target):
        d.expect("framing", {400}, {"bad_request"})
        return
    decoded = urllib.parse.unquote(path)
    if len(decoded) > 1 and decoded.endswith("/"):
        decoded = decoded[:-1]
    template = None
    ours = decoded.startswith("/") and "//" not in decoded
    if ours:
        template, _ = oracle.contract.match_route(decoded)
    if template is None and ours and oracle.contract._is_web_app_path(decoded):
        # The web app's (when the binary embeds it): its pages and files for GET, 405 for other
        # methods on them; paths of neither are 404.
        if d.method in ("GET", "HEAD"):
            d.expect("route", None, None)
        else:
            d.expect("route", {404, 405}, {"not_found", "method_not_allowed"})
    elif template is None:
        d.expect("route", {404}, {"not_found"})
    elif d.method == "OPTIONS":
        d.expect("route", {204, 405}, None)  # a CORS preflight, or 405
    elif d.method not in catalogue.allowed_methods(template):
        d.expect("route", {405}, {"method_not_allowed"})
    elif template != d.op.template:
        d.expect("route", None, None)  # another operation: nothing sure about what follows


def _allowed_keys(schema):
    branches = schema.get("oneOf") or [schema]
    keys = set()
    for b in branches:
        keys |= set(catalogue.resolve(b).get("properties", {}))
    return keys


def finish(d, world, ctx):
    """The Case of a Draft: its wire request and the answer the order of checks makes certain."""
    path, target = _target(d)
    headers = [("X-Request-Id", d.request_id)] if d.request_id is not None else []
    if d.authorization is not None:
        headers.append(("Authorization", d.authorization))
    if d.cookie:
        headers.append(("Cookie", d.cookie))
    if d.content_type is not None and (d.body or d.framing == "raw"):
        headers.append(("Content-Type", d.content_type))
    headers += d.extra_headers
    request = WireRequest(d.method, target, headers, d.body, d.framing, d.head_extra, d.chunks, d.wire_body,
                          d.half_close, d.expect_continue, d.host)

    route_expectation(d, path, target)
    head_bytes = len(encode_head(request))
    if head_bytes > HEADER_LIMIT + 1024:
        d.expect("framing", {431}, {"headers_too_large"})
    elif head_bytes > HEADER_LIMIT - 1024:
        d.expect("framing", None, None)  # near the limit: how the server counts decides
    body = d.effective_body if d.effective_body is not None else d.body
    op = d.op
    if len(body) > ctx.max_body:
        d.expect("size", {413}, {"payload_too_large"})
    elif body and d.method in BODY_METHODS and (d.content_type is None or d.content_type_bad):
        d.expect("ctype", {415}, {"unsupported_media_type"})
    parsed = None
    if op.has_body and d.framing != "raw" or op.has_body and d.effective_body is not None:
        verdict = strictjson.classify(body)
        if verdict.kind == "valid" and not verdict.duplicates and d.method == op.method:
            parsed = verdict.value
        if not body.strip():
            d.expect("syntax", {400}, {"invalid_json"})
        elif verdict.kind == "invalid":
            d.expect("syntax", {400}, {"invalid_json"})
        elif verdict.kind == "doubtful":
            d.expect("syntax", {400}, {"invalid_json", "validation_failed"})
        elif not isinstance(verdict.value, dict):
            d.expect("validation", {400}, {"validation_failed"})
        elif set(verdict.value) - _allowed_keys(op.body_schema):
            d.expect("validation", {400}, {"validation_failed"})
    expect = codes = None
    if d.expectations:
        first = min(layer for layer, _, _ in d.expectations)
        at_first = [(s, c) for layer, s, c in d.expectations if layer == first]
        if all(s is not None for s, _ in at_first):
            expect = frozenset().union(*(s for s, _ in at_first))
            if all(c is not None for _, c in at_first):
                codes = frozenset().union(*(c for _, c in at_first))
    token_untouched = d.authorization == (f"Bearer {d.token}" if d.token else None) and not d.cookie
    valid_token = bool(d.token) and (token_untouched or any(l.startswith("auth_ok") for l in d.labels))
    value = d.value if d.value is not None and not d.body_mutated and plain(d.value) else None
    return Case(op.op_id, d.method, op.template, path, request, d.labels, expect, codes,
                valid_token and op.authenticated, d.no_answer_ok, d.wait, value, parsed)


def setup_case(op, path, body=None, token=None, query=()):
    """A plain request (no mutation) for building a user's data; `path` is the concrete path."""
    headers = [("Authorization", f"Bearer {token}")] if token else []
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        headers.append(("Content-Type", "application/json"))
    q = "&".join(f"{url_text(k)}={url_text(v)}" for k, v in query)
    request = WireRequest(op.method, path + ("?" + q if q else ""), headers, data)
    return Case(op.op_id, op.method, op.template, path, request, ["setup"], None, None,
                bool(token) and op.authenticated, False, None, body)
