#!/usr/bin/env bash
# Lighthouse 12.2.3 (pinned in bench/lighthouse/package-lock.json; Node.js 20, Debian's Chromium) on
# the week view (/planning) of a signed-in account with a week of sessions, served by the release
# binary with its embedded web app. Goals: performance >= 95, accessibility 100.
#
#   bench/lighthouse.sh                 # 3 runs of each form factor (mobile: Lighthouse's default
#   RUNS=5 bench/lighthouse.sh          #   Moto G power, slow 4G, 4x CPU; desktop: --preset=desktop)
#
# The account's cookie goes in with --extra-headers. Prints each run's scores and metrics and the
# median; writes the reports to bench/results/lighthouse-<form>-<n>.json.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/web_lib.sh
source "$BENCH_DIR/web_lib.sh"

runs=${RUNS:-3}
lh_dir=$BENCH_DIR/lighthouse
command -v node >/dev/null || die "node is missing (scripts/install-deps.sh browser-tools)"
if ! (cd "$lh_dir" && npm ls --depth=0 >/dev/null 2>&1); then
  echo "bench: npm ci in bench/lighthouse" >&2
  (cd "$lh_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
lighthouse=$lh_dir/node_modules/lighthouse/cli/index.js

start_server LOG_LEVEL=info
web_app_served || die "the binary serves no web app (build web/dist first, then make build-release)"
cookie=$(week_account)
mkdir -p "$BENCH_ROOT/bench/results"
headers=$BENCH_TMP/headers.json
printf '{"Cookie": "%s"}' "$cookie" >"$headers"

echo "bench: lighthouse $(node "$lighthouse" --version) on $BASE_URL/planning" \
  "($(git -C "$BENCH_ROOT" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), node $(node --version), $(/usr/bin/chromium --version 2>/dev/null))"
for form in mobile desktop; do
  preset=()
  [[ $form == desktop ]] && preset=(--preset=desktop)
  for i in $(seq "$runs"); do
    out=$BENCH_ROOT/bench/results/lighthouse-$form-$i.json
    CHROME_PATH=/usr/bin/chromium node "$lighthouse" "$BASE_URL/planning" "${preset[@]}" --quiet \
      --chrome-flags="--headless=new --no-sandbox --disable-dev-shm-usage" \
      --extra-headers="$headers" --only-categories=performance,accessibility \
      --output=json --output-path="$out" || die "lighthouse failed ($form, run $i)"
    node -e '
      const r = require(process.argv[1]); const a = r.audits;
      const v = (k) => a[k].numericValue;
      if (r.finalDisplayedUrl.replace(/\?.*/, "").slice(-9) !== "/planning") { console.error("landed on " + r.finalDisplayedUrl); process.exit(1); }
      console.log([process.argv[2], process.argv[3],
        "performance", Math.round(r.categories.performance.score * 100),
        "accessibility", Math.round(r.categories.accessibility.score * 100),
        "FCP_ms", Math.round(v("first-contentful-paint")), "LCP_ms", Math.round(v("largest-contentful-paint")),
        "TBT_ms", Math.round(v("total-blocking-time")), "CLS", v("cumulative-layout-shift").toFixed(3),
        "SI_ms", Math.round(v("speed-index")),
        "benchmarkIndex", Math.round(r.environment.benchmarkIndex),
        "a11y_failed", Object.values(r.categories.accessibility.auditRefs).filter(x => a[x.id].score === 0).map(x => x.id).join(",") || "-"
      ].join(" "));' "$out" "$form" "$i" | tee -a "$BENCH_TMP/runs.txt"
  done
done
echo "median of $runs runs:"
/usr/bin/python3 - "$BENCH_TMP/runs.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    runs.setdefault(f[0], []).append((int(f[3]), int(f[5])))
for form, rows in runs.items():
    print(f"  {form}: performance {statistics.median_low(r[0] for r in rows)}, "
          f"accessibility {statistics.median_low(r[1] for r in rows)}")
PY
