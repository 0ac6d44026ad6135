"""The operations of resources/openapi.json as the fuzzer sees them: method, path template, path and
query parameters, request body schema, documented statuses, whether a token is needed."""
import dataclasses
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[3]
DOCUMENT_PATH = ROOT / "resources" / "openapi.json"

with open(DOCUMENT_PATH, encoding="utf-8") as _f:
    DOCUMENT = json.load(_f)


def resolve(obj):
    """Follows `$ref`s inside the document."""
    while isinstance(obj, dict) and "$ref" in obj:
        target = DOCUMENT
        for part in obj["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        obj = target
    return obj


@dataclasses.dataclass(frozen=True)
class Operation:
    op_id: str
    method: str                  # upper case
    template: str                # /api/planning/{id}
    path_params: tuple           # names, in path order
    query_params: tuple          # (name, resolved schema) pairs
    body_schema: object          # resolved schema of the JSON request body, or None (no body)
    statuses: frozenset          # documented statuses
    authenticated: bool
    # A body that is not JSON (the timetable import takes text/calendar): this fuzzer only speaks
    # JSON, so such an operation is reached by mutations only, never chosen (the calendar parser
    # has its own libFuzzer target, tests/fuzz/timetable_import_fuzz.cpp).
    other_body: bool = False

    @property
    def has_body(self):
        return self.body_schema is not None

    def __str__(self):
        return f"{self.method} {self.template}"


def _params(item, op):
    out = []
    for p in list(item.get("parameters", [])) + list(op.get("parameters", [])):
        out.append(resolve(p))
    return out


def load():
    """Every operation of the document, in document order."""
    ops = []
    for template, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            params = _params(item, op)
            body = op.get("requestBody")
            schema = None
            content = resolve(body)["content"] if body else {}
            if "application/json" in content:
                schema = resolve(content["application/json"]["schema"])
            ops.append(Operation(
                op_id=op["operationId"],
                method=method.upper(),
                template=template,
                path_params=tuple(re.findall(r"\{([^}]+)\}", template)),
                query_params=tuple((p["name"], resolve(p.get("schema", {}))) for p in params if p["in"] == "query"),
                body_schema=schema,
                statuses=frozenset(int(s) for s in op.get("responses", {}) if s.isdigit()),
                authenticated=bool(op.get("security")),
                other_body=bool(content) and "application/json" not in content,
            ))
    return ops


OPERATIONS = load()
BY_ID = {op.op_id: op for op in OPERATIONS}


def allowed_methods(template):
    """The methods the document lists for a path (HEAD wherever GET is)."""
    methods = {m.upper() for m in DOCUMENT["paths"][template] if m != "parameters"}
    if "GET" in methods:
        methods.add("HEAD")
    return methods


def operation(template, method):
    return next(o for o in OPERATIONS if o.template == template and o.method == method)
