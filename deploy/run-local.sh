#!/usr/bin/env bash
# The reference deployment on one machine (docs/deployment.md): a throwaway PostgreSQL, two `litterhub serve`
# worker processes sharing it and one data directory, and nginx in front. Ctrl-C (or SIGTERM) stops them all.
#
#   deploy/run-local.sh                 # serves http://127.0.0.1:8080/ with an empty hub
#   LITTERHUB_DEPLOY_DEMO=1 deploy/run-local.sh   # loads the bundled demo samples first
#
# Settings: LITTERHUB_DEPLOY_DIR (state, default a fresh temp folder, removed on exit unless given),
# LITTERHUB_DEPLOY_PORT (8080), LITTERHUB_DEPLOY_WORKER_PORTS ("8001 8002"), LITTERHUB_DEPLOY_PG_PORT (55432);
# every other LITTERHUB_* variable reaches the workers unchanged.
# Jobs (litteR runs, upload validation, heavy indicators) run inside the worker processes and are claimed
# atomically in the catalog, so there is no separate job worker to start (services/jobs.py).
# Object storage: with moto's S3 server installed (`moto_server`, the dev extra) the lake and the raw archive go
# to a bucket on it (LITTERHUB_DEPLOY_S3=0: local folders under the data directory instead; docs/object-storage.md).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
PY="${LITTERHUB_PYTHON:-$REPO/.venv/bin/python}"
LH="${LITTERHUB_BIN:-$REPO/.venv/bin/litterhub}"
PORT="${LITTERHUB_DEPLOY_PORT:-8080}"
read -r -a WORKER_PORTS <<<"${LITTERHUB_DEPLOY_WORKER_PORTS:-8001 8002}"
PG_PORT="${LITTERHUB_DEPLOY_PG_PORT:-55432}"
S3_PORT="${LITTERHUB_DEPLOY_S3_PORT:-59000}"
MOTO="${LITTERHUB_MOTO_BIN:-$REPO/.venv/bin/moto_server}"
if [ -x "$MOTO" ]; then S3="${LITTERHUB_DEPLOY_S3:-1}"; else S3=0; fi
PG_BIN="${LITTERHUB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -n "${LITTERHUB_DEPLOY_DIR:-}" ]; then STATE="$LITTERHUB_DEPLOY_DIR"; KEEP=1; else STATE="$(mktemp -d)"; KEEP=0; fi
mkdir -p "$STATE"
command -v nginx >/dev/null || { echo "nginx not found: apt-get install nginx-light" >&2; exit 1; }
[ -x "$PG_BIN/pg_ctl" ] || { echo "PostgreSQL binaries not found: apt-get install postgresql" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, run its commands as the postgres OS user
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

PIDS=()
STOPPING=0
stop() {
  STOPPING=1
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_pg "$PG_BIN/pg_ctl" -D "$STATE/pg" -m fast stop >/dev/null 2>&1 || true
  if [ "$KEEP" = 0 ]; then rm -rf "$STATE"; fi
  echo "stopped"
}
trap stop EXIT INT TERM

echo "state in $STATE"
mkdir -p "$STATE/pg" "$STATE/sock" "$STATE/nginx"
touch "$STATE/pg.log"
if [ "$(id -u)" = 0 ]; then chown postgres: "$STATE/pg" "$STATE/sock" "$STATE/pg.log"; chmod o+x "$STATE"; fi
if [ ! -f "$STATE/pg/PG_VERSION" ]; then
  as_pg "$PG_BIN/initdb" -D "$STATE/pg" -U litterhub -A trust -E UTF8 >/dev/null
fi
as_pg "$PG_BIN/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w \
  -o "-p $PG_PORT -k $STATE/sock -c listen_addresses='' -c max_connections=100" start >/dev/null
"$PG_BIN/psql" -h "$STATE/sock" -p "$PG_PORT" -U litterhub -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='litterhub'" | grep -q 1 \
  || "$PG_BIN/createdb" -h "$STATE/sock" -p "$PG_PORT" -U litterhub litterhub

export LITTERHUB_DATA="$STATE/data"
export LITTERHUB_DATABASE_URL="postgresql+psycopg://litterhub@/litterhub?host=$STATE/sock&port=$PG_PORT"
export LITTERHUB_TRUSTED_PROXIES="${LITTERHUB_TRUSTED_PROXIES:-127.0.0.1}"
# one secret for every worker (cookies, CSRF, API-key hashes); kept with the state so sessions survive a restart
[ -f "$STATE/secret" ] || (umask 077; "$PY" -c "import secrets; print(secrets.token_hex(32))" >"$STATE/secret")
export LITTERHUB_SECRET_KEY="${LITTERHUB_SECRET_KEY:-$(cat "$STATE/secret")}"
if [ "$S3" = 1 ]; then  # moto's standalone S3 server, a bucket, and the AWS_* variables every process reads
  "$MOTO" -H 127.0.0.1 -p "$S3_PORT" >"$STATE/s3.log" 2>&1 &
  PIDS+=($!)
  export AWS_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" AWS_ACCESS_KEY_ID=deploy AWS_SECRET_ACCESS_KEY=deploy
  export AWS_DEFAULT_REGION=us-east-1
  for _ in $(seq 1 60); do curl -fsS "$AWS_ENDPOINT_URL/" >/dev/null 2>&1 && break; sleep 0.5; done
  "$PY" -c "import boto3; boto3.client('s3', endpoint_url='$AWS_ENDPOINT_URL').create_bucket(Bucket='litterhub')"
  export LITTERHUB_LAKE_URL=s3://litterhub/lake LITTERHUB_RAW_URL=s3://litterhub/raw
fi
"$LH" init >/dev/null
if [ "${LITTERHUB_DEPLOY_DEMO:-0}" = 1 ]; then "$LH" demo --no-serve; fi

UPSTREAMS=()
for wport in "${WORKER_PORTS[@]}"; do
  "$LH" serve --host 127.0.0.1 --port "$wport" >"$STATE/worker-$wport.log" 2>&1 &
  PIDS+=($!)
  UPSTREAMS+=(--upstream "127.0.0.1:$wport")
done
for wport in "${WORKER_PORTS[@]}"; do  # the workers answer once the hub is open
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$wport/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
done

"$PY" "$HERE/nginx_conf.py" --listen "127.0.0.1:$PORT" "${UPSTREAMS[@]}" --prefix "$STATE/nginx" >"$STATE/nginx/nginx.conf"
nginx -p "$STATE/nginx" -e "$STATE/nginx/error.log" -c "$STATE/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
echo "litterhub on http://127.0.0.1:$PORT/ (workers ${WORKER_PORTS[*]}, PostgreSQL on $STATE/sock:$PG_PORT$(
  [ "$S3" = 1 ] && echo ", lake and raw archive in s3://litterhub on $AWS_ENDPOINT_URL")); Ctrl-C stops"
wait -n "${PIDS[@]}" || true
if [ "$STOPPING" = 0 ]; then echo "a process of the deployment ended; stopping the rest" >&2; fi
