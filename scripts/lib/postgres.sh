# Sourced: start_postgres starts a throwaway PostgreSQL on 127.0.0.1 and exports
# PG_URL; stop_postgres removes it. Needs the Debian postgresql package and root.
start_postgres() {
  local bin port dir
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { log "PostgreSQL is not installed"; return 1; }
  port=${PGPORT:-54329}
  while ss -ltn | grep -q ":$port\b"; do port=$((port + 1)); done
  dir=$(mktemp -d /tmp/pipelines-pg.XXXXXX)
  chown postgres:postgres "$dir"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null ||
    { log "PostgreSQL: initdb failed"; return 1; }
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -s start -o \
    "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" ||
    { log "PostgreSQL did not start: $(tail -n 5 "$dir/log" 2>/dev/null)"; return 1; }
  PG_DIR=$dir
  PG_BIN=$bin
  PG_URL="postgresql://postgres:postgres@127.0.0.1:$port/postgres"
  export PG_URL
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=
  fi
}
