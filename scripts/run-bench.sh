#!/usr/bin/env bash
# Runs every benchmark with 5 repetitions and prints the aggregates (median is what notes quote).
set -euo pipefail
build=${1:-build}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for b in "$build"/bench/*_bench; do
  echo "== $(basename "$b")"
  "$b" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
done
