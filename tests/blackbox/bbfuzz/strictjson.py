"""What RFC 8259 says of a request body, to know what the server must answer: `invalid` (not JSON:
400 invalid_json), `doubtful` (JSON that parsers may take or refuse: lone surrogates, nesting deeper
than the server's limit; either way a 400), or `valid` with its value."""
import json
import re

SERVER_MAX_DEPTH = 64  # src/core/json_input.cpp: deeper documents are not parsed
LONE = re.compile(r"[\ud800-\udfff]")  # what json.loads makes of an unpaired \ud800 escape


class Verdict:
    def __init__(self, kind, value=None, reason="", duplicates=False):
        self.kind = kind            # valid, invalid, doubtful
        self.value = value
        self.reason = reason
        self.duplicates = duplicates

    def __repr__(self):
        return f"Verdict({self.kind}, {self.reason})"


def _depth_ok(text):
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def classify(body):
    try:
        text = body.decode("utf-8")  # strict: surrogates encoded in UTF-8 are refused too
    except UnicodeDecodeError:
        return Verdict("invalid", reason="invalid UTF-8")
    if text.startswith("\ufeff"):
        return Verdict("invalid", reason="byte order mark")
    if _depth_ok(text) > SERVER_MAX_DEPTH:
        return Verdict("doubtful", reason="nesting deeper than the server's limit")
    dups = [False]

    def pairs(items):
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            dups[0] = True
        return dict(items)

    def no_constant(name):
        raise ValueError(name)

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant)
    except (ValueError, RecursionError) as e:
        return Verdict("invalid", reason=str(e)[:80])
    # Every string, those of members a duplicate key hides too.
    every = json.loads(text, object_pairs_hook=lambda items: [x for kv in items for x in kv])
    if _has_lone(every):
        return Verdict("doubtful", value, reason="lone surrogate", duplicates=dups[0])
    # Numbers past every machine range (1e999, 400 digits) are JSON: a parser may keep them as
    # doubles (or infinities); what the field then makes of them is the route's business.
    return Verdict("valid", value, duplicates=dups[0])


def _walk(value):
    stack = [value]
    while stack:
        v = stack.pop()
        yield v
        if isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def _has_lone(value):
    return any(isinstance(v, str) and LONE.search(v) for v in _walk(value))
