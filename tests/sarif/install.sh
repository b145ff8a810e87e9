#!/usr/bin/env bash
# Installs the SARIF 2.1.0 schema and its validator (Ajv) for the SARIF test into tests/sarif/node_modules.
# Idempotent like tests/registry/install.sh: a stamp holds the sha256 of package-lock.json.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lock="$here/package-lock.json"
stamp="$here/node_modules/.vigil-install-stamp"
schema="$here/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"

want=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -f $schema && -f $stamp && $(<"$stamp") == "$want" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "tests/sarif/install.sh: npm is not installed (packaging/bootstrap.sh installs it)" >&2
  exit 1
fi
echo "tests/sarif/install.sh: installing the SARIF schema and Ajv from $lock"
# --ignore-scripts: nothing here needs an install script to provide a schema and a validator.
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
