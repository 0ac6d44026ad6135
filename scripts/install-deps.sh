#!/usr/bin/env bash
# Installs every Debian package PlanÉtude needs to build, run, test and benchmark.
# Idempotent: apt-get is called only for the packages that are missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsodium-dev libsqlite3-dev libspdlog-dev libhowardhinnant-date-dev libssl-dev
  tzdata ca-certificates openssl
  libgtest-dev
  clang-format clang-tidy
  python3 python3-pytest python3-requests python3-jwt python3-icalendar
  wrk jq
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
