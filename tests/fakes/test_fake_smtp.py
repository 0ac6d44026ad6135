"""Self-tests of tests/fakes/fake_smtp.py with Python's smtplib: STARTTLS required (a plain MAIL FROM is
refused), AUTH PLAIN/LOGIN, what is recorded (records file and control port, the message as the email
package reads it), rejected recipients (550), temporary failures (451 at RCPT, MAIL or after the data),
--no-tls, --implicit-tls, the control API, --exit-with-parent.

Needs Debian's python3-aiosmtpd and the openssl CLI. Run: /usr/bin/python3 -m pytest tests/fakes -q
"""
import http.client
import json
import os
import pathlib
import select
import smtplib
import ssl
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest

pytest.importorskip("aiosmtpd")

HERE = pathlib.Path(__file__).resolve().parent
SINK = HERE / "fake_smtp.py"
sys.path.insert(0, str(HERE))
from pki import available  # noqa: E402

if not available():
    pytest.skip("the openssl command line is not installed", allow_module_level=True)


class Sink:
    """fake_smtp.py on free ports; `port`, `control` and `ca_file` from its listening line."""

    def __init__(self, pki_dir, *args, records=None):
        cmd = [sys.executable, str(SINK), "--port", "0", "--pki", str(pki_dir), *args]
        if records:
            cmd += ["--records", str(records)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        if not ready:
            self.stop()
            raise RuntimeError("fake_smtp.py did not start")
        self.first_line = self.proc.stdout.readline()
        if not self.first_line:
            self.stop()
            raise RuntimeError("fake_smtp.py exited: %s" % self.proc.stderr.read().decode())
        hello = json.loads(self.first_line)
        self.port, self.control, self.ca_file = hello["listening"], hello["control"], hello["ca_file"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def admin(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.control, timeout=10)
        c.request(method, path, body=json.dumps(body) if body is not None else None,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = json.loads(r.read())
        c.close()
        return r.status, data

    def messages(self):
        return self.admin("GET", "/_admin/messages")[1]

    def commands(self):
        return self.admin("GET", "/_admin/commands")[1]

    def tls(self):
        return ssl.create_default_context(cafile=self.ca_file)

    def client(self, starttls=True, host="localhost"):
        s = smtplib.SMTP(host, self.port, timeout=10)
        s.ehlo("client.test")
        if starttls:
            s.starttls(context=self.tls())
            s.ehlo("client.test")
        return s


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(scope="module")
def sink(pki_dir):
    s = Sink(pki_dir)
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _reset(request):
    if "sink" in request.fixturenames:
        assert request.getfixturevalue("sink").admin("POST", "/_admin/reset")[0] == 200


def french_message(to="eleve@exemple.fr"):
    m = EmailMessage()
    m["From"] = "PlanÉtude <noreply@exemple.fr>"
    m["To"] = to
    m["Subject"] = "Ta session de Maths commence dans 30 min — « Révisions »"
    m.set_content("Bonjour Léa,\nta session commence à 18 h.\n")
    m.add_attachment("BEGIN:VCALENDAR\r\nSUMMARY:Révisions\r\nEND:VCALENDAR\r\n".encode(), maintype="text",
                     subtype="calendar", filename="planning.ics", params={"charset": "UTF-8", "method": "PUBLISH"})
    return m


def test_listening_line(sink, pki_dir):
    hello = json.loads(sink.first_line)
    assert set(hello) == {"listening", "control", "ca_file"}
    assert hello["ca_file"] == str(pki_dir / "ca.pem")


def test_starttls_is_offered_and_required(sink):
    s = smtplib.SMTP("127.0.0.1", sink.port, timeout=10)
    code, _ = s.ehlo("client.test")
    assert code == 250
    assert s.has_extn("starttls")
    assert not s.has_extn("auth")
    assert s.docmd("MAIL FROM:<noreply@exemple.fr>") == (530, b"Must issue a STARTTLS command first")
    assert s.docmd("RCPT TO:<eleve@exemple.fr>")[0] == 530
    assert s.docmd("DATA")[0] == 530
    assert s.docmd("NOOP")[0] == 250
    s.quit()
    assert sink.messages() == []
    assert "MAIL" not in [c["verb"] for c in sink.commands()]


def test_message_after_starttls_is_recorded_and_parsed(sink):
    with sink.client() as s:
        assert s.send_message(french_message()) == {}
    [m] = sink.messages()
    assert m["event"] == "message"
    assert m["mail_from"] == "noreply@exemple.fr"
    assert m["rcpt_tos"] == ["eleve@exemple.fr"]
    assert m["tls"]["mode"] == "starttls" and m["tls"]["version"].startswith("TLSv1.")
    assert m["helo"] == "client.test"
    assert m["auth_user"] is None
    assert "Subject: " in m["raw"]
    p = m["parsed"]
    assert p["defects"] == []
    headers = dict(p["headers"])
    assert headers["Subject"] == "Ta session de Maths commence dans 30 min — « Révisions »"
    assert headers["From"] == "PlanÉtude <noreply@exemple.fr>"
    assert "=?utf-8?" in dict(p["raw_headers"])["Subject"]  # as sent: encoded, folded
    assert p["text"] == "Bonjour Léa,\r\nta session commence à 18 h.\r\n"
    assert p["content_type"] == "multipart/mixed"
    [att] = p["attachments"]
    assert att["filename"] == "planning.ics"
    assert att["content_type"] == "text/calendar"
    assert att["params"] == {"charset": "UTF-8", "method": "PUBLISH"}
    assert att["content_text"] == "BEGIN:VCALENDAR\r\nSUMMARY:Révisions\r\nEND:VCALENDAR\r\n"
    verbs = [(c["verb"], c["tls"]) for c in sink.commands()]
    assert verbs[:3] == [("EHLO", False), ("STARTTLS", False), ("EHLO", True)]
    assert ("MAIL", True) in verbs and ("DATA", True) in verbs and ("QUIT", True) in verbs


def test_records_file(pki_dir, tmp_path):
    records = tmp_path / "records.jsonl"
    s = Sink(pki_dir, records=records)
    try:
        with s.client() as c:
            c.send_message(french_message())
        lines = [json.loads(line) for line in records.read_text().splitlines()]
    finally:
        s.stop()
    [message] = [r for r in lines if r["event"] == "message"]
    assert message["rcpt_tos"] == ["eleve@exemple.fr"]
    commands = [r for r in lines if r["event"] == "command"]
    assert [r["verb"] for r in commands][:3] == ["EHLO", "STARTTLS", "EHLO"]
    seqs = [r["seq"] for r in lines]
    assert seqs == sorted(seqs)


def test_reject_recipient_and_fail_next(sink):
    assert sink.admin("POST", "/_admin/reject", {"recipient": "Inconnu@exemple.fr"})[0] == 200
    with sink.client() as s:
        s.mail("noreply@exemple.fr")
        code, text = s.rcpt("inconnu@exemple.fr")
        assert code == 550 and text.startswith(b"5.1.1 <inconnu@exemple.fr>")
        assert s.rcpt("autre@exemple.fr")[0] == 250
        s.rset()
        # 451 at RCPT, once
        sink.admin("POST", "/_admin/fail_next", {"code": 451})
        s.mail("noreply@exemple.fr")
        assert s.rcpt("eleve@exemple.fr")[0] == 451
        assert s.rcpt("eleve@exemple.fr")[0] == 250
        s.rset()
        # 451 at MAIL, and after the data
        sink.admin("POST", "/_admin/fail_next", {"code": 451, "stage": "mail"})
        assert s.mail("noreply@exemple.fr")[0] == 451
        sink.admin("POST", "/_admin/fail_next", {"code": 451, "stage": "data"})
        with pytest.raises(smtplib.SMTPDataError) as e:
            s.sendmail("noreply@exemple.fr", ["eleve@exemple.fr"], b"Subject: x\r\n\r\nx\r\n")
        assert e.value.smtp_code == 451
        assert s.sendmail("noreply@exemple.fr", ["eleve@exemple.fr"], b"Subject: x\r\n\r\nx\r\n") == {}
    assert len(sink.messages()) == 1
    assert sink.admin("POST", "/_admin/fail_next", {"code": 451, "stage": "nowhere"})[0] == 400
    assert sink.admin("GET", "/_admin/nothing")[0] == 405
    assert sink.admin("GET", "/elsewhere")[0] == 404


def test_command_line_behaviours(pki_dir):
    s = Sink(pki_dir, "--reject-recipient", "inconnu@exemple.fr", "--fail-next", "451", "--fail-next", "554:data")
    try:
        with s.client() as c:
            c.mail("noreply@exemple.fr")
            assert c.rcpt("inconnu@exemple.fr")[0] == 550
            assert c.rcpt("eleve@exemple.fr")[0] == 451
            assert c.rcpt("eleve@exemple.fr")[0] == 250
            code, _ = c.data(b"Subject: x\r\n\r\nx\r\n")
            assert code == 554
        assert s.messages() == []
    finally:
        s.stop()


def test_auth_plain_and_login(pki_dir):
    s = Sink(pki_dir, "--auth-user", "planetude@exemple.fr", "--auth-password", "p@ss:w/rd")
    try:
        plain = smtplib.SMTP("localhost", s.port, timeout=10)
        plain.ehlo("client.test")
        assert plain.docmd("AUTH PLAIN AHUAcA==")[0] == 530  # before STARTTLS
        plain.quit()
        for mechanism in ("PLAIN", "LOGIN"):
            with s.client() as c:
                assert "PLAIN" in c.esmtp_features["auth"] and "LOGIN" in c.esmtp_features["auth"]
                assert c.mail("noreply@exemple.fr")[0] == 530  # authentication required
                c.user, c.password = "planetude@exemple.fr", "p@ss:w/rd"
                method = c.auth_plain if mechanism == "PLAIN" else c.auth_login
                assert c.auth(mechanism, method)[0] == 235
                assert c.send_message(french_message()) == {}
        with s.client() as c:
            with pytest.raises(smtplib.SMTPAuthenticationError) as e:
                c.login("planetude@exemple.fr", "faux")
            assert e.value.smtp_code == 535
        messages = s.messages()
        assert [m["auth_user"] for m in messages] == ["planetude@exemple.fr"] * 2
        auth = [c for c in s.commands() if c["verb"] == "AUTH"]
        assert [(a["arg"], a["reply"][:3]) for a in auth if a["tls"]] == [
            ("PLAIN", "235"), ("LOGIN", "235"), ("PLAIN", "535"), ("LOGIN", "535")]  # login() tries both
        assert all("p@ss" not in json.dumps(a) for a in auth)
    finally:
        s.stop()


def test_no_tls_mode_takes_mail_in_clear(pki_dir):
    s = Sink(pki_dir, "--no-tls")
    try:
        c = smtplib.SMTP("127.0.0.1", s.port, timeout=10)
        c.ehlo("client.test")
        assert not c.has_extn("starttls")
        assert c.send_message(french_message()) == {}
        c.quit()
        [m] = s.messages()
        assert m["tls"] is None
    finally:
        s.stop()


def test_implicit_tls(pki_dir):
    s = Sink(pki_dir, "--implicit-tls")
    try:
        with smtplib.SMTP_SSL("localhost", s.port, timeout=10, context=ssl.create_default_context(cafile=s.ca_file)) as c:
            c.ehlo("client.test")
            assert not c.has_extn("starttls")
            assert c.send_message(french_message()) == {}
        [m] = s.messages()
        assert m["tls"]["mode"] == "implicit"
    finally:
        s.stop()


def test_wrong_name_certificate_is_refused_by_a_verifying_client(pki_dir, tmp_path):
    records = tmp_path / "records.jsonl"
    s = Sink(pki_dir, "--pki-cert", "wrong_name", records=records)
    try:
        c = smtplib.SMTP("localhost", s.port, timeout=10)
        c.ehlo("client.test")
        with pytest.raises(ssl.SSLCertVerificationError):
            c.starttls(context=s.tls())
        c.close()
        assert s.messages() == []
    finally:
        s.stop()  # the sink has seen the client's alert once it has exited
    lines = [json.loads(line) for line in records.read_text().splitlines()]
    [failure] = [r for r in lines if r["event"] == "tls_error"]
    assert "BAD_CERTIFICATE" in failure["error"] or "CERTIFICATE" in failure["error"].upper()
    assert s.proc.stderr.read() == b""  # an expected handshake failure is not logged


def test_bad_arguments_exit_with_an_error():
    r = subprocess.run([sys.executable, str(SINK), "--port", "0"], capture_output=True, timeout=30)
    assert r.returncode == 2 and b"certificate is needed" in r.stderr
    r = subprocess.run([sys.executable, str(SINK), "--no-tls", "--fail-next", "200"], capture_output=True, timeout=30)
    assert r.returncode == 2


def test_exit_with_parent(pki_dir, tmp_path):
    out = tmp_path / "listening"
    sh = subprocess.run(
        ["/bin/sh", "-c", '"$0" "$1" --port 0 --no-tls --exit-with-parent > "$2" & echo $!; '
                          'while [ ! -s "$2" ]; do sleep 0.05; done', sys.executable, str(SINK), str(out)],
        stdout=subprocess.PIPE, timeout=30)
    pid = int(sh.stdout.split()[0])
    assert json.loads(out.read_text())["listening"] > 0
    # The sink notices within about a second that its parent is gone; 15 s is only the give-up point.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            state = pathlib.Path("/proc/%d/stat" % pid).read_text().split(") ")[1][0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state == "Z":
            return
        time.sleep(0.05)
    os.kill(pid, 15)
    pytest.fail("the sink did not exit with its parent")
