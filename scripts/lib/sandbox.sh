# Sourced: what the sandbox needs, and running it in the background.

# etcd from Debian, kube-apiserver built once from Debian's kubernetes source package.
ensure_sandbox_binaries() {
  ensure_apt etcd-server || return 1
  bash "$ROOT/packages/sandbox/scripts/build-kube-apiserver.sh" >/dev/null
}

# start_sandbox LOGFILE: `npm run sandbox` in the background, until it prints `sandbox ready`.
start_sandbox() {
  local logfile=$1
  export SANDBOX_FLUX_DELAY_MS=${SANDBOX_FLUX_DELAY_MS:-500}
  start_background SANDBOX_PID "$logfile" "${SANDBOX_START_TIMEOUT:-180}" \
    "grep -q '^sandbox ready' '$logfile' 2>/dev/null" \
    -- yarn workspace @gitops-pipelines/sandbox sandbox
}

stop_sandbox() {
  stop_background "${SANDBOX_PID:-}"
  SANDBOX_PID=
}
