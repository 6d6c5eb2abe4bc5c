#!/usr/bin/env bash
# npm run bench: the read-side benchmark (see bench/README.md). Prints a table and writes
# bench/results/<time>.json. BENCH_PIPELINES (default 1000) and BENCH_CLUSTERS (default 10)
# scale it down for a quick run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"
ensure_node_modules
ensure_sandbox_binaries
node --require @backstage/cli-node/config/nodeTransform.cjs bench/promotion.ts
exec node --require @backstage/cli-node/config/nodeTransform.cjs bench/run.ts
