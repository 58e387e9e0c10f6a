#!/usr/bin/env bash
# Makes this machine ready to run Symbiose: node_modules, PostgreSQL (+PostGIS),
# Redis, the database, and its migrations. Idempotent: run it as often as you
# like; when everything is ready it only checks (a second or so) and changes nothing.
#
# Usage: bash infra/prepare-machine.sh [--no-migrate] [--skip-redis] [--with-chromium]
#   --no-migrate     do not run infra/migrate.ts (tests build their own databases)
#   --skip-redis     do not check/start Redis (used by infra/dbtypes.sh)
#   --with-chromium  install Debian's Chromium when /usr/bin/chromium is missing
#                    (browser tests; used by infra/test.sh, not needed by the demo)
#
# Env:
#   DATABASE_URL  default postgres://postgres@127.0.0.1:5432/symbiose
#   REDIS_URL     default redis://127.0.0.1:6379
#
# Without a local PostgreSQL/Redis you can use Docker instead:
#   docker compose up -d
#   export DATABASE_URL=postgres://symbiose:symbiose@127.0.0.1:5433/symbiose
#   export REDIS_URL=redis://127.0.0.1:6380
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/symbiose}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}"

MIGRATE=1
CHECK_REDIS=1
WITH_CHROMIUM=0
for arg in "$@"; do
  case "$arg" in
    --no-migrate) MIGRATE=0 ;;
    --skip-redis) CHECK_REDIS=0 ;;
    --with-chromium) WITH_CHROMIUM=1 ;;
    -h | --help)
      sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      printf '✘ unknown option: %s (try --help)\n' "$arg" >&2
      exit 1
      ;;
  esac
done

DOCKER_HINT="alternative with Docker: 'docker compose up -d', then export DATABASE_URL=postgres://symbiose:symbiose@127.0.0.1:5433/symbiose REDIS_URL=redis://127.0.0.1:6380 (and TEST_DATABASE_URL=postgres://symbiose:symbiose@127.0.0.1:5433/postgres for tests)"

ok() { printf '✔ %s\n' "$*"; }
act() { printf '→ %s\n' "$*"; }
die() {
  printf '✘ %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# --- URL helpers ----------------------------------------------------------------
# parse_url URL: sets U_SCHEME U_USERINFO U_HOST U_PORT U_PATH U_QUERY
parse_url() {
  local re='^([A-Za-z][A-Za-z0-9+.-]*)://(([^@/]*)@)?(\[[^]]*\]|[^/:?]*)(:([0-9]*))?(/([^?]*))?(\?(.*))?$'
  if [[ $1 =~ $re ]]; then
    U_SCHEME="${BASH_REMATCH[1]}"
    U_USERINFO="${BASH_REMATCH[3]}"
    U_HOST="${BASH_REMATCH[4]}"
    U_PORT="${BASH_REMATCH[6]}"
    U_PATH="${BASH_REMATCH[8]}"
    U_QUERY="${BASH_REMATCH[10]}"
    return 0
  fi
  return 1
}
# url_with_db URL NAME: same URL with the database name replaced.
url_with_db() {
  parse_url "$1" || return 1
  local out="${U_SCHEME}://"
  [ -n "$U_USERINFO" ] && out+="${U_USERINFO}@"
  out+="$U_HOST"
  [ -n "$U_PORT" ] && out+=":${U_PORT}"
  out+="/$2"
  [ -n "$U_QUERY" ] && out+="?${U_QUERY}"
  printf '%s' "$out"
}
# redact URL: hide the password.
redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#'; }
is_local_host() {
  case "$1" in
    '' | localhost | 127.* | ::1 | '[::1]' | /*) return 0 ;;
    *) return 1 ;;
  esac
}

parse_url "$DATABASE_URL" || die "DATABASE_URL is not a URL: $(redact "$DATABASE_URL")"
PG_HOST="${U_HOST:-localhost}"
PG_PORT="${U_PORT:-5432}"
PG_DB="${U_PATH}"
PG_DISPLAY="$PG_HOST:$PG_PORT"
MAINT_URL="$(url_with_db "$DATABASE_URL" postgres)"

# pgq URL SQL: run one statement, print the result unaligned (psql, or node+pg as fallback).
pgq() {
  if have psql; then
    psql -X -w -A -t -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"
  elif [ -d "$ROOT/node_modules/pg" ]; then
    PGQ_URL="$1" PGQ_SQL="$2" node --input-type=module -e '
      import pg from "pg";
      const c = new pg.Client({ connectionString: process.env.PGQ_URL });
      try {
        await c.connect();
        const r = await c.query(process.env.PGQ_SQL);
        for (const row of r.rows ?? []) console.log(Object.values(row).join("|"));
      } catch (e) { console.error(e.message); process.exitCode = 1; } finally { await c.end().catch(() => {}); }'
  else
    echo "neither psql nor node_modules/pg is available" >&2
    return 1
  fi
}
pg_ready() {
  if have pg_isready; then
    pg_isready -q -t 3 -d "$DATABASE_URL" >/dev/null 2>&1
  else
    pgq "$MAINT_URL" 'select 1' >/dev/null 2>&1
  fi
}

# --- (a) Node and node_modules ---------------------------------------------------
have node || die "node is not installed (Node >= 20.19 required)" "install Node 20 LTS (e.g. from nodejs.org or NodeSource), then rerun"
have npm || die "npm is not installed (it ships with Node)"
NODE_VERSION="$(node -p 'process.versions.node')"
if [ "${NODE_VERSION%%.*}" -lt 20 ]; then
  die "Node $NODE_VERSION is too old (>= 20.19 required)"
fi
ok "Node $NODE_VERSION"

if [ ! -d "$ROOT/node_modules" ] || [ ! -f "$ROOT/node_modules/.package-lock.json" ]; then
  act "node_modules missing: running npm ci"
  npm ci --no-audit --no-fund || die "npm ci failed"
  act "dependencies installed (npm ci)"
elif [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  act "package-lock.json changed since the last install: running npm ci"
  npm ci --no-audit --no-fund || die "npm ci failed"
  act "dependencies installed (npm ci)"
else
  ok "node_modules present and up to date with package-lock.json"
fi

# --- (b) PostgreSQL reachable ----------------------------------------------------
if pg_ready; then
  ok "PostgreSQL reachable at $PG_DISPLAY"
else
  if ! is_local_host "$PG_HOST"; then
    die "PostgreSQL not reachable at $PG_DISPLAY (remote host: not started from here)" "$DOCKER_HINT"
  fi
  if ! have pg_lsclusters || ! have pg_ctlcluster; then
    die "PostgreSQL not reachable at $PG_DISPLAY and no local PostgreSQL cluster is installed" \
      "install it: apt-get install -y postgresql postgresql-15-postgis-3" "$DOCKER_HINT"
  fi
  cluster=""
  while read -r ver name port _rest; do
    if [ "$port" = "$PG_PORT" ]; then
      cluster="$ver $name"
      break
    fi
  done < <(pg_lsclusters --no-header 2>/dev/null || true)
  if [ -z "$cluster" ]; then
    die "PostgreSQL not reachable at $PG_DISPLAY and no local cluster listens on port $PG_PORT" \
      "clusters: $(pg_lsclusters --no-header 2>/dev/null | awk '{print $1"/"$2" port "$3" "$4}' | paste -sd ';' -)" "$DOCKER_HINT"
  fi
  read -r ver name <<<"$cluster"
  act "starting PostgreSQL cluster $ver/$name (pg_ctlcluster --skip-systemctl-redirect $ver $name start)"
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start ||
    die "could not start PostgreSQL cluster $ver/$name" "see /var/log/postgresql/postgresql-$ver-$name.log"
  for _ in $(seq 1 30); do
    pg_ready && break
    sleep 1
  done
  pg_ready || die "PostgreSQL cluster $ver/$name started but $PG_DISPLAY is still not reachable after 30 s" \
    "see /var/log/postgresql/postgresql-$ver-$name.log"
  act "PostgreSQL started, reachable at $PG_DISPLAY"
fi

# --- (c) PostGIS available -------------------------------------------------------
postgis_count() { pgq "$MAINT_URL" "select count(*) from pg_available_extensions where name = 'postgis'"; }
if ! count="$(postgis_count 2>&1)"; then
  die "cannot query the maintenance database $(redact "$MAINT_URL"): $count"
fi
if [ "$count" != "0" ]; then
  ok "PostGIS extension available"
else
  version_num="$(pgq "$MAINT_URL" 'show server_version_num')" || die "cannot read server_version_num"
  major=$((version_num / 10000))
  pkg="postgresql-${major}-postgis-3"
  if ! is_root || ! have apt-get || ! is_local_host "$PG_HOST"; then
    why="not root"
    is_root && why="no apt-get"
    is_root && have apt-get && why="server is not local"
    die "PostGIS is missing on the PostgreSQL $major server at $PG_DISPLAY (cannot install it here: $why)" \
      "install the package $pkg on the database server (as root: apt-get install -y $pkg)" "$DOCKER_HINT"
  fi
  candidate() { apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}'; }
  cand="$(candidate)"
  if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
    act "no apt candidate for $pkg: running apt-get update"
    apt-get -o DPkg::Lock::Timeout=300 update -qq || die "apt-get update failed"
    cand="$(candidate)"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
      die "package $pkg is not available from the configured apt sources" \
        "for PostgreSQL $major add the PGDG repository (https://wiki.postgresql.org/wiki/Apt)" "$DOCKER_HINT"
    fi
  fi
  act "installing $pkg (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "$pkg" || die "apt-get install $pkg failed"
  count="$(postgis_count)" || die "cannot query the maintenance database after installing $pkg"
  [ "$count" != "0" ] || die "$pkg installed but PostGIS is still not listed in pg_available_extensions"
  act "PostGIS installed ($pkg $cand)"
fi

# --- (d) Redis reachable ---------------------------------------------------------
if [ "$CHECK_REDIS" = 1 ]; then
  parse_url "$REDIS_URL" || die "REDIS_URL is not a URL: $(redact "$REDIS_URL")"
  R_HOST="${U_HOST:-127.0.0.1}"
  R_HOST="${R_HOST#[}"
  R_HOST="${R_HOST%]}"
  R_PORT="${U_PORT:-6379}"
  redis_ready() {
    if have redis-cli; then
      [ "$(timeout 5 redis-cli --no-auth-warning -u "$REDIS_URL" ping 2>/dev/null)" = "PONG" ]
    else
      # No redis-cli: speak RESP over bash's /dev/tcp. A NOAUTH reply still means "up".
      # shellcheck disable=SC2016 # expanded by the inner bash
      timeout 5 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "PING\r\n" >&3
        IFS= read -r -t 3 reply <&3 || exit 1
        case "$reply" in "+PONG"* | "-NOAUTH"*) exit 0 ;; *) exit 1 ;; esac
      ' "$R_HOST" "$R_PORT" 2>/dev/null
    fi
  }
  if redis_ready; then
    ok "Redis reachable at $R_HOST:$R_PORT"
  else
    if ! is_local_host "$R_HOST"; then
      die "Redis not reachable at $R_HOST:$R_PORT (remote host: not started from here)" "$DOCKER_HINT"
    fi
    if ! have redis-server; then
      die "Redis not reachable at $R_HOST:$R_PORT and redis-server is not installed" \
        "install it: apt-get install -y redis-server" "$DOCKER_HINT"
    fi
    for dir in /var/lib/redis /var/log/redis; do
      if [ ! -d "$dir" ]; then
        act "creating $dir"
        mkdir -p "$dir" || die "cannot create $dir (run as root, or start Redis yourself)"
      fi
    done
    act "starting Redis on port $R_PORT (redis-server --daemonize yes)"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$R_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
      die "redis-server failed to start" "see /var/log/redis/ci.log"
    for _ in $(seq 1 20); do
      redis_ready && break
      sleep 0.5
    done
    redis_ready || die "Redis started but $R_HOST:$R_PORT is still not answering PING after 10 s" "see /var/log/redis/ci.log"
    act "Redis started, reachable at $R_HOST:$R_PORT"
  fi
else
  ok "Redis check skipped (--skip-redis)"
fi

# --- (e) database exists ---------------------------------------------------------
if [ -z "$PG_DB" ]; then
  ok "no database name in DATABASE_URL: nothing to create"
else
  db_lit="'${PG_DB//\'/\'\'}'"
  db_ident="\"${PG_DB//\"/\"\"}\""
  exists="$(pgq "$MAINT_URL" "select count(*) from pg_database where datname = $db_lit")" ||
    die "cannot list databases on $PG_DISPLAY"
  if [ "$exists" != "0" ]; then
    ok "database $PG_DB exists"
  else
    act "creating database $PG_DB"
    pgq "$MAINT_URL" "create database $db_ident" >/dev/null || die "could not create database $PG_DB"
    act "database $PG_DB created"
  fi
fi

# --- (f) migrations and reference data ------------------------------------------
if [ "$MIGRATE" = 0 ]; then
  ok "migrations skipped (--no-migrate)"
else
  [ -f "$ROOT/infra/migrate.ts" ] || die "infra/migrate.ts not found in $ROOT"
  act "applying migrations and reference data (npx tsx infra/migrate.ts) to $(redact "$DATABASE_URL")"
  npx tsx infra/migrate.ts || die "migrations failed (npx tsx infra/migrate.ts)"
  ok "database migrated"
fi

# --- (g) Chromium for the browser tests (opt-in) ------------------------------------
CHROMIUM_BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ "$WITH_CHROMIUM" = 1 ]; then
  if [ -x "$CHROMIUM_BIN" ]; then
    ok "Chromium present ($CHROMIUM_BIN)"
  else
    if ! is_root || ! have apt-get; then
      die "Chromium is missing at $CHROMIUM_BIN (browser tests need it) and cannot be installed here ($(is_root && echo 'no apt-get' || echo 'not root'))" \
        "install Debian's package as root: apt-get install -y chromium (or set CHROMIUM_PATH)"
    fi
    ccand() { apt-cache policy chromium 2>/dev/null | awk '/Candidate:/ {print $2}'; }
    cand="$(ccand)"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
      act "no apt candidate for chromium: running apt-get update"
      apt-get update -qq || die "apt-get update failed"
    fi
    act "installing chromium (apt-get install -y chromium), for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null ||
      die "apt-get install chromium failed"
    [ -x "$CHROMIUM_BIN" ] || die "chromium installed but $CHROMIUM_BIN is still missing"
    act "Chromium installed ($("$CHROMIUM_BIN" --version 2>/dev/null || echo "$CHROMIUM_BIN"))"
  fi
fi

ok "machine ready"
