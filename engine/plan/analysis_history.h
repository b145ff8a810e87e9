// @brief AnalysisHistory: what earlier analyses left in the store — previous versions' fingerprints and runtime baselines — for the analyzer's pool threads.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/analysis/fingerprint.h"
#include "engine/analysis/normalizer_baseline.h"
#include "engine/core/result.h"
#include "engine/store/store.h"

namespace vigil::engine::plan {

/// The reference package whose runs are the runtime noise; kept in the store as a baseline
/// package (excluded from norms) with one "version" per runtime id.
inline constexpr const char* kBaselinePackage = "@vigil/empty-package";

/// Thread-safe: one Store connection of its own (WAL lets the orchestrator's connection write
/// meanwhile) behind a mutex.
class AnalysisHistory {
public:
    static Result<std::shared_ptr<AnalysisHistory>> open(const std::filesystem::path& storePath);

    /// The fingerprint of the highest version of `name` below `version` (semver) whose current
    /// fingerprint carries an analysis document; nullopt when there is none or it is unreadable.
    std::optional<analysis::Fingerprint> previous(const std::string& name, const std::string& version);

    /// The baseline stored for `runtime` by `analyzerVersion`; nullopt when there is none.
    std::optional<analysis::Baseline> baseline(const std::string& runtime, const std::string& analyzerVersion);
    Status saveBaseline(const std::string& runtime, const std::string& analyzerVersion,
                        const analysis::Baseline& baseline);

private:
    explicit AnalysisHistory(store::Store store) : store_(std::move(store)) {}
    std::mutex mutex_;
    store::Store store_;
};

}  // namespace vigil::engine::plan
