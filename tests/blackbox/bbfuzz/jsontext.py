"""JSON text from Python values, with what `json.dumps` cannot write: duplicate keys, verbatim
bytes (invalid UTF-8, lone surrogate escapes, NaN, 1e999...), and deep nesting without recursion."""
import json


class Raw:
    """Bytes written verbatim where a JSON value goes."""
    __slots__ = ("data", "label")

    def __init__(self, data, label=""):
        self.data = data
        self.label = label

    def __repr__(self):
        shown = self.data if len(self.data) <= 60 else self.data[:60] + b"..."
        return f"Raw({shown!r})"


class Pairs:
    """An object written member by member, so a key may appear twice."""
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = list(items)

    def __repr__(self):
        return f"Pairs({self.items!r})"


def _string(s, ascii_only):
    return json.dumps(s, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def dump(value, ascii_only=False):
    """The JSON text of `value` as bytes (UTF-8; `\\uXXXX` escapes for non-ASCII when ascii_only)."""
    out = []
    # An explicit stack: deep values do not hit Python's recursion limit.
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, bytes):            # a separator pushed below
            out.append(v)
        elif isinstance(v, Raw):
            out.append(v.data)
        elif v is None:
            out.append(b"null")
        elif v is True:
            out.append(b"true")
        elif v is False:
            out.append(b"false")
        elif isinstance(v, int):
            out.append(str(v).encode())
        elif isinstance(v, float):
            out.append(json.dumps(v).encode())  # NaN/Infinity only through Raw
        elif isinstance(v, str):
            out.append(_string(v, ascii_only))
        elif isinstance(v, (dict, Pairs)):
            items = list(v.items()) if isinstance(v, dict) else v.items
            parts = [b"{"]
            for i, (k, item) in enumerate(items):
                if i:
                    parts.append(b",")
                parts.append((k.data if isinstance(k, Raw) else _string(k, ascii_only)) + b":")
                parts.append(item)
            parts.append(b"}")
            stack.extend(reversed(parts))
        elif isinstance(v, (list, tuple)):
            parts = [b"["]
            for i, item in enumerate(v):
                if i:
                    parts.append(b",")
                parts.append(item)
            parts.append(b"]")
            stack.extend(reversed(parts))
        else:
            raise TypeError(f"cannot write {type(v).__name__} as JSON")
    return b"".join(out)


def plain(value):
    """True when `value` holds no Raw or Pairs (json.loads(dump(value)) == value)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (Raw, Pairs)):
            return False
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return True
