// Previous versions' documents and runtime baselines, read from and written to the store.
#include "engine/plan/analysis_history.h"

#include <nlohmann/json.hpp>

#include "engine/plan/analysis_document.h"
#include "engine/resolve/semver.h"

namespace vigil::engine::plan {

Result<std::shared_ptr<AnalysisHistory>> AnalysisHistory::open(const std::filesystem::path& storePath) {
    auto store = store::Store::open(storePath);
    if (!store)
        return std::move(store).error();
    return std::shared_ptr<AnalysisHistory>(new AnalysisHistory(std::move(store).value()));
}

std::optional<analysis::Fingerprint> AnalysisHistory::previous(const std::string& name, const std::string& version) {
    const auto current = resolve::Version::parse(version);
    if (!current)
        return std::nullopt;
    std::lock_guard lock(mutex_);
    auto versions = store_.versionsOf("npm", name);
    if (!versions)
        return std::nullopt;
    std::optional<resolve::Version> best;
    std::string bestText;
    for (const auto& v : *versions) {
        if (!v.fingerprintId)
            continue;
        const auto parsed = resolve::Version::parse(v.record.version);
        if (!parsed || !(*parsed < *current) || (best && !(*best < *parsed)))
            continue;
        best = parsed;
        bestText = v.record.version;
    }
    if (!best)
        return std::nullopt;
    auto stored = store_.fingerprintOf("npm", name, bestText);
    if (!stored || !*stored)
        return std::nullopt;
    auto doc = analysisDocumentFromJson(nlohmann::json::parse((*stored)->record.documentJson, nullptr, false));
    if (!doc)
        return std::nullopt;  // analysed by an older analyzer: no comparable fingerprint
    return std::move(doc->fingerprint);
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
