"""python3 tests/blackbox/fuzz.py [--concurrency 1 8] [--requests N | --seconds S] [--seed N] ..."""
import argparse
import json
import os
import random
import sys

from . import report, runner
from .catalogue import ROOT
from .server import ServerProcess


def default_binary():
    if os.environ.get("PLANETUDE_BIN"):
        return os.environ["PLANETUDE_BIN"]
    for preset in ("release", "dev"):
        path = ROOT / "build" / preset / "planetude"
        if path.exists():
            return str(path)
    return str(ROOT / "build" / "release" / "planetude")


def fuzz_once(args, concurrency, seed):
    """One run on a fresh server; returns the summary dict."""
    server = ServerProcess(args.bin)
    try:
        config = runner.Config(seed=seed, concurrency=concurrency, requests=args.requests, seconds=args.seconds,
                               max_body=server.max_body, request_timeout=server.request_timeout,
                               save_dir=args.save_failures, shared_users=args.shared_users)
        target = runner.Target("127.0.0.1", server.port, server.proc)
        stats, duration = runner.run(config, target)
        restarts = 0 if target.alive() else 1
        errors = server.server_errors()
        code = server.stop()
        if code not in (0, None) and restarts == 0:
            stats.event(f"the server did not stop cleanly on SIGTERM (exit code {code})")
        if restarts:
            stats.event("last server log lines:\n" + server.tail())
        summary = report.summary(config, stats, duration, restarts, errors, args.bin)
        print(report.text(summary, stats, errors), flush=True)
        return summary
    finally:
        server.cleanup()


def main(argv=None):
    p = argparse.ArgumentParser(description="Black-box fuzzer of the PlanÉtude HTTP server.")
    p.add_argument("--bin", default=default_binary(), help="the planetude binary (default: $PLANETUDE_BIN, "
                   "else build/release/planetude, else build/dev/planetude)")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 8],
                   help="client threads; several values give several runs, each on a fresh server")
    p.add_argument("--requests", type=int, help="fuzzed requests per run")
    p.add_argument("--seconds", type=float, help="duration of each run (when --requests is not given)")
    p.add_argument("--seed", type=int, help="random seed (default: a new one, printed)")
    p.add_argument("--shared-users", action="store_true",
                   help="two clients per user, so that their requests on the same objects race")
    p.add_argument("--save-failures", metavar="DIR", help="write each failing request (raw bytes) there")
    p.add_argument("--json", metavar="FILE", help="write the summaries there as JSON")
    args = p.parse_args(argv)
    if args.requests is None and args.seconds is None:
        args.requests = 5000
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**9)
    summaries = [fuzz_once(args, c, seed) for c in args.concurrency]
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summaries, f, indent=1)
    bad = [s for s in summaries if report.failed(s)]
    print(f"bbfuzz: {'FAILED' if bad else 'ok'} (seed {seed}; rerun with --seed {seed})", file=sys.stderr)
    return 1 if bad else 0
