#!/usr/bin/env bash
# The code's habits, checked: clang-format (.clang-format) on every C++ file, clang-tidy
# (.clang-tidy) on every source file of src/ (tests/fuzz/ is formatted, not tidied: it builds with
# clang and libFuzzer only). Exits non-zero on the first kind of finding.
#   scripts/check-style.sh           both
#   scripts/check-style.sh format    clang-format only (seconds)
#   scripts/check-style.sh tidy      clang-tidy only (minutes: it parses every file)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/unit/*.cpp' 'tests/unit/*.hpp' 'tests/fuzz/*.cpp' 'tests/fuzz/*.hpp' 'bench/*.cpp' 'cmake/pch/*.hpp')

if [[ $what == all || $what == format ]]; then
  clang-format --dry-run -Werror "${files[@]}"
  echo "check-style: clang-format clean (${#files[@]} files)"
fi

if [[ $what == all || $what == tidy ]]; then
  # clang cannot read GCC's precompiled headers: a configure without them gives clang-tidy a
  # compilation database of its own (and proves every file includes what it uses).
  cmake -S . -B build/tidy -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DPLANETUDE_TESTS=OFF >/dev/null 2>&1
  # The OpenAPI source is generated at build time; everything else is checked.
  run-clang-tidy -p build/tidy -j "$(nproc)" -quiet "$PWD/src/.*\.cpp$" >build/tidy/report.txt 2>&1 || {
    grep -E "(error|warning):" build/tidy/report.txt | sed 's/\x1b\[[0-9;]*m//g' | sort -u
    echo "check-style: clang-tidy found problems (full report: build/tidy/report.txt)" >&2
    exit 1
  }
  echo "check-style: clang-tidy clean"
fi
