# The two commands of the README: `make run` and `make test`. Both install what is missing first.
PYTHON ?= /usr/bin/python3
PYTEST = $(PYTHON) -m pytest -q -p no:cacheprovider

.PHONY: test-api-postgres deb test-package deps web build-dev build-release build-asan run test test-unit test-api test-asan check-style lint-openapi test-repeat bench clean test-browser bench-web fuzz-blackbox build-fuzz fuzz fuzz-smoke

deps:
	@scripts/install-deps.sh

# The web app (web/): Node.js and the packages pinned by web/package-lock.json, then its build
# into web/dist, which every server build embeds.
web:
	@scripts/install-deps.sh web-tools
	cd web && npm run --silent build

# Explicit rules: make skips pattern rules for .PHONY targets.
build-dev build-release build-asan: build-%: deps web
	cmake --preset $* >/dev/null
	cmake --build --preset $*

run: build-release
	mkdir -p data
	./build/release/planetude serve

test: build-dev
	ctest --preset dev
	cd web && npm test --silent
	PLANETUDE_BIN=build/dev/planetude $(PYTEST) tests/api tests/fakes
	$(MAKE) --no-print-directory test-api-postgres
	$(MAKE) --no-print-directory test-browser

# The HTTP suite again, every server on PostgreSQL 15: a throwaway server (scripts/pg-test-server.sh)
# in build/dev/pg-http, a schema per test server, stopped afterwards whatever the outcome.
PG_HTTP_DIR = build/dev/pg-http
test-api-postgres: build-dev
	scripts/pg-test-server.sh start $(PG_HTTP_DIR) >/dev/null
	PLANETUDE_TEST_DATABASE=postgres PLANETUDE_TEST_PG_DIR=$(PG_HTTP_DIR) PLANETUDE_BIN=build/dev/planetude \
	  $(PYTEST) tests/api; rc=$$?; scripts/pg-test-server.sh stop $(PG_HTTP_DIR); exit $$rc

# The web app in headless Chromium (Debian's chromium + chromium-driver, Selenium) against the real
# server on SQLite: journeys at phone and desktop sizes in both themes, axe-core on every screen,
# offline, keyboard only, cross-origin refusal. Screenshots go to build/browser-screenshots/.
test-browser: build-dev
	@scripts/install-deps.sh browser-tools
	PLANETUDE_BIN=build/dev/planetude $(PYTEST) tests/browser

# A Debian package of the release build (cmake/packaging.cmake): build/release/planetude_<v>_amd64.deb.
deb: build-release
	cd build/release && cpack -G DEB >/dev/null
	@ls build/release/planetude_*.deb

# The package's checks (tests/package): its fields and files, the unit under systemd-analyze verify,
# and the packaged binary serving with the packaged settings. Installing it is checked on a bare
# Debian 12 by scripts/check-deb-install.sh (see docs/deploy.md).
test-package: deb
	@scripts/install-deps.sh package-tools
	$(PYTEST) tests/package

# The HTTP suite N times in a row (flakiness hunt): make test-repeat N=5 [PRESET=asan]
N ?= 5
PRESET ?= dev
test-repeat:
	$(MAKE) build-$(PRESET)
	@for i in $$(seq $(N)); do echo "test-repeat: run $$i of $(N) ($(PRESET))"; \
	  PLANETUDE_BIN=build/$(PRESET)/planetude $(PYTEST) tests/api || exit 1; done

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ctest --preset asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  PLANETUDE_BIN=build/asan/planetude $(PYTEST) tests/api

# clang-format and clang-tidy over the tree (.clang-format, .clang-tidy).
check-style: deps
	scripts/check-style.sh

# Redocly's recommended rules over resources/openapi.json: no error and no warning allowed.
REDOCLY = tools/openapi/node_modules/.bin/redocly
lint-openapi:
	@scripts/install-deps.sh openapi-tools
	$(REDOCLY) lint resources/openapi.json
	@$(REDOCLY) lint --format=json resources/openapi.json 2>/dev/null \
	  | jq -e '.totals.errors == 0 and .totals.warnings == 0' >/dev/null \
	  || { echo "lint-openapi: the document has lint warnings (see above)"; exit 1; }

# libFuzzer targets (tests/fuzz/README.md), built with clang, ASan and UBSan; only these need clang.
build-fuzz:
	@scripts/install-deps.sh fuzz-tools
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz

# CI: every target for a short fixed time, two at a time; any crash fails.
FUZZ_SMOKE_SECONDS ?= 8
fuzz-smoke: build-fuzz
	FUZZ_JOBS=2 scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

# A longer campaign, one target at a time: make fuzz FUZZ_SECONDS=600 [FUZZ_TARGETS="jwt ics"] [FUZZ_JOBS=2]
FUZZ_SECONDS ?= 120
FUZZ_JOBS ?= 1
fuzz: build-fuzz
	FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: build-release
	bench/users_me.sh

# The web app's weight (compressed bytes of a first visit) and a Lighthouse run on the week view.
bench-web: build-release
	@scripts/install-deps.sh browser-tools
	bench/web_weight.sh
	bench/lighthouse.sh

# The black-box fuzzer (tests/blackbox/README.md), one run per CONCURRENCY value, each on a fresh
# server: make fuzz-blackbox [CONCURRENCY="1 8"] [BBFUZZ_REQUESTS=20000 | BBFUZZ_SECONDS=300]
# [BBFUZZ_SEED=N] [BBFUZZ_SHARED=1: two clients per user] [BBFUZZ_SAVE=DIR: failing requests]
# [PLANETUDE_BIN=build/dev/planetude] (without PLANETUDE_BIN: the release build).
CONCURRENCY ?= 1 8
BBFUZZ_REQUESTS ?= 20000
fuzz-blackbox: $(if $(PLANETUDE_BIN),,build-release)
	$(PYTHON) tests/blackbox/fuzz.py --bin $(or $(PLANETUDE_BIN),build/release/planetude) \
	  --concurrency $(CONCURRENCY) $(if $(BBFUZZ_SECONDS),--seconds $(BBFUZZ_SECONDS),--requests $(BBFUZZ_REQUESTS)) \
	  $(if $(BBFUZZ_SEED),--seed $(BBFUZZ_SEED)) $(if $(BBFUZZ_SHARED),--shared-users) \
	  $(if $(BBFUZZ_SAVE),--save-failures $(BBFUZZ_SAVE))

clean:
	rm -rf build
