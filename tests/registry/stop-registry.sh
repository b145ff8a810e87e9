#!/usr/bin/env bash
# Stops the registry that tests/registry/start-registry.sh WORKDIR started (and its watcher).
#   tests/registry/stop-registry.sh WORKDIR
set -euo pipefail

(($# == 1)) || { echo "usage: stop-registry.sh WORKDIR" >&2; exit 1; }
workdir=$1

stop() {
  local pidfile=$1
  [[ -f $pidfile ]] || return 0
  local pid
  pid=$(<"$pidfile")
  rm -f "$pidfile"
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  # Give it 5 s to go, then make sure: a leftover registry would hold a port and a workdir.
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop "$workdir/watcher.pid"
stop "$workdir/pid"
rm -f "$workdir/registry.env"
