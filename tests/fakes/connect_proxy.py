#!/usr/bin/env python3
"""A small HTTP CONNECT proxy for PlanÉtude's tests (Python 3 standard library only).

    python3 tests/fakes/connect_proxy.py --port 0 [--refuse] [--exit-with-parent]

prints one line `{"listening": PORT}` on stdout once it accepts connections. Then:

- `CONNECT host:port HTTP/1.1` opens a TCP tunnel (RFC 9110 9.3.6): the proxy connects to the target,
  answers `HTTP/1.1 200 Connection established`, and copies bytes both ways until both sides are done.
  **Only loopback targets** are ever connected to: `localhost`, `127.0.0.0/8`, `::1`. Any other target
  is answered `403 Forbidden` without a connection attempt (and no name is ever resolved: `localhost`
  is taken as 127.0.0.1, then ::1). A loopback target that cannot be reached gets `502 Bad Gateway`.
- `--refuse`: every CONNECT is answered `403 Forbidden` (as a proxy that denies the destination).
- Any other request (e.g. `GET http://host/path`, a plain-HTTP proxy request) is refused with
  `405 Method Not Allowed`, except the admin API below.
- `GET /_admin/connects`: every request received, oldest first, as a JSON list of
  `{"seq", "time", "peer", "method", "target", "headers", "status", "reason", "bytes_up", "bytes_down", "closed"}`
  where `target` is exactly what the request line named (`localhost:4443`), `status` what the proxy
  answered, `reason` why it refused (`"refuse_all"`, `"not_loopback"`, `"bad_target"`, `"unreachable"`,
  `"not_connect"`) or null, `bytes_up`/`bytes_down` the bytes tunnelled client->target / target->client,
  `closed` true once the tunnel has ended.
  `?wait_closed=1&timeout_ms=2000` waits until every tunnel has ended (or the timeout passes).
- `POST /_admin/reset`: forgets the records.
Admin requests are not recorded. Every answer of the proxy itself carries `Connection: close`.
"""
import argparse
import asyncio
import ipaddress
import json
import os
import signal
import sys
import time
import urllib.parse

MAX_HEAD = 64 * 1024
READ_TIMEOUT_S = 30.0


class Proxy:
    def __init__(self, args):
        self.args = args
        self.records = []
        self.seq = 0
        self.tasks = set()

    # -------------------------------------------------------------------------------- helpers

    @staticmethod
    def loopback_hosts(host):
        """The addresses to try for a loopback target, or None when the target is not loopback."""
        h = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        if h.lower() in ("localhost", "localhost."):
            return ["127.0.0.1", "::1"]
        try:
            ip = ipaddress.ip_address(h)
        except ValueError:
            return None
        return [str(ip)] if ip.is_loopback else None

    @staticmethod
    def split_target(target):
        """host, port of an authority-form target, or None."""
        host, sep, port = target.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            return None
        if ":" in host and not (host.startswith("[") and host.endswith("]")):
            return None  # an IPv6 literal must be bracketed
        return host, int(port)

    @staticmethod
    async def answer(writer, status, reason, body=b"", content_type="text/plain; charset=utf-8"):
        head = "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (
            status, reason, content_type, len(body))
        try:
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
        except (ConnectionError, OSError):
            pass

    @staticmethod
    async def read_head(reader):
        data = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
        lines = data[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise ValueError("bad request line")
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise ValueError("bad header line")
            key = name.strip().lower()
            headers[key] = headers[key] + ", " + value.strip() if key in headers else value.strip()
        return parts[0], parts[1], headers

    async def admin(self, writer, method, target):
        url = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/_admin/connects" and method == "GET":
            if query.get("wait_closed") not in (None, "", "0", "false"):
                deadline = time.monotonic() + float(query.get("timeout_ms", "2000")) / 1000.0
                while time.monotonic() < deadline and not all(r["closed"] for r in self.records):
                    await asyncio.sleep(0.01)
            body = json.dumps(self.records).encode()
            return await self.answer(writer, 200, "OK", body, "application/json")
        if url.path == "/_admin/reset" and method == "POST":
            self.records = []
            return await self.answer(writer, 200, "OK", b'{"reset": true}', "application/json")
        return await self.answer(writer, 404, "Not Found", b"no such admin route\n")

    # -------------------------------------------------------------------------------- connections

    async def on_connection(self, reader, writer):
        task = asyncio.current_task()
        self.tasks.add(task)
        upstream = None
        rec = None
        try:
            try:
                method, target, headers = await self.read_head(reader)
            except (ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                    ConnectionError, OSError):
                await self.answer(writer, 400, "Bad Request", b"bad request\n")
                return
            if method != "CONNECT" and target.startswith("/_admin/"):
                await self.admin(writer, method, target)
                return
            self.seq += 1
            peer = writer.get_extra_info("peername")
            rec = {"seq": self.seq, "time": time.time(), "peer": "%s:%s" % tuple(peer[:2]) if peer else None,
                   "method": method, "target": target, "headers": headers, "status": None, "reason": None,
                   "bytes_up": 0, "bytes_down": 0, "closed": False}
            self.records.append(rec)

            async def refuse(status, phrase, reason, text):
                rec["status"], rec["reason"] = status, reason
                await self.answer(writer, status, phrase, (text + "\n").encode())

            if method != "CONNECT":
                await refuse(405, "Method Not Allowed", "not_connect", "this proxy only opens CONNECT tunnels")
                return
            if self.args.refuse:
                await refuse(403, "Forbidden", "refuse_all", "tunnels are not allowed here")
                return
            hp = self.split_target(target)
            if hp is None:
                await refuse(400, "Bad Request", "bad_target", "the CONNECT target must be host:port")
                return
            addresses = self.loopback_hosts(hp[0])
            if addresses is None:
                await refuse(403, "Forbidden", "not_loopback", "this test proxy only connects to loopback addresses")
                return
            for address in addresses:
                try:
                    upstream = await asyncio.wait_for(asyncio.open_connection(address, hp[1]), 5)
                    break
                except (OSError, asyncio.TimeoutError):
                    continue
            if upstream is None:
                await refuse(502, "Bad Gateway", "unreachable", "cannot connect to " + target)
                return
            rec["status"] = 200
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            up_reader, up_writer = upstream
            # Bytes the client sent right after the CONNECT head are already in `reader`'s buffer:
            # the pumps read through the same StreamReader, so nothing is lost.
            await asyncio.gather(self.pump(reader, up_writer, rec, "bytes_up"),
                                 self.pump(up_reader, writer, rec, "bytes_down"))
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            if upstream is not None:
                upstream[1].close()
            writer.close()
            if rec is not None:
                rec["closed"] = True
            self.tasks.discard(task)

    @staticmethod
    async def pump(src, dst, rec, counter):
        """Copies src to dst until EOF, then half-closes dst (a TLS close_notify still gets through)."""
        try:
            while True:
                data = await src.read(65536)
                if not data:
                    break
                rec[counter] += len(data)
                dst.write(data)
                await dst.drain()
            if dst.can_write_eof():
                dst.write_eof()
        except (ConnectionError, OSError):
            try:
                dst.transport.abort()
            except Exception:
                pass

    async def main(self):
        parent = os.getppid()  # before the listening line: a parent that exits after reading it is noticed
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        server = await asyncio.start_server(self.on_connection, self.args.host, self.args.port, limit=MAX_HEAD)
        port = server.sockets[0].getsockname()[1]
        sys.stdout.write(json.dumps({"listening": port}) + "\n")
        sys.stdout.flush()
        if self.args.exit_with_parent:
            async def watchdog():
                while os.getppid() == parent:
                    await asyncio.sleep(1)
                stop.set()
            asyncio.ensure_future(watchdog())
        await stop.wait()
        server.close()
        for t in list(self.tasks):
            t.cancel()
        await asyncio.sleep(0)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="A CONNECT proxy for tests that only tunnels to loopback targets.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port (printed as {\"listening\": PORT})")
    p.add_argument("--refuse", action="store_true", help="answer 403 to every CONNECT")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="stop when the process that started the proxy exits")
    return p.parse_args(argv)


def main(argv=None):
    try:
        asyncio.run(Proxy(parse_args(argv)).main())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
