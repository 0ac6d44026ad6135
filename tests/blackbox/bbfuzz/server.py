"""Starts the planetude binary on a free loopback port with a fresh SQLite file, the way
tests/api/conftest.py does, with the limits a fuzzer needs: generous rate limits (so validation is
what gets exercised), a short REQUEST_TIMEOUT_MS (so truncated requests end quickly)."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

FUZZ_ENV = {
    "REGISTER_MAX_PER_IP": "1000000",
    "LOGIN_MAX_FAILURES_PER_EMAIL": "1000000",
    "LOGIN_MAX_FAILURES_PER_IP": "1000000",
    "CHAT_RATE_LIMIT": "100000",
    "REQUEST_TIMEOUT_MS": "2000",
    "LLM_PROVIDER": "fallback",
}


class ServerProcess:
    def __init__(self, binary, env=None, timeout=20):
        self.data_dir = tempfile.mkdtemp(prefix="planetude-bbfuzz-")
        self.log_path = os.path.join(self.data_dir, "server.log")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOST": "127.0.0.1", "PORT": "0",
            "DATABASE_URL": f"sqlite:{self.data_dir}/planetude.db",
            "JWT_SECRET": "bbfuzz-secret-0123456789abcdef0123456789abcdef", "APP_ENV": "development",
            "LOG_LEVEL": "info", **FUZZ_ENV,
        }
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                self.env[k] = os.environ[k]
        self.env.update(env or {})
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([os.path.abspath(binary), "serve"], env=self.env, cwd=self.data_dir,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.port = self._wait_listening(timeout)

    @property
    def request_timeout(self):
        return int(self.env["REQUEST_TIMEOUT_MS"]) / 1000.0

    @property
    def max_body(self):
        return int(self.env.get("MAX_BODY_BYTES", 1024 * 1024))

    def _wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.log_entries():
                if entry.get("msg") == "listening":
                    return entry["port"]
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited at start:\n" + self.tail())
            time.sleep(0.05)
        raise RuntimeError("the server did not start:\n" + self.tail())

    def log_entries(self):
        out = []
        with open(self.log_path, "rb") as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def tail(self, n=30):
        with open(self.log_path, "rb") as f:
            return b"".join(f.readlines()[-n:]).decode("utf-8", "replace")

    def server_errors(self):
        """Log lines at level error (unhandled exceptions...) and non-JSON lines (sanitizer reports)."""
        out = []
        with open(self.log_path, "rb") as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except ValueError:
                    if line.strip():
                        out.append(line.decode("utf-8", "replace").rstrip())
                    continue
                if entry.get("level") in ("error", "critical") or entry.get("msg") == "unhandled_exception":
                    out.append(json.dumps(entry, ensure_ascii=False))
        return out

    def stop(self, timeout=15):
        """SIGTERM, then the exit code (a clean stop is 0)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
