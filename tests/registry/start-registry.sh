#!/usr/bin/env bash
# Starts a private Verdaccio on 127.0.0.1 for the integration tests and fills it with the fixture packages.
#   tests/registry/start-registry.sh [--cache DIR] WORKDIR [OWNER_PID]
# Everything lives in WORKDIR: config.yaml, storage/, htpasswd, verdaccio.log, pid, npmrc. On success it
# writes WORKDIR/registry.env (VIGIL_TEST_REGISTRY=http://127.0.0.1:PORT/, VIGIL_TEST_REGISTRY_TOKEN=...).
# With OWNER_PID, a watcher kills Verdaccio when that process dies, so a crashed test binary leaves no
# registry behind. --cache DIR keeps a copy of the published storage there, keyed by the fixtures, this
# script and the Verdaccio lock; later starts copy it instead of publishing again (~1 s instead of ~10 s).
# Exits 0 when ready, 3 when Verdaccio, node or npm is not installed, 1 on any other failure.
# tests/registry/stop-registry.sh WORKDIR stops the registry.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
fixtures="$top/tests/fixtures/registry-packages"
entry="$here/node_modules/verdaccio/bin/verdaccio"
started=$(date +%s%N)
timings=""
# Records how long the step since the previous call took, for the "ready" line: every test process that
# needs the registry pays the start.
phase() {
  local now
  now=$(date +%s%N)
  timings+="${timings:+, }$1 $(((now - ${phase_start:-$started}) / 1000000)) ms"
  phase_start=$now
}

die() {
  echo "start-registry.sh: $*" >&2
  exit 1
}
# Exit status 3 means "not installed" (tests skip outside CI) as opposed to "installed but broken" (1).
not_installed() {
  echo "start-registry.sh: $*" >&2
  exit 3
}

# kill -0 also succeeds on a zombie, which an orphan stays until pid 1 reaps it: a process counts as
# running only while its /proc state is not Z.
running() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

cache=""
if [[ ${1:-} == --cache ]]; then
  (($# >= 2)) || die "--cache needs a directory"
  mkdir -p "$2"
  cache=$(cd "$2" && pwd)
  shift 2
fi
(($# >= 1 && $# <= 2)) || die "usage: start-registry.sh [--cache DIR] WORKDIR [OWNER_PID]"
[[ -f $entry ]] || not_installed "Verdaccio is not installed in $here/node_modules: run tests/registry/install.sh"
node=$(command -v node) || not_installed "node is not on PATH (packaging/bootstrap.sh installs it)"
npm=$(command -v npm) || not_installed "npm is not on PATH (packaging/bootstrap.sh installs it)"
mkdir -p "$1"
workdir=$(cd "$1" && pwd)
owner=${2:-}
[[ $workdir != *[$'\n\'']* ]] || die "$workdir: quotes and newlines are not supported in WORKDIR"
if [[ -f $workdir/pid ]] && running "$(<"$workdir/pid")"; then
  die "$workdir: a registry is already running there (pid $(<"$workdir/pid"))"
fi
rm -rf "$workdir/registry.env" "$workdir/pid" "$workdir/storage" "$workdir/htpasswd"

# Verdaccio and npm get an empty environment: no proxy variables, no npm_config_* or NODE_OPTIONS of the
# caller, HOME inside WORKDIR, so nothing reads ~/.npmrc or reaches past 127.0.0.1.
clean_env=(env -i "PATH=$(dirname "$node"):/usr/bin:/bin" "HOME=$workdir" "LANG=C.UTF-8")
: >"$workdir/npmrc-global"
npm_env=("${clean_env[@]}"
  "npm_config_userconfig=$workdir/npmrc" "npm_config_globalconfig=$workdir/npmrc-global"
  "npm_config_cache=$workdir/npm-cache" "npm_config_update_notifier=false"
  "npm_config_audit=false" "npm_config_fund=false" "npm_config_loglevel=error"
  "npm_config_fetch_retries=0")  # a local registry that refuses once will refuse again: fail fast

pid=""
on_exit() {
  local status=$?
  # A half-started registry is of no use to anyone: never leave it running when this script fails.
  if ((status != 0)) && [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    rm -f "$workdir/pid"
  fi
}
trap on_exit EXIT

log_tail() {
  echo "--- last lines of $workdir/verdaccio.log:"
  tail -n 20 "$workdir/verdaccio.log" 2>/dev/null || true
  echo "--- $workdir/verdaccio.out:"
  tail -n 20 "$workdir/verdaccio.out" 2>/dev/null || true
}

# The cached storage is only valid for exactly these fixtures, this script and this Verdaccio.
seeded=0
if [[ -n $cache ]]; then
  key=$({
    (cd "$fixtures" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    (cd "$here" && sha256sum start-registry.sh package-lock.json)
  } | sha256sum | cut -c1-16)
  if [[ -d $cache/$key/storage ]]; then
    cp -a "$cache/$key/storage" "$workdir/storage"
    seeded=1
  fi
fi

write_config() {
  local port=$1
  # No `uplinks` at all: Verdaccio serves only what was published here and never proxies to a public
  # registry, so a test can never depend on (or leak requests to) the internet.
  cat >"$workdir/config.yaml" <<YAML
storage: '$workdir/storage'
auth:
  htpasswd:
    file: '$workdir/htpasswd'
    max_users: 1000
packages:
  '@private/*':
    access: \$authenticated
    publish: \$authenticated
  '**':
    access: \$all
    publish: \$authenticated
web:
  enable: false
log:
  type: file
  path: '$workdir/verdaccio.log'
  level: warn
listen: 127.0.0.1:$port
YAML
}

# Verdaccio can listen on port 0 but then logs ":0" and never says which port it got, so pick a free port
# here and retry if another process takes it before Verdaccio binds.
url=""
for attempt in 1 2 3; do
  port=$("${clean_env[@]}" "$node" "$here/registry-http.js" free-port)
  write_config "$port"
  "${clean_env[@]}" "$node" "$entry" --config "$workdir/config.yaml" \
    </dev/null >"$workdir/verdaccio.out" 2>&1 &
  pid=$!
  echo "$pid" >"$workdir/pid"
  if "${clean_env[@]}" "$node" "$here/registry-http.js" wait "http://127.0.0.1:$port/" 30 "$pid"; then
    url="http://127.0.0.1:$port/"
    break
  fi
  if ! running "$pid" && grep -q EADDRINUSE "$workdir/verdaccio.log" 2>/dev/null; then
    echo "start-registry.sh: port $port was taken (attempt $attempt), trying another" >&2
    continue
  fi
  log_tail >&2
  die "Verdaccio did not start (see above)"
done
[[ -n $url ]] || { log_tail >&2; die "no free port after 3 attempts"; }
phase boot

if [[ -n $owner ]]; then
  # Detached from our stdout/stderr so a caller reading them is not held open by the watcher.
  (
    while running "$owner" && running "$pid"; do sleep 1; done
    kill -TERM "$pid" 2>/dev/null || true
  ) </dev/null >/dev/null 2>&1 &
  echo "$!" >"$workdir/watcher.pid"
fi

user=vigil-test
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
token=$("${clean_env[@]}" "$node" "$here/registry-http.js" add-user "$url" "$user" "$password")
printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\n' "$url" "$port" "$token" >"$workdir/npmrc"
phase user

# Publish every <name>/<version>/ fixture, versions of one package in ascending order so `latest` ends on
# the highest release (npm refuses to move `latest` down). A prerelease gets a throwaway tag (npm refuses
# to publish one as `latest`), removed after. Packages are independent, so they publish in parallel.
publish_package() {
  local name=$1 version tag log="$workdir/publish-${1//\//_}.log"
  shift
  for version in "$@"; do
    tag=()
    [[ $version == *-* ]] && tag=(--tag vigil-prerelease)
    "${npm_env[@]}" "$npm" publish "$fixtures/$name/$version" --ignore-scripts --access public "${tag[@]}" \
      >>"$log" 2>&1 || { cat "$log" >&2; die "$fixtures/$name/$version: npm publish failed"; }
  done
  if [[ " $* " == *-* ]]; then
    "${npm_env[@]}" "$npm" dist-tag rm "$name" vigil-prerelease >>"$log" 2>&1 ||
      { cat "$log" >&2; die "$name: removing the temporary dist-tag failed"; }
  fi
}

publish_fixtures() {
  local manifests=() dir name job jobs=()
  declare -A versions_of=()
  mapfile -t manifests < <(cd "$fixtures" && find . -name package.json -printf '%P\n' | sort -V)
  ((${#manifests[@]})) || die "$fixtures: no fixture packages found"
  for manifest in "${manifests[@]}"; do
    dir=$(dirname "$manifest")
    versions_of[$(dirname "$dir")]+=" $(basename "$dir")"
  done
  for name in "${!versions_of[@]}"; do
    # shellcheck disable=SC2086 # the version list is split on purpose; versions hold no spaces
    publish_package "$name" ${versions_of[$name]} &
    jobs+=("$!")
  done
  for job in "${jobs[@]}"; do
    wait "$job" || die "publishing the fixtures failed (see above)"
  done
}

apply_dist_tags() {
  local name tag version rest
  while read -r name tag version rest; do
    [[ -z $name || $name == \#* ]] && continue
    "${npm_env[@]}" "$npm" dist-tag add "$name@$version" "$tag" >>"$workdir/publish.log" 2>&1 ||
      die "$fixtures/dist-tags.txt: 'npm dist-tag add $name@$version $tag' failed (see $workdir/publish.log)"
  done <"$fixtures/dist-tags.txt"
}

# Tamper after publishing: swap the stored tarball for a valid one with other contents, so the registry
# serves bytes whose sha512 no longer matches the packument's dist.integrity.
tamper_tarballs() {
  local name version rest stored src tarball
  while read -r name version rest; do
    [[ -z $name || $name == \#* ]] && continue
    stored="$workdir/storage/$name/${name##*/}-$version.tgz"
    [[ -f $stored ]] || die "$fixtures/tamper.txt: $name@$version has no stored tarball at $stored"
    src="$workdir/tamper/$name"
    rm -rf "$src" && mkdir -p "$src"
    cp -r "$fixtures/$name/$version/." "$src/"
    echo "module.exports = 'tampered after publish';" >"$src/tampered.js"
    tarball=$(cd "$workdir/tamper" && "${npm_env[@]}" "$npm" pack "$src" --ignore-scripts 2>>"$workdir/publish.log")
    cp "$workdir/tamper/$tarball" "$stored"
  done <"$fixtures/tamper.txt"
}

if ((seeded)); then
  phase "cached storage"
else
  publish_fixtures
  phase publish
  apply_dist_tags
  phase dist-tags
  tamper_tarballs
  phase tamper
  if [[ -n $cache ]]; then
    # Copied aside and renamed into place, so a concurrent start sees a whole cache entry or none; older
    # entries (other fixtures) are dropped.
    tmp="$cache/.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    cp -a "$workdir/storage" "$tmp/storage"
    find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" ! -name '.tmp.*' -exec rm -rf {} +
    mv -T "$tmp" "$cache/$key" 2>/dev/null || rm -rf "$tmp"
  fi
fi

# registry.env is written last, atomically: its presence means the registry is ready.
cat >"$workdir/registry.env.tmp" <<ENV
VIGIL_TEST_REGISTRY=$url
VIGIL_TEST_REGISTRY_TOKEN=$token
VIGIL_TEST_REGISTRY_USER=$user
VIGIL_TEST_REGISTRY_PASSWORD=$password
VIGIL_TEST_REGISTRY_PID=$pid
ENV
mv "$workdir/registry.env.tmp" "$workdir/registry.env"
echo "start-registry.sh: $url ready in $((($(date +%s%N) - started) / 1000000)) ms ($timings; pid $pid)"
