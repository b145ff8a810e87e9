// @brief EngineScanBackend: the GUI's real scans — the engine's ScanOrchestrator over the store, the
// sandbox helper and an analyzer from an AnalyzerFactory, its progress mapped to ScanProgress.
#pragma once

#include <map>
#include <string>

#include "engine/core/config.h"
#include "ui/engine_analyzers.h"
#include "ui/scan_backend.h"

namespace vigil::ui {

/// run() is called on the ScanController's worker thread: it opens the store, makes the analyzer
/// and runs one scan there, so nothing of the engine ever touches the GUI thread.
///
/// Progress: every orchestrator report becomes a ScanProgress with the stage, the package count
/// (to analyse + cached) and the analyses in flight; every finished analysis becomes a
/// PackageReport (its events go to the live stream in batches, not into the report), before the
/// orchestrator aggregates — so findings show while the scan goes on. Cached packages appear with
/// the final report. Events of any package, cached or not, are read from the store on demand.
class EngineScanBackend : public ScanBackend {
public:
    explicit EngineScanBackend(AnalyzerFactory analyzers = defaultAnalyzerFactory(),
                               std::map<std::string, std::string> environment = engine::processEnvironment());

    /// A Cancelled error when `stop` ended the scan (what was analysed is kept in the store);
    /// otherwise the engine's error as it is — its secondary text names the fix (e.g. run as root).
    engine::Result<engine::report::ScanReport> run(const std::string& project, const ScanOptions& options,
                                                   const ProgressCallback& progress, std::stop_token stop) override;

    /// A StoreEventSource over the store `options` name (its own connection).
    engine::Result<std::shared_ptr<const engine::report::EventSource>> eventSource(const ScanOptions& options) override;

    /// The store's norms (BehaviourQueries::norms: the newest analysed version of every categorised
    /// package) and each package's behaviours from its fingerprint document.
    engine::Result<NormsSnapshot> categoryNorms(const std::vector<engine::report::PackageReport>& packages,
                                                const ScanOptions& options) override;

    /// From the store (BehaviourQueries + the stored events and file lists). A version the store
    /// has not analysed yet is first scanned as "name@version" with the same analyzer as run().
    engine::Result<engine::report::VersionChanges> compare(const std::string& older, const std::string& newer,
                                                           const ScanOptions& options, const StatusCallback& status,
                                                           std::stop_token stop) override;
    engine::Result<engine::resolve::ContentDiff> diffFile(const std::string& older, const std::string& newer,
                                                          const std::string& path, const ScanOptions& options) override;

    /// The engine configuration a scan with `options` uses: defaults, the user's config file
    /// ($XDG_CONFIG_HOME/vigil/config.yaml), then the settings page.
    [[nodiscard]] engine::Result<engine::Config> configFor(const ScanOptions& options) const;

private:
    AnalyzerFactory analyzers_;
    std::map<std::string, std::string> env_;
};

}  // namespace vigil::ui
