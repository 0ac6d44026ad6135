"""Mutations of the JSON text itself (bytes), mostly making it invalid JSON: truncated, trailing
garbage, a BOM, comments, trailing commas, single quotes, UTF-16, control bytes, empty."""


def truncate(rng, text):
    if len(text) < 2:
        return text, None
    return text[:rng.randrange(1, len(text))], "syntax:truncated"


def trailing_garbage(rng, text):
    return text + rng.choice([b"}", b"]", b"x", b",{}", b"\x00", b"{}", b'"', b"null"]), "syntax:trailing_garbage"


def trailing_whitespace(rng, text):
    return rng.choice([b"", b" \r\n\t"]) + text + rng.choice([b"\n", b"   ", b"\r\n\t "]), "whitespace"


def bom(rng, text):
    return b"\xef\xbb\xbf" + text, "syntax:bom"


def comment(rng, text):
    at = text.find(b",")
    if at < 0:
        at = text.find(b"{") + 1
    if at <= 0:
        return text, None
    return text[:at] + rng.choice([b"/* c */", b"// c\n"]) + text[at:], "syntax:comment"


def trailing_comma(rng, text):
    at = text.rfind(b"}")
    if at < 0:
        return text, None
    return text[:at] + b"," + text[at:], "syntax:trailing_comma"


def single_quotes(rng, text):
    if b'"' not in text:
        return text, None
    return text.replace(b'"', b"'"), "syntax:single_quotes"


def utf16(rng, text):
    try:
        return text.decode("utf-8").encode(rng.choice(["utf-16", "utf-16-le", "utf-32"])), "syntax:utf16"
    except UnicodeDecodeError:
        return text, None


def control_byte(rng, text):
    at = text.find(b'":"')
    if at < 0:
        return text, None
    at += 3
    return text[:at] + rng.choice([b"\x00", b"\x01", b"\x1f", b"\n", b"\t"]) + text[at:], "syntax:control_char"


def empty(rng, text):
    return rng.choice([b"", b" ", b"\r\n"]), "syntax:empty"


def unquoted_key(rng, text):
    at = text.find(b'{"')
    if at < 0:
        return text, None
    end = text.find(b'"', at + 2)
    if end < 0:
        return text, None
    return text[:at + 1] + text[at + 2:end] + text[end + 1:], "syntax:unquoted_key"


MUTATORS = [(truncate, 6), (trailing_garbage, 3), (trailing_whitespace, 2), (bom, 2), (comment, 1),
            (trailing_comma, 2), (single_quotes, 1), (utf16, 1), (control_byte, 2), (empty, 2), (unquoted_key, 1)]


def mutate(rng, text):
    funcs = [f for f, _ in MUTATORS]
    weights = [w for _, w in MUTATORS]
    return rng.choices(funcs, weights)[0](rng, text)
