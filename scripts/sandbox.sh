#!/usr/bin/env bash
# npm run sandbox: real kube-apiservers (management :6443, dev :6444, prod :6445), the Flux
# stand-in and the demo pipeline, on 127.0.0.1. Prints `sandbox ready`; Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"
ensure_node_modules
ensure_sandbox_binaries
exec yarn workspace @gitops-pipelines/sandbox sandbox
