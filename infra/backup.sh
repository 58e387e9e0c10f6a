#!/usr/bin/env bash
# Backup of one Symbiose database: pg_dump custom format (compressed, restorable table by
# table, schema + data + PostGIS objects).
#
# Usage: bash infra/backup.sh <database-url> <output-file.dump>
# Env:   PG_BIN  folder of pg_dump (default: the one on PATH, else /usr/lib/postgresql/15/bin)
set -euo pipefail
URL="${1:?usage: backup.sh <database-url> <output-file.dump>}"
OUT="${2:?usage: backup.sh <database-url> <output-file.dump>}"
PG_DUMP="${PG_BIN:+$PG_BIN/}pg_dump"
command -v "$PG_DUMP" >/dev/null 2>&1 || PG_DUMP=/usr/lib/postgresql/15/bin/pg_dump
# --no-owner/--no-acl: restorable under another role; -Z 6: compressed.
"$PG_DUMP" --format=custom --compress=6 --no-owner --no-acl --file="$OUT" "$URL"
echo "backup written: $OUT ($(du -h "$OUT" | cut -f1))"
