"""Structure-aware mutations of a JSON body (a Python value): each picks a place in the tree and
bends it (wrong type, missing or extra field, null, huge array or string, deep nesting, duplicate
key, lone surrogate, invalid UTF-8, odd numbers and strings...). They return a label, or None when
the body offers no place for them."""
import copy
import re

from .jsontext import Pairs, Raw

WRONG_TYPES = [0, -1, 1.5, True, False, "", "x", [], {}, [1, "a"], {"a": 1}]
EXTRA_KEYS = ["extra", "Matiere", "matiere ", "__proto__", "constructor", "$where", "_id", "userId", "source",
              "createdAt", "password", "mode", "é", "", "a" * 300, "\u0000", "sessions[0]"]
STRINGS = ["", " ", "   \t\n ", "\u0000", "a\u0000b", "\u0007", "\u202eRTL", "😀" * 3, "𝕏", "\ufeff",
           "e\u0301" * 50, "' OR 1=1 --", "%s%n%x", "<script>alert(1)</script>", "../../etc/passwd", "null", "true",
           "1" * 30, "2025-02-30", "2025-02-29", "2024-02-29", "9999-12-31", "0000-01-01", "2025-13-01",
           "2025-12-22T24:00Z", "2025-12-22T23:59:60Z", "2025-12-22T09:00+99:99", "2025-12-22T09:00+14:00",
           "2025-12-22T09:00-12:00", "2025-12-22t09:00z", "2025-12-22T09:00:00.1234567890123456789Z",
           "2025-12-22T09:00", "+275760-09-13T00:00:00Z", "1970-01-01T00:00:00Z", "2038-01-19T03:14:08Z",
           "1900-01-01T00:00Z", "2025-12-22 09:00Z", "Europe/Paris", "+01:00", "../../../etc/localtime", "UTC\u0000",
           "Etc/GMT+14", "posixrules", "right/UTC", "Factory", "EST5EDT", "localtime", "Europe/Paris/",
           "europe/paris", "A" * 65, "00:00", "24:00", "23:59", "25:61", "-1:00", "6601a1b2c3d4e5f601234567",
           "6601A1B2C3D4E5F601234567", "ai", "manual", "AI", "semaine", "année", "termine", "TERMINE"]
NUMBERS = [0, -1, 1, 14, 15, 720, 721, 1440, 1441, 100, 101, 6, 7, 2**31, 2**31 - 1, 2**53 + 1, 2**63 - 1, 2**63,
           2**64, -2**63 - 1, 10**30, 1e308, 1.5, -0.5, 1e20, 15.0, 720.0000001]
RAW_NUMBERS = [b"1e999", b"-1e999", b"1e-400", b"-0", b"-0.0", b"0e0", b"1E2", b"1" + b"0" * 400,
               b"0." + b"0" * 400 + b"1", b"1e1000000000", b"123456789012345678901234567890"]
NOT_JSON_NUMBERS = [b"NaN", b"Infinity", b"-Infinity", b"+1", b"01", b".5", b"1.", b"0x10", b"1e", b"--1"]
LONE_SURROGATES = [b'"\\ud800"', b'"ab\\udc00cd"', b'"\\udc00\\ud800"', b'"\\ud800\\u0041"', b'"\\ud83d"',
                   b'"x\\uDFFF"', b'"\\ud800\\ud800"']
BAD_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80",
            b"\xf8\x88\x80\x80\x80", b"\xef\xbf\xbe"]


def places(value):
    """Every place of the tree: (path, value) with path a tuple of keys and indexes; () is the root."""
    out = [((), value)]
    stack = [((), value)]
    while stack:
        path, v = stack.pop()
        items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
        for k, child in items:
            out.append((path + (k,), child))
            if isinstance(child, (dict, list)) and len(path) < 8:
                stack.append((path + (k,), child))
    return out


def get(value, path):
    for k in path:
        value = value[k]
    return value


def put(value, path, new):
    """`value` with the place at `path` replaced by `new` (the root when path is ())."""
    if not path:
        return new
    get(value, path[:-1])[path[-1]] = new
    return value


def _pick(rng, body, kind=None):
    candidates = [(p, v) for p, v in places(body) if kind is None or isinstance(v, kind)]
    return rng.choice(candidates) if candidates else (None, None)


def _members(body):
    return [(p, v) for p, v in places(body) if p and isinstance(get(body, p[:-1]), dict)]


def wrong_type(rng, body):
    path, v = _pick(rng, body)
    options = [w for w in WRONG_TYPES if type(w) is not type(v)]
    return put(body, path, copy.deepcopy(rng.choice(options))), f"wrong_type@{_show(path)}"


def missing_field(rng, body):
    members = _members(body)
    if not members:
        return body, None
    path, _ = rng.choice(members)
    del get(body, path[:-1])[path[-1]]
    return body, f"missing@{_show(path)}"


def extra_field(rng, body):
    path, obj = _pick(rng, body, dict)
    if path is None:
        return body, None
    key = rng.choice(EXTRA_KEYS)
    if key in obj:
        return body, None
    obj[key] = copy.deepcopy(rng.choice(WRONG_TYPES + ["x"]))
    return body, f"extra@{_show(path + (key,))}"


def null(rng, body):
    path, _ = _pick(rng, body)
    return put(body, path, None), f"null@{_show(path)}"


def huge_array(rng, body):
    path, v = _pick(rng, body)
    n = rng.choice([51, 101, 1001, 5000, 20000])
    if isinstance(v, list) and v:
        item = v[0]
        new = [copy.deepcopy(item) for _ in range(n)] if isinstance(item, (dict, list)) else [item] * n
    else:
        new = [rng.choice([1, "Maths", None, {}])] * n
    return put(body, path, new), f"huge_array[{n}]@{_show(path)}"


def huge_string(rng, body):
    path, _ = _pick(rng, body)
    n = rng.choice([101, 129, 201, 255, 1001, 2001, 4001, 8193, 100_000, 600_000])
    unit = rng.choice(["a", "é", "😀", "e\u0301", " "])
    return put(body, path, unit * n), f"huge_string[{n}x{unit!r}]@{_show(path)}"


def odd_string(rng, body):
    path, _ = _pick(rng, body)
    s = rng.choice(STRINGS)
    if rng.random() < 0.2:
        s = "  " + s + "  "
    return put(body, path, s), f"string{s[:20]!r}@{_show(path)}"


def odd_number(rng, body):
    path, _ = _pick(rng, body)
    if rng.random() < 0.6:
        n = rng.choice(NUMBERS)
        return put(body, path, n), f"number({n})@{_show(path)}"
    raw = rng.choice(RAW_NUMBERS)
    return put(body, path, Raw(raw)), f"number({raw[:20].decode()})@{_show(path)}"


def not_json_number(rng, body):
    path, _ = _pick(rng, body)
    raw = rng.choice(NOT_JSON_NUMBERS)
    return put(body, path, Raw(raw, "syntax")), f"syntax:{raw.decode()}@{_show(path)}"


def deep_nesting(rng, body):
    path, _ = _pick(rng, body)
    depth = rng.choice([8, 32, 62, 63, 64, 65, 100, 1000, 10000, 100000])
    if rng.random() < 0.5:
        raw = b"[" * depth + b"1" + b"]" * depth
    else:
        raw = b'{"a":' * depth + b"1" + b"}" * depth
    return put(body, path, Raw(raw, "deep")), f"deep[{depth}]@{_show(path)}"


def duplicate_key(rng, body):
    path, obj = _pick(rng, body, dict)
    if path is None or not obj:
        return body, None
    items = list(obj.items())
    key, value = rng.choice(items)
    twin = copy.deepcopy(value) if rng.random() < 0.5 else copy.deepcopy(rng.choice(WRONG_TYPES))
    at = rng.randrange(len(items) + 1)
    items.insert(at, (key, twin))
    return put(body, path, Pairs(items)), f"duplicate_key@{_show(path + (key,))}"


def lone_surrogate(rng, body):
    path, _ = _pick(rng, body, (str, dict))
    if path is None:
        path = ()
    target = get(body, path)
    raw = Raw(rng.choice(LONE_SURROGATES), "surrogate")
    if isinstance(target, dict) and rng.random() < 0.5:
        target[rng.choice(["k", "matiere"])] = raw  # also as a value under a key
        return body, f"lone_surrogate_value@{_show(path)}"
    if isinstance(target, dict):
        items = list(target.items()) + [(Raw(raw.data), 1)]  # as a key
        return put(body, path, Pairs(items)), f"lone_surrogate_key@{_show(path)}"
    return put(body, path, raw), f"lone_surrogate@{_show(path)}"


def bad_utf8(rng, body):
    path, v = _pick(rng, body, str)
    if path is None:
        path, v = (), None
    text = (v if isinstance(v, str) else "x").encode("utf-8")
    cut = rng.randrange(len(text) + 1)
    raw = b'"' + text[:cut] + rng.choice(BAD_UTF8) + text[cut:] + b'"'
    return put(body, path, Raw(raw, "utf8")), f"bad_utf8@{_show(path)}"


DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}$")
OFFSETS = ["+14:00", "-12:00", "+24:00", "+01:60", "-00:00", "+0100", "+01", "Z", "+05:45", "UTC"]
DATE_EDITS = [  # (rng, text) -> text
    lambda r, s: s[:10],                                  # the date alone
    lambda r, s: s[:16] + "Z" if len(s) > 16 else s,      # no seconds
    lambda r, s: s[:19] + ".123456789Z" if len(s) > 19 else s,
    lambda r, s: s.replace("T", "t").replace("Z", "z"),
    lambda r, s: s.replace("T", " "),
    lambda r, s: s[:19] if len(s) > 19 else s,            # no offset
    lambda r, s: s[:19] + r.choice(OFFSETS) if len(s) > 18 else s,
    lambda r, s: s[:5] + r.choice(["02-29", "02-30", "13-01", "00-10", "04-31"]) + s[10:],
    lambda r, s: r.choice(["2024-02-29", "0000-01-01", "9999-12-31", "1970-01-01"]) + s[10:],
    lambda r, s: s[:11] + r.choice(["24:00", "23:59:60", "00:00:00.5"]) + s[16:] if len(s) > 16 else s,
    lambda r, s: r.choice(["24:00", "24:01", "9:00", "00:00", "23:60", "12:00:00", "23:59"]),
]


def date_edit(rng, body):
    """A date, date-time or HH:MM string bent to an edge of its syntax or of the calendar."""
    candidates = [(p, v) for p, v in places(body) if isinstance(v, str) and DATE_LIKE.match(v)]
    if not candidates:
        return body, None
    path, v = rng.choice(candidates)
    new = rng.choice(DATE_EDITS)(rng, v)
    return put(body, path, new), f"date{new!r}@{_show(path)}"


def not_an_object(rng, body):
    new = rng.choice([[], [body], "texte", 42, None, True, [1, 2, 3]])
    return new, "root_not_object"


MUTATORS = [
    (wrong_type, 10), (missing_field, 8), (extra_field, 6), (null, 6), (huge_array, 3), (huge_string, 4),
    (odd_string, 10), (odd_number, 8), (not_json_number, 2), (deep_nesting, 3), (duplicate_key, 4),
    (lone_surrogate, 3), (bad_utf8, 3), (not_an_object, 1), (date_edit, 6),
]


def mutate(rng, body, count):
    """`count` mutations of a deep copy of `body`; returns (new body, labels)."""
    body = copy.deepcopy(body)
    labels = []
    funcs = [f for f, _ in MUTATORS]
    weights = [w for _, w in MUTATORS]
    for _ in range(count):
        if isinstance(body, (Raw, Pairs)):
            break  # written verbatim from here on
        f = rng.choices(funcs, weights)[0]
        body, label = f(rng, body)
        if label:
            labels.append(label)
    return body, labels


def _show(path):
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)[1:] or "$"
