"""Serves a web/dist folder from disk and passes /api, /cal, /healthz to a planetude server.

For working on the app without rebuilding the binary: `BROWSER_WEB_DIST=/path/to/web/dist` makes
the browser tests put this in front of the server. It mimics what planetude does with an embedded
app (index.html for client routes, the page Content-Security-Policy, no-cache for index.html and
sw.js, .gz/.br siblings by Accept-Encoding) closely enough for the tests; the real thing is the
binary serving its embedded copy, which is what `make test-browser` tests.
"""
import http.client
import http.server
import mimetypes
import os
import pathlib
import socketserver
import threading
import urllib.parse

# The page policy planetude sends with the app (src/routes/web_app_routes.cpp).
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
            "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".webmanifest": "application/manifest+json",
         ".svg": "image/svg+xml", ".woff2": "font/woff2", ".png": "image/png", ".json": "application/json"}
PROXIED = ("/api", "/cal", "/healthz", "/readyz")
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"}


class DistProxy:
    def __init__(self, dist, upstream_port):
        self.dist = pathlib.Path(dist).resolve()
        self.upstream_port = upstream_port
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _proxied(self):
                path = urllib.parse.urlsplit(self.path).path
                return any(path == p or path.startswith(p + "/") for p in PROXIED)

            def _any(self):
                if self._proxied():
                    outer._proxy(self)
                elif self.command in ("GET", "HEAD"):
                    outer._static(self)
                else:
                    self.send_response(405)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _any

        class Threading(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.httpd = Threading(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _static(self, h):
        path = urllib.parse.unquote(urllib.parse.urlsplit(h.path).path)
        file = (self.dist / path.lstrip("/")).resolve()
        if path == "/" or (not file.is_file() and "." not in path.rsplit("/", 1)[-1]):
            file = self.dist / "index.html"
        if self.dist not in file.parents or not file.is_file():
            h.send_response(404)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        accept = h.headers.get("Accept-Encoding", "")
        body_file, coding = file, None
        for enc, ext in (("br", ".br"), ("gzip", ".gz")):
            if enc in accept and file.with_name(file.name + ext).is_file():
                body_file, coding = file.with_name(file.name + ext), enc
                break
        data = body_file.read_bytes()
        h.send_response(200)
        h.send_header("Content-Type", TYPES.get(file.suffix, mimetypes.guess_type(file.name)[0] or "application/octet-stream"))
        h.send_header("Content-Length", str(len(data)))
        h.send_header("Content-Security-Policy", PAGE_CSP)
        immutable = "/assets/" in path
        h.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
        if coding:
            h.send_header("Content-Encoding", coding)
        h.send_header("Vary", "Accept-Encoding")
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(data)

    def _proxy(self, h):
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else None
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        headers = {k: v for k, v in h.headers.items() if k.lower() not in HOP}
        conn.request(h.command, h.path, body=body, headers=headers)
        resp = conn.getresponse()
        h.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                h.send_header(k, v)
        chunked = h.command != "HEAD" and resp.status not in (204, 304)
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", "0")
        h.end_headers()
        if chunked:
            # Pass each piece on as it comes: the chat streams (SSE) must not be buffered.
            while True:
                piece = resp.read1(65536)
                if not piece:
                    break
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                h.wfile.flush()
            h.wfile.write(b"0\r\n\r\n")
        conn.close()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    import sys
    p = DistProxy(sys.argv[1], int(sys.argv[2]))
    print(p.url, flush=True)
    threading.Event().wait()
