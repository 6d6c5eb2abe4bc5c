#!/usr/bin/env bash
# npm test: installs what is missing, then type-checks, lints and runs every test
# (unit and integration on SQLite and PostgreSQL 15, browser end-to-end in Chromium).
# The last line is `N passed, N failed`.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/scripts/lib/app.sh"
source "$ROOT/scripts/lib/background.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"

results=$ROOT/test-results
rm -rf "$results" && mkdir -p "$results"
steps=$results/steps.txt
: >"$steps"
step() { # step NAME COMMAND... : runs a check, records ok/failed
  local name=$1; shift
  log "$name"
  local start=$SECONDS
  if "$@"; then echo "ok $name" >>"$steps"; else echo "failed $name" >>"$steps"; fi
  log "$name took $((SECONDS - start)) s"
}
cleanup() { stop_app; stop_sandbox; stop_postgres; }
trap cleanup EXIT

ensure_apt chromium postgresql curl || exit 1
ensure_node_modules || exit 1
log "sandbox binaries (kube-apiserver is built once from Debian sources, ~4 min)"
ensure_sandbox_binaries || exit 1

# The OpenAPI document and what is generated from it agree (router spec, client types).
step openapi node scripts/openapi.mjs verify
step type-check yarn tsc
# Formatting is prettier's (the repo's config, .prettierignore for generated files).
step prettier yarn prettier --check .
# After tsc: the declarations it writes to dist-types/ are checked for undeclared packages too.
step dependencies bash scripts/check-deps.sh
step readme-config node scripts/check-readme-config.js
step lint yarn backstage-cli repo lint

start_postgres || exit 1
log "unit and integration tests (jest; SQLite and PostgreSQL 15)"
CI=true BACKSTAGE_TEST_DISABLE_DOCKER=1 PIPELINES_REQUIRE_POSTGRES=1 \
  BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$PG_URL" \
  yarn backstage-cli repo test --json --outputFile="$results/jest.json"
stop_postgres

log "chaos: two backend replicas on one PostgreSQL, crashes and faults, a 30 s soak (npm run chaos)"
CHAOS_SOAK_S=${CHAOS_SOAK_S:-30} CHAOS_RESULTS="$results/chaos.json" bash scripts/chaos.sh

# The attack suite (docs/SECURITY.md): its own sandbox and backend on port 7401, stopped before e2e.
export SECURITY_RESULTS="$results/security.json"
step security bash scripts/security.sh

log "end-to-end tests (Playwright, Debian Chromium) against the sandbox"
mkdir -p .sandbox
if start_sandbox "$results/sandbox.log" && start_app "$results/app.log"; then
  CI=true yarn playwright test --config e2e/playwright.config.ts
else
  echo "failed e2e-app-start" >>"$steps"
fi
stop_app
stop_sandbox

# A stock Backstage app installs the four packages by their READMEs and shows the tab (npm run
# verify:install, 4–6 min). After the e2e section: it starts its own sandbox and app on the same ports.
step verify-install bash scripts/verify-install.sh

node scripts/lib/summary.js "$results/jest.json" "$results/e2e.json" "$steps" "$results/chaos.json" "$results/security.json"
