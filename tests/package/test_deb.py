"""The Debian package (`make deb`, cmake/packaging.cmake): its control fields and files, its systemd
unit under `systemd-analyze verify`, its maintainer scripts' syntax, and the packaged binary
serving with the packaged settings. Installing it with apt on a bare Debian 12 is
scripts/check-deb-install.sh's job (it needs root and a machine to spare)."""
import glob
import json
import os
import pathlib
import re
import secrets
import subprocess
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def deb():
    found = sorted(glob.glob(os.environ.get("PLANETUDE_DEB", str(ROOT / "build/release/planetude_*.deb"))))
    assert found, "no package: run make deb"
    return found[-1]


@pytest.fixture(scope="module")
def tree(deb, tmp_path_factory):
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", deb, str(root)], check=True)
    return root


@pytest.fixture(scope="module")
def control(deb, tmp_path_factory):
    d = tmp_path_factory.mktemp("deb-control")
    subprocess.run(["dpkg-deb", "-e", deb, str(d)], check=True)
    return d


def fields(control_dir):
    out = {}
    for line in (control_dir / "control").read_text().splitlines():
        m = re.match(r"^([A-Za-z-]+): (.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_control_fields(control, tree):
    f = fields(control)
    assert f["Package"] == "planetude"
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    assert f["Architecture"] == arch
    version = subprocess.run([str(tree / "usr/bin/planetude"), "version"], capture_output=True, text=True,
                             check=True).stdout
    assert version.startswith(f"planetude {f['Version']} "), (version, f["Version"])
    depends = [d.split(" ")[0] for d in f["Depends"].split(", ")]
    for needed in ("adduser", "libsqlite3-0", "libssl3", "libc6"):
        assert needed in depends, f["Depends"]


def test_files_and_conffiles(control, tree):
    for path in ("usr/bin/planetude", "usr/lib/systemd/system/planetude.service", "etc/planetude/planetude.env",
                 "usr/share/doc/planetude/README.md"):
        assert (tree / path).is_file(), path
    assert os.access(tree / "usr/bin/planetude", os.X_OK)
    assert (control / "conffiles").read_text().split() == ["/etc/planetude/planetude.env"]
    for script in ("postinst", "prerm", "postrm"):
        assert os.access(control / script, os.X_OK), script
        subprocess.run(["sh", "-n", str(control / script)], check=True)
    # The secret is made at install time, never shipped.
    lines = (tree / "etc/planetude/planetude.env").read_text().splitlines()
    assert not [line for line in lines if line.startswith("JWT_SECRET=")]
    assert not (tree / "etc/planetude/secret.env").exists()


def test_unit_is_hardened_and_verifies(tree, tmp_path):
    unit = (tree / "usr/lib/systemd/system/planetude.service").read_text()
    settings = {}
    for line in unit.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    for key, value in {"User": "planetude", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
                       "StateDirectory": "planetude", "ProtectHome": "yes", "PrivateTmp": "yes",
                       "ExecStart": "/usr/bin/planetude serve"}.items():
        assert settings.get(key) == [value], (key, settings.get(key))
    # systemd-analyze checks that ExecStart's program exists: here, the one of the package.
    copy = tmp_path / "planetude.service"
    copy.write_text(unit.replace("ExecStart=/usr/bin/planetude", f"ExecStart={tree}/usr/bin/planetude"))
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), done.stdout + done.stderr


def read_env_file(path):
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    return env


def test_packaged_binary_serves_with_packaged_settings(tree, tmp_path):
    env = read_env_file(tree / "etc/planetude/planetude.env")
    assert env["APP_ENV"] == "production" and env["DATABASE_URL"] == "sqlite:/var/lib/planetude/planetude.db"
    # As postinst and the unit would: the state folder (here a temporary one) and a 64-character secret.
    env.update({"DATABASE_URL": f"sqlite:{tmp_path}/planetude.db", "PORT": "0",
                "JWT_SECRET": secrets.token_urlsafe(48), "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    p = subprocess.Popen([str(tree / "usr/bin/planetude"), "serve"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        deadline = time.monotonic() + 20
        while port is None and time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "listening":
                port = entry["port"]
        assert port, "the packaged server did not start"
        base = f"http://127.0.0.1:{port}"
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
        assert requests.get(base + "/readyz", timeout=5).status_code == 200
        page = requests.get(base + "/", timeout=5)
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        r = requests.post(base + "/api/auth/register", timeout=30,
                          json={"email": "paquet@example.com", "password": "motdepasse-solide-42", "name": "Paquet"})
        assert r.status_code == 201, r.text
    finally:
        p.terminate()
        assert p.wait(timeout=20) == 0
