#!/usr/bin/env bash
# Stops the registry that tests/registry/start-registry.sh WORKDIR started (and its watcher).
#   tests/registry/stop-registry.sh WORKDIR
set -euo pipefail

(($# == 1)) || { echo "usage: stop-registry.sh WORKDIR" >&2; exit 1; }
workdir=$1

# kill -0 also succeeds on a zombie, and an orphan is reaped by whatever runs as pid 1, sometimes seconds
# later: a process counts as running only while its /proc state is not Z.
running() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

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
    running "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop "$workdir/watcher.pid"
stop "$workdir/pid"
rm -f "$workdir/registry.env"
