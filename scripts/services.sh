#!/usr/bin/env bash
# PostgreSQL and Redis on this machine, for the test suite and the benchmarks.
#
#   eval "$(scripts/services.sh)"
#
# Installs postgresql and redis-server with apt if they are missing, starts them bound to
# 127.0.0.1, makes the role `wegweiser` (password `wegweiser`, CREATEDB) and the databases
# `wegweiser_test` and `rasa_test`, waits until both servers accept connections and prints
# `export …` lines on stdout. Everything a person reads goes to stderr. Idempotent: with
# everything in place it changes nothing and finishes in well under a second.
#
# Debian/Ubuntu, as root (CI and dev machines are root; otherwise it re-runs itself with sudo).
# The test databases are throwaway: tests/api drops and recreates their `public` schema.
set -euo pipefail

PG_ROLE=wegweiser
PG_PASSWORD=wegweiser
PG_DATABASES=(wegweiser_test rasa_test)
REDIS_PORT=6379
WAIT_SECONDS=30

log() { printf 'services: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "run as root (apt-get, pg_ctlcluster)"
    exec sudo -n -E bash "$0" "$@"
fi

# Two callers at once (parallel CI steps, two shells) must not race on apt or initdb.
# The daemons started below get `9>&-`: a server that inherited the lock would hold it forever.
exec 9>/tmp/wegweiser-services.lock
flock -w 600 9 || die "another scripts/services.sh did not finish within 10 minutes"

# --- install what is missing (one apt-get update, only when something is missing) -----
missing=()
command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null \
    || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
if ((${#missing[@]})); then
    log "installing ${missing[*]} with apt"
    export DEBIAN_FRONTEND=noninteractive
    # Wait for another apt/dpkg on the machine instead of failing on its lock.
    apt=(apt-get -qq -o DPkg::Lock::Timeout=600)
    "${apt[@]}" update >&2
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2
fi

# --- PostgreSQL -------------------------------------------------------------------------
# The cluster on port 5432 if there is one, else the first one, else a new one.
cluster=$(pg_lsclusters -h | awk '$3 == 5432 {print $1, $2, $3, $4; exit}')
[[ -n $cluster ]] || cluster=$(pg_lsclusters -h | awk 'NR == 1 {print $1, $2, $3, $4}')
if [[ -z $cluster ]]; then
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)
    log "creating PostgreSQL $version cluster main"
    pg_createcluster --port 5432 "$version" main >&2
    cluster=$(pg_lsclusters -h | awk '$2 == "main" {print $1, $2, $3, $4; exit}')
fi
read -r pg_version pg_cluster pg_port pg_status <<<"$cluster"

conf_dir=/etc/postgresql/$pg_version/$pg_cluster/conf.d
if [[ -d $conf_dir && ! -f $conf_dir/wegweiser.conf ]]; then
    # Loopback only; applies from the next start (a running server is left alone).
    printf "# written by wegweiser scripts/services.sh\nlisten_addresses = '127.0.0.1'\n" \
        >"$conf_dir/wegweiser.conf"
fi
if [[ $pg_status != online ]]; then
    log "starting PostgreSQL $pg_version/$pg_cluster on 127.0.0.1:$pg_port"
    pg_ctlcluster "$pg_version" "$pg_cluster" start >&2 9>&-
fi

pg_up=0
for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
    if pg_isready -q -h 127.0.0.1 -p "$pg_port"; then pg_up=1; break; fi
    sleep 0.2
done
((pg_up)) || die "PostgreSQL does not accept connections on 127.0.0.1:$pg_port after ${WAIT_SECONDS}s"

# Role and databases in one psql call as the postgres superuser (peer authentication).
# CREATE DATABASE cannot run inside a DO block, hence \gexec.
{
    cat <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$PG_ROLE', '$PG_PASSWORD')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') \\gexec
SQL
    for db in "${PG_DATABASES[@]}"; do
        cat <<SQL
SELECT format('CREATE DATABASE %I OWNER %I', '$db', '$PG_ROLE')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \\gexec
SQL
    done
} | runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d postgres >&2 \
    || die "could not create the role or the databases"

# --- Redis ------------------------------------------------------------------------------
redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
if ! redis_ping; then
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p /var/lib/redis /var/log/redis
    # A lock store and test cache: no snapshots, nothing written to disk.
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
        --save '' --appendonly no --dir /var/lib/redis \
        --logfile /var/log/redis/wegweiser-redis.log >&2 9>&-
fi
redis_up=0
for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
    if redis_ping; then redis_up=1; break; fi
    sleep 0.2
done
((redis_up)) || die "Redis does not answer on 127.0.0.1:$REDIS_PORT after ${WAIT_SECONDS}s"

# --- the role can log in over TCP to every database -----------------------------------
for db in "${PG_DATABASES[@]}"; do
    PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 psql -X -q -At -h 127.0.0.1 -p "$pg_port" -U "$PG_ROLE" \
        -d "$db" -c 'SELECT 1' >/dev/null \
        || die "role $PG_ROLE cannot connect to $db on 127.0.0.1:$pg_port (password or pg_hba.conf?)"
done

log "PostgreSQL 127.0.0.1:$pg_port (${PG_DATABASES[*]}) and Redis 127.0.0.1:$REDIS_PORT are ready"
echo "export WEGWEISER_TEST_DATABASE_URL=postgresql+psycopg://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$pg_port/wegweiser_test"
echo "export WEGWEISER_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
