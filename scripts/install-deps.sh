#!/usr/bin/env bash
# Installs every Debian package PlanÉtude needs to build, run, test and benchmark.
# Idempotent: apt-get is called only for the packages that are missing, `npm ci` only when
# tools/openapi/node_modules lacks what tools/openapi/package-lock.json pins.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsodium-dev libsqlite3-dev libspdlog-dev libhowardhinnant-date-dev libssl-dev
  tzdata ca-certificates openssl
  libgtest-dev
  clang-format clang-tidy
  python3 python3-pytest python3-requests python3-jwt python3-icalendar python3-jsonschema
  nodejs
  wrk jq
)
# Debian's nodejs comes without npm; NodeSource's nodejs has it built in (and conflicts with npm).
command -v npm >/dev/null 2>&1 || packages+=(npm)

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

# The OpenAPI linter (make lint-openapi), pinned by tools/openapi/package-lock.json.
tools="$(dirname "$0")/../tools/openapi"
if ! (cd "$tools" && npm ls --depth=0 >/dev/null 2>&1); then  # missing, or not the pinned version
  echo "install-deps: npm ci in tools/openapi"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
