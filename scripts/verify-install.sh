#!/usr/bin/env bash
# npm run verify:install: proves that a new user can install our four packages into a stock
# Backstage app by following the READMEs, and nothing else:
#   1. builds and packs the packages (as `npm publish` would);
#   2. creates a stock app from @backstage/create-app's template (scripts/verify-install/create-app.sh);
#   3. runs the READMEs' `yarn add` lines (a local registry serves the tarballs, since the packages
#      are not on npm) and applies the READMEs' TypeScript and YAML snippets — the fenced blocks
#      marked `<!-- verify-install: ID -->` — pointing the config at the sandbox;
#   4. type-checks the app, starts it against the sandbox, checks the REST API and, in Chromium,
#      the entity's Pipeline tab;
#   5. prints the lines added to the stock app and `verify-install: ok`.
# Logs: test-results/verify-install/ (VERIFY_INSTALL_LOGS). The app is built under /tmp and removed
# at the end; VERIFY_INSTALL_KEEP=1 keeps it.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$ROOT/scripts/lib/background.sh"
source "$ROOT/scripts/lib/sandbox.sh"
cd "$ROOT"

HELPER=$ROOT/scripts/verify-install/helper.js
PACKAGES=(pipelines-common pipelines pipelines-backend scaffolder-backend-module-pipelines)
# What the run needs free: the app (3000, 7007) and the sandbox (its API servers, forge, receiver).
PORTS=(3000 7007 6443 6444 6445 6480 6481)
LOGS=${VERIFY_INSTALL_LOGS:-$ROOT/test-results/verify-install}
rm -rf "$LOGS" && mkdir -p "$LOGS"
LOG=$LOGS/verify-install.log
: >"$LOG"
WORK=$(mktemp -d /tmp/verify-install.XXXXXX)
APP=$WORK/app
PACKS=$WORK/packs
touch "$WORK/.started"
CREATED_DIST=()
TIMES=()

remove_created_dist() {
  for d in "${CREATED_DIST[@]}"; do rm -rf "$d"; done
  CREATED_DIST=()
}
cleanup() {
  stop_background "${APP_PID:-}"
  stop_sandbox
  stop_background "${REGISTRY_PID:-}"
  remove_created_dist
  # Our tarballs went into the shared Yarn cache with the install; they are throwaway builds.
  [ -n "${CACHE_DIR:-}" ] && find "$CACHE_DIR" -maxdepth 1 -name '@gitops-pipelines-*' -newer "$WORK/.started" -delete 2>/dev/null
  if [ -n "${VERIFY_INSTALL_KEEP:-}" ]; then log "the stock app is kept in $APP"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
  log "verify-install: FAILED: $*"
  tail -n 25 "$LOG" >&2
  log "verify-install: FAILED: $* — full log: $LOG (other logs and screenshots in $LOGS)"
  exit 1
}

# step TITLE COMMAND...: runs COMMAND with its output in the log, timed; stops at the first failure.
step() {
  local title=$1 start=$SECONDS
  shift
  log "$title"
  printf '\n===== %s (%s)\n' "$title" "$(date +%T)" >>"$LOG"
  "$@" >>"$LOG" 2>&1 || fail "$title"
  TIMES+=("$(printf '%5d s  %s' $((SECONDS - start)) "$title")")
}

# ---- the steps ----------------------------------------------------------------------------------

preflight() {
  local busy=() port
  # A few seconds' grace: in `npm test`, the e2e section's app and sandbox are just stopping.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    busy=()
    for port in "${PORTS[@]}"; do
      [ -n "$(ss -ltnH "sport = :$port")" ] && busy+=("$port")
    done
    [ ${#busy[@]} -eq 0 ] && break
    sleep 2
  done
  if [ ${#busy[@]} -gt 0 ]; then
    echo "port(s) ${busy[*]} already in use (\`ss -ltnp\` shows by whom): stop \`npm start\`, \`npm run sandbox\` or whatever listens there" >&2
    return 1
  fi
  ensure_apt chromium git curl || return 1
  ensure_node_modules || return 1
  ensure_sandbox_binaries || return 1
  # The app's installs use this repository's Yarn cache (a warm cache makes them minutes shorter).
  CACHE_DIR=$(yarn config get cacheFolder) || return 1
  if [ "$(yarn config get enableGlobalCache)" = true ]; then
    CACHE_ENV=(YARN_ENABLE_GLOBAL_CACHE=true "YARN_GLOBAL_FOLDER=$(yarn config get globalFolder)")
  else
    CACHE_ENV=(YARN_ENABLE_GLOBAL_CACHE=false "YARN_CACHE_FOLDER=$CACHE_DIR")
  fi
  echo "yarn cache: $CACHE_DIR (${CACHE_ENV[*]})"
}

pack_packages() {
  local TIMEFORMAT='(took %0R s)'
  # The declarations the builds bundle come from the root `tsc` (dist-types/).
  time yarn tsc || return 1
  mkdir -p "$PACKS"
  for p in "${PACKAGES[@]}"; do
    [ -d "plugins/$p/dist" ] || CREATED_DIST+=("$ROOT/plugins/$p/dist")
    # `yarn pack` runs prepack (check-packed-build.js, then backstage-cli's manifest rewrite)
    # and turns `workspace:^` into the version, as publishing does.
    (cd "plugins/$p" && time yarn backstage-cli package build && time yarn pack --out "$PACKS/$p.tgz") || return 1
  done
  remove_created_dist
  ls -l "$PACKS"
}

# better-sqlite3 compiles SQLite from source (~2 min on 2 cores) when it cannot download its
# prebuilt binary from GitHub, which is what a user online gets. prebuild-install takes it from a
# local-prebuilds folder instead: we keep there the binary this repository (or the last run) built.
PREBUILDS=${XDG_CACHE_HOME:-$HOME/.cache}/gitops-pipelines/prebuilds
save_prebuilt_sqlite() { # save_prebuilt_sqlite PACKAGE_DIR
  local dir=$1 name
  [ -f "$dir/build/Release/better_sqlite3.node" ] || return 0
  name=$(cd "$dir" && node -p '`better-sqlite3-v${require("./package.json").version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`')
  [ -f "$PREBUILDS/$name" ] && return 0
  mkdir -p "$PREBUILDS" && tar -czf "$PREBUILDS/$name" -C "$dir" build/Release/better_sqlite3.node
}

install_packages() {
  save_prebuilt_sqlite "$ROOT/node_modules/better-sqlite3" || return 1
  start_background REGISTRY_PID "$LOGS/registry.log" 30 "[ -s '$WORK/registry.port' ]" \
    -- node "$HELPER" registry "$PACKS" "$WORK/registry.port" || return 1
  # Outside the app (Yarn reads the .yarnrc.yml of every parent folder), so the app stays stock:
  # the @gitops-pipelines scope comes from the local registry, as it would from npm once published.
  cat >"$WORK/.yarnrc.yml" <<EOF
npmScopes:
  gitops-pipelines:
    npmRegistryServer: "http://127.0.0.1:$(cat "$WORK/registry.port")"
unsafeHttpWhitelist: ["127.0.0.1"]
# Published a second ago: exempt from the app's npmMinimalAgeGate.
npmPreapprovedPackages: ["@gitops-pipelines/*"]
EOF
  # The READMEs' install lines, as written; the first one installs the whole stock app.
  local block script
  INSTALL_LINES=0
  for block in pipelines-backend:backend-install scaffolder-backend-module-pipelines:scaffolder-install \
    pipelines:frontend-install; do
    script=$(node "$HELPER" snippet "${block%%:*}" "${block#*:}") || return 1
    echo "\$ $script"
    (cd "$APP" && env "${CACHE_ENV[@]}" npm_config_better_sqlite3_local_prebuilds="$PREBUILDS" \
      bash -euo pipefail -c "$script") || return 1
    INSTALL_LINES=$((INSTALL_LINES + $(grep -c . <<<"$script")))
  done
  save_prebuilt_sqlite "$APP/node_modules/better-sqlite3"
}

# lines_added PATHSPEC...: lines added to the stock app since create-app's commit.
lines_added() {
  git -C "$APP" diff --numstat -- "$@" | awk '{ n += $1 } END { print n + 0 }'
}

apply_readmes() {
  node "$HELPER" apply "$APP" "$ROOT/.sandbox/endpoints.json" "$WORK/backend.env" || return 1
  node "$HELPER" paths "$APP" || return 1
  TS_LINES=$(lines_added '*.ts' '*.tsx')
  YAML_LINES=$(lines_added '*.yaml' '*.yml')
  # (`yarn add` also re-sorts a dependency the template lists out of order: not ours.)
  PACKAGE_JSON_LINES=$(git -C "$APP" diff -U0 -- '*package.json' | grep -c '^+ *"@gitops-pipelines/')
  git -C "$APP" diff -- . ':!yarn.lock' # what a reviewer of the user's change would see
}

start_stock_app() {
  local env_vars
  mapfile -t env_vars <"$WORK/backend.env"
  # `yarn start`: the frontend on :3000 and the backend on :7007, as a new user runs them.
  start_background APP_PID "$LOGS/app.log" "${APP_START_TIMEOUT:-300}" \
    'curl -fsS -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/readiness 2>/dev/null && curl -fsS -o /dev/null http://127.0.0.1:3000 2>/dev/null' \
    -- env -C "$APP" "${env_vars[@]}" yarn start
}

# ---- the run ------------------------------------------------------------------------------------

log "verify-install: log $LOG, stock app in $APP"
step "preflight (free ports, Chromium, dependencies, sandbox binaries)" preflight
step "build and pack the four packages" pack_packages
step "create a stock app (@backstage/create-app template)" bash "$ROOT/scripts/verify-install/create-app.sh" "$APP"
step "install the packages with the READMEs' yarn add lines" install_packages
step "start the sandbox" start_sandbox "$LOGS/sandbox.log"
step "apply the READMEs' TypeScript and YAML lines" apply_readmes
step "type-check the app (yarn tsc)" bash -c "cd '$APP' && yarn tsc"
step "start the app (yarn start) against the sandbox" start_stock_app
step "check the API and, in Chromium, the Pipeline tab" node "$HELPER" check http://localhost:3000 http://localhost:7007 "$LOGS"

printf '\nverify-install: time per step\n'
printf '%s\n' "${TIMES[@]}"
printf '%5d s  total\n' "$SECONDS"
printf '\nverify-install: lines added to the stock app by hand: %d TypeScript + %d YAML = %d\n' \
  "$TS_LINES" "$YAML_LINES" $((TS_LINES + YAML_LINES))
printf '(after %d install command lines, whose `yarn add` wrote %d lines to package.json files)\n' \
  "$INSTALL_LINES" "$PACKAGE_JSON_LINES"
echo 'verify-install: ok'
