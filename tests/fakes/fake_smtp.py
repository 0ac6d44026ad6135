#!/usr/bin/python3
"""An SMTP sink for PlanÉtude's e-mail tests (aiosmtpd, Debian's python3-aiosmtpd 1.4.3).

    /usr/bin/python3 tests/fakes/fake_smtp.py --port 0 --pki DIR [--auth-user U --auth-password P]
                     [--records FILE] [--reject-recipient ADDR] [--fail-next CODE[:STAGE]]
                     [--no-tls | --implicit-tls] [--exit-with-parent]

prints one line `{"listening": PORT, "control": CONTROL_PORT, "ca_file": PATH}` on stdout once it accepts
connections (`ca_file` is null without --pki). Then:

- **STARTTLS is offered and required** (aiosmtpd's `require_starttls=True`): before it, every command but
  EHLO, NOOP, STARTTLS and QUIT gets `530 Must issue a STARTTLS command first`, so a message can only
  arrive encrypted. `--no-tls` offers no STARTTLS at all (a server that would take mail in clear: what a
  client must refuse to use); `--implicit-tls` speaks TLS from the first byte (smtps, port 465 style).
- With `--auth-user`/`--auth-password`, AUTH PLAIN and LOGIN are offered (after STARTTLS only) and required
  before MAIL (`530 5.7.0 Authentication required`); wrong credentials get `535 5.7.8`.
- Every message accepted is recorded: to `--records FILE` (one JSON object a line, written before the
  `250` is sent, so a client that got its 250 finds the line there) and on the control port
  (`GET /_admin/messages`). Each record holds the envelope, the raw data and the message as Python's
  `email` package reads it (decoded headers, the text part, the attachments). See tests/fakes/README.md.
- `--reject-recipient ADDR` (or `POST /_admin/reject`) answers `550 5.1.1` to `RCPT TO:<ADDR>`;
  `--fail-next 451[:rcpt|mail|data]` (or `POST /_admin/fail_next`) answers that code once, at that stage
  (`rcpt` by default; `data` is the reply after the message's final dot).

Standard library and aiosmtpd only. Stop it with SIGTERM or SIGINT.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import email
import email.policy
import email.utils
import json
import logging
import os
import pathlib
import signal
import ssl
import sys
import time
import urllib.parse

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

HERE = pathlib.Path(__file__).resolve().parent
STAGES = ("mail", "rcpt", "data")
RECORDED_VERBS = ("HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT")
MAX_CONTROL_HEAD = 64 * 1024

# Replies of the usual servers (Postfix's wording) for what the fake is told to refuse.
DEFAULT_REPLIES = {
    ("rcpt", 4): "{code} 4.7.1 <{address}>: Recipient address rejected: Greylisted, try again later",
    ("rcpt", 5): "{code} 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table",
    ("mail", 4): "{code} 4.3.0 <{address}>: Sender address rejected: try again later",
    ("mail", 5): "{code} 5.7.1 <{address}>: Sender address rejected: not owned by user",
    ("data", 4): "{code} 4.3.0 Error: queue file write error",
    ("data", 5): "{code} 5.7.1 Error: message content rejected",
}


def reply_text(stage: str, code: int, address: str, message: str | None) -> str:
    if message:
        return "%d %s" % (code, message)
    template = DEFAULT_REPLIES.get((stage, code // 100), "{code} Error")
    return template.format(code=code, address=address or "")


def parse_message(raw: bytes) -> dict:
    """The message as Python's email package reads it: decoded headers, the first text/plain part that
    is not an attachment, the attachments (content in base64, and as text for text/* parts)."""
    out: dict = {"headers": [], "raw_headers": [], "text": None, "text_content_type": None, "text_charset": None,
                 "text_transfer_encoding": None, "attachments": [], "defects": [], "content_type": None}
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        raw_msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as e:  # noqa: BLE001 - a broken message is recorded, not fatal
        out["defects"].append("unparsable: %s" % e)
        return out
    out["raw_headers"] = [[k, str(v)] for k, v in raw_msg.items()]
    for k, v in msg.items():
        try:
            out["headers"].append([k, str(v)])
        except Exception as e:  # noqa: BLE001
            out["headers"].append([k, None])
            out["defects"].append("header %s: %s" % (k, e))
    out["content_type"] = msg.get_content_type()
    date = msg.get("Date")
    try:
        out["date_valid"] = date is not None and email.utils.parsedate_to_datetime(str(date)) is not None
    except (TypeError, ValueError):
        out["date_valid"] = False
    for part in msg.walk():
        out["defects"].extend(type(d).__name__ for d in part.defects)
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition != "attachment" and filename is None and part.get_content_type() == "text/plain" \
                and out["text"] is None:
            try:
                out["text"] = part.get_content()
            except Exception as e:  # noqa: BLE001
                out["defects"].append("text: %s" % e)
            out["text_content_type"] = part.get("Content-Type")
            out["text_charset"] = part.get_content_charset()
            out["text_transfer_encoding"] = part.get("Content-Transfer-Encoding")
            continue
        payload = part.get_payload(decode=True) or b""
        att = {"filename": filename, "disposition": disposition, "content_type": part.get_content_type(),
               "content_type_header": part.get("Content-Type"),
               "params": {k: v for k, v in part.get_params(header="content-type") or [] if v != ""},
               "transfer_encoding": part.get("Content-Transfer-Encoding"),
               "content_base64": base64.b64encode(payload).decode("ascii"), "content_text": None}
        if part.get_content_maintype() == "text":
            try:
                att["content_text"] = payload.decode(part.get_content_charset() or "ascii")
            except (LookupError, UnicodeDecodeError) as e:
                out["defects"].append("attachment text: %s" % e)
        out["attachments"].append(att)
    return out


class Fake:
    """The sink's state: behaviours, records, the records file."""

    def __init__(self, args):
        self.args = args
        self.messages: list = []
        self.commands: list = []
        self.seq = 0
        self.sessions = 0
        self.rejected: dict = {}
        self.fail_queue: list = []
        self.records_file = open(args.records, "a", encoding="utf-8") if args.records else None
        for address in args.reject_recipient or []:
            self.rejected[address.lower()] = {"code": 550, "message": None}
        for spec in args.fail_next or []:
            code, _, stage = spec.partition(":")
            self.fail_queue.append({"code": int(code), "stage": stage or "rcpt", "message": None})

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def write(self, record: dict) -> None:
        if self.records_file:
            self.records_file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.records_file.flush()

    def record_command(self, record: dict, event: str = "command") -> None:
        record = {"event": event, "seq": self.next_seq(), "time": time.time(), **record}
        self.commands.append(record)
        self.write(record)

    def record_message(self, record: dict) -> None:
        record = {"event": "message", "seq": self.next_seq(), "time": time.time(), **record}
        self.messages.append(record)
        self.write(record)

    def take_failure(self, stage: str):
        if self.fail_queue and self.fail_queue[0]["stage"] == stage:
            return self.fail_queue.pop(0)
        return None

    def reset(self) -> None:
        self.messages.clear()
        self.commands.clear()
        self.rejected.clear()
        self.fail_queue.clear()

    # -- aiosmtpd handler hooks ---------------------------------------------------------------------

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        failure = self.take_failure("mail")
        if failure:
            return reply_text("mail", failure["code"], address, failure["message"])
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rejection = self.rejected.get(address.lower())
        if rejection:
            return reply_text("rcpt", rejection["code"], address, rejection["message"])
        failure = self.take_failure("rcpt")
        if failure:
            return reply_text("rcpt", failure["code"], address, failure["message"])
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        failure = self.take_failure("data")
        if failure:
            return reply_text("data", failure["code"], "", failure["message"])
        raw = envelope.original_content or b""
        lines = raw.split(b"\r\n")
        self.record_message({
            "session": server.session_id, "peer": "%s:%s" % tuple(session.peer[:2]), "tls": server.tls_info(),
            "auth_user": server.auth_user, "helo": session.host_name, "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options, "rcpt_tos": envelope.rcpt_tos, "size": len(raw),
            "eight_bit": any(b >= 0x80 for b in raw), "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
            "max_line_length": max((len(line) for line in lines), default=0),
            "raw": raw.decode("utf-8", errors="replace"), "parsed": parse_message(raw)})
        return "250 2.0.0 Ok: queued as %08X" % self.seq

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == self.args.auth_user.encode("utf-8")
              and auth_data.password == self.args.auth_password.encode("utf-8"))
        if ok:
            server.auth_user = self.args.auth_user
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


class RecordingSMTP(SMTP):
    """aiosmtpd's SMTP server, recording each command with its final reply (AUTH without its data). The record
    is written just before that reply is sent, so a client that has its reply finds the record there."""

    def __init__(self, fake: Fake, implicit_tls: bool, **kwargs):
        super().__init__(fake, **kwargs)
        self.fake = fake
        self.implicit_tls = implicit_tls
        self.auth_user = None
        self._pending = None
        fake.sessions += 1
        self.session_id = fake.sessions

    async def push(self, status):
        text = status.decode("utf-8", "replace") if isinstance(status, bytes) else status
        pending = self._pending
        # "250-…" continues a reply; 334 (AUTH challenge) and 354 (send the data) are not the command's end.
        if pending is not None and (len(text) < 4 or text[3] != "-") and text[:3] not in ("334", "354"):
            self._pending = None
            pending["reply"] = text
            self.fake.record_command(pending)
        await super().push(status)

    def tls_info(self):
        transport = self.transport
        ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
        if ssl_object is None:
            return None
        return {"version": ssl_object.version(), "cipher": ssl_object.cipher()[0],
                "mode": "implicit" if self.implicit_tls else "starttls"}


def _recording(verb):
    base = getattr(SMTP, "smtp_" + verb)

    async def method(self, arg):
        record = {"session": self.session_id, "verb": verb, "tls": self.tls_info() is not None, "reply": None}
        if verb == "AUTH":
            record["arg"] = (arg or "").split(" ")[0]  # the mechanism only, never the credentials
        elif verb not in ("STARTTLS", "DATA", "QUIT", "RSET"):
            record["arg"] = arg
        self._pending = record
        try:
            await base(self, arg)
        except Exception as e:
            if self._pending is record:
                record["error"] = type(e).__name__
            elif verb == "STARTTLS":  # the 220 is recorded; the handshake that followed failed
                cause = e.__cause__ or e
                self.fake.record_command({"session": self.session_id, "error": "%s: %s" % (
                    type(cause).__name__, getattr(cause, "reason", None) or cause)}, event="tls_error")
            raise
        finally:
            if self._pending is record:  # no final reply was sent
                self._pending = None
                self.fake.record_command(record)
    return method


for _verb in RECORDED_VERBS:
    setattr(RecordingSMTP, "smtp_" + _verb, _recording(_verb))


class Server:
    def __init__(self, args):
        self.args = args
        self.fake = Fake(args)
        self.ca_file = None
        self.tls_context = self.make_tls_context()

    def make_tls_context(self):
        cert, key = self.args.tls_cert, self.args.tls_key
        if self.args.pki:
            sys.path.insert(0, str(HERE))
            from pki import make_pki
            directory = pathlib.Path(self.args.pki)
            if not (directory / "ca.pem").exists() or not (directory / "other_ca_localhost.pem").exists():
                make_pki(directory)
            cert = str(directory / (self.args.pki_cert + ".pem"))
            key = str(directory / (self.args.pki_cert + ".key"))
            self.ca_file = str(directory / "ca.pem")
        if not cert or self.args.no_tls:
            return None
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert, key)
        return ctx

    def smtp_factory(self):
        args = self.args
        kwargs = {"hostname": "fake-smtp.test", "ident": "PlanEtude fake SMTP", "loop": asyncio.get_running_loop(),
                  "data_size_limit": args.max_size}
        if args.auth_user is not None:
            kwargs.update(authenticator=self.fake.authenticate, auth_required=True,
                          auth_require_tls=not args.implicit_tls)
        if self.tls_context is not None and not args.implicit_tls:
            kwargs.update(tls_context=self.tls_context, require_starttls=True)
        return RecordingSMTP(self.fake, args.implicit_tls, **kwargs)

    # -- control port: a tiny HTTP/1.1 server, one request per connection ---------------------------

    async def on_control(self, reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
            status, answer = self.control(method, urllib.parse.urlsplit(target).path, body)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, ConnectionError):
            status, answer = 400, {"error": "bad request"}
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "")
        try:
            writer.write(("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                          "Connection: close\r\n\r\n" % (status, reason, len(data))).encode("ascii") + data)
            await writer.drain()
            writer.close()
        except ConnectionError:
            pass

    def control(self, method, path, body):
        fake = self.fake
        if path == "/_admin/messages" and method == "GET":
            return 200, fake.messages
        if path == "/_admin/commands" and method == "GET":
            return 200, fake.commands
        if path == "/_admin/reset" and method == "POST":
            fake.reset()
            return 200, {"reset": True}
        if path in ("/_admin/reject", "/_admin/fail_next") and method == "POST":
            try:
                spec = json.loads(body or b"{}")
                if path == "/_admin/reject":
                    fake.rejected[str(spec["recipient"]).lower()] = {"code": int(spec.get("code", 550)),
                                                                     "message": spec.get("message")}
                else:
                    stage = spec.get("stage", "rcpt")
                    if stage not in STAGES:
                        raise ValueError("stage must be one of %s" % ", ".join(STAGES))
                    for _ in range(int(spec.get("count", 1))):
                        fake.fail_queue.append({"code": int(spec.get("code", 451)), "stage": stage,
                                                "message": spec.get("message")})
            except (ValueError, KeyError, TypeError) as e:
                return 400, {"error": str(e)}
            return 200, {"rejected": sorted(fake.rejected), "fail_next": fake.fail_queue}
        if path.startswith("/_admin/"):
            return 405, {"error": "method not allowed"}
        return 404, {"error": "not found"}

    async def main(self):
        parent = os.getppid()  # before the listening line: a parent that exits right after reading it is noticed
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        smtp = await loop.create_server(self.smtp_factory, self.args.host, self.args.port,
                                        ssl=self.tls_context if self.args.implicit_tls else None)
        control = await asyncio.start_server(self.on_control, self.args.host, self.args.control_port,
                                             limit=MAX_CONTROL_HEAD)
        sys.stdout.write(json.dumps({"listening": smtp.sockets[0].getsockname()[1],
                                     "control": control.sockets[0].getsockname()[1],
                                     "ca_file": self.ca_file}) + "\n")
        sys.stdout.flush()
        if self.args.exit_with_parent:
            async def watchdog():
                while os.getppid() == parent:
                    await asyncio.sleep(1)
                stop.set()
            asyncio.ensure_future(watchdog())
        await stop.wait()
        smtp.close()
        control.close()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="SMTP sink for PlanÉtude's tests (STARTTLS required).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port (printed as {\"listening\": PORT, …})")
    p.add_argument("--control-port", type=int, default=0, help="the control HTTP port (0 = any free port)")
    p.add_argument("--pki", metavar="DIR", help="use the test PKI of tests/fakes/pki.py in DIR (made if absent)")
    p.add_argument("--pki-cert", default="localhost",
                   choices=("localhost", "wrong_name", "self_signed", "other_ca_localhost"),
                   help="which certificate of --pki the server shows (default localhost)")
    p.add_argument("--tls-cert", metavar="FILE", help="PEM certificate (chain) of the server, instead of --pki")
    p.add_argument("--tls-key", metavar="FILE", help="the PEM private key of --tls-cert")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--no-tls", action="store_true", help="offer no STARTTLS: mail is taken in clear")
    mode.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps) instead of STARTTLS")
    p.add_argument("--auth-user", help="require AUTH PLAIN/LOGIN with this user")
    p.add_argument("--auth-password", help="the password of --auth-user")
    p.add_argument("--records", metavar="FILE", help="append a JSON line per command and per message to FILE")
    p.add_argument("--reject-recipient", action="append", metavar="ADDR", help="answer 550 5.1.1 to RCPT TO:<ADDR>")
    p.add_argument("--fail-next", action="append", metavar="CODE[:STAGE]",
                   help="answer CODE once at STAGE (mail, rcpt (default) or data); repeatable, used in order")
    p.add_argument("--max-size", type=int, default=10 * 1024 * 1024, help="the SIZE limit announced")
    p.add_argument("--exit-with-parent", action="store_true", help="stop when the process that started the sink exits")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.pki and args.tls_cert:
        p.error("--pki and --tls-cert exclude each other")
    if not (args.pki or args.tls_cert) and not args.no_tls:
        p.error("a certificate is needed (--pki DIR or --tls-cert/--tls-key), or --no-tls")
    if (args.auth_user is None) != (args.auth_password is None):
        p.error("--auth-user and --auth-password go together")
    for spec in args.fail_next or []:
        code, _, stage = spec.partition(":")
        if not code.isdigit() or not 400 <= int(code) <= 599 or (stage and stage not in STAGES):
            p.error("--fail-next takes CODE[:STAGE], CODE 400-599, STAGE one of %s" % ", ".join(STAGES))
    return args


class _QuietHandshakeFailures(logging.Filter):
    """aiosmtpd logs a failed STARTTLS handshake (a client that refuses the certificate) as an error with its
    traceback; here it is an expected event, recorded as `tls_error`."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and type(exc).__name__ == "TLSSetupException")


def main(argv=None):
    args = parse_args(argv)
    log = logging.getLogger("mail.log")
    log.setLevel(logging.ERROR)  # aiosmtpd's own log: errors only
    log.addFilter(_QuietHandshakeFailures())
    try:
        asyncio.run(Server(args).main())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
