#!/usr/bin/env bash
# npm start: installs what is missing, then starts the demo portal
# (frontend http://localhost:3000, backend http://localhost:7007, SQLite in memory).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"
ensure_node_modules
log "starting Backstage: http://localhost:3000 (sign in as guest), backend http://localhost:7007"
exec yarn dev
