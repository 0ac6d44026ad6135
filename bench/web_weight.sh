#!/usr/bin/env bash
# The web app's weight: the compressed bytes of everything a first visit downloads (HTML, JS, CSS,
# fonts; budget 150 KB together), measured in headless Chromium against the release binary, which
# serves the app it embeds (web/dist at build time). Two cold visits: signed out (/), and signed in on
# the week view (/planning) of an account with a week of sessions. See bench/web_weight.py.
#
#   bench/web_weight.sh            # or `make bench-web` (also runs bench/lighthouse.sh)
#   PLANETUDE_BIN=build/dev/planetude bench/web_weight.sh
#
# Needs chromium, chromium-driver and python3-selenium (scripts/install-deps.sh browser-tools).
# Prints the figures, writes bench/results/web_weight.json; exits 1 when a visit is over budget.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/web_lib.sh
source "$BENCH_DIR/web_lib.sh"

start_server LOG_LEVEL=info
web_app_served || die "the binary serves no web app (build web/dist first: make build-release after the web build)"
cookie=$(week_account)
mkdir -p "$BENCH_ROOT/bench/results"
echo "bench: web weight of $BASE_URL ($(git -C "$BENCH_ROOT" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ))"
/usr/bin/python3 "$BENCH_DIR/web_weight.py" "$BASE_URL" --cookie "$cookie" --json "$BENCH_ROOT/bench/results/web_weight.json"
