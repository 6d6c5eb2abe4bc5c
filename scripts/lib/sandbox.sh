# Sourced: what the sandbox needs, and running it in the background.

# etcd from Debian, kube-apiserver built once from Debian's kubernetes source package.
ensure_sandbox_binaries() {
  ensure_apt etcd-server || return 1
  bash "$ROOT/packages/sandbox/scripts/build-kube-apiserver.sh" >/dev/null
}

# start_sandbox LOGFILE: starts `npm run sandbox` in the background, waits for `sandbox ready`.
start_sandbox() {
  local logfile=$1 deadline
  (cd "$ROOT" && SANDBOX_FLUX_DELAY_MS=${SANDBOX_FLUX_DELAY_MS:-500} exec setsid yarn workspace @gitops-pipelines/sandbox sandbox) >"$logfile" 2>&1 &
  SANDBOX_PID=$!
  deadline=$((SECONDS + ${SANDBOX_START_TIMEOUT:-180}))
  until grep -q '^sandbox ready' "$logfile" 2>/dev/null; do
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      log "the sandbox did not start; last lines of $logfile:"
      tail -n 40 "$logfile" >&2
      return 1
    fi
    sleep 1
  done
}

stop_sandbox() {
  if [ -n "${SANDBOX_PID:-}" ]; then
    kill -TERM -- "-$SANDBOX_PID" 2>/dev/null || kill -TERM "$SANDBOX_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$SANDBOX_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$SANDBOX_PID" 2>/dev/null || true
    SANDBOX_PID=
  fi
}
