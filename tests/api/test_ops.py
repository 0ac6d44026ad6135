"""Operations endpoints: /healthz, /readyz, /metrics (Prometheus text), /api/openapi.json.

Sources: docs/api.md (operations): `http_requests_total{method,route,status}` and an
`http_request_duration_seconds` histogram by route template.
"""
import math
import re
import time
import uuid

import requests

from conftest import new_user

LINE_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """[(name, {label: value}, float)] for every sample line; comments are skipped."""
    samples = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = LINE_RE.match(line.strip())
        assert m, f"not a Prometheus sample line: {line!r}"
        name, labels, value = m.groups()
        parsed = dict(LABEL_RE.findall(labels or ""))
        samples.append((name, parsed, float(value)))
    return samples


def get_metrics(server):
    r = requests.get(server.url + "/metrics", timeout=10)
    assert r.status_code == 200, r.text
    return r


def sample(samples, name, **labels):
    """The value of the one series of `name` whose labels include `labels` exactly, or None."""
    found = [v for n, l, v in samples if n == name and all(l.get(k) == v2 for k, v2 in labels.items())]
    assert len(found) <= 1, (name, labels, found)
    return found[0] if found else None


def request_count(server, method, route, status):
    v = sample(parse_metrics(get_metrics(server).text), "http_requests_total",
               method=method, route=route, status=str(status))
    return v or 0.0


# --------------------------------------------------------------------------------------------
# /healthz, /readyz
# --------------------------------------------------------------------------------------------

def test_healthz(server):
    r = requests.get(server.url + "/healthz", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"status": "ok"}


def test_readyz(server):
    r = requests.get(server.url + "/readyz", timeout=10)
    assert r.status_code == 200, r.text
    if r.headers.get("Content-Type", "").startswith("application/json"):
        assert isinstance(r.json(), dict)


def test_ops_endpoints_need_no_token(server):
    for path in ["/healthz", "/readyz", "/metrics", "/api/openapi.json"]:
        r = requests.get(server.url + path, headers={"Authorization": "Bearer not-a-token"}, timeout=10)
        assert r.status_code == 200, (path, r.status_code)


# --------------------------------------------------------------------------------------------
# /metrics
# --------------------------------------------------------------------------------------------

def test_metrics_is_prometheus_text(server):
    requests.get(server.url + "/healthz", timeout=10)
    r = get_metrics(server)
    assert r.headers["Content-Type"].startswith("text/plain"), r.headers["Content-Type"]
    text = r.text
    assert re.search(r"^# TYPE http_requests_total counter$", text, re.M), text[:2000]
    assert re.search(r"^# TYPE http_request_duration_seconds histogram$", text, re.M), text[:2000]
    parse_metrics(text)  # every non-comment line is a valid sample


def count_after(server, method, route, status, expected, timeout=15.0):
    """The counter once it reached `expected` (the update may trail the response a little)."""
    deadline = time.monotonic() + timeout
    value = request_count(server, method, route, status)
    while value < expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = request_count(server, method, route, status)
    return value


def test_request_counter_grows_by_exactly_the_requests_made(server):
    before = request_count(server, "GET", "/healthz", 200)
    n = 7
    for _ in range(n):
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    after = count_after(server, "GET", "/healthz", 200, before + n)
    assert after == before + n, (before, after)
    # The exact series string of the task is present.
    text = get_metrics(server).text
    assert re.search(r'^http_requests_total\{method="GET",route="/healthz",status="200"\} \d', text, re.M), \
        [l for l in text.splitlines() if "http_requests_total" in l][:20]


def test_counter_by_status(server):
    before = request_count(server, "GET", "/api/users/me", 401)
    for _ in range(3):
        assert requests.get(server.url + "/api/users/me", timeout=10).status_code == 401
    assert count_after(server, "GET", "/api/users/me", 401, before + 3) == before + 3


def test_duration_histogram_by_route(server):
    client = new_user(server)
    assert client.get("/api/users/me").status_code == 200
    assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    assert count_after(server, "GET", "/api/users/me", 200, 1) >= 1
    samples = parse_metrics(get_metrics(server).text)
    assert sample(samples, "http_requests_total", method="GET", route="/api/users/me", status="200") >= 1
    assert sample(samples, "http_requests_total", method="POST", route="/api/auth/register", status="201") >= 1
    for route in ["/healthz", "/api/users/me", "/api/auth/register"]:
        buckets = [(l, v) for n, l, v in samples if n == "http_request_duration_seconds_bucket" and l.get("route") == route]
        assert buckets, f"no histogram buckets for {route}"
        # Group by the full label set minus `le` (the histogram may also be split by method/status).
        groups = {}
        for l, v in buckets:
            key = tuple(sorted((k, x) for k, x in l.items() if k != "le"))
            groups.setdefault(key, []).append((l["le"], v))
        for key, bs in groups.items():
            les = dict(bs)
            assert "+Inf" in les, (route, key, bs)
            finite = sorted(((float(le), v) for le, v in bs if le != "+Inf"))
            assert finite, (route, key)
            counts = [v for _, v in finite] + [les["+Inf"]]
            assert counts == sorted(counts), f"buckets not cumulative: {bs}"
            labels = dict(key)
            total = sample(samples, "http_request_duration_seconds_count", **labels)
            s = sample(samples, "http_request_duration_seconds_sum", **labels)
            assert total is not None and s is not None, (route, labels)
            assert total == les["+Inf"], (route, labels, total, les["+Inf"])
            assert s >= 0 and math.isfinite(s)
        assert sum(v for (l, v) in buckets if l["le"] == "+Inf") >= 1


def test_unknown_paths_do_not_create_series(server):
    tags = [uuid.uuid4().hex for _ in range(5)]
    before = request_count(server, "GET", "unmatched", 404)
    for tag in tags:
        assert requests.get(server.url + f"/zz-{tag}", timeout=10).status_code == 404
    requests.get(server.url + f"/api/users/me/{tags[0]}x", timeout=10)
    # The requests were counted (under the "unmatched" route): their samples are in the text below.
    assert count_after(server, "GET", "unmatched", 404, before + 5) >= before + 5
    text = get_metrics(server).text
    for tag in tags:
        assert tag not in text, [l for l in text.splitlines() if tag in l]


def test_query_string_is_not_part_of_the_route(server):
    tag = uuid.uuid4().hex
    before = request_count(server, "GET", "/healthz", 200)
    assert requests.get(server.url + f"/healthz?x={tag}", timeout=10).status_code == 200
    # Counted under the route template: the sample below already holds this request.
    assert count_after(server, "GET", "/healthz", 200, before + 1) >= before + 1
    assert tag not in get_metrics(server).text


# --------------------------------------------------------------------------------------------
# /api/openapi.json
# --------------------------------------------------------------------------------------------

EXPECTED = {
    "/api/auth/register": {"post"},
    "/api/auth/login": {"post"},
    "/api/auth/logout": {"post"},
    "/api/users/me": {"get", "patch", "delete"},
    "/api/users/me/password": {"put"},
    "/api/users/me/export": {"get"},
    "/healthz": {"get"},
    "/readyz": {"get"},
    "/metrics": {"get"},
    "/api/openapi.json": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def get_openapi(server):
    r = requests.get(server.url + "/api/openapi.json", timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def test_openapi_document(server):
    doc = get_openapi(server)
    assert isinstance(doc.get("openapi"), str) and re.match(r"^3\.1\.\d+$", doc["openapi"]), doc.get("openapi")
    assert isinstance(doc.get("info"), dict) and doc["info"].get("title") and doc["info"].get("version")
    paths = doc.get("paths")
    assert isinstance(paths, dict)
    for path, methods in EXPECTED.items():
        assert path in paths, f"{path} missing from openapi paths"
        listed = {m for m in paths[path] if m in HTTP_METHODS}
        assert methods <= listed, (path, listed)
        assert not (listed - methods) or path not in ("/healthz", "/readyz", "/metrics", "/api/openapi.json"), \
            (path, listed)
    for path, item in paths.items():
        assert path.startswith("/"), path
        for m, op in item.items():
            if m in HTTP_METHODS:
                assert isinstance(op, dict) and isinstance(op.get("responses"), dict) and op["responses"], (path, m)
                assert m not in ("head", "options", "trace"), f"{m.upper()} {path} is listed but not served"


def _fill(path):
    return re.sub(r"\{[^}]+\}", "0123456789abcdef01234567", path)


def test_openapi_paths_are_all_routed(server):
    doc = get_openapi(server)
    checked = 0
    for path, item in doc["paths"].items():
        for m, op in item.items():
            if m not in HTTP_METHODS:
                continue
            url = server.url + _fill(path)
            kw = {"timeout": 15}
            if m in ("post", "put", "patch", "delete"):
                kw["json"] = {}
            r = requests.request(m.upper(), url, **kw)
            checked += 1
            assert r.status_code != 405, (m.upper(), path, r.text)
            public_with_param = "{" in path and (op.get("security") == [] or path.startswith("/cal/"))
            if r.status_code == 404 and not public_with_param:
                code = None
                try:
                    code = r.json()["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    pass
                assert code != "not_found", (m.upper(), path, r.text)
                assert False, (m.upper(), path, r.status_code, r.text)
    assert checked >= sum(len(v) for v in EXPECTED.values())
