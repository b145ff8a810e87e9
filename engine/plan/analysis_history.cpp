// Previous versions' documents and runtime baselines, read from and written to the store.
#include "engine/plan/analysis_history.h"

#include <nlohmann/json.hpp>

#include "engine/plan/analysis_document.h"
#include <spdlog/spdlog.h>

namespace vigil::engine::plan {

Result<std::shared_ptr<AnalysisHistory>> AnalysisHistory::open(const std::filesystem::path& storePath) {
    auto store = store::Store::open(storePath);
    if (!store)
        return std::move(store).error();
    return std::shared_ptr<AnalysisHistory>(new AnalysisHistory(std::move(store).value()));
}

std::optional<PriorFacts> AnalysisHistory::prior(const analysis::Fingerprint& current, const std::string& category) {
    std::lock_guard lock(mutex_);
    BehaviourQueries queries(store_);
    const auto now = std::chrono::steady_clock::now();
    if (!norms_ || now - normsAt_ > kNormsMaxAge) {
        auto norms = queries.norms();
        if (!norms) {
            spdlog::warn("category norms unavailable, norm.* rules stay quiet: {}", norms.error().describe());
            norms_.reset();
        } else {
            norms_ = std::move(norms).value();
            normsAt_ = now;
        }
    }
    auto prior = queries.priorFactsFor(current, category, norms_ ? &*norms_ : nullptr);
    if (!prior) {
        spdlog::warn("{}@{}: judged without its previous version and norms: {}", current.package, current.version,
                     prior.error().describe());
        return std::nullopt;
    }
    return std::move(prior).value();
}

std::optional<analysis::Baseline> AnalysisHistory::baseline(const std::string& runtime,
                                                            const std::string& analyzerVersion) {
    std::lock_guard lock(mutex_);
    auto v = store_.findVersion("npm", kBaselinePackage, runtime);
    if (!v || !*v || (*v)->analyzerVersion != analyzerVersion)
        return std::nullopt;
    auto stored = store_.fingerprintOf("npm", kBaselinePackage, runtime);
    if (!stored || !*stored)
        return std::nullopt;
    const auto doc = nlohmann::json::parse((*stored)->record.documentJson, nullptr, false);
    if (!doc.is_object() || !doc.contains("baseline"))
        return std::nullopt;
    auto b = analysis::Baseline::fromJson(doc["baseline"]);
    if (!b)
        return std::nullopt;
    return std::move(b).value();
}

Status AnalysisHistory::saveBaseline(const std::string& runtime, const std::string& analyzerVersion,
                                     const analysis::Baseline& baseline) {
    std::lock_guard lock(mutex_);
    store::VersionRecord record;
    record.packageName = kBaselinePackage;
    record.version = runtime;
    auto versionId = store_.upsertVersion(record);
    if (!versionId)
        return std::move(versionId).error();
    auto packageId = store_.upsertPackage("npm", kBaselinePackage);
    if (!packageId)
        return std::move(packageId).error();
    VIGIL_TRY(store_.setPackageBaseline(*packageId, true));
    store::FingerprintRecord fp;
    fp.analyzerVersion = analyzerVersion;
    fp.documentJson = nlohmann::json{{"baseline", baseline.toJson()}}.dump();
    auto saved = store_.saveFingerprint(*versionId, fp);
    if (!saved)
        return std::move(saved).error();
    return {};
}

}  // namespace vigil::engine::plan
