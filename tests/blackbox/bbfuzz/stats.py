"""Counters of a run and the failing examples, shared by the client threads."""
import collections
import threading

from .oracle import CATEGORIES


class Stats:
    def __init__(self, max_examples=40):
        self.lock = threading.Lock()
        self.requests = 0                 # every request sent, setup ones included
        self.fuzzed = 0                   # the mutated (or control) requests among them
        self.by_status = collections.Counter()
        self.by_category = collections.Counter({c: 0 for c in CATEGORIES})
        self.by_op = collections.Counter()
        self.time_by_op = collections.Counter()   # seconds spent waiting for answers, per operation
        self.no_answer_expected = 0       # truncated requests closed without an answer, as allowed
        self.control = collections.Counter()   # unmutated seeds: (op, 2xx?) -> count
        self.stale_retries = 0
        self.max_latency = 0.0
        self.slowest = []                 # the 5 slowest answers: (seconds, case description, tag)
        self.healthz_checks = 0
        self.healthz_failures = 0
        self.healthz_max = 0.0
        self.setup_errors = 0
        self.examples = []                # the first failing exchanges, one per signature
        self.signatures = collections.Counter()
        self.max_examples = max_examples
        self.events = []                  # server death, isolation breach...
        self.disagreements = {}           # text -> (count, first tag): see drift.py

    def record(self, case, status, elapsed, problems, fuzzed, example):
        with self.lock:
            self.requests += 1
            if fuzzed:
                self.fuzzed += 1
            self.by_status[status] += 1
            self.by_op[case.op_id] += 1
            self.time_by_op[case.op_id] += elapsed
            if status == "no answer" and not problems:
                self.no_answer_expected += 1
            if fuzzed and not case.labels and isinstance(status, int):
                self.control[(case.op_id, 200 <= status < 300)] += 1
            if case.wait is None and status != "no answer":
                self.max_latency = max(self.max_latency, elapsed)
                if len(self.slowest) < 5 or elapsed > self.slowest[-1][0]:
                    self.slowest = sorted(self.slowest + [(elapsed, case.describe()[:160], example.get("tag"))],
                                          reverse=True)[:5]
            for category, text in problems:
                self.by_category[category] += 1
                sig = (category, case.op_id, status, _kinds(case.labels), text[:60])
                self.signatures[sig] += 1
                same = sum(1 for e in self.examples if e["category"] == category)
                if self.signatures[sig] == 1 and len(self.examples) < self.max_examples and same < 8:
                    self.examples.append(dict(example, category=category, problem=text))

    def drift(self, text, tag):
        """A disagreement between the server and the document's request schema (drift.py)."""
        with self.lock:
            key = text[:200]
            self.disagreements[key] = self.disagreements.get(key, (0, tag))[0] + 1, tag

    def health(self, ok, elapsed):
        with self.lock:
            self.healthz_checks += 1
            self.healthz_max = max(self.healthz_max, elapsed)
            if not ok:
                self.healthz_failures += 1

    def event(self, text):
        with self.lock:
            self.events.append(text)

    def failures(self):
        return sum(self.by_category.values()) + self.healthz_failures + self.setup_errors + len(self.events)


def _kinds(labels):
    return tuple(sorted({label.split("@")[0].split("[")[0].split("(")[0].split("=")[0] for label in labels}))
