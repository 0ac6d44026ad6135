"""A throw-away test PKI made with the `openssl` command line (OpenSSL 3), for the TLS tests.

    from pki import make_pki
    p = make_pki(tmp_dir)      # a dict of paths, see below; takes well under a second (EC P-256 keys)

What it makes, in `tmp_dir`:

| name | certificate | signed by |
|---|---|---|
| `ca` | a CA, "PlanEtude Test CA" (`ca.pem`, `ca.key`) | itself |
| `localhost` | SAN `DNS:localhost`, `IP:127.0.0.1` | `ca` |
| `wrong_name` | SAN `DNS:wrong.example` only | `ca` |
| `self_signed` | SAN `DNS:localhost`, `IP:127.0.0.1` | itself (not from any CA) |
| `other_ca` | a second CA, "PlanEtude Other CA" | itself |
| `other_ca_localhost` | SAN `DNS:localhost`, `IP:127.0.0.1` | `other_ca` |

The result maps each name to `{"cert": path, "key": path}`, plus `"ca_file"` (the path of `ca.pem`, what a
client trusts) and `"dir"`. Nothing is taken from the system's openssl.cnf: every extension is given here.
"""
import os
import pathlib
import shutil
import subprocess

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
DAYS = "2"

# A self-contained configuration: `req` needs a distinguished-name section; the extension sections are
# picked with -extensions.
CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_wrong_name]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[self_signed_localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
"""


def available():
    return os.path.exists(OPENSSL)


def _run(args, cwd):
    r = subprocess.run([OPENSSL, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OPENSSL_CONF": "/dev/null"})
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed:\n%s" % (" ".join(args), r.stderr))


def _key(d, name):
    _run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key"], d)


def _self_signed(d, name, cn, section, serial):
    _key(d, name)
    _run(["req", "-config", "pki.cnf", "-new", "-x509", "-key", name + ".key", "-subj", "/CN=" + cn,
          "-days", DAYS, "-set_serial", str(serial), "-extensions", section, "-out", name + ".pem"], d)


def _signed(d, name, cn, section, ca, serial):
    _key(d, name)
    _run(["req", "-config", "pki.cnf", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr"], d)
    _run(["x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-set_serial", str(serial),
          "-days", DAYS, "-extfile", "pki.cnf", "-extensions", section, "-out", name + ".pem"], d)


def make_pki(directory):
    d = pathlib.Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    (d / "pki.cnf").write_text(CONFIG)
    _self_signed(d, "ca", "PlanEtude Test CA", "ca_ext", 1)
    _signed(d, "localhost", "localhost", "leaf_localhost", "ca", 2)
    _signed(d, "wrong_name", "wrong.example", "leaf_wrong_name", "ca", 3)
    _self_signed(d, "self_signed", "localhost", "self_signed_localhost", 4)
    _self_signed(d, "other_ca", "PlanEtude Other CA", "ca_ext", 5)
    _signed(d, "other_ca_localhost", "localhost", "leaf_localhost", "other_ca", 6)
    out = {"dir": str(d), "ca_file": str(d / "ca.pem")}
    for name in ("ca", "localhost", "wrong_name", "self_signed", "other_ca", "other_ca_localhost"):
        out[name] = {"cert": str(d / (name + ".pem")), "key": str(d / (name + ".key"))}
    return out
