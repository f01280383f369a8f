#!/usr/bin/env bash
# pg_ctl for tests: PostgreSQL refuses to run as root, and CI runs as root. As root, hand the data
# directory, log file and socket directory to the `postgres` OS user and run pg_ctl as that user.
set -euo pipefail
PG_BIN="${LITTERHUB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ "$(id -u)" != "0" ]; then exec "$PG_BIN/pg_ctl" "$@"; fi
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    -D | --pgdata) datadir="${args[$((i + 1))]}" ;;
    --pgdata=*) datadir="${args[$i]#--pgdata=}" ;;
    -l) logfile="${args[$((i + 1))]}" ;;
    -o) opts="${args[$((i + 1))]}" ;;
  esac
done
open_parents() { local d; d="$(dirname "$1")"; while [ "$d" != "/" ]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done; }
if [ -n "${datadir:-}" ]; then
  mkdir -p "$datadir"; chown -R postgres: "$datadir"; chmod 700 "$datadir"; open_parents "$datadir"
fi
if [ -n "${logfile:-}" ]; then
  touch "$logfile"; chown postgres: "$logfile"; open_parents "$logfile"
fi
# socket directory given as -k <dir> inside -o "..."
if [ -n "${opts:-}" ]; then
  sock="$(sed -n "s/.*-k \([^ ']*\).*/\1/p" <<<"$opts" | tr -d '"')"
  if [ -n "$sock" ] && [ -d "$sock" ]; then chown postgres: "$sock"; chmod 1777 "$sock"; open_parents "$sock"; fi
fi
cd /
exec runuser -u postgres -- "$PG_BIN/pg_ctl" "$@"
