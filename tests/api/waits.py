"""Waits on events, for tests that must neither flake on a slow machine nor pass vacuously.

A test that needs something to have happened waits for the event itself (a log line of the server,
a record of the fake, a socket the server has read from or closed) instead of sleeping a fixed time.
Every wait returns as soon as its event is there and fails with a clear message when it is not there
after `timeout`, which is generous: a timeout only costs time when the test is failing anyway.

A test that needs something NOT to have happened first waits for a later event that could only come
after it (a "barrier"): once the barrier is seen, the absence is a fact, not a guess.
"""
import time
import uuid

import requests

# Generous on purpose: waiting is only long when the awaited event never comes, i.e. on a failure.
DEFAULT_TIMEOUT = 15.0


def wait_until(predicate, timeout=DEFAULT_TIMEOUT, interval=0.02, message=None):
    """Calls `predicate()` until it returns a truthy value, and returns that value.

    Fails (AssertionError) after `timeout` seconds with `message` (a string, or a callable giving one,
    evaluated only then) and the predicate's last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else (message or "the condition")
            raise AssertionError(f"{text}: still not true after {timeout:g} s (last value: {value!r})")
        time.sleep(interval)


# ------------------------------------------------------------------------------ server logs

def log_lines(server, msg=None, **fields):
    """The JSON log entries of `server` (a conftest.Server) with that `msg` and those field values."""
    return [e for e in server.log_entries()
            if (msg is None or e.get("msg") == msg) and all(e.get(k) == v for k, v in fields.items())]


def wait_for_log(server, msg, count=1, timeout=DEFAULT_TIMEOUT, **fields):
    """The log entries with that `msg` and fields, once at least `count` of them have been read."""
    def found():
        got = log_lines(server, msg, **fields)
        return got if len(got) >= count else None
    return wait_until(found, timeout, message=lambda: (
        f"{count} log line(s) {msg!r} {fields or ''} expected, {len(log_lines(server, msg, **fields))} read; "
        f"last lines: {server.logs[-10:]}"))


def request_lines(server, request_id):
    """The `request` log lines (one per request the server answered) of one X-Request-Id."""
    return log_lines(server, "request", request_id=request_id)


def wait_for_requests_logged(server, *request_ids, timeout=DEFAULT_TIMEOUT):
    """Waits until every one of `request_ids` has its `request` log line read."""
    return wait_until(lambda: all(request_lines(server, rid) for rid in request_ids), timeout,
                      message=lambda: "request log lines of " + ", ".join(
                          rid for rid in request_ids if not request_lines(server, rid)))


def log_barrier(server, timeout=DEFAULT_TIMEOUT):
    """Sends one more request and waits for its `request` log line.

    The server writes each request's log line before its answer, and one line after another on one
    pipe: once this line is read, every line written for the requests answered before it has been
    read too. Use it before asserting that some line was NOT logged (or logged only once)."""
    rid = "barrier-" + uuid.uuid4().hex
    r = requests.get(server.url + "/healthz", headers={"X-Request-Id": rid}, timeout=30)
    assert r.status_code == 200, r.text
    wait_for_requests_logged(server, rid, timeout=timeout)


def wait_for_exit_logged(server, timeout=DEFAULT_TIMEOUT):
    """After the process exited: waits until its last log line ("stopped") has been read, so that
    every line it printed before is in `server.logs`."""
    assert server.proc.poll() is not None, "the server is still running"
    return wait_for_log(server, "stopped", timeout=timeout)


def llm_calls(server, count, timeout=DEFAULT_TIMEOUT):
    """The `llm_call` log entries (one per provider call the server made, with its `outcome` and
    `latency_ms`), once at least `count` of them have been read."""
    return wait_for_log(server, "llm_call", count=count, timeout=timeout)


# ------------------------------------------------------------------------------ sockets

def _tcp_rows():
    """(local port, remote port, rx_queue) of every IPv4 TCP socket on this machine (/proc/net/tcp)."""
    rows = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            parts = line.split()
            local, remote, queues = parts[1], parts[2], parts[4]
            rows.append((int(local.split(":")[1], 16), int(remote.split(":")[1], 16),
                         int(queues.split(":")[1], 16)))
    return rows


def wait_until_read_by_server(server_port, *socks, timeout=DEFAULT_TIMEOUT):
    """Waits until the server has read every byte sent on each of `socks` (client sockets connected
    to 127.0.0.1:`server_port`): the receive queue of the server's end of each connection is empty.
    On loopback the bytes are in that queue as soon as `sendall` returns, so an empty queue means the
    server has taken them: the request is in its hands, not just in the kernel's."""
    ours = {s.getsockname()[1] for s in socks}

    def all_read():
        rows = [r for r in _tcp_rows() if r[0] == server_port and r[1] in ours]
        return len(rows) == len(ours) and all(rx == 0 for _, _, rx in rows)
    return wait_until(all_read, timeout, interval=0.01,
                      message=f"the server on port {server_port} to read what was sent on {len(ours)} connection(s)")
