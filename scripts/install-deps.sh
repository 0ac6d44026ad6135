#!/usr/bin/env bash
# Installs every Debian package PlanÉtude needs to build, run, test and benchmark.
# Idempotent: apt-get is called only for the packages that are missing.
# `scripts/install-deps.sh openapi-tools` also installs Node.js and the OpenAPI linter pinned by
# tools/openapi/package-lock.json (make lint-openapi): nothing else needs Node.js or the npm registry.
# `scripts/install-deps.sh fuzz-tools` also installs clang and its libFuzzer runtime (make fuzz,
# make fuzz-smoke): nothing else needs clang.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsodium-dev libsqlite3-dev libspdlog-dev libhowardhinnant-date-dev libssl-dev
  tzdata ca-certificates openssl
  libgtest-dev
  clang-format clang-tidy
  python3 python3-pytest python3-requests python3-jwt python3-icalendar python3-jsonschema
  wrk jq
)
if [ "${1:-}" = fuzz-tools ]; then
  # libclang-rt-14-dev (libFuzzer and the sanitizer runtimes) is only a Recommends of clang.
  packages+=(clang libclang-rt-14-dev)
fi
if [ "${1:-}" = openapi-tools ]; then
  packages+=(nodejs)
  # Debian's nodejs comes without npm; NodeSource's nodejs has it built in (and conflicts with npm).
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = openapi-tools ] || exit 0

# The OpenAPI linter (make lint-openapi), pinned by tools/openapi/package-lock.json. Redocly
# 1.34.20 runs on Debian 12's Node.js 18 as well as on Node.js 20.
tools="$(dirname "$0")/../tools/openapi"
if ! (cd "$tools" && npm ls --depth=0 >/dev/null 2>&1); then  # missing, or not the pinned version
  echo "install-deps: npm ci in tools/openapi"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
