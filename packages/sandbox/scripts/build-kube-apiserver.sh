#!/usr/bin/env bash
# Builds kube-apiserver (Kubernetes 1.20) from Debian's `kubernetes` source package, once, into
# ${GITOPS_PIPELINES_CACHE:-~/.cache/gitops-pipelines}/bin/kube-apiserver. Prints the binary's path.
# Skips everything when KUBE_APISERVER_BIN points at a binary or the cached one exists.
# Needs root for apt (golang-go rsync jq etcd-server golang-github-modern-go-reflect2-dev).
set -euo pipefail
CACHE=${GITOPS_PIPELINES_CACHE:-$HOME/.cache/gitops-pipelines}
OUT=$CACHE/bin/kube-apiserver
log() { printf '[build-kube-apiserver %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -n "${KUBE_APISERVER_BIN:-}" ] && [ -x "$KUBE_APISERVER_BIN" ]; then echo "$KUBE_APISERVER_BIN"; exit 0; fi
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi

pkgs=(golang-go rsync jq etcd-server golang-github-modern-go-reflect2-dev)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

WORK=$(mktemp -d /tmp/kube-src.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# A private deb-src list and apt state: the system's apt configuration is left alone.
mkdir -p "$WORK/apt/sources" "$WORK/apt/lists/partial"
cat >"$WORK/apt/sources/debian-src.sources" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT_OPTS=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$WORK/apt/sources"
  -o "Dir::State::Lists=$WORK/apt/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
log "downloading the kubernetes source package"
apt-get "${APT_OPTS[@]}" update -qq >/dev/null
(cd "$WORK" && apt-get "${APT_OPTS[@]}" source --download-only kubernetes >/dev/null)

log "extracting and patching"
orig=$(ls "$WORK"/kubernetes_*.orig.tar.* | head -n 1)
mkdir -p "$WORK/src"
tar -xf "$orig" -C "$WORK/src" --strip-components=1
tar -xf "$(ls "$WORK"/kubernetes_*.debian.tar.* | head -n 1)" -C "$WORK/src"
if [ -f "$WORK/src/debian/patches/series" ]; then
  while read -r patch; do
    case $patch in ''|'#'*) continue ;; esac
    patch -d "$WORK/src" -p1 -s <"$WORK/src/debian/patches/$patch"
  done <"$WORK/src/debian/patches/series"
fi
# reflect2 1.0.1 crashes (`fatal error: fault` in mapiternext) when built by Go >= 1.18.
rm -rf "$WORK/src/vendor/github.com/modern-go/reflect2"
mkdir -p "$WORK/src/vendor/github.com/modern-go/reflect2"
rsync -a --exclude '*_test.go' /usr/share/gocode/src/github.com/modern-go/reflect2/ "$WORK/src/vendor/github.com/modern-go/reflect2/"
sed -i 's#^github.com/modern-go/reflect2 v1.0.1#github.com/modern-go/reflect2 v1.0.2#' "$WORK/src/vendor/modules.txt" || true

log "building cmd/kube-apiserver (10-15 minutes on 2 cores)"
start=$SECONDS
(cd "$WORK/src" && CGO_ENABLED=0 HOME="$WORK/home" GOFLAGS=-mod=vendor make WHAT=cmd/kube-apiserver) >"$WORK/build.log" 2>&1 ||
  { tail -n 40 "$WORK/build.log" >&2; exit 1; }
mkdir -p "$CACHE/bin"
cp "$WORK/src/_output/bin/kube-apiserver" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
log "built in $((SECONDS - start)) s: $OUT"
echo "$OUT"
