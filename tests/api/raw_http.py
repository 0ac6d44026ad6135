"""A tiny raw HTTP/1.1 client over a socket, for what `requests` hides: exact bytes on the wire,
keep-alive and pipelining, chunked bodies, slow clients, and when the server closes."""
import json
import select
import socket
import time



class RawResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value (repeated headers joined with ", ")
        self.body = body

    def json(self):
        return json.loads(self.body)


class RawConn:
    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def request(self, method, path, headers=None, body=None):
        h = {"Host": "127.0.0.1"}
        h.update(headers or {})
        if body is not None and "Transfer-Encoding" not in h:
            h["Content-Length"] = str(len(body))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
        self.send(head.encode("latin-1") + (body or b""))
        return self.read_response(head_request=method == "HEAD")

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by the server")
        self.buf += chunk

    def _read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_response(self, head_request=False):
        """One response; for a HEAD request, the header only (its Content-Length describes the GET)."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            headers[name] = headers[name] + ", " + value if name in headers else value
        if head_request:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size = int(self._read_line().split(b";")[0], 16)
                if size == 0:
                    while self._read_line() != b"":
                        pass
                    break
                body += self._read_exact(size)
                self._read_exact(2)
        else:
            body = self._read_exact(int(headers.get("content-length", "0")))
        return RawResponse(status, headers, body)

    def wait_closed(self, timeout):
        """Seconds until the server closed the connection (EOF or reset), or None if it stayed open.
        Also returns whatever bytes arrived before the close."""
        start = time.monotonic()
        got = b""
        while time.monotonic() - start < timeout:
            r, _, _ = select.select([self.sock], [], [], 0.05)
            if not r:
                continue
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - start, got
            if not chunk:
                return time.monotonic() - start, got
            got += chunk
        return None, got

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
