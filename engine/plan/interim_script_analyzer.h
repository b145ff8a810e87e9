// @brief InterimScriptAnalyzer: a stop-gap PackageAnalyzer — install scripts via `sh -c` in the sandbox, a few fixed checks.
//
// INTERIM. It exists so `vigil-cli scan` works end to end before the phase runner (install /
// import / api drivers, tracer, Node hook) and the rule engine are wired in; the lead replaces it
// with an adapter over those. What it does, and all it does:
//   install: each of preinstall, install, postinstall runs as `sh -c <script>` in its own sandbox
//            on the package's extracted tree (no npm, no dependencies installed beside it);
//   import:  `node -e "require('./')"` in the package folder, when the package has a main entry;
//   api:     not run (reported as skipped).
// Judged only from what the sandbox itself reports — the honeypot's network records and the
// overlay's changed files of the package folder; no syscall or JS-level events (so e.g. a
// package that only patches globals at import time is not seen):
//   interim-exfiltration (critical): a honeytoken's value appears in plaintext traffic;
//   interim-network (high): the phase contacted a host (DNS, HTTP, TLS, TCP, UDP);
//   interim-package-modified (low): the phase created, changed or deleted files of the package.
#pragma once

#include <filesystem>
#include <string>

#include "engine/plan/package_analyzer.h"
#include "engine/sandbox/sandbox_client.h"

namespace vigil::engine::plan {

class InterimScriptAnalyzer : public PackageAnalyzer {
public:
    /// `cacheRoot` is the tarball cache: every extracted tree lies inside it (the helper checks).
    static Result<InterimScriptAnalyzer> create(sandbox::SandboxClient client, std::filesystem::path cacheRoot);

    /// "interim-sh/1+<first 16 hex of the helper binary's sha256>": a new helper (the sandbox
    /// image) makes every stored fingerprint stale.
    [[nodiscard]] std::string version() const override { return version_; }
    Result<PackageAnalysis> analyse(const AnalysisTarget& target, const std::vector<std::string>& phases,
                                    std::stop_token stop, const AnalysisProgress& progress) override;

private:
    InterimScriptAnalyzer(sandbox::SandboxClient client, std::filesystem::path cacheRoot, std::string version)
        : client_(std::move(client)), cacheRoot_(std::move(cacheRoot)), version_(std::move(version)) {}
    sandbox::SandboxClient client_;
    std::filesystem::path cacheRoot_;
    std::string version_;
};

}  // namespace vigil::engine::plan
