#!/usr/bin/env bash
# npm run bench: the promotion bench, then the read side's cost curve (see bench/README.md).
# Prints the figures per point and writes bench/results/<time>.{json,md,png}. BENCH_CURVE
# (default 0,500,1000,2000,5000) and BENCH_CLUSTERS (default 10) scale it down for a quick run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"
ensure_node_modules
ensure_sandbox_binaries
node --require @backstage/cli-node/config/nodeTransform.cjs bench/promotion.ts
exec node --require @backstage/cli-node/config/nodeTransform.cjs bench/run.ts
