# Sourced by scripts/*.sh: the environment a Yarn 4 / Backstage repo needs on these machines.
ROOT=$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
export ROOT
# node-gyp (better-sqlite3) builds against the local Node headers; Yarn ignores ~/.npmrc.
if [ -d /usr/include/node ]; then
  export npm_config_nodedir=/usr
else
  npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
  export npm_config_nodedir
fi
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
export YARN_ENABLE_TELEMETRY=0
# /usr/sbin holds runuser (PostgreSQL runs as its own user); minimal environments lack it.
export PATH="$ROOT/scripts/bin:$PATH:/usr/sbin:/sbin"

log() { printf '\033[1m[%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ensure_apt PACKAGE... : installs the Debian packages that are missing.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})"
    return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }
}

# ensure_node_modules: `yarn install` unless the lockfile and manifests are unchanged
# since the last successful install.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.gitops-pipelines-install"
  local sum
  sum=$(cd "$ROOT" && cat yarn.lock .yarnrc.yml package.json packages/*/package.json plugins/*/package.json | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  log "installing dependencies (yarn install; a few minutes the first time)"
  local start=$SECONDS
  if [ -n "${CI:-}" ]; then
    (cd "$ROOT" && yarn install --immutable)
  else
    (cd "$ROOT" && yarn install)
  fi
  echo "$sum" >"$stamp"
  log "dependencies installed in $((SECONDS - start)) s"
}
