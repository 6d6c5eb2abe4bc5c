#!/usr/bin/env bash
# npm run chaos: the fault suite (chaos/README.md). Starts a throwaway PostgreSQL, the sandbox
# and two backend replicas of the demo app, runs every scenario and ends with
# `chaos: N scenarios, N passed`. CHAOS_RESULTS=<file> also writes the results as JSON.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"
ensure_apt postgresql
ensure_node_modules
ensure_sandbox_binaries
trap stop_postgres EXIT
PGPORT=${CHAOS_PGPORT:-54429} start_postgres
export PG_BIN PG_DIR
node --require @backstage/cli-node/config/nodeTransform.cjs chaos/run.ts
