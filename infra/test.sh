#!/usr/bin/env bash
# What `npm test` runs: makes the machine ready (no migrations: the tests build
# their own template database from migrations/; Chromium for the browser tests),
# builds the web application when missing or stale, then runs vitest with both the
# default console reporter and a JSON report in test-results/vitest.json.
#
# Usage: npm test [-- <vitest args, e.g. a file filter or -t "name">]
# Env:
#   TEST_DATABASE_URL  maintenance database the tests connect to in order to create
#                      their symbiose_test_* databases
#                      (default postgres://postgres@127.0.0.1:5432/postgres)
#   REDIS_URL          default redis://127.0.0.1:6379
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

# Check (and if need be start/install) the servers the tests will use, and Chromium
# for the browser tests (test/e2e).
DATABASE_URL="$TEST_DATABASE_URL" bash infra/prepare-machine.sh --no-migrate --with-chromium
# The browser tests drive the built web application: build it if missing or stale.
bash infra/web-build.sh

mkdir -p test-results
rm -f test-results/vitest.json
# Screenshots of this run only (the browser tests write them for a person to check).
rm -rf test-results/screenshots

set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
set -e
exit "$status"
