# Sourced: start_app starts the demo (frontend :3000, backend :7007) in the background,
# logging to $1, and waits until both answer; stop_app stops it and its children.
start_app() {
  local logfile=$1 deadline
  (cd "$ROOT" && exec setsid yarn dev) >"$logfile" 2>&1 &
  APP_PID=$!
  deadline=$((SECONDS + ${APP_START_TIMEOUT:-300}))
  until curl -fsS -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/readiness 2>/dev/null &&
    curl -fsS -o /dev/null http://127.0.0.1:3000 2>/dev/null; do
    if ! kill -0 "$APP_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      log "the app did not start; last lines of $logfile:"
      tail -n 40 "$logfile" >&2
      return 1
    fi
    sleep 2
  done
}

stop_app() {
  if [ -n "${APP_PID:-}" ]; then
    kill -TERM -- "-$APP_PID" 2>/dev/null || kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$APP_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$APP_PID" 2>/dev/null || true
    APP_PID=
  fi
}
