#!/usr/bin/env bash
# Exact dependencies of the four publishable packages, checked with knip (config: knip.json).
#   1. All files (sources, tests, config.d.ts, migrations): dependencies imported but not
#      declared (unlisted), declared but never imported (unused dependencies and
#      devDependencies), imports that do not resolve, binaries of scripts not installed.
#   2. Production files only, counting `dependencies` alone (--production --strict): a
#      package that shipped code imports at run time but that is only a devDependency
#      (consumers would not get it installed). Type-only imports are not counted here.
#   3. The declarations `yarn tsc` emitted (dist-types/; run it first): a package that the
#      published types refer to must be a dependency too — TypeScript writes inferred types
#      as `import("pkg").Type`, which no source file imports (scripts/check-types-deps.js).
# Exits non-zero on any finding; prints `deps: ok` when clean.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"

WORKSPACES=(
  plugins/pipelines
  plugins/pipelines-backend
  plugins/pipelines-common
  plugins/scaffolder-backend-module-pipelines
)
filters=()
for w in "${WORKSPACES[@]}"; do filters+=(--workspace "$w"); done

status=0
yarn knip "${filters[@]}" --dependencies --no-progress --no-config-hints || status=1
yarn knip "${filters[@]}" --production --strict --include unlisted,unresolved --no-progress --no-config-hints || status=1
node scripts/check-types-deps.js "${WORKSPACES[@]}" >/dev/null || status=1

if [ "$status" -ne 0 ]; then
  echo "deps: undeclared, unused or misplaced dependencies (above); fix the package.json files" >&2
  exit 1
fi
echo "deps: ok"
