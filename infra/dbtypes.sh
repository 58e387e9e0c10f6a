#!/usr/bin/env bash
# Kysely table types generated from the real schema (migrations/ applied to a
# scratch database), kept in shared/db/types.generated.ts.
#
# Usage: bash infra/dbtypes.sh write   # regenerate shared/db/types.generated.ts
#        bash infra/dbtypes.sh check   # fail if the committed file is out of date
# Env:   TEST_DATABASE_URL  maintenance database used to create/drop the scratch
#                           database (default postgres://postgres@127.0.0.1:5432/postgres)
#
# Type choices follow the pg type parsers set in services/core/src/db/database.ts:
#   int8 -> number (parser: Number), date -> string (parser: identity),
#   numeric -> string (pg default). PostGIS geometry/geography -> string (what
#   node-postgres returns: hex EWKB); write them with sql`ST_GeomFromGeoJSON(...)`
#   and read them with sql`ST_AsGeoJSON(...)`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MODE="${1:-}"
case "$MODE" in
  write | check) ;;
  *)
    echo "usage: bash infra/dbtypes.sh write|check" >&2
    exit 2
    ;;
esac

TARGET="shared/db/types.generated.ts"
MAINT_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}"
SCRATCH_DB="symbiose_dbtypes_$$"

re='^([A-Za-z][A-Za-z0-9+.-]*://[^/?]*)(/[^?]*)?(\?.*)?$'
if ! [[ $MAINT_URL =~ $re ]]; then
  echo "✘ TEST_DATABASE_URL is not a URL" >&2
  exit 1
fi
SCRATCH_URL="${BASH_REMATCH[1]}/${SCRATCH_DB}${BASH_REMATCH[3]}"

# Make sure PostgreSQL (with PostGIS) is up; Redis is not needed here.
if ! prep_out="$(DATABASE_URL="$MAINT_URL" bash infra/prepare-machine.sh --no-migrate --skip-redis 2>&1)"; then
  printf '%s\n' "$prep_out" >&2
  exit 1
fi

psqlm() { psql -X -w -q -v ON_ERROR_STOP=1 -d "$MAINT_URL" "$@"; }

TMPDIR_DBTYPES="$(mktemp -d)"
cleanup() {
  psqlm -c "DROP DATABASE IF EXISTS \"$SCRATCH_DB\" WITH (FORCE)" >/dev/null 2>&1 ||
    echo "! could not drop scratch database $SCRATCH_DB" >&2
  rm -rf "$TMPDIR_DBTYPES"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

psqlm -c "CREATE DATABASE \"$SCRATCH_DB\"" >/dev/null

# Schema only: reference data does not change the types.
if ! mig_out="$(DATABASE_URL="$SCRATCH_URL" npx tsx infra/migrate.ts --no-reference-data 2>&1)"; then
  printf '%s\n' "$mig_out" >&2
  echo "✘ migrations failed on the scratch database $SCRATCH_DB" >&2
  exit 1
fi

RAW="$TMPDIR_DBTYPES/raw.ts"
OUT="$TMPDIR_DBTYPES/types.generated.ts"
# --exclude-pattern is a micromatch glob on table names: PostGIS's own tables/views
# and postgrator's version table.
if ! gen_out="$(npx kysely-codegen --dialect postgres --url "$SCRATCH_URL" --out-file "$RAW" \
  --exclude-pattern '@(spatial_ref_sys|geography_columns|geometry_columns|raster_columns|raster_overviews|schemaversion)' \
  --date-parser string \
  --type-mapping '{"int8":"number","geometry":"string","geography":"string"}' \
  --log-level warn 2>&1)"; then
  printf '%s\n' "$gen_out" >&2
  echo "✘ kysely-codegen failed" >&2
  exit 1
fi
[ -s "$RAW" ] || {
  printf '%s\n' "$gen_out" >&2
  echo "✘ kysely-codegen produced no output" >&2
  exit 1
}
# Format with the repository's prettier config so that format:check agrees.
npx prettier --stdin-filepath "$TARGET" <"$RAW" >"$OUT"

if [ "$MODE" = write ]; then
  mkdir -p "$(dirname "$TARGET")"
  if [ -f "$TARGET" ] && cmp -s "$OUT" "$TARGET"; then
    echo "✔ $TARGET is up to date"
  else
    cp "$OUT" "$TARGET"
    echo "→ wrote $TARGET"
  fi
else
  if [ ! -f "$TARGET" ]; then
    echo "✘ DB types drift: $TARGET is missing; run npm run dbtypes:write" >&2
    exit 1
  fi
  if ! diff -u --label "$TARGET (committed)" --label "$TARGET (from migrations)" "$TARGET" "$OUT"; then
    echo "✘ DB types drift: run npm run dbtypes:write" >&2
    exit 1
  fi
  echo "✔ $TARGET matches migrations/"
fi
