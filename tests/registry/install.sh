#!/usr/bin/env bash
# Installs the local npm registry (Verdaccio) the integration tests run, into tests/registry/node_modules.
# Idempotent: a stamp holds the sha256 of package-lock.json; while it matches and Verdaccio is present this
# is a quick no-op, so packaging/bootstrap.sh --test can call it every time.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lock="$here/package-lock.json"
stamp="$here/node_modules/.vigil-install-stamp"
entry="$here/node_modules/verdaccio/bin/verdaccio"

want=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -f $entry && -f $stamp && $(<"$stamp") == "$want" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "tests/registry/install.sh: npm is not installed (packaging/bootstrap.sh installs it)" >&2
  exit 1
fi
echo "tests/registry/install.sh: installing Verdaccio from $lock"
# npm ci installs exactly the committed lock (and wipes node_modules first), so every machine runs the
# same registry; --ignore-scripts because no dependency needs an install script to serve packages.
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
