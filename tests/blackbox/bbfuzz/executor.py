"""Sends Cases to the server over a keep-alive connection, judges every answer and records it."""
import json
import os
import time

from . import cases, catalogue, drift, oracle
from .wire import Connection, Malformed, NoAnswer, encode_body, encode_head

ANSWER_TIMEOUT = 10.0      # past this, an answer is counted as missing (a hang)
EXCERPT = 600


class ServerDown(Exception):
    """The server refuses connections: it died."""


class Executor:
    def __init__(self, target, stats, name, save_dir=None):
        self.target = target
        self.stats = stats
        self.name = name
        self.save_dir = save_dir
        self.conn = None
        self.count = 0
        self.previous = None

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def _connection(self, fresh):
        if self.conn and self.conn.usable and not fresh:
            closed, junk = self.conn.stale()
            if junk:
                self._record_junk(junk)
            if not closed:
                return self.conn, True
        self.close()
        try:
            self.conn = Connection(self.target.host, self.target.port)
        except NoAnswer as e:
            raise ServerDown(str(e)) from None
        return self.conn, False

    def _record_junk(self, junk):
        """Bytes the server sent after an answer, asking for nothing: the previous answer was wrong."""
        case, example = self.previous or (None, {})
        if case is not None:
            self.stats.record(case, "junk", 0.0, [("malformed", f"{len(junk)} bytes after the answer: "
                                                               f"{junk[:100]!r}")], False, example)

    def send(self, case):
        """(Answer, Malformed or NoAnswer; elapsed seconds; the X-Request-Id sent)."""
        req = case.request
        rid = next((v for k, v in req.headers if k.lower() == "x-request-id"), None)
        if rid is None:
            self.count += 1
            rid = f"bb-{self.name}-{self.count}"
            req.headers.insert(0, ("X-Request-Id", rid))
        fresh = req.framing == "raw" or req.half_close or req.expect_continue or case.wait is not None
        for attempt in range(2):
            conn, reused = self._connection(fresh)
            start = time.monotonic()
            try:
                outcome = conn.exchange(req, case.wait or ANSWER_TIMEOUT)
            except (Malformed, NoAnswer) as e:
                outcome = e
                conn.close()
            elapsed = time.monotonic() - start
            if reused and isinstance(outcome, NoAnswer) and outcome.kind in ("closed", "reset") and not conn.buf:
                # The server closed the idle connection as we reused it: not this request's fault.
                with self.stats.lock:
                    self.stats.stale_retries += 1
                fresh = True
                continue
            if not conn.usable:
                self.close()
            return outcome, elapsed, rid
        return outcome, elapsed, rid

    def run(self, case, fuzzed=True, tag=""):
        """Sends and judges `case`; returns its Answer, or None when there was none."""
        outcome, elapsed, rid = self.send(case)
        if isinstance(outcome, NoAnswer) and outcome.kind == "refused":
            raise ServerDown(str(outcome))
        problems = oracle.judge(case, outcome, elapsed, rid)
        status = outcome.status if hasattr(outcome, "status") else (
            "malformed" if isinstance(outcome, Malformed) else "no answer")
        example = self._example(case, outcome, elapsed, tag) if problems else {"tag": tag, "case": case.describe()}
        self.stats.record(case, status, elapsed, problems, fuzzed, example)
        if fuzzed and hasattr(outcome, "status"):
            gap = drift.disagreement(case, outcome)
            if gap:
                self.stats.drift(gap, example.get("tag"))
        if problems and self.save_dir:
            self._save(example, problems)
        self.previous = (case, {"tag": tag, "case": case.describe()})
        return outcome if hasattr(outcome, "status") else None

    def api(self, method, path, body=None, token=None, query=()):
        """For world.World: a plain request, judged like the others; (status, JSON or None)."""
        template, _ = oracle.contract.match_route(path)
        op = catalogue.operation(template, method)
        answer = self.run(cases.setup_case(op, path, body, token, query), fuzzed=False, tag="setup")
        if answer is None:
            return None, None
        try:
            return answer.status, json.loads(answer.body) if answer.body else None
        except ValueError:
            return answer.status, None

    def _example(self, case, outcome, elapsed, tag):
        req = case.request
        head = encode_head(req)
        body = encode_body(req)
        shown = head + body[:EXCERPT] + (b"..." if len(body) > EXCERPT else b"")
        if hasattr(outcome, "status"):
            answer = f"{outcome.status} {outcome.reason}\n" + "".join(
                f"{k}: {v}\n" for k, v in outcome.headers) + "\n" + outcome.body[:EXCERPT].decode("utf-8", "replace")
        else:
            answer = f"{type(outcome).__name__}: {outcome}"
        return {"tag": tag, "case": case.describe(), "elapsed": round(elapsed, 3),
                "request": shown.decode("latin-1"), "request_bytes": len(head) + len(body), "answer": answer,
                "wire": head + body}

    def _save(self, example, problems):
        """The failing request as raw bytes (NAME.http) and what was wrong with its answer (NAME.txt)."""
        os.makedirs(self.save_dir, exist_ok=True)
        stem = os.path.join(self.save_dir, f"{example['tag'].replace('/', '_')}-{problems[0][0]}")
        with open(stem + ".http", "wb") as f:
            f.write(example["wire"])
        with open(stem + ".txt", "w", encoding="utf-8") as f:
            found = "".join(f"{category}: {text}\n" for category, text in problems)
            f.write(f"{example['case']}\n{found}\n{example['answer']}\n")
