"""A raw HTTP/1.1 client over one TCP connection, strict about the answers it reads.

It sends exactly the bytes it is told to (bad framing included) and reads the answer as RFC 9112
frames it; anything an HTTP/1.1 client could not rely on raises `Malformed`. An answer that does not
come raises `NoAnswer` (the server closed, reset, refused the connection, or stayed silent until the
deadline)."""
import dataclasses
import re
import select
import socket
import time

STATUS_LINE = re.compile(rb"HTTP/1\.1 ([1-5][0-9][0-9]) ([\t\x20-\x7e\x80-\xff]*)")
HEADER_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*")
MAX_HEAD = 64 * 1024
MAX_BODY = 64 * 1024 * 1024
SEND_PIECE = 64 * 1024


class Malformed(Exception):
    """The bytes the server sent are not a well-formed HTTP/1.1 answer."""


class NoAnswer(Exception):
    """No answer: `kind` is closed, reset, refused or timeout."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}{': ' + detail if detail else ''}")
        self.kind = kind


@dataclasses.dataclass
class WireRequest:
    method: str
    target: str                       # as sent on the request line
    headers: list                     # (name, value) pairs, Host and framing headers excluded
    body: bytes = b""
    # length: Content-Length = len(body) (none when the body is empty and the method has none);
    # chunked: Transfer-Encoding: chunked, in random pieces; raw: `head_extra` says it all.
    framing: str = "length"
    head_extra: list = dataclasses.field(default_factory=list)  # framing headers for raw framing
    chunks: list = None               # chunked framing: the body's pieces (sizes)
    wire_body: bytes = None           # raw framing: bytes after the head (else the body)
    half_close: bool = False          # shutdown(SHUT_WR) once everything is sent
    expect_continue: bool = False
    host: str = "127.0.0.1"           # None: no Host header


@dataclasses.dataclass
class Answer:
    status: int
    reason: str
    headers: list                     # (lower-case name, value) pairs, in order
    body: bytes
    elapsed: float
    interim: list                     # statuses of 1xx answers read before this one
    violations: list = dataclasses.field(default_factory=list)  # protocol breaches that keep it readable

    def header(self, name):
        values = [v for k, v in self.headers if k == name.lower()]
        return ", ".join(values) if values else None

    def header_dict(self):
        out = {}
        for k, v in self.headers:
            out[k] = out[k] + ", " + v if k in out else v
        return out

    @property
    def closes(self):
        return "close" in (self.header("connection") or "").lower()


def encode_head(req):
    lines = [f"{req.method} {req.target} HTTP/1.1"] + ([f"Host: {req.host}"] if req.host is not None else [])
    lines += [f"{k}: {v}" for k, v in req.headers]
    if req.framing == "length":
        if req.body or req.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(req.body)}")
    elif req.framing == "chunked":
        lines.append("Transfer-Encoding: chunked")
    lines += [f"{k}: {v}" for k, v in req.head_extra]
    if req.expect_continue:
        lines.append("Expect: 100-continue")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def encode_body(req):
    if req.framing == "raw":
        return req.wire_body if req.wire_body is not None else req.body
    if req.framing != "chunked":
        return req.body
    out, pos = [], 0
    for size in req.chunks or [len(req.body)]:
        piece = req.body[pos:pos + size]
        pos += len(piece)
        if piece:
            out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
    if pos < len(req.body):
        out.append(b"%x\r\n" % (len(req.body) - pos) + req.body[pos:] + b"\r\n")
    out.append(b"0\r\n\r\n")
    return b"".join(out)


class Connection:
    """One TCP connection to the server; `exchange` sends one request and reads its answer."""

    def __init__(self, host, port, connect_timeout=5.0):
        self.host, self.port = host, port
        try:
            self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        except ConnectionRefusedError as e:
            raise NoAnswer("refused", str(e)) from None
        except OSError as e:
            raise NoAnswer("refused", str(e)) from None
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False
        self.usable = True

    def close(self):
        self.usable = False
        try:
            self.sock.close()
        except OSError:
            pass

    # -------------------------------------------------------------------- reading

    def _recv(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NoAnswer("timeout")
        r, _, _ = select.select([self.sock], [], [], remaining)
        if not r:
            raise NoAnswer("timeout")
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            raise NoAnswer("reset") from None
        except OSError as e:
            raise NoAnswer("reset", str(e)) from None
        if not chunk:
            self.eof = True
        return chunk

    def _fill(self, deadline, what):
        chunk = self._recv(deadline)
        if not chunk:
            if what == "head" and not self.buf:
                raise NoAnswer("closed")
            raise Malformed(f"the connection closed in the middle of the {what} "
                            f"({len(self.buf)} bytes pending: {self.buf[:120]!r})")
        self.buf += chunk

    def _read_exact(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline, "body")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_line(self, deadline, limit=8192):
        while b"\r\n" not in self.buf:
            if len(self.buf) > limit:
                raise Malformed("a chunk-size or trailer line without CRLF")
            self._fill(deadline, "body")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read_head(self, deadline):
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > MAX_HEAD:
                raise Malformed("an answer header over 64 KiB, or without its blank line")
            self._fill(deadline, "head")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        for line in lines:
            if b"\n" in line or b"\r" in line:
                raise Malformed(f"a bare CR or LF in the answer header: {line[:120]!r}")
        m = STATUS_LINE.fullmatch(lines[0])
        if not m:
            raise Malformed(f"bad status line {lines[0][:120]!r}")
        headers = []
        for line in lines[1:]:
            hm = HEADER_LINE.fullmatch(line)
            if not hm:
                raise Malformed(f"bad header line {line[:120]!r}")
            headers.append((hm.group(1).decode("ascii").lower(), hm.group(2).decode("latin-1")))
        return int(m.group(1)), m.group(2).decode("latin-1"), headers

    def _read_chunked(self, deadline):
        body = b""
        while True:
            line = self._read_line(deadline)
            size_text = line.split(b";", 1)[0].strip()
            if not re.fullmatch(rb"[0-9A-Fa-f]{1,15}", size_text):
                raise Malformed(f"bad chunk-size line {line[:80]!r}")
            size = int(size_text, 16)
            if size == 0:
                while self._read_line(deadline) != b"":
                    pass  # trailer fields
                return body
            if len(body) + size > MAX_BODY:
                raise Malformed("a chunked body over 64 MiB")
            body += self._read_exact(size, deadline)
            if self._read_exact(2, deadline) != b"\r\n":
                raise Malformed("a chunk not followed by CRLF")

    def read_answer(self, method, deadline, on_interim=None):
        interim = []
        start = time.monotonic()
        while True:
            status, reason, headers = self._read_head(deadline)
            if 100 <= status < 200:
                if any(k in ("content-length", "transfer-encoding") for k, _ in headers):
                    raise Malformed(f"a {status} interim answer with framing headers")
                interim.append(status)
                if on_interim:
                    on_interim(status)
                continue
            break
        te = [v for k, v in headers if k == "transfer-encoding"]
        cl = [v for k, v in headers if k == "content-length"]
        violations = []  # breaches of RFC 9110/9112 that still leave the answer readable
        if status in (204, 304):
            if te or (status == 204 and cl):
                violations.append(f"a {status} answer with Content-Length or Transfer-Encoding "
                                  "(RFC 9110 §8.6, RFC 9112 §6.1)")
            body = b""
        elif te and cl:
            raise Malformed("both Transfer-Encoding and Content-Length")
        elif te:
            if len(te) != 1 or te[0].strip().lower() != "chunked":
                raise Malformed(f"Transfer-Encoding {te!r}")
            body = b"" if method == "HEAD" else self._read_chunked(deadline)
        elif cl:
            if len(set(v.strip() for v in cl)) != 1 or not re.fullmatch(r"[0-9]{1,12}", cl[0].strip()):
                raise Malformed(f"Content-Length {cl!r}")
            n = int(cl[0])
            if n > MAX_BODY:
                raise Malformed("Content-Length over 64 MiB")
            body = b"" if method == "HEAD" else self._read_exact(n, deadline)
        elif method == "HEAD":
            body = b""
        else:
            # No framing: the body runs until the server closes the connection.
            while not self.eof:
                chunk = self._recv(deadline)
                self.buf += chunk
            body, self.buf = self.buf, b""
        answer = Answer(status, reason, headers, body, time.monotonic() - start, interim, violations)
        if answer.closes:
            self.usable = False
        return answer

    # -------------------------------------------------------------------- sending

    def stale(self):
        """True when the server closed this idle connection or sent bytes nobody asked for; those
        bytes (if any) are returned as the second value."""
        r, _, _ = select.select([self.sock], [], [], 0)
        if not r:
            return False, b""
        try:
            chunk = self.sock.recv(65536)
        except OSError:
            return True, b""
        return True, chunk

    def send_all(self, data, deadline):
        """Sends `data`, stopping early (False) when the server answers or closes meanwhile."""
        view = memoryview(data)
        while view:
            piece = view[:SEND_PIECE]
            r, w, _ = select.select([self.sock], [self.sock], [], max(0.0, deadline - time.monotonic()))
            if r:
                return False  # an early answer (413...) or a close: read it
            if not w:
                raise NoAnswer("timeout", "the server stopped reading the request")
            try:
                n = self.sock.send(piece)
            except (BrokenPipeError, ConnectionResetError):
                return False
            view = view[n:]
        return True

    def exchange(self, req, timeout):
        """Sends `req`, returns its Answer. Raises Malformed or NoAnswer."""
        start = time.monotonic()
        deadline = start + timeout
        head = encode_head(req)
        body = encode_body(req)
        try:
            if req.expect_continue and body:
                self.sock.sendall(head)
                sent_body = [False]

                def go_on(status):
                    if status == 100 and not sent_body[0]:
                        sent_body[0] = True
                        self.send_all(body, deadline)

                # The server sends 100 Continue only once routing and size checks passed.
                answer = self.read_answer(req.method, deadline, on_interim=go_on)
            else:
                if self.send_all(head + body, deadline) and req.half_close:
                    try:
                        self.sock.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass  # the server has already closed: its answer (if any) is read below
                answer = self.read_answer(req.method, deadline)
        except (BrokenPipeError, ConnectionResetError):
            raise NoAnswer("reset") from None
        answer.elapsed = time.monotonic() - start
        if answer.closes:
            # Nothing may follow an answer after which the server closes (a HEAD answer's body...).
            extra = self.drain(min(deadline, time.monotonic() + 1.0))
            if extra:
                answer.violations.append(f"{len(extra)} bytes after the answer, before the server closed: "
                                         f"{extra[:80]!r}")
        if answer.closes or req.framing == "raw" or req.half_close:
            self.usable = False
        return answer

    def drain(self, deadline):
        """What arrives until the server closes or `deadline` (bytes already buffered included)."""
        got = self.buf
        self.buf = b""
        while not self.eof and time.monotonic() < deadline:
            try:
                chunk = self._recv(deadline)
            except NoAnswer:
                break
            got += chunk
        return got
