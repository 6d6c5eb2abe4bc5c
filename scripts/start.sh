#!/usr/bin/env bash
# npm start: installs what is missing, starts the sandbox (real Kubernetes API servers with the
# demo pipeline) and the portal (frontend http://localhost:3000, backend http://localhost:7007,
# SQLite files under .data/, so a restart keeps the promotion history) configured against it.
# Ctrl-C stops both. `rm -rf .data` starts from an empty database.
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
# Its databases are SQLite files, one per plugin, in .data/sqlite (git-ignored): the ledger survives.
mkdir -p .data/sqlite
export APP_CONFIG_backend_database_connection="{\"directory\":\"$ROOT/.data/sqlite\"}"
PIPELINES_METRICS_PORT="${PIPELINES_METRICS_PORT:-9464}" yarn dev
