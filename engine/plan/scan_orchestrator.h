// @brief ScanOrchestrator: a project → resolved tree → one analysis job per new version → a ScanReport.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/result.h"
#include "engine/plan/package_analyzer.h"
#include "engine/plan/project_resolver.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::store {
class Store;
}

namespace vigil::engine::plan {

struct ScanOptions {
    std::vector<std::string> phases{"install", "import", "api"};
    bool includeDev = true;  ///< the root's devDependencies
};

/// A snapshot for progress displays, sent whenever something changes.
struct ScanProgress {
    std::string stage;            ///< "resolve", "fetch", "metadata", "record", "analyse", "report"
    std::size_t done = 0;         ///< in this stage
    std::size_t total = 0;
    std::size_t analysed = 0;     ///< finished analyses (failed included)
    std::size_t toAnalyse = 0;    ///< analyses this scan needs
    std::size_t cached = 0;       ///< versions served from the store
    std::vector<std::string> running;  ///< "name@version install" of each running analysis
    std::chrono::milliseconds elapsed{0};  ///< since the analyse stage started
    /// "name@version" of the analysis this report announces as ended — its result is in the store
    /// by now (or it failed): a reader of the store may look again. "" in every other report.
    std::string ended;
};

/// Runs scans against one store with one analyzer. One scan at a time per instance.
///
/// Caching: a version is analysed again only when its current fingerprint was made by another
/// analyzer version (PackageAnalyzer::version() plus the phase set); otherwise its stored findings
/// are used, or — with a FindingEvaluator — the rules judge the stored fingerprint again.
/// Each finished analysis is stored at once in one transaction, so an interrupted scan resumes
/// where it stopped. The store is used from the pool's threads under one mutex.
class ScanOrchestrator {
public:
    using Progress = std::function<void(const ScanProgress&)>;

    ScanOrchestrator(Config config, store::Store& store, PackageAnalyzer& analyzer, ScanOptions options,
                     std::map<std::string, std::string> environment, FindingEvaluator* rules = nullptr);

    /// Resolve, fetch and record the project, then analyse it. A Cancelled stop still returns
    /// the report of what was done (status "cancelled").
    Result<report::ScanReport> scan(const ResolveTarget& target, std::stop_token stop = {},
                                    const Progress& progress = {});

    /// Analyses a scan whose graph is already recorded and still running (tests, resolvers of
    /// their own). `directories` maps "name@version" to the extracted tree.
    Result<report::ScanReport> analyseRecorded(std::int64_t scanId,
                                               const std::map<std::string, std::filesystem::path>& directories,
                                               std::stop_token stop = {}, const Progress& progress = {});

    /// The fingerprint's analyzer version this orchestrator writes and accepts as current.
    [[nodiscard]] std::string analyzerVersion() const;

private:
    Config config_;
    store::Store& store_;
    PackageAnalyzer& analyzer_;
    ScanOptions options_;
    std::map<std::string, std::string> env_;
    FindingEvaluator* rules_;
};

/// A stored scan read back into a report (`vigil-cli report <scan-id>`, the GUI's history).
/// Findings are the versions' current ones; events, as for every report, are read on demand
/// (report::StoreEventSource).
Result<report::ScanReport> loadScanReport(store::Store& store, std::int64_t scanId);

}  // namespace vigil::engine::plan
