#!/usr/bin/env bash
# create-app.sh DEST [CREATE_APP_VERSION]: a stock Backstage app, as `npx @backstage/create-app`
# would create it, without prompts and without a network other than the npm registry.
#
# Why not `npx @backstage/create-app` itself: its prerequisite check refuses Node 20 and a missing
# global `yarn`, and it downloads a yarn.lock seed from GitHub. We call the package's own templating
# task instead: the same template, the same versions. No `yarn install` here (the caller installs).
#
# One fix on top, the one every new app of this template needs to start: its caret ranges pull
# plugins (e.g. plugin-signals-backend 0.3.21) that need `httpRouter.addWebSocketHandler`, while
# `@backstage/backend-defaults` stays at ^0.18 and lacks it, so the backend dies at start.
# `backstage-cli versions:bump` would fix that but needs a host we cannot reach.
set -euo pipefail
DEST=${1:?usage: create-app.sh DEST [create-app version]}
VERSION=${2:-0.9.2}
if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST")" ]; then
  echo "create-app: $DEST exists and is not empty" >&2
  exit 1
fi
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)

# The package and its dependencies, in a throwaway folder.
PKG=$(mktemp -d /tmp/create-app-pkg.XXXXXX)
trap 'rm -rf "$PKG"' EXIT
npm install --silent --no-save --no-audit --no-fund --prefix "$PKG" "@backstage/create-app@$VERSION"

CREATE_APP="$PKG/node_modules/@backstage/create-app" DEST="$DEST" node -e '
  const path = require("path");
  const { CREATE_APP, DEST } = process.env;
  const { templatingTask } = require(path.join(CREATE_APP, "dist/lib/tasks.cjs.js"));
  templatingTask(path.join(CREATE_APP, "templates/default-app"), DEST, { name: "backstage", defaultBranch: "main" })
    .catch(e => { console.error(e); process.exit(1); });'

# The backend-defaults fix (see above); a newer template that already has ^0.19 or later is left alone.
node -e '
  const fs = require("fs"), file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  const range = pkg.dependencies["@backstage/backend-defaults"];
  if (/^\^0\.(1[0-8]|[0-9])\./.test(range)) {
    pkg.dependencies["@backstage/backend-defaults"] = "^0.19.0";
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
    console.log(`create-app: @backstage/backend-defaults ${range} -> ^0.19.0`);
  }' "$DEST/packages/backend/package.json"

# A commit to count our changes against (git diff), as a new user would have one.
cd "$DEST"
git init -q -b main
git add -A
git -c user.name=verify-install -c user.email=verify-install@localhost commit -qm "Stock app (@backstage/create-app $VERSION)"
echo "create-app: stock app (@backstage/create-app $VERSION) in $DEST"
