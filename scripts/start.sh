#!/usr/bin/env bash
# npm start: installs what is missing, starts the sandbox (real Kubernetes API servers with the
# demo pipeline) and the portal (frontend http://localhost:3000, backend http://localhost:7007,
# SQLite in memory) configured against it. Ctrl-C stops both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/background.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"
ensure_node_modules
ensure_sandbox_binaries
mkdir -p .sandbox
trap stop_sandbox EXIT
log "starting the sandbox (log: .sandbox/sandbox.log)"
start_sandbox .sandbox/sandbox.log
log "starting Backstage: http://localhost:3000 (sign in as guest), backend http://localhost:7007"
# The backend exposes its OpenTelemetry metrics for Prometheus at http://127.0.0.1:9464/metrics.
PIPELINES_METRICS_PORT="${PIPELINES_METRICS_PORT:-9464}" yarn dev
