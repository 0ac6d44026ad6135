"""The figures of a run, as text for people and as a dict for programs."""


def summary(config, stats, duration, restarts, server_errors, binary=None):
    return {
        "seed": config.seed, "concurrency": config.concurrency, "shared_users": config.shared_users,
        "binary": binary,
        "duration_s": round(duration, 1), "requests": stats.requests, "fuzzed": stats.fuzzed,
        "rate_per_s": round(stats.requests / duration, 1) if duration else None,
        "by_status": {str(k): v for k, v in sorted(stats.by_status.items(), key=lambda kv: str(kv[0]))},
        "5xx": stats.by_category["5xx"], "malformed": stats.by_category["malformed"],
        "no_answer": stats.by_category["no_answer"], "slow": stats.by_category["slow"],
        "contract": stats.by_category["contract"], "unexpected": stats.by_category["unexpected"],
        "healthz_checks": stats.healthz_checks, "healthz_failures": stats.healthz_failures,
        "healthz_slowest_s": round(stats.healthz_max, 3), "restarts": restarts,
        "server_errors_logged": len(server_errors), "setup_errors": stats.setup_errors,
        "slowest_answer_s": round(stats.max_latency, 3),
        "closed_without_answer_as_allowed": stats.no_answer_expected,
        "control_seeds_2xx": sum(v for (op, ok), v in stats.control.items() if ok),
        "control_seeds": sum(stats.control.values()),
        "events": list(stats.events),
    }


def text(s, stats, server_errors):
    statuses = ", ".join(f"{k}: {v}" for k, v in s["by_status"].items())
    lines = [
        f"bbfuzz: seed {s['seed']}, concurrency {s['concurrency']}"
        + (" (two clients per user)" if s.get("shared_users") else "") + f", {s['duration_s']} s"
        + (f", {s['binary']}" if s["binary"] else ""),
        f"  requests sent: {s['requests']} ({s['fuzzed']} fuzzed, {s['requests'] - s['fuzzed']} to build users' "
        f"data), {s['rate_per_s']}/s",
        f"  by status: {statuses}",
        f"  5xx: {s['5xx']}  malformed: {s['malformed']}  no answer: {s['no_answer']}  slower than 5 s: {s['slow']}"
        f"  against the document: {s['contract']}  unexpected for the mutation: {s['unexpected']}",
        f"  /healthz: {s['healthz_checks']} checks, {s['healthz_failures']} failures, slowest "
        f"{s['healthz_slowest_s']} s;  restarts: {s['restarts']};  server errors logged: "
        f"{s['server_errors_logged']};  setup errors: {s['setup_errors']}",
        f"  slowest answer: {s['slowest_answer_s']} s;  truncated requests closed without an answer (allowed): "
        f"{s['closed_without_answer_as_allowed']};  unmutated seeds answered 2xx: {s['control_seeds_2xx']}/"
        f"{s['control_seeds']}",
    ]
    for seconds, what, tag in stats.slowest[:3]:
        lines.append(f"  slow-ish: {seconds:.2f} s  {what}  ({tag})")
    for e in s["events"][:20]:
        lines.append(f"  event: {e}")
    for line in server_errors[:10]:
        lines.append(f"  server log: {line[:400]}")
    if stats.disagreements:
        lines.append(f"  server and document disagree on {len(stats.disagreements)} kinds of body (not counted as "
                     "failures; see drift.py):")
        for text, (count, tag) in sorted(stats.disagreements.items(), key=lambda kv: -kv[1][0])[:25]:
            lines.append(f"    {count:5} x {text}  ({tag})")
    for ex in stats.examples:
        lines.append("")
        lines.append(f"--- {ex['category']}: {ex['problem']}")
        lines.append(f"    case {ex['tag']} (seed/worker/n/case seed): {ex['case']}  ({ex.get('elapsed')} s)")
        lines.append("    request (" + str(ex.get("request_bytes")) + " bytes):")
        lines += ["      " + ln for ln in ex.get("request", "").split("\r\n")[:30]]
        lines.append("    answer:")
        lines += ["      " + ln for ln in ex.get("answer", "").split("\n")[:30]]
    return "\n".join(lines)


def failed(s):
    return any(s[k] for k in ("5xx", "malformed", "no_answer", "slow", "contract", "unexpected", "healthz_failures",
                              "restarts", "server_errors_logged", "setup_errors")) or bool(s["events"])
