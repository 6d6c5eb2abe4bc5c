# Sourced: long-running helpers (the sandbox, the app) in their own process group.

# start_background VAR LOGFILE TIMEOUT READY-COMMAND -- COMMAND...
# Starts COMMAND with setsid, logging to LOGFILE, stores its pid in VAR, and polls
# READY-COMMAND (a shell snippet) until it succeeds; fails with the log's tail when the
# process dies or TIMEOUT seconds pass.
start_background() {
  local var=$1 logfile=$2 timeout=$3 ready=$4
  shift 5
  (cd "$ROOT" && exec setsid "$@") >"$logfile" 2>&1 &
  local pid=$!
  printf -v "$var" '%s' "$pid"
  local deadline=$((SECONDS + timeout))
  until eval "$ready"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      log "$* did not start; last lines of $logfile:"
      tail -n 40 "$logfile" >&2
      return 1
    fi
    sleep 1
  done
}

# stop_background PID: SIGTERM to its process group, SIGKILL after 10 s.
stop_background() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
