// @brief SandboxAnalyzer: the real PackageAnalyzer — stage, run the phases in the sandbox, fingerprint against the runtime baseline, prove exfiltration, judge with the rules.
//
// One analyse() call, for one package version:
//   1. stage it as the dependency of a synthetic consumer project with its dependency closure
//      (the scan's graph and extracted trees from AnalysisTarget::staging; no second resolution);
//   2. run the requested phases with PhaseRunner (kernel tracer, Node hook, honeypot, overlay and
//      limits merged per phase); a stop request kills the running sandbox within ~100 ms;
//   3. fingerprint the runs minus the baseline of an empty package (per runtime and phase, run
//      once per process and kept in the store; if it cannot be had, only the fixed noise list is
//      subtracted and a warning says so — in the document and in warnings());
//   4. find the planted honeytokens in what left the sandbox (exfiltration proofs);
//   5. infer its category from its package.json (name, keywords, description; user overrides win);
//   6. judge the document with the RuleEvaluator (diff against the previous analysed version,
//      norms of the category).
// Score and severity of a package come from its findings (scan_aggregation.h packageScore: the
// worst non-expected finding sets the base — critical 90, high 70, medium 40, low 15 — each
// further finding adds 3, at most 10 more; so one critical outranks any number of highs).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/analysis/category.h"
#include "engine/analysis/normalizer_baseline.h"
#include "engine/plan/analysis_history.h"
#include "engine/plan/package_analyzer.h"
#include "engine/plan/phase_runner.h"
#include "engine/plan/rule_evaluator.h"
#include "engine/sandbox/sandbox_client.h"

namespace vigil::engine::plan {

/// Bumped whenever the analysis code changes what it records or how it judges runs: a new value
/// makes every stored fingerprint stale.
inline constexpr const char* kSandboxAnalyzerCodeVersion = "sandbox-analyzer/5";  // 5: downloads known by the bytes saved (protocol 7); 4: CPU time per run; 3: stimulus dir/host, failed file ops, env names vs values, tool reads; drivers wait for accelerated timers; IPv6 network

struct SandboxAnalyzerOptions {
    std::filesystem::path cacheRoot;  ///< the tarball cache: extracted trees and staged projects live inside it
    PhaseOptions phases;              ///< limits and timeouts; phases and cacheRoot are set per call
    /// The Node runtime files the helper binds into every sandbox (resources/node): hashed into
    /// version(). Empty: located next to the helper like vigil-sandbox does.
    std::filesystem::path runtimeFiles;
    std::string nodeExecutable = "/usr/bin/node";  ///< the sandbox's node (the host's /usr is bound)
    /// User category overrides (analysis::CategoryOverrides); none when empty or missing. Its text
    /// is part of version(): another category can change the verdict.
    std::filesystem::path categoriesFile;
};

class SandboxAnalyzer : public PackageAnalyzer {
public:
    /// `rules` judges every analysis; `history` (may be null) supplies previous versions and
    /// keeps the baselines across processes.
    static Result<std::unique_ptr<SandboxAnalyzer>> create(sandbox::SandboxClient client, SandboxAnalyzerOptions options,
                                                           std::shared_ptr<const RuleEvaluator> rules,
                                                           std::shared_ptr<AnalysisHistory> history);

    /// kSandboxAnalyzerCodeVersion + 16 hex of sha256(helper binary, runtime files, node binary id).
    [[nodiscard]] std::string version() const override { return version_; }
    Result<PackageAnalysis> analyse(const AnalysisTarget& target, const std::vector<std::string>& phases,
                                    std::stop_token stop, const AnalysisProgress& progress) override;

    /// "node-<12 hex>": identifies the Node binary (path, size, mtime) the baselines belong to.
    [[nodiscard]] const std::string& runtime() const { return runtime_; }
    /// The empty package's baseline for every phase, computed on first use (or read from the
    /// store) and kept for the process. An error when it cannot be run; analyse() then degrades.
    Result<analysis::Baseline> baseline(std::stop_token stop);
    /// Process-wide warnings (baseline failures), each once, for the front end to show.
    [[nodiscard]] std::vector<std::string> warnings() const;

private:
    SandboxAnalyzer(sandbox::SandboxClient client, SandboxAnalyzerOptions options,
                    std::shared_ptr<const RuleEvaluator> rules, std::shared_ptr<AnalysisHistory> history,
                    analysis::CategoryOverrides categories, std::string version, std::string runtime);
    std::vector<collect::PhaseRun> runPhases(const ConsumerProject& project, const std::vector<std::string>& phases,
                                             std::stop_token stop, const AnalysisProgress& progress) const;
    void warn(const std::string& text);

    sandbox::SandboxClient client_;
    SandboxAnalyzerOptions options_;
    std::shared_ptr<const RuleEvaluator> rules_;
    std::shared_ptr<AnalysisHistory> history_;
    analysis::CategoryOverrides categories_;
    std::string version_;
    std::string runtime_;

    std::mutex baselineMutex_;  ///< held while the baseline is computed: one run for all threads
    std::optional<analysis::Baseline> baseline_;
    mutable std::mutex warningsMutex_;
    std::vector<std::string> warnings_;
};

/// The record analysis reads of one phase run.
analysis::PhaseRecord phaseRecordOf(const collect::PhaseRun& run, const std::string& runtime);
/// The report's summary of one phase run.
report::PhaseSummary phaseSummaryOf(const collect::PhaseRun& run);

}  // namespace vigil::engine::plan
