#!/usr/bin/env bash
# Installs every Debian package PlanÉtude needs to build, run, test and benchmark.
# Idempotent: apt-get is called only for the packages that are missing.
# `scripts/install-deps.sh openapi-tools` also installs Node.js and the OpenAPI linter pinned by
# tools/openapi/package-lock.json (make lint-openapi); `web-tools`, Node.js and the web app's
# toolchain pinned by web/package-lock.json (make web); `browser-tools`, Debian's Chromium (French UI),
# ChromeDriver and Selenium, fonts, Node.js and axe-core pinned by tests/browser/package-lock.json
# (make test-browser, hence make test).
# `fuzz-tools`, clang and its libFuzzer runtime (make fuzz, make fuzz-smoke): nothing else needs clang.
# `package-tools`, dpkg-dev (dpkg-shlibdeps, for make deb) and systemd (systemd-analyze verify,
# make test-package). `file` is for CPack too (make deb reads the binary's libraries with it).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsodium-dev libsqlite3-dev libpq-dev libspdlog-dev libhowardhinnant-date-dev libssl-dev libjemalloc-dev libical-dev libcurl4-openssl-dev
  tzdata ca-certificates openssl
  libgtest-dev
  clang-format clang-tidy
  python3 python3-pytest python3-requests python3-jwt python3-icalendar python3-jsonschema python3-brotli python3-cryptography python3-aiosmtpd
  wrk jq libmimalloc2.0
  nginx file
  postgresql-15
)
mode="${1:-}"
case "$mode" in
  ''|openapi-tools|web-tools|browser-tools|fuzz-tools|package-tools) ;;
  *) echo "install-deps: unknown mode '$mode' (none, openapi-tools, web-tools, browser-tools, fuzz-tools or package-tools)" >&2; exit 2 ;;
esac
if [ "$mode" = browser-tools ]; then
  # chromium-l10n: the French UI, so that date and time fields read as a French student sees them.
  packages+=(chromium chromium-l10n chromium-driver python3-selenium fonts-dejavu-core fonts-noto-color-emoji)
fi
if [ "$mode" = fuzz-tools ]; then
  # libclang-rt-14-dev (libFuzzer and the sanitizer runtimes) is only a Recommends of clang.
  packages+=(clang libclang-rt-14-dev)
fi
if [ "$mode" = package-tools ]; then
  packages+=(dpkg-dev systemd)
fi
if [ -n "$mode" ] && [ "$mode" != fuzz-tools ] && [ "$mode" != package-tools ]; then
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
  # Packages with a service (nginx, PostgreSQL) start it at install where no init system says otherwise (a
  # container): the tests run their own, so policy-rc.d (Debian's switch) keeps that one off.
  guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$guard" >/dev/null
    "${sudo_cmd[@]}" chmod 0755 "$guard"
  fi
  rc=0
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
  [ -z "$guard" ] || "${sudo_cmd[@]}" rm -f "$guard"
  [ "$rc" -eq 0 ] || exit "$rc"
fi

# The npm packages of a folder, as its package-lock.json pins them (npm ci only when missing or
# not the pinned versions).
npm_ci() {
  if ! (cd "$1" && npm ls --depth=0 >/dev/null 2>&1); then
    echo "install-deps: npm ci in $1"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
root="$(cd "$(dirname "$0")/.." && pwd)"
case "$mode" in
  # The OpenAPI linter (make lint-openapi). Redocly 1.34.20 runs on Debian 12's Node.js 18 as
  # well as on Node.js 20.
  openapi-tools) npm_ci "$root/tools/openapi" ;;
  # The web app's toolchain (make web).
  web-tools) npm_ci "$root/web" ;;
  # axe-core, injected into the pages by the browser tests.
  browser-tools) npm_ci "$root/tests/browser" ;;
esac
