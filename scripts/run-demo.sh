#!/usr/bin/env bash
# The README's main job: resolve the bundled demo project and print its tree.
set -euo pipefail
build=${1:-build}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
"$build/app/cli/vigil-cli" --version
