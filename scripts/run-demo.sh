#!/usr/bin/env bash
# The README's main job: resolve, fetch, verify and record the bundled demo project, print its
# tree, and write the JSON report. Works offline: the demo's lockfile points at tarballs in the repo.
set -euo pipefail
build=${1:-build}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
reports="$build/reports"
mkdir -p "$reports"
cli="$build/app/cli/vigil-cli"

"$cli" resolve examples/demo --offline
"$cli" resolve examples/demo --offline --json > "$reports/demo-resolve.json"
echo
echo "JSON report: $reports/demo-resolve.json"
# The scan runs every package in the sandbox: it needs root (or the helper's capabilities).
if "$cli" scan examples/demo --offline --format sarif --out "$reports/demo.sarif"; then
  "$cli" scan examples/demo --offline --format json --out "$reports/demo-scan.json" >/dev/null
  echo "Scan reports: $reports/demo.sarif, $reports/demo-scan.json"
else
  echo "(vigil-cli scan needs root or the sandbox helper's capabilities: see README)" >&2
fi
"$cli" db info

# With a display, open the desktop application too, scanning the demo (demo backend until the
# scan orchestrator is wired into the GUI).
if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} && -x "$build/app/gui/vigil" ]]; then
  "$build/app/gui/vigil" --scan examples/demo
fi
