#!/usr/bin/env bash
# Builds the web application (web/ → web/dist) when it is missing or older than its
# sources (web/, shared/, package-lock.json); otherwise says it is up to date.
# Idempotent. Used by infra/demo.sh and infra/test.sh; `npm run web:build` forces it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAMP="web/dist/index.html"
if [ ! -f "$STAMP" ]; then
  reason="web/dist is missing"
else
  newer="$(find web shared package-lock.json -newer "$STAMP" -type f -not -path 'web/dist/*' -print -quit)"
  if [ -n "$newer" ]; then
    reason="$newer changed since the last build"
  else
    printf '✔ web application up to date (web/dist)\n'
    exit 0
  fi
fi
printf '→ building the web application (%s): npm run web:build\n' "$reason"
npx vite build --config web/vite.config.ts --logLevel warn
printf '✔ web application built into web/dist\n'
