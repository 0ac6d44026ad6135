#!/usr/bin/env bash
# Micro-benchmark of the built-in scheduler (no server): builds the release preset's
# `scheduler_bench` target and runs it. It schedules a `semestre` planning (8 subjects, 3 exams,
# 240 minutes a day, Europe/Paris) 100 times after a warm-up and prints one JSON line (p50, p99,
# min, max in microseconds, and the session count) then a human line.
#
#   bench/scheduler.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release --target scheduler_bench >&2
exec build/release/scheduler_bench
