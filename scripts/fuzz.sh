#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz/ one after the other, each for a fixed time, and prints
# per target its executions, coverage (cov: edges, ft: features), corpus size and outcome.
#   scripts/fuzz.sh SECONDS [TARGET...]     every target when none is named (names without _fuzz)
# Needs the fuzz preset built (cmake --preset fuzz && cmake --build --preset fuzz). New inputs go
# to build/fuzz/corpus/<target>/ (never into git); the seeds of tests/fuzz/corpus/<target>/ are only
# read. A crash leaves its input in build/fuzz/crashes/ and makes the script fail.
# Extra libFuzzer flags: FUZZ_FLAGS="-jobs=1 -workers=1" scripts/fuzz.sh 60
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
bin=build/fuzz/fuzzers
out=build/fuzz
if [ $# -eq 0 ]; then
  mapfile -t targets < <(find tests/fuzz -maxdepth 1 -name '*_fuzz.cpp' -printf '%f\n' | sed 's/_fuzz\.cpp$//' | sort)
else
  targets=("$@")
fi
mkdir -p "$out/corpus" "$out/crashes" "$out/logs"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
report=()
total=0
for t in "${targets[@]}"; do
  exe="$bin/${t}_fuzz"
  [ -x "$exe" ] || { echo "fuzz: $exe is missing: cmake --preset fuzz && cmake --build --preset fuzz" >&2; exit 2; }
  mkdir -p "$out/corpus/$t"
  args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=4096
        -artifact_prefix="$out/crashes/$t-")
  [ -f "tests/fuzz/dict/$t.dict" ] && args+=(-dict="tests/fuzz/dict/$t.dict")
  seeds=()
  [ -d "tests/fuzz/corpus/$t" ] && seeds=("tests/fuzz/corpus/$t")
  log="$out/logs/$t.log"
  echo "fuzz: $t for ${seconds}s"
  # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
  if "$exe" "${args[@]}" ${FUZZ_FLAGS:-} "$out/corpus/$t" "${seeds[@]}" >"$log" 2>&1; then
    outcome=ok
  else
    outcome=FAILED
    failed+=("$t")
    grep -E "^(==[0-9]+==ERROR|SUMMARY|fuzz: property broken|.*runtime error)" "$log" | head -5 >&2 || true
    echo "fuzz: $t failed; log: $log; input: $(ls -t "$out/crashes/$t-"* 2>/dev/null | head -1)" >&2
  fi
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' | tail -1)
  cov=$(awk '{print $2}' <<<"$last")
  ft=$(awk '{print $4}' <<<"$last")
  corp=$(awk '{print $6}' <<<"$last")
  total=$((total + ${execs:-0}))
  report+=("$(printf '%-18s %12s %7s %7s %7s  %s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$outcome")")
done

printf '\n%-18s %12s %7s %7s %7s  %s\n' target executions cov ft corpus outcome
printf '%s\n' "${report[@]}"
printf '%-18s %12s\n' total "$total"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
