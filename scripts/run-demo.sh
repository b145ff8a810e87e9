#!/usr/bin/env bash
# The README's main job (`make run`): scan the bundled demo project once, offline — every package
# runs in the sandbox — and write every report from that one scan:
#   the text summary on the terminal, then build/reports/demo-scan.json (vigil.scan/1), demo.sarif,
#   demo.html and demo.pdf, rendered from the stored JSON by `vigil-cli report` (no second scan).
# With a display, the desktop application then opens that scan (engine backend: "Scan" runs it again).
# Not root and no helper capabilities: the scan cannot run; the script says so, still resolves and
# records the tree, and opens the GUI, which shows the same error and its fix.
set -euo pipefail
build=${1:-build}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
reports="$build/reports"
cli="$build/app/cli/vigil-cli"
helper="$build/app/sandbox/vigil-sandbox"
gui="$build/app/gui/vigil"
project=examples/demo
# A store of its own, fresh each run: the demo really runs every package (a shared store would
# serve them from its cache, without their events), and the user's history stays untouched.
store=(--store "$reports/demo.db")

say() { printf '\n== %s\n' "$*"; }
die() { printf 'run-demo: %s\n' "$*" >&2; exit 1; }

[[ -x $cli ]] || die "$cli not found: build first (make build)"
mkdir -p "$reports"
rm -f "$reports"/demo-scan.json "$reports"/demo.sarif "$reports"/demo.html "$reports"/demo.pdf "$reports"/demo.db*

# The sandbox helper needs root or its file capabilities (README: sudo setcap ... vigil-sandbox).
can_scan=false
if [[ -x $helper ]]; then
  if [[ $(id -u) -eq 0 ]] || { command -v getcap >/dev/null && [[ -n $(getcap "$helper" 2>/dev/null) ]]; }; then
    can_scan=true
  fi
fi

written=()
if $can_scan; then
  say "Scanning $project (offline; every package runs in the sandbox)"
  # One scan. --out writes the JSON and prints the text summary here; a finding is not a failure.
  status=0
  "$cli" scan "$project" "${store[@]}" --offline --format json --out "$reports/demo-scan.json" || status=$?
  if [[ ! -s $reports/demo-scan.json ]]; then
    die "the scan failed (exit $status) and wrote no report: see the message above"
  fi
  written+=("$reports/demo-scan.json")
  # Every other format from that scan's JSON: the same data, no second run.
  for format in sarif html pdf; do
    out="$reports/demo.$format"
    if err=$("$cli" report "$reports/demo-scan.json" --format "$format" --out "$out" 2>&1 >/dev/null); then
      written+=("$out")
    else
      printf 'run-demo: no %s report: %s\n' "$format" "$err" >&2
    fi
  done
else
  say "Resolving $project (the scan itself needs root)"
  if [[ ! -x $helper ]]; then
    echo "run-demo: $helper is missing: build the vigil-sandbox target to scan." >&2
  else
    echo "run-demo: scanning runs every package in the sandbox, which needs root or the helper's file" >&2
    echo "  capabilities: run 'sudo make run', or grant them once (see README, 'sudo setcap ... $helper')." >&2
  fi
  # What works without privileges: resolve, verify, extract and record the tree.
  "$cli" resolve "$project" "${store[@]}" --offline
  "$cli" resolve "$project" "${store[@]}" --offline --json > "$reports/demo-resolve.json"
  written+=("$reports/demo-resolve.json")
fi

say "Reports"
for f in "${written[@]}"; do
  printf '  %-8s %s\n' "${f##*.}" "$f"
done
"$cli" db info "${store[@]}" | sed 's/^/  /'

# With a display, the desktop application on the same scan (or on the project, to show the error).
if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
  if [[ ! -x $gui ]]; then
    echo "run-demo: $gui not built (configure with -DVIGIL_BUILD_GUI=ON for the desktop application)" >&2
  elif [[ -s $reports/demo-scan.json ]]; then
    say "Opening the scan in the desktop application"
    "$gui" --offline --report "$reports/demo-scan.json"
  else
    say "Opening the desktop application on $project"
    "$gui" --offline --scan "$project"
  fi
else
  echo
  echo "No display (DISPLAY/WAYLAND_DISPLAY unset): not opening the desktop application."
fi
