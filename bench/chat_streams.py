#!/usr/bin/env python3
"""Load client of bench/chat_streams.sh: N concurrent streaming chats (POST /api/chat, SSE).

Python 3.11+ standard library only. Every stream has its own HTTP/1.1 connection (raw asyncio
streams). All connections are opened first; once every one is open, all requests are sent
together, so the N streams are in flight at the same time. Each chunked SSE response is parsed
and checked: status 200, at least one `delta`, exactly one `done` whose `source` is "gemini" and
whose `reply` equals the concatenated deltas, no `error` event, the terminating chunk.

    chat_streams.py --port P --tokens-file F --streams 1000 [--fake-url http://127.0.0.1:Q]

Prints one JSON object on stdout (the figures and the checks); progress goes to stderr.
With --fake-url, the fake provider's own records (GET /_admin/requests) are summarised as well.
Only 127.0.0.1 is ever contacted. Exits 0 when the run completed (the shell script judges the
checks), 2 on bad arguments.
"""
import argparse
import asyncio
import json
import sys
import time
import urllib.request

MESSAGE = "Comment réviser les maths cette semaine ?"


class Counters:
    """Streams in flight (request sent, response not over) and streams receiving deltas."""

    def __init__(self):
        self.in_flight = 0
        self.max_in_flight = 0
        self.streaming = 0
        self.max_streaming = 0

    def enter(self, name):
        value = getattr(self, name) + 1
        setattr(self, name, value)
        peak = "max_" + name
        setattr(self, peak, max(getattr(self, peak), value))

    def leave(self, name):
        setattr(self, name, getattr(self, name) - 1)


class SseParser:
    """Splits a byte stream into (event, data) pairs; accepts LF, CRLF and CR line ends."""

    def __init__(self):
        self.buffer = ""

    def feed(self, data: bytes):
        """`data` must end on a line end, so it never splits a UTF-8 sequence."""
        self.buffer += data.decode("utf-8")
        self.buffer = self.buffer.replace("\r\n", "\n").replace("\r", "\n")
        events = []
        while "\n\n" in self.buffer:
            block, self.buffer = self.buffer.split("\n\n", 1)
            name, lines = "message", []
            for line in block.split("\n"):
                if line.startswith(":"):
                    continue
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "event":
                    name = value
                elif field == "data":
                    lines.append(value)
            if lines:
                events.append((name, "\n".join(lines)))
        return events


async def read_chunked(reader):
    """Yields the chunks of a chunked body until the last (empty) chunk; trailers are skipped."""
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return
        data = await reader.readexactly(size + 2)
        if data[-2:] != b"\r\n":
            raise ValueError("bad chunk framing")
        yield data[:-2]


def check_stream(rec):
    """Returns the reason a finished stream is wrong, or None."""
    if rec["status"] != 200:
        return f"status {rec['status']}"
    if rec["errors"]:
        return "error event"
    if rec["deltas"] < 1:
        return "no delta"
    if rec["dones"] != 1:
        return f"{rec['dones']} done events"
    done = rec["done"]
    if not isinstance(done, dict):
        return "done is not an object"
    if done.get("source") != "gemini":
        return f"source {done.get('source')!r}"
    if done.get("reply") != rec["text"]:
        return "reply differs from the deltas"
    if not rec["complete"]:
        return "no terminating chunk"
    return None


async def one_stream(index, host, port, token, opened, go, counters, timeout_s):
    rec = {"index": index, "status": None, "deltas": 0, "dones": 0, "errors": 0, "text": "",
           "done": None, "complete": False, "failure": None, "sent": None, "headers_at": None,
           "first_delta": None, "done_at": None, "ended": None}
    body = json.dumps({"message": MESSAGE}).encode()
    request = (f"POST /api/chat HTTP/1.1\r\nHost: {host}:{port}\r\n"
               f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
               f"Connection: close\r\n\r\n").encode() + body
    writer = None
    sent = False
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, limit=1 << 20), 30)
        opened()
        await go.wait()
        # One deadline for the whole exchange (asyncio.timeout_at: no task per read, unlike wait_for).
        async with asyncio.timeout_at(asyncio.get_running_loop().time() + timeout_s):
            writer.write(request)
            await writer.drain()
            rec["sent"] = time.monotonic()
            sent = True
            counters.enter("in_flight")
            await read_response(reader, rec, counters)
    except TimeoutError:
        rec["failure"] = "timeout"
    except (OSError, ValueError, KeyError, TypeError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as e:
        rec["failure"] = f"{type(e).__name__}: {e}"[:200]
    finally:
        if rec["first_delta"] is not None:
            counters.leave("streaming")
        if sent:
            counters.leave("in_flight")
        if writer is not None:
            writer.close()
    return rec


async def read_response(reader, rec, counters):
    """Reads the status, the headers and the SSE body into `rec`."""
    head = await reader.readuntil(b"\r\n\r\n")
    rec["headers_at"] = time.monotonic()
    lines = head.decode("latin-1").split("\r\n")
    rec["status"] = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    if rec["status"] != 200:
        rec["failure"] = f"status {rec['status']}"
        return
    if "text/event-stream" not in headers.get("content-type", ""):
        rec["failure"] = "not an event stream: " + headers.get("content-type", "")
        return
    if headers.get("transfer-encoding", "").lower() != "chunked":
        rec["failure"] = "response not chunked"
        return
    parser = SseParser()
    pending = b""
    async for chunk in read_chunked(reader):
        # A chunk may end inside a UTF-8 sequence: decode whole events' bytes only.
        pending += chunk
        cut = pending.rfind(b"\n")
        if cut < 0:
            continue
        events = parser.feed(pending[:cut + 1])
        pending = pending[cut + 1:]
        for name, data in events:
            if name == "delta":
                if rec["deltas"] == 0:
                    rec["first_delta"] = time.monotonic()
                    counters.enter("streaming")
                rec["deltas"] += 1
                rec["text"] += json.loads(data)["text"]
            elif name == "done":
                rec["dones"] += 1
                rec["done"] = json.loads(data)
                rec["done_at"] = time.monotonic()
            elif name == "error":
                rec["errors"] += 1
                rec["error"] = data[:300]
    if pending.strip():
        raise ValueError("the body ends inside an event")
    rec["complete"] = True
    rec["ended"] = time.monotonic()


def percentile(values, p):
    """Nearest-rank percentile of a list (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def fake_view(fake_url, expected, timeout_ms):
    """Summary of the fake provider's records once every response has ended."""
    url = f"{fake_url}/_admin/requests?wait_done=1&timeout_ms={timeout_ms}&count={expected}"
    with urllib.request.urlopen(url, timeout=timeout_ms / 1000 + 10) as r:
        records = json.load(r)
    streams = [r for r in records if r.get("api") == "gemini" and r.get("stream")]
    ok = [r for r in streams if r.get("status") == 200 and r.get("response_complete")
          and not r.get("client_disconnected") and not r.get("server_cut")]
    # Most streams open at once, from each record's arrival to its end.
    edges = []
    for r in streams:
        edges.append((r["time"], 1))
        edges.append((r["ended_at"] if r.get("ended_at") is not None else float("inf"), -1))
    peak = level = 0
    for _, step in sorted(edges):
        level += step
        peak = max(peak, level)
    durations = [r["ended_at"] - r["time"] for r in streams if r.get("ended_at") is not None]
    first_bytes = [r["first_byte_at"] - r["time"] for r in streams if r.get("first_byte_at") is not None]
    arrivals = [r["time"] for r in streams]
    return {
        "requests": len(records),
        "streams": len(streams),
        "completed": len(ok),
        "client_disconnected": sum(1 for r in streams if r.get("client_disconnected")),
        "not_ended": sum(1 for r in streams if r.get("ended_at") is None),
        "rejected": sum(1 for r in records if r.get("rejected")),
        "max_concurrent": peak,
        "arrival_spread_s": round(max(arrivals) - min(arrivals), 3) if arrivals else None,
        "duration_p50_s": round(percentile(durations, 50), 3) if durations else None,
        "duration_max_s": round(max(durations), 3) if durations else None,
        "first_byte_max_s": round(max(first_bytes), 3) if first_bytes else None,
    }


async def run(args):
    tokens = [line.strip() for line in open(args.tokens_file, encoding="utf-8") if line.strip()]
    if not tokens:
        raise SystemExit("no token in " + args.tokens_file)
    counters = Counters()
    go = asyncio.Event()
    state = {"open": 0}

    def opened():
        state["open"] += 1
        if state["open"] == args.streams:
            go.set()

    t_start = time.monotonic()
    tasks = [asyncio.create_task(one_stream(i, args.host, args.port, tokens[i % len(tokens)], opened, go,
                                            counters, args.timeout))
             for i in range(args.streams)]
    # If some connection cannot be opened, go anyway after the connect phase's limit.
    try:
        await asyncio.wait_for(go.wait(), args.connect_timeout)
    except asyncio.TimeoutError:
        print(f"chat_streams: only {state['open']} of {args.streams} connections opened; starting anyway",
              file=sys.stderr)
        go.set()
    t_go = time.monotonic()
    print(f"chat_streams: {state['open']} connections open in {t_go - t_start:.2f} s; requests sent",
          file=sys.stderr)
    done, pending = await asyncio.wait(tasks, timeout=args.timeout + 30)
    for task in pending:
        task.cancel()
    t_end = time.monotonic()
    recs = [t.result() for t in done if not t.cancelled() and t.exception() is None]

    failures = {}
    good = []
    for rec in recs:
        reason = rec["failure"] or check_stream(rec)
        if reason:
            failures[reason] = failures.get(reason, 0) + 1
        else:
            good.append(rec)
    if pending:
        failures["not finished"] = len(pending)
    lost = args.streams - len(recs) - len(pending)
    if lost:
        failures["client error"] = lost

    durations = [r["ended"] - r["sent"] for r in good]
    first = [r["first_delta"] - r["sent"] for r in good]
    heads = [r["headers_at"] - r["sent"] for r in good]
    sends = [r["sent"] for r in recs if r["sent"] is not None]

    def ms(v):
        return None if v is None else round(v * 1000, 1)

    out = {
        "streams": args.streams,
        "users": len(tokens),
        "connections_opened": state["open"],
        "started": len(sends),
        "completed": len(good),
        "failed": args.streams - len(good),
        "failures": failures,
        "max_in_flight": counters.max_in_flight,
        "max_streaming": counters.max_streaming,
        "send_spread_ms": ms(max(sends) - min(sends)) if sends else None,
        "connect_phase_s": round(t_go - t_start, 3),
        "run_s": round(t_end - t_go, 3),
        "duration_ms": {"p50": ms(percentile(durations, 50)), "p99": ms(percentile(durations, 99)),
                        "max": ms(max(durations) if durations else None),
                        "min": ms(min(durations) if durations else None)},
        "first_delta_ms": {"p50": ms(percentile(first, 50)), "p99": ms(percentile(first, 99)),
                           "max": ms(max(first) if first else None)},
        "headers_ms": {"p50": ms(percentile(heads, 50)), "p99": ms(percentile(heads, 99)),
                       "max": ms(max(heads) if heads else None)},
        "deltas_per_stream": {"min": min((r["deltas"] for r in good), default=None),
                              "max": max((r["deltas"] for r in good), default=None)},
        "reply_chars": len(good[0]["text"]) if good else None,
    }
    examples = [r for r in recs if r["failure"] or check_stream(r)][:3]
    if examples:
        out["failure_examples"] = [{k: r.get(k) for k in ("index", "status", "failure", "deltas", "dones", "error")}
                                   for r in examples]
    if args.fake_url:
        try:
            out["fake"] = fake_view(args.fake_url, args.streams, args.fake_wait_ms)
        except OSError as e:
            out["fake"] = {"error": str(e)}
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tokens-file", required=True, help="bearer tokens, one a line; streams use them in turn")
    p.add_argument("--streams", type=int, default=1000)
    p.add_argument("--timeout", type=float, default=60, help="seconds allowed to each stream, from its request")
    p.add_argument("--connect-timeout", type=float, default=30, help="seconds allowed to open all connections")
    p.add_argument("--fake-url", help="the fake provider's base URL, to read its records after the run")
    p.add_argument("--fake-wait-ms", type=int, default=15000)
    args = p.parse_args()
    if sys.version_info < (3, 11):
        p.error("needs Python 3.11 or later (asyncio.timeout_at)")
    if args.host != "127.0.0.1" or (args.fake_url and not args.fake_url.startswith("http://127.0.0.1:")):
        p.error("only 127.0.0.1 is allowed")
    if args.streams < 1:
        p.error("--streams must be at least 1")
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
