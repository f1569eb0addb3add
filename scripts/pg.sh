#!/usr/bin/env bash
# Start a throwaway PostgreSQL on 127.0.0.1 for the tests, in a temporary
# folder, on a free port; it is stopped and removed when the caller exits.
# Sourced by scripts/test.sh; exports TACTFUL_TEST_PG_URL.

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

start_test_postgres() {
  local bin
  if ! bin=$(pg_bin); then
    echo "installing PostgreSQL (apt-get install postgresql)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(pg_bin) || { echo "PostgreSQL server binaries not found after install" >&2; return 1; }
  fi
  PG_DIR=$(mktemp -d /tmp/tactful-pg.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
  # initdb refuses to run as root: run the server as the `postgres` user when we are root.
  local run=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_CTL=("${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data")
  trap stop_test_postgres EXIT
  export TACTFUL_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL for tests: $TACTFUL_TEST_PG_URL"
}

stop_test_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    "${PG_CTL[@]}" stop -m fast >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

# A fresh, empty database on the test server, for a tool run from this
# script (the Rust tests make their own); prints its URL.
test_pg_database() {
  local name=$1 bin hostport
  bin=$(pg_bin)
  hostport=${TACTFUL_TEST_PG_URL#postgres://postgres@}
  hostport=${hostport%%/*}
  "$bin/dropdb" --if-exists -h "${hostport%:*}" -p "${hostport#*:}" -U postgres "$name" >/dev/null 2>&1 || true
  "$bin/createdb" -h "${hostport%:*}" -p "${hostport#*:}" -U postgres "$name" >&2
  echo "postgres://postgres@$hostport/$name"
}
