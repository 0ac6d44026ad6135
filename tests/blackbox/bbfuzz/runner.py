"""A fuzzing run: N client threads, each with its own user, sending mutated requests to one
server while another thread polls /healthz; then the server must still be the same living process
and a bystander user's data must be untouched."""
import dataclasses
import json
import random
import threading
import time
import traceback

from . import cases, catalogue
from .executor import Executor, ServerDown
from .stats import Stats
from .wire import Connection, Malformed, NoAnswer, WireRequest
from .world import SetupError, World

# Relative weights of the operations; the costly ones (a password hash each) are rarer.
WEIGHTS = {"deleteCurrentUser": 0.2, "changePassword": 0.3, "logoutUser": 0.2, "loginUser": 0.6,
           "registerUser": 0.6, "getOpenApiDocument": 0.1, "getMetrics": 0.3, "getHealth": 0.3, "getReadiness": 0.3,
           "createPlanning": 2.0, "replacePlanning": 1.5, "updatePlanningSession": 1.5, "createProgressEntry": 1.5,
           "chatWithCoach": 1.5}


@dataclasses.dataclass
class Config:
    seed: int
    concurrency: int = 1
    requests: int = None          # fuzzed requests in all (None: until `seconds`)
    seconds: float = None
    max_body: int = 1024 * 1024
    request_timeout: float = 30.0  # the server's REQUEST_TIMEOUT_MS, in seconds
    healthz_bound: float = 2.0
    healthz_interval: float = 0.25
    save_dir: str = None
    shared_users: bool = False     # two clients per user: their requests on the same objects race


class Target:
    """The server: its address, and its process when this run can watch it."""

    def __init__(self, host, port, proc=None):
        self.host, self.port, self.proc = host, port, proc
        self.pid = proc.pid if proc else None

    def alive(self):
        return self.proc is None or self.proc.poll() is None


class Budget:
    def __init__(self, requests, seconds):
        self.left = requests
        self.deadline = time.monotonic() + seconds if seconds else None
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def refund(self):
        """Gives back a request taken but not sent."""
        with self.lock:
            if self.left is not None:
                self.left += 1

    def take(self):
        if self.stop.is_set() or self.deadline and time.monotonic() > self.deadline:
            return False
        with self.lock:
            if self.left is None:
                return True
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def choose_op(rng):
    ops = catalogue.OPERATIONS
    return rng.choices(ops, [0.0 if o.other_body else WEIGHTS.get(o.op_id, 1.0) for o in ops])[0]


_local = threading.local()


def _api(*args, **kwargs):
    """A world's requests go through the executor of the client thread that makes them."""
    return _local.executor.api(*args, **kwargs)


def make_worlds(config):
    """One user per client, or one per pair of clients (`shared_users`), whose requests then race."""
    per_user = 2 if config.shared_users else 1
    worlds = {}
    for index in range(config.concurrency):
        owner = index // per_user
        if owner not in worlds:
            worlds[owner] = World(f"u{owner}", random.Random(f"{config.seed}:{config.concurrency}:{owner}:world"),
                                  _api)
    return [worlds[index // per_user] for index in range(config.concurrency)]


def worker(index, world, config, target, stats, budget, victim_ids):
    # The concurrency is part of the key: runs at 1 and at 8 with one seed send different requests.
    key = f"{config.seed}:{config.concurrency}:{index}"
    rng = random.Random(key)
    ex = Executor(target, stats, f"w{index}", config.save_dir)
    _local.executor = ex
    ctx = cases.Context(world, victim_ids, config.max_body, config.request_timeout)
    n = 0
    setup_failures = 0
    try:
        while budget.take():
            n += 1
            try:
                world.ensure()
                setup_failures = 0
            except SetupError as e:
                with stats.lock:
                    stats.setup_errors += 1
                stats.event(f"w{index}: {e}")
                world.stale.add("user")
                setup_failures += 1
                if setup_failures >= 3:
                    return
                continue
            op = choose_op(rng)
            while config.shared_users and op.op_id == "deleteCurrentUser":
                op = choose_op(rng)  # the other client of this user would see its valid token refused
            case_seed = rng.getrandbits(48)
            crng = random.Random(case_seed)
            token = None
            if op.op_id == "logoutUser":
                try:
                    token = world.spare_token()
                except SetupError as e:
                    # Normal only when another client of this user has just changed the password.
                    if not config.shared_users:
                        with stats.lock:
                            stats.setup_errors += 1
                        stats.event(f"w{index}: {e}")
                        world.stale.add("user")
                    budget.refund()
                    continue
            case = cases.build(crng, op, world, ctx, token=token)
            if token and config.shared_users:
                # A spare token dies when the other client of this user changes the password.
                case.forbid_unauthenticated = False
            tag = f"{config.seed}/w{index}/{n}/{case_seed}"
            answer = ex.run(case, tag=tag)
            if answer is not None and case.op_id == op.op_id and case.method == op.method:
                data = None
                if answer.body[:1] == b"{":
                    try:
                        data = json.loads(answer.body)
                    except ValueError:
                        pass
                world.after(op.op_id, answer.status, data, case.value, bool(case.labels))
    except ServerDown as e:
        stats.event(f"w{index}: the server refused a connection ({e})")
        budget.stop.set()
    except Exception:  # noqa: BLE001 - a bug of the fuzzer must fail the run, not end a client quietly
        stats.event(f"w{index}: the fuzzer itself failed:\n{traceback.format_exc()}")
    finally:
        ex.close()


def poll_health(config, target, stats, stop):
    """GET /healthz on a fresh connection every `healthz_interval`: 200 {"status":"ok"} within the bound."""
    while not stop.wait(config.healthz_interval):
        start = time.monotonic()
        ok = False
        try:
            conn = Connection(target.host, target.port, connect_timeout=config.healthz_bound)
            try:
                a = conn.exchange(WireRequest("GET", "/healthz", [("X-Request-Id", "bb-healthz")]),
                                  config.healthz_bound)
                ok = a.status == 200 and json.loads(a.body) == {"status": "ok"}
            finally:
                conn.close()
        except (Malformed, NoAnswer, ValueError):
            ok = False
        elapsed = time.monotonic() - start
        stats.health(ok and elapsed <= config.healthz_bound, elapsed)
        if not ok:
            stats.event(f"/healthz failed after {elapsed:.2f} s")


def run(config, target):
    """Runs the fuzzer against `target`; returns (Stats, duration in seconds)."""
    stats = Stats()
    start = time.monotonic()
    victim_ex = Executor(target, stats, "victim")
    victim = World("victim", random.Random(f"{config.seed}:victim"), victim_ex.api)
    victim.ensure()
    before = victim.snapshot()
    victim_ids = victim.owned_ids()
    budget = Budget(config.requests, config.seconds)
    stop = threading.Event()
    health = threading.Thread(target=poll_health, args=(config, target, stats, stop), daemon=True)
    health.start()
    worlds = make_worlds(config)
    threads = [threading.Thread(target=worker, args=(i, worlds[i], config, target, stats, budget, victim_ids),
                                daemon=True) for i in range(config.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    health.join()
    duration = time.monotonic() - start
    if not target.alive():
        stats.event(f"the server process {target.pid} exited (code {target.proc.returncode})")
    else:
        try:
            after = victim.snapshot()
            if after != before:
                stats.event("another user's data changed during the run (isolation)")
        except (SetupError, ServerDown) as e:
            stats.event(f"the bystander user's data could not be read at the end: {e}")
    victim_ex.close()
    return stats, duration
