#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, on a Unix socket in a temporary directory.
#   eval "$(.ci/postgres.sh start)"   → exports TEST_DATABASE_URL and CHART_CHAT_PG_DIR
#   .ci/postgres.sh stop "$CHART_CHAT_PG_DIR"
# Installs Debian's postgresql when it is missing. Root cannot run the server: it runs as `postgres`.
set -euo pipefail
cmd=${1:-}
bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    if [ -z "$(bindir)" ]; then
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    fi
    bin=$(bindir)
    dir=$(mktemp -d /tmp/chart-chat-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" start >&2
    echo "export CHART_CHAT_PG_DIR='$dir'"
    echo "export TEST_DATABASE_URL='postgresql:///postgres?host=$dir&user=postgres'"
    ;;
  stop)
    dir=${2:?usage: postgres.sh stop DIR}
    bin=$(bindir)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
