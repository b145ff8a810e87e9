// @brief AnalysisHistory: what earlier analyses left in the store — previous versions' fingerprints and runtime baselines — for the analyzer's pool threads.
#pragma once

#include <filesystem>
#include <memory>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "engine/analysis/fingerprint.h"
#include "engine/analysis/normalizer_baseline.h"
#include "engine/core/result.h"
#include "engine/plan/behaviour_queries.h"
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

    /// What `current` is judged against (BehaviourQueries::priorFactsFor): the previous analysed
    /// version and the diff against it, and the norms of `category` ("" = the store's category of
    /// the package). The norms are computed from the store at most once per kNormsMaxAge, not per
    /// package: a scan of hundreds of packages would otherwise re-read every document each time.
    /// nullopt (logged) when the store cannot answer.
    std::optional<PriorFacts> prior(const analysis::Fingerprint& current, const std::string& category);

    /// The baseline stored for `runtime` by `analyzerVersion`; nullopt when there is none.
    std::optional<analysis::Baseline> baseline(const std::string& runtime, const std::string& analyzerVersion);
    Status saveBaseline(const std::string& runtime, const std::string& analyzerVersion,
                        const analysis::Baseline& baseline);

private:
    explicit AnalysisHistory(store::Store store) : store_(std::move(store)) {}
    static constexpr std::chrono::seconds kNormsMaxAge{120};
    std::mutex mutex_;
    store::Store store_;
    std::optional<analysis::CategoryNorms> norms_;  ///< cached; see prior()
    std::chrono::steady_clock::time_point normsAt_;
};

}  // namespace vigil::engine::plan
