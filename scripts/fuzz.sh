#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz/, each for a fixed time, and prints per target its
# executions, coverage (cov: edges, ft: features), corpus size and outcome.
#   scripts/fuzz.sh SECONDS [TARGET...]     every target when none is named (names without _fuzz)
#   FUZZ_JOBS=2 scripts/fuzz.sh 8           two targets at a time (one process each)
# Needs the fuzz preset built (cmake --preset fuzz && cmake --build --preset fuzz). New inputs go
# to build/fuzz/corpus/<target>/ (never into git); the seeds of tests/fuzz/corpus/<target>/ are only
# read. A crash leaves its input in build/fuzz/crashes/ and makes the script fail.
# Extra libFuzzer flags: FUZZ_FLAGS="-seed=1" scripts/fuzz.sh 60
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
jobs=${FUZZ_JOBS:-1}
bin=build/fuzz/fuzzers
out=build/fuzz
if [ $# -eq 0 ]; then
  mapfile -t targets < <(find tests/fuzz -maxdepth 1 -name '*_fuzz.cpp' -printf '%f\n' | sed 's/_fuzz\.cpp$//' | sort)
else
  targets=("$@")
fi
for t in "${targets[@]}"; do
  [ -x "$bin/${t}_fuzz" ] || { echo "fuzz: $bin/${t}_fuzz is missing: cmake --build --preset fuzz" >&2; exit 2; }
done
mkdir -p "$out/corpus" "$out/crashes" "$out/logs"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target: its log in logs/<t>.log, its line of the table in logs/<t>.result.
run_one() {
  local t=$1 log="$out/logs/$1.log" outcome=ok
  local args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=4096
              -artifact_prefix="$out/crashes/$t-")
  [ -f "tests/fuzz/dict/$t.dict" ] && args+=(-dict="tests/fuzz/dict/$t.dict")
  local seeds=()
  [ -d "tests/fuzz/corpus/$t" ] && seeds=("tests/fuzz/corpus/$t")
  mkdir -p "$out/corpus/$t"
  echo "fuzz: $t for ${seconds}s"
  # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
  if ! "$bin/${t}_fuzz" "${args[@]}" ${FUZZ_FLAGS:-} "$out/corpus/$t" "${seeds[@]}" >"$log" 2>&1; then
    outcome=FAILED
    grep -aE "^(==[0-9]+==ERROR|SUMMARY|fuzz: property broken|.*runtime error)" "$log" | head -5 >&2 || true
    echo "fuzz: $t failed; log: $log; input: $(ls -t "$out/crashes/$t-"* 2>/dev/null | head -1)" >&2
  fi
  local execs last
  execs=$(grep -ao 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  last=$(grep -aE '^#[0-9]+' "$log" | grep -ao 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' | tail -1)
  printf '%-18s %12s %7s %7s %7s  %s\n' "$t" "${execs:-?}" "$(awk '{print $2}' <<<"$last")" \
    "$(awk '{print $4}' <<<"$last")" "$(awk '{print $6}' <<<"$last")" "$outcome" >"$log.result"
}

running=0
for t in "${targets[@]}"; do
  rm -f "$out/logs/$t.log.result"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

printf '\n%-18s %12s %7s %7s %7s  %s\n' target executions cov ft corpus outcome
total=0
failed=()
for t in "${targets[@]}"; do
  line=$(cat "$out/logs/$t.log.result" 2>/dev/null || printf '%-18s %12s %7s %7s %7s  %s' "$t" ? ? ? ? FAILED)
  echo "$line"
  execs=$(awk '{print $2}' <<<"$line")
  [[ $execs =~ ^[0-9]+$ ]] && total=$((total + execs))
  [[ $line == *FAILED ]] && failed+=("$t")
done
printf '%-18s %12s\n' total "$total"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
