#!/usr/bin/env bash
# Restores a backup made by infra/backup.sh into a NEW, empty database (never over a live one).
#
# Usage: bash infra/restore.sh <backup-file.dump> <maintenance-url> <new-database-name>
#   maintenance-url: any database of the target server, e.g. postgres://postgres@host:5432/postgres
# Env:   PG_BIN  folder of pg_restore (default: the one on PATH, else /usr/lib/postgresql/15/bin)
set -euo pipefail
FILE="${1:?usage: restore.sh <backup-file.dump> <maintenance-url> <new-database-name>}"
MAINT="${2:?usage: restore.sh <backup-file.dump> <maintenance-url> <new-database-name>}"
NAME="${3:?usage: restore.sh <backup-file.dump> <maintenance-url> <new-database-name>}"
[[ "$NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "invalid database name: $NAME" >&2; exit 2; }
BIN="${PG_BIN:-}"
PG_RESTORE="${BIN:+$BIN/}pg_restore"
PSQL="${BIN:+$BIN/}psql"
command -v "$PG_RESTORE" >/dev/null 2>&1 || { PG_RESTORE=/usr/lib/postgresql/15/bin/pg_restore; PSQL=/usr/lib/postgresql/15/bin/psql; }
"$PSQL" "$MAINT" -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $NAME"
TARGET="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$MAINT" "$NAME")"
# One transaction: the restore lands whole or not at all.
"$PG_RESTORE" --no-owner --no-acl --exit-on-error --single-transaction --dbname="$TARGET" "$FILE"
echo "restored into $NAME"
