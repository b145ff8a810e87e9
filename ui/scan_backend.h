// @brief ScanBackend: how the GUI asks for a scan — one blocking run() the ScanController calls off
// the GUI thread, with progress callbacks and a stop token. Plain C++ so the engine's scan
// orchestrator can implement it without Qt.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/collect/event.h"
#include "engine/core/result.h"
#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"
#include "engine/resolve/content_diff.h"
#include "ui/package_norms.h"

namespace vigil::ui {

/// The settings page's choices for the next scan (SettingsController::scanOptions).
struct ScanOptions {
    int parallelism = 0;                                      ///< 0 = the engine's default
    std::vector<std::string> phases{"install", "import", "api"};
    std::chrono::seconds phaseBudget{60};
    bool useCache = true;
    bool offline = false;                  ///< never use the network: cached and file: tarballs only
    std::string registry;                  ///< overrides .npmrc's registry when not empty
    std::vector<std::string> ruleFolders;  ///< user rule folders, added to the shipped rules
    std::vector<std::string> disabledRules;  ///< rule ids switched off on the Rules page
    std::string storePath;                 ///< the SQLite store; "" = the engine's default
};

/// One progress report. Called on the backend's thread, as often as it likes: the controller
/// batches before anything reaches the GUI thread.
struct ScanProgress {
    uint64_t totalPackages = 0;
    uint64_t donePackages = 0;
    std::string package;   ///< key of the package now running ("" when none)
    std::string phase;     ///< its phase
    /// The engine's stage ("resolve", "fetch", "metadata", "record", "analyse"); "" when the
    /// backend has no stages. With a stage, `running` replaces the list of running analyses.
    std::string stage;
    uint64_t stageDone = 0, stageTotal = 0;
    std::vector<std::string> running;  ///< "name@version phase" of every analysis in flight
    std::vector<engine::collect::Event> events;           ///< events seen since the last report (live stream only)
    std::string eventsPackage;  ///< "name@version" that `events` belong to (the analysed package)
    /// "name@version" whose analysis the store now holds: its events can be read from eventSource()
    /// (a package is `finished` a moment before it is recorded). "" in most reports.
    std::string recorded;
    /// A package whose analysis just ended; like every PackageReport it holds no events: they
    /// are read on demand through the backend's eventSource().
    std::optional<engine::report::PackageReport> finished;
};

using ProgressCallback = std::function<void(ScanProgress)>;
/// A one-line "what is happening now" for long comparisons ("Analysing left-pad@1.3.0…").
using StatusCallback = std::function<void(const std::string&)>;

class ScanBackend {
public:
    virtual ~ScanBackend() = default;
    /// Scans `project` (a folder, a lockfile, "name@version" or a tarball path). Blocks; returns
    /// the full report, a Cancelled error when `stop` was requested, or the engine's error.
    [[nodiscard]] virtual engine::Result<engine::report::ScanReport> run(const std::string& project,
                                                                         const ScanOptions& options,
                                                                         const ProgressCallback& progress,
                                                                         std::stop_token stop) = 0;

    /// Where the packages' events are read for the details page and the exports, one package at
    /// a time (reports hold none). Called on the controller's worker thread before run(); the
    /// source is then used from other threads. Null (the default) when this backend keeps none,
    /// or the error that prevents reading them (the details page shows it).
    [[nodiscard]] virtual engine::Result<std::shared_ptr<const engine::report::EventSource>> eventSource(
        const ScanOptions& options) {
        (void)options;
        return std::shared_ptr<const engine::report::EventSource>{};
    }

    /// What the heatmap's norm view compares `packages` with: the category norms over every
    /// analysed package the backend knows, and the behaviours of each of `packages`. Blocks (the
    /// controller calls it off the GUI thread, possibly while a scan runs). Backends without a
    /// store refuse with a Usage error, which the heatmap shows.
    [[nodiscard]] virtual engine::Result<NormsSnapshot> categoryNorms(const std::vector<engine::report::PackageReport>& packages,
                                                                      const ScanOptions& options) {
        (void)packages, (void)options;
        return engine::makeError(engine::ErrorCode::Usage, "category norms are not available with this scan backend",
                                 "The norms are computed from the analysis store: start VIGIL without --demo.");
    }

    /// Compares two versions of one package: `older` and `newer` are "name@version"; an empty
    /// `older` means the analysed version before `newer`. Blocks (the controller calls it off the
    /// GUI thread). Backends without a store refuse with a Usage error.
    [[nodiscard]] virtual engine::Result<engine::report::VersionChanges> compare(const std::string& older,
                                                                                 const std::string& newer,
                                                                                 const ScanOptions& options,
                                                                                 const StatusCallback& status,
                                                                                 std::stop_token stop) {
        (void)older, (void)newer, (void)options, (void)status, (void)stop;
        return engine::makeError(engine::ErrorCode::Usage, "this scan backend cannot compare versions",
                                 "Version comparisons read the analysis store: start VIGIL without --demo.");
    }

    /// One file's content diff between two versions ("name@version" each) of a version diff's
    /// file list, read from their tarballs. Blocks (called off the GUI thread). Backends without
    /// package tarballs refuse with a Usage error.
    [[nodiscard]] virtual engine::Result<engine::resolve::ContentDiff> diffFile(const std::string& older,
                                                                              const std::string& newer,
                                                                              const std::string& path,
                                                                              const ScanOptions& options) {
        (void)older, (void)newer, (void)path, (void)options;
        return engine::makeError(engine::ErrorCode::Usage, "this scan backend keeps no package contents",
                                 "File diffs read the packages' tarballs from the cache: start VIGIL without --demo.");
    }
};

}  // namespace vigil::ui
