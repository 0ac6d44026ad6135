"""Judges one answer: well-formed, in time, never a 5xx, a status and error code that
resources/openapi.json allows for the operation (tests/api/contract.py), what the mutation makes
certain (cases.Case.expect), a JSON error body on every non-2xx, the request id echoed."""
import json
import re
import sys
import urllib.parse

from .catalogue import ROOT
from .wire import Malformed, NoAnswer

sys.path.insert(0, str(ROOT / "tests" / "api"))
import contract  # noqa: E402  (tests/api/contract.py: the document's check of one answer)

SLOW_SECONDS = 5.0
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json\b")
CATEGORIES = ("5xx", "malformed", "no_answer", "slow", "contract", "unexpected")


def _code(body):
    try:
        data = json.loads(body.decode("utf-8"))
        return data["error"]["code"]
    except (ValueError, UnicodeDecodeError, KeyError, TypeError):
        return None


def _sse_problems(body):
    """A chat stream: `event:`/`data:` blocks, JSON data, ending with one `done` or `error` event."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return ["the event stream is not UTF-8"]
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if "event" not in fields or "data" not in fields:
            return [f"an event without event/data: {block[:100]!r}"]
        try:
            json.loads(fields["data"])
        except ValueError:
            return [f"event data that is not JSON: {fields['data'][:100]!r}"]
        events.append(fields["event"])
    if not events or events[-1] not in ("done", "error") or events.count("done") + events.count("error") != 1:
        return [f"the stream does not end with one done/error event: {events[-5:]}"]
    return []


def judge(case, outcome, elapsed, sent_request_id):
    """The problems of one exchange: a list of (category, text)."""
    if isinstance(outcome, Malformed):
        return [("malformed", str(outcome))]
    if isinstance(outcome, NoAnswer):
        if case.no_answer_ok and outcome.kind in ("closed", "reset"):
            return []
        if outcome.kind == "timeout":
            return [("no_answer", f"no answer after {elapsed:.1f} s")]
        return [("no_answer", f"no answer: {outcome}")]
    a = outcome
    out = [("malformed", v) for v in a.violations]
    if a.status >= 500 and not (a.status == 501 and case.expect == {501}):
        out.append(("5xx", f"{a.status}"))  # 501 is the documented answer to a transfer coding not supported
    if elapsed > SLOW_SECONDS and case.wait is None:
        out.append(("slow", f"answered in {elapsed:.2f} s"))
    ctype = a.header("content-type") or ""
    is_json = bool(JSON_TYPE.match(ctype.strip().lower()))
    method = case.method if case.method == case.method.upper() else "X-LOWERCASE-METHOD"
    path = urllib.parse.unquote(case.path)
    if path.endswith("/") and len(path) > 1 and "//" not in path:
        path = path[:-1]  # one trailing slash is tolerated (docs/behaviour.md)
    body = b"" if case.method == "HEAD" else a.body
    for p in contract.check(method, path, a.status, ctype, body, {"Allow": a.header("allow")}):
        out.append(("contract", p))
    web_page = case.method == "GET" and contract._is_web_app_path(path) and ctype.startswith("text/html")
    if not 200 <= a.status < 300 and case.method != "HEAD" and not (case.method == "OPTIONS" and a.status == 204):
        if not is_json and not web_page:  # (the web app's own 404 page for a browser: contract.py)
            out.append(("contract", f"a {a.status} whose body is not JSON ({ctype!r})"))
    if "text/event-stream" in ctype and case.method != "HEAD":
        out += [("malformed", p) for p in _sse_problems(a.body)]
    code = _code(a.body) if is_json and case.method != "HEAD" else None
    rid = a.header("x-request-id")
    # A request the server could not read has no id of its own (for HEAD, the body is not read).
    unparsed = a.status == 431 or code == "bad_request" or (case.method == "HEAD" and a.status == 400)
    if rid is None or not REQUEST_ID.fullmatch(rid):
        out.append(("contract", f"X-Request-Id {rid!r}"))
    elif (sent_request_id is not None and REQUEST_ID.fullmatch(sent_request_id) and rid != sent_request_id
          and not unparsed):
        out.append(("contract", f"X-Request-Id {rid!r} instead of the one sent, {sent_request_id!r}"))
    if case.expect is not None and a.status not in case.expect:
        out.append(("unexpected", f"{a.status} {code or ''} where the request can only get "
                                  f"{sorted(case.expect)} {sorted(case.expect_codes or [])}"))
    elif case.expect_codes is not None and case.method != "HEAD" and code not in case.expect_codes:
        out.append(("unexpected", f"code {code!r} where only {sorted(case.expect_codes)} fit"))
    if case.forbid_unauthenticated and a.status == 401 and code in ("unauthenticated", "token_expired"):
        out.append(("unexpected", f"a valid token refused: 401 {code}"))
    return out
