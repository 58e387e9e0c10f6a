#!/usr/bin/env bash
# What `npm run demo` runs: makes the machine ready (with migrations and reference
# data), builds the web application if missing or stale, seeds the demo territory
# (idempotent; prints the demo credentials), then
# runs the worker in the background and the API in the foreground. Ctrl-C stops both.
#
# Env: PORT (default 3000), HOST (default 127.0.0.1), DATABASE_URL, REDIS_URL
#      (defaults: see infra/prepare-machine.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PORT="${PORT:-3000}"
export HOST="${HOST:-127.0.0.1}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/symbiose}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

bash infra/prepare-machine.sh
bash infra/web-build.sh

echo
echo "→ seeding the demo territory (npx tsx infra/demo/seed.ts)"
npx tsx infra/demo/seed.ts

WORKER_PID=""
stop_worker() {
  [ -n "$WORKER_PID" ] || return 0
  if kill -0 "$WORKER_PID" 2>/dev/null; then
    echo "→ stopping the worker (pid $WORKER_PID)"
    # The worker runs in its own process group (setsid): signal the whole group
    # so that tsx's child node process gets it too.
    kill -TERM -- "-$WORKER_PID" 2>/dev/null || kill -TERM "$WORKER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$WORKER_PID" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$WORKER_PID" 2>/dev/null; then
      kill -KILL -- "-$WORKER_PID" 2>/dev/null || kill -KILL "$WORKER_PID" 2>/dev/null || true
    fi
  fi
  WORKER_PID=""
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The worker's JSON logs go to a file, so that the addresses below stay readable.
mkdir -p "$ROOT/test-results"
WORKER_LOG="$ROOT/test-results/demo-worker.log"
echo
echo "→ starting the worker in the background (npx tsx services/worker/src/main.ts), logs in $WORKER_LOG"
if command -v setsid >/dev/null 2>&1; then
  setsid npx tsx services/worker/src/main.ts >>"$WORKER_LOG" 2>&1 &
else
  npx tsx services/worker/src/main.ts >>"$WORKER_LOG" 2>&1 &
fi
WORKER_PID=$!

case "$HOST" in
  0.0.0.0 | '::' | '[::]') URL_HOST=127.0.0.1 ;;
  *:*) URL_HOST="[$HOST]" ;;
  *) URL_HOST="$HOST" ;;
esac
echo
echo "✔ web application: http://${URL_HOST}:${PORT}/app/"
echo "✔ API docs (OpenAPI / Swagger UI): http://${URL_HOST}:${PORT}/docs"
echo "✔ log in with the demo credentials printed by the seed above"
echo "→ starting the API on http://${URL_HOST}:${PORT} (npx tsx services/api/src/main.ts); Ctrl-C stops API and worker"
echo
npx tsx services/api/src/main.ts
