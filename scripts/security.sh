#!/usr/bin/env bash
# npm run security: the attack suite (docs/SECURITY.md). Starts the sandbox, hostile listeners and
# one backend of the demo app (port ${SECURITY_PORT:-7401}, SQLite) on 127.0.0.1, runs every attack
# and ends with `security: N attacks, N refused` (exit 1 if any is not refused).
# SECURITY_RESULTS=<file> also writes the rows as JSON; SECURITY_ONLY=<text,…> runs a subset.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"
ensure_node_modules
ensure_sandbox_binaries
node --require @backstage/cli-node/config/nodeTransform.cjs security/run.ts
