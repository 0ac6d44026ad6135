"""A short run of the black-box fuzzer (tests/blackbox, `make fuzz-blackbox` for a long one): a few
thousand mutated requests over every route at concurrency 1 and 8 (each client with its own user,
then two clients per user so that their requests race) against the real binary. Every answer must
come within 5 s, be well-formed HTTP/1.1, never be a 5xx, have a status and error code the document
allows (and the one the mutation makes certain), while /healthz keeps answering and the server
stays the same living process. The seeds are fixed so a failure reproduces (BBFUZZ_SEED=N moves
them; BBFUZZ_REQUESTS=N sets the number of requests of each run)."""
import os
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "blackbox"))
from bbfuzz import report, runner  # noqa: E402
from bbfuzz.server import FUZZ_ENV  # noqa: E402

SEED = int(os.environ.get("BBFUZZ_SEED", "20251207"))
# Requests per run (clients, two clients per user?): about half a minute in all on two busy cores.
REQUESTS = {(1, False): 1000, (8, False): 2000, (8, True): 1000}
if os.environ.get("BBFUZZ_REQUESTS"):
    REQUESTS = {c: int(os.environ["BBFUZZ_REQUESTS"]) for c in REQUESTS}


def server_errors(server):
    """Error log lines (unhandled exceptions...) and lines that are not JSON (sanitizer reports)."""
    out = []
    for line in list(server.logs):
        if not line.startswith("{"):
            out.append(line)
        elif '"level":"error"' in line.replace(" ", "") or "unhandled_exception" in line:
            out.append(line)
    return out


@pytest.mark.parametrize("concurrency,shared_users", list(REQUESTS), ids=["1", "8", "8-shared-users"])
def test_blackbox_fuzz(make_server, concurrency, shared_users):
    server = make_server(env=dict(FUZZ_ENV))
    config = runner.Config(seed=SEED + concurrency + (100 if shared_users else 0), concurrency=concurrency,
                           requests=REQUESTS[concurrency, shared_users], shared_users=shared_users,
                           request_timeout=int(FUZZ_ENV["REQUEST_TIMEOUT_MS"]) / 1000.0)
    target = runner.Target("127.0.0.1", server.port, server.proc)
    stats, duration = runner.run(config, target)
    restarts = 0 if target.alive() and server.proc.pid == target.pid else 1
    errors = server_errors(server)
    summary = report.summary(config, stats, duration, restarts, errors)
    print(report.text(summary, stats, errors))
    assert stats.fuzzed == REQUESTS[concurrency, shared_users]
    assert summary["healthz_checks"] > 0
    assert not report.failed(summary), report.text(summary, stats, errors)
    assert server.stop() == 0  # and it still stops cleanly
