"""Every HTTP answer the tests receive from a planetude server, checked against resources/openapi.json.

`install()` wraps `requests.Session.send`, through which every `requests` call goes (`requests.get`,
`requests.post`... build a Session too), so the tests that call `requests` directly are checked like
the ones that go through `Client`/`User`. Only answers from the servers the suite started
(`register_base_url`, called by conftest.Server) are checked, not the fakes' admin API.

For each answer:
  * the path is matched against the document's path templates (a literal segment wins over a
    `{param}`) and the method against the operations of that path;
  * the status must be documented for that operation (or the operation has `default`);
  * a JSON body (`application/json` or `+json`) must validate against that status's
    `application/json` schema, draft 2020-12, `$ref`s resolved inside the document.
Rules for what the document cannot list:
  * a path that matches no template: only 404, with the body of `components.responses.NotFound`;
  * a documented path with an undocumented method: only 405, an `Error` whose code is
    `method_not_allowed`, with an `Allow` header (info.description of the document says so);
  * `OPTIONS` is answered as a CORS preflight only (info.description), outside the operations:
    on a documented path, 204 with no body (or 405 as above);
  * `HEAD` answers carry no body: only the status is checked, against the path's `GET`;
  * the answers info.description gives for every request, whatever the route, are accepted on any
    route that does not list their status, as an `Error` with their code (GLOBAL_ANSWERS): HTTP
    framing (400 `bad_request`, 431, 501), body size and type (413, 415), too many connections
    (503 `overloaded`) and 500 `internal` (docs/api.md: "Any route may fail with 500");
  * a path outside /api and /cal that no template matches is the web app's (info.description):
    GET/HEAD may answer 200 or 304 with a non-JSON body (404 with the app's page for a browser
    navigating to an unknown page), other methods 405 with `Allow`;
  * non-JSON bodies (text/calendar, text/event-stream, the metrics' text/plain) are not validated,
    but their status must still be documented.
The violations are collected (requests may come from threads) and conftest fails the test with them.
"""
import json
import pathlib
import re
import threading
from urllib.parse import urlsplit

import jsonschema
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCUMENT_PATH = ROOT / "resources" / "openapi.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

with open(DOCUMENT_PATH, encoding="utf-8") as f:
    DOCUMENT = json.load(f)

# The document is the root every `$ref` ("#/components/schemas/...") is resolved against.
_resolver = jsonschema.RefResolver(base_uri="", referrer=DOCUMENT)


def _compile_routes():
    routes = []
    for template, item in DOCUMENT["paths"].items():
        parts = template.strip("/").split("/")
        pattern = "/".join("[^/]+" if re.fullmatch(r"\{[^}]+\}", p) else re.escape(p) for p in parts)
        literal = [0 if re.fullmatch(r"\{[^}]+\}", p) else 1 for p in parts]
        routes.append((re.compile("/" + pattern), literal, template, item))
    # A literal segment is more specific than a parameter, segment by segment.
    routes.sort(key=lambda r: r[1], reverse=True)
    return routes


ROUTES = _compile_routes()


def _resolve(obj):
    """Follows a `$ref` into the document (components.responses...)."""
    while isinstance(obj, dict) and "$ref" in obj:
        ref = obj["$ref"]
        assert ref.startswith("#/"), ref
        target = DOCUMENT
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        obj = target
    return obj


_validators = {}


def _validator(pointer):
    """A draft 2020-12 validator for the schema at `pointer` of the document."""
    v = _validators.get(pointer)
    if v is None:
        v = jsonschema.Draft202012Validator({"$ref": "#" + pointer}, resolver=_resolver,
                                            format_checker=jsonschema.draft202012_format_checker)
        _validators[pointer] = v
    return v


def _esc(s):
    return s.replace("~", "~0").replace("/", "~1")


GENERIC_ERROR = "/components/schemas/Error"
GLOBAL_ANSWERS = {400: "bad_request", 413: "payload_too_large", 415: "unsupported_media_type",
                  431: "headers_too_large", 500: "internal", 501: "not_implemented", 503: "overloaded"}
NOT_FOUND = "/components/responses/NotFound/content/application~1json/schema"


def _is_web_app_path(path):
    """Paths outside /api and /cal are the web app's (info.description): its pages and built files."""
    return not re.match(r"^/(api|cal)(/|$)", path)


def match_route(path):
    for regex, _, template, item in ROUTES:
        if regex.fullmatch(path):
            return template, item
    return None, None


def _global_answer(route, status, is_json, body_bytes):
    """Problems of an answer that GLOBAL_ANSWERS allows on any route (body: an Error with its code)."""
    if route.startswith("HEAD "):
        return []
    if not is_json:
        return [f"{route} -> {status}: not a JSON error"] if body_bytes else []
    try:
        body = json.loads(body_bytes.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        return [f"{route} -> {status}: the body does not parse: {e}"]
    out = [f"{route} -> {status}: body breaks #{GENERIC_ERROR}: {e.message[:300]}"
           for e in _validator(GENERIC_ERROR).iter_errors(body)][:3]
    code = body.get("error", {}).get("code") if isinstance(body, dict) and isinstance(body.get("error"), dict) else None
    if not out and code != GLOBAL_ANSWERS[status]:
        out.append(f"{route} -> {status}: undocumented status for this route, and code {code!r} is not "
                   f"the one every route may answer with {status} ({GLOBAL_ANSWERS[status]!r})")
    return out


def check(method, url, status, content_type, body_bytes, headers=None):
    """The list of problems (strings) of one answer; empty when it follows the document."""
    headers = headers or {}
    method = method.upper()
    parts = urlsplit(url)
    # An absolute-form target names this server only with http(s); anything else is no path of ours.
    path = (parts.path or "/") if parts.scheme in ("", "http", "https") else url
    template, item = match_route(path)
    is_json = bool(re.match(r"^application/([a-z0-9.+-]+\+)?json\b", (content_type or "").strip().lower()))
    where = f"{method} {path}"
    schema_pointer = None
    if template is None and _is_web_app_path(path):
        if method in ("GET", "HEAD") and status in (200, 304):
            return [] if not is_json else [f"{where} -> {status}: the web app answered JSON"]
        if method in ("GET", "HEAD") and status == 404 and (content_type or "").startswith("text/html"):
            return []  # a browser's navigation to an unknown page: the app's own 404 page
        if status == 405:
            return [] if headers.get("Allow") else [f"{where} -> 405: no Allow header"]
    if template is None:
        if status in GLOBAL_ANSWERS and status != 404:
            return _global_answer(f"{method} {path}", status, is_json, body_bytes)
        if status != 404:
            return [f"{where} -> {status}: no path of the document matches {path!r} (only 404 is allowed)"]
        schema_pointer = NOT_FOUND
        route = f"{method} {path} (unknown path)"
    else:
        op_method = "get" if method == "HEAD" and "head" not in item else method.lower()
        op = item.get(op_method)
        route = f"{method} {template}"
        if op is None and method == "OPTIONS" and status == 204:
            return [] if not body_bytes else [f"{route} -> 204: a CORS preflight answer has a body"]
        if op is None and status in GLOBAL_ANSWERS:
            return _global_answer(route, status, is_json, body_bytes)
        if op is None:
            if status != 405:
                return [f"{route} -> {status}: the document has no {method} operation on {template} "
                        f"(only 405 is allowed)"]
            schema_pointer = GENERIC_ERROR
            extra = []
            if not headers.get("Allow"):
                extra.append(f"{route} -> 405: no Allow header")
            if is_json and method != "HEAD":
                try:
                    code = json.loads(body_bytes.decode("utf-8")).get("error", {}).get("code")
                except (ValueError, UnicodeDecodeError, AttributeError):
                    code = None
                if code != "method_not_allowed":
                    extra.append(f"{route} -> 405: error code {code!r}, not 'method_not_allowed'")
            if extra:
                return extra
        else:
            responses = op.get("responses", {})
            key = str(status) if str(status) in responses else ("default" if "default" in responses else None)
            if key is None and status in GLOBAL_ANSWERS:
                return _global_answer(route, status, is_json, body_bytes)
            if key is None:
                return [f"{route} -> {status}: status not documented (documented: {', '.join(responses)})"]
            resp = responses[key]
            ptr = f"/paths/{_esc(template)}/{op_method}/responses/{key}"
            while "$ref" in resp:
                ptr = resp["$ref"][1:]
                resp = _resolve(resp)
            if method == "HEAD":
                return []
            content = resp.get("content") or {}
            if is_json:
                media = next((m for m in content if re.match(r"^application/([a-z0-9.+-]+\+)?json\b", m)), None)
                if media is None:
                    return [f"{route} -> {status}: JSON body but the document gives no JSON content "
                            f"(documented: {', '.join(content) or 'no body'})"]
                if "schema" not in content[media]:
                    return [f"{route} -> {status}: the document's {media} has no schema"]
                schema_pointer = f"{ptr}/content/{_esc(media)}/schema"
    if method == "HEAD" or not is_json or schema_pointer is None:
        return []
    try:
        body = json.loads(body_bytes.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        return [f"{route} -> {status}: Content-Type says JSON but the body does not parse: {e}"]
    if (status in GLOBAL_ANSWERS and isinstance(body, dict) and isinstance(body.get("error"), dict)
            and body["error"].get("code") == GLOBAL_ANSWERS[status]):
        return _global_answer(route, status, is_json, body_bytes)  # e.g. a framing 400 on a POST route
    errors = sorted(_validator(schema_pointer).iter_errors(body), key=lambda e: list(e.absolute_path))
    out = []
    for e in errors:
        at = "/" + "/".join(str(p) for p in e.absolute_path)
        line = f"{route} -> {status}: body breaks #{schema_pointer} at {at}: {e.message[:400]}"
        if line not in out:  # the branches of an allOf report the same problem
            out.append(line)
    return out[:5]


# ------------------------------------------------------------------------------ the hook on requests

_lock = threading.Lock()
_violations = []
_base_urls = set()
checked = [0]  # answers checked so far (for the summary line)


def register_base_url(url):
    with _lock:
        _base_urls.add(url.rstrip("/"))


def unregister_base_url(url):
    """Called when a server stops: its port may be taken next by a fake, whose admin API is not ours."""
    with _lock:
        _base_urls.discard(url.rstrip("/"))


def take_violations():
    with _lock:
        out = list(_violations)
        _violations.clear()
        return out


def _ours(url):
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    with _lock:
        return base in _base_urls


_original_send = requests.Session.send


def _checked_send(self, request, **kwargs):
    resp = _original_send(self, request, **kwargs)
    try:
        if _ours(request.url):
            ctype = resp.headers.get("Content-Type", "")
            if request.method.upper() == "HEAD" or not re.match(
                    r"^application/([a-z0-9.+-]+\+)?json\b", ctype.strip().lower()):
                body = b""  # not read: streams (SSE) stay untouched for the test
            else:
                body = resp.content  # kept by requests: the test reads it again (even with stream=True)
            problems = check(request.method, request.url, resp.status_code, ctype, body, resp.headers)
            with _lock:
                checked[0] += 1
            if problems:
                with _lock:
                    _violations.extend(problems)
    except Exception as e:  # noqa: BLE001 - a bug here must show, not hide behind the test
        with _lock:
            _violations.append(f"contract check crashed on {request.method} {request.url}: {e!r}")
    return resp


def install():
    requests.Session.send = _checked_send


# ------------------------------------------------------------------------------ the hook on raw_http

_REQUEST_LINE = re.compile(rb"(?m)^([A-Z]+) (\S+) HTTP/\d\.\d\r?$")


def install_raw(raw_conn_class):
    """Checks the answers read by raw_http.RawConn too: the request lines it sends are queued and
    each answer read is matched with the oldest one (pipelining keeps the order). Answers with no
    recognisable request line before them (garbage sent on purpose) are not checked."""
    original_init = raw_conn_class.__init__
    original_send = raw_conn_class.send
    original_read = raw_conn_class.read_response

    def init(self, port, *args, **kwargs):
        self._contract_port = port
        self._contract_pending = []
        original_init(self, port, *args, **kwargs)

    def send(self, data):
        pending = self.__dict__.setdefault("_contract_pending", [])
        for m in _REQUEST_LINE.finditer(bytes(data)):
            pending.append((m.group(1).decode("latin-1"), m.group(2).decode("latin-1")))
        return original_send(self, data)

    def read_response(self, head_request=False):
        resp = original_read(self, head_request=head_request)
        try:
            pending = self.__dict__.get("_contract_pending") or []
            port = self.__dict__.get("_contract_port")
            if 100 <= resp.status < 200:
                pass  # an interim answer (100 Continue): the final one follows for the same request
            elif pending and _ours(f"http://127.0.0.1:{port}"):
                method, target = pending.pop(0)
                if head_request:
                    method = "HEAD"
                problems = check(method, target, resp.status, resp.headers.get("content-type", ""),
                                 resp.body, {"Allow": resp.headers.get("allow")})
                with _lock:
                    checked[0] += 1
                    _violations.extend(problems)
        except Exception as e:  # noqa: BLE001
            with _lock:
                _violations.append(f"contract check crashed on a raw answer: {e!r}")
        return resp

    raw_conn_class.__init__ = init
    raw_conn_class.send = send
    raw_conn_class.read_response = read_response
