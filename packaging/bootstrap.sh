#!/usr/bin/env bash
# Installs everything VIGIL needs to build, run and test on Debian 12 (bookworm).
# Idempotent and fast when all is present: it only calls apt-get/npm for what is missing.
#   packaging/bootstrap.sh          build + run dependencies
#   packaging/bootstrap.sh --test   also what the tests need (the local npm registry, …)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
want_test=0
[[ ${1:-} == --test ]] && want_test=1

# Build tools and the libraries of cmake/dependencies.cmake, one per line so diffs stay readable.
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libspdlog-dev libfmt-dev nlohmann-json3-dev libyaml-cpp-dev
  libcurl4-openssl-dev libarchive-dev libsqlite3-dev sqlite3 libssl-dev libboost-dev zlib1g-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  # Line diffs of package files between versions (git_diff_buffers)
  libgit2-dev
  # BPF toolchain and the helper's kernel interfaces (sandbox and tracer issues)
  clang llvm bpftool libbpf-dev libseccomp-dev libnl-3-dev libnl-route-3-dev
  # The tracer's completeness tests compare against strace -f (tests only; product code never runs it)
  strace
  # Native time shift in the sandbox (preloaded through its /etc/ld.so.preload; issue 4)
  libfaketime
  # Graph layout for the GUI and reports
  libgraphviz-dev
  # Qt 6 and every QML module the QML imports (they do not depend on each other: ARCHITECTURE §5)
  qt6-base-dev qt6-declarative-dev qt6-svg-dev libgl-dev
  # PDF reports: the outline (libqpdf); the report tests check and render PDFs (poppler-utils, qpdf)
  # and render the HTML report with a headless browser (chromium)
  libqpdf-dev qpdf poppler-utils chromium fonts-dejavu-core
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates
  qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qtqml-workerscript
  qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel
  # Node.js runs the packages under analysis (the machine image may already have it)
  xvfb xauth
)

missing=()
for p in "${packages[@]}"; do
  [[ $p == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ((want_test)); then
  # The local npm registry (Verdaccio) the integration tests publish fixtures to.
  if [[ -x "$top/tests/registry/install.sh" ]]; then "$top/tests/registry/install.sh"; fi
  # The SARIF 2.1.0 schema and a validator for the SARIF test (npm, never fetched at test time).
  if [[ -x "$top/tests/sarif/install.sh" ]]; then "$top/tests/sarif/install.sh"; fi
fi
echo "bootstrap: all dependencies present"
