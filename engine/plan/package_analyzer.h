// @brief PackageAnalyzer: the seam between the scan orchestrator and whatever runs and judges one package version.
//
// The orchestrator only schedules, caches and aggregates. Running the phases in the sandbox,
// collecting events and judging them is behind this interface (SandboxAnalyzer, and the
// RuleEvaluator as FindingEvaluator; tests use a scripted one).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/collect/event.h"
#include "engine/core/result.h"
#include "engine/report/scan_report.h"
#include "engine/resolve/package_graph.h"

namespace vigil::engine::plan {

/// The phases a scan runs, in order.
inline constexpr const char* kAllPhases[] = {"install", "import", "api"};

/// "install,import" -> {"install", "import"} in canonical order; a Usage error names an unknown phase.
Result<std::vector<std::string>> parsePhases(const std::string& commaSeparated);

/// The scan's resolved graph and extracted trees, shared by every target of one scan: an analyzer
/// stages a package with its dependency closure from it instead of resolving again.
struct StagingGraph {
    resolve::PackageGraph graph;
    std::map<std::size_t, std::filesystem::path> trees;  ///< node -> its extracted tree
};

/// One package version to analyse.
struct AnalysisTarget {
    std::string name;
    std::string version;
    std::string integrity;
    std::filesystem::path directory;  ///< its extracted tree; empty when it was not fetched (git, link)
    std::map<std::string, std::string> installScripts;  ///< "postinstall" -> script, from its package.json
    std::shared_ptr<const StagingGraph> staging;  ///< null: only the package's own tree is known
    std::size_t node = 0;                         ///< the target's node in staging->graph

    [[nodiscard]] std::string key() const { return name + "@" + version; }
};

/// What one analysis produced.
struct PackageAnalysis {
    /// Behaviour by category: the store keeps the arrays "network_calls", "file_reads",
    /// "file_writes", "env_reads", "shell_commands", "dynamic_code_exec"; other keys are for the
    /// report only.
    nlohmann::json fingerprint = nlohmann::json::object();
    std::vector<report::Finding> findings;
    std::vector<report::PhaseSummary> phases;
    std::vector<collect::Event> events;  ///< every phase's events; Event::phase says which
};

/// Called by a running analysis: the phase it is in and what it is doing.
using AnalysisProgress = std::function<void(const std::string& phase, const std::string& message)>;

/// Runs and judges one package version. analyse() is called from several pool threads at once:
/// implementations must be thread-safe. It must return promptly (Cancelled) once `stop` is requested.
class PackageAnalyzer {
public:
    virtual ~PackageAnalyzer() = default;
    /// Identifies what produced a fingerprint: the analysis code and the sandbox image. A stored
    /// fingerprint of another version is stale and the package is analysed again.
    [[nodiscard]] virtual std::string version() const = 0;
    virtual Result<PackageAnalysis> analyse(const AnalysisTarget& target, const std::vector<std::string>& phases,
                                            std::stop_token stop, const AnalysisProgress& progress) = 0;
};

/// Judges a stored fingerprint again (rules changed, the package did not): findings without
/// re-running the package. Thread-safe like PackageAnalyzer.
class FindingEvaluator {
public:
    virtual ~FindingEvaluator() = default;
    /// Digest of the loaded rule set (ScanReport::rulesVersion).
    [[nodiscard]] virtual std::string version() const = 0;
    virtual Result<std::vector<report::Finding>> evaluate(const AnalysisTarget& target,
                                                          const nlohmann::json& fingerprint) = 0;
};

}  // namespace vigil::engine::plan
