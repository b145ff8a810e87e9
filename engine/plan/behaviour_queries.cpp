#include "engine/plan/behaviour_queries.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "engine/analysis/category.h"
#include "engine/resolve/semver.h"
#include "engine/store/store.h"

namespace vigil::engine::plan {

namespace {

/// Semver order when every version parses (1.2.5 comes before 2.0.0 even when published after
/// it, so "the previous version" of a backport is its own line's); else the store's order.
const std::string& versionText(const store::AnalysedVersion& v) { return v.version; }
const std::string& versionText(const std::string& v) { return v; }

template <typename T>
void orderBySemver(std::vector<T>& versions) {
    std::vector<resolve::Version> semvers;
    for (const auto& v : versions) {
        auto semver = resolve::Version::parse(versionText(v));
        if (!semver)
            return;  // before anything is moved: the store's order stays intact
        semvers.push_back(std::move(*semver));
    }
    std::vector<std::pair<resolve::Version, T>> parsed;
    for (std::size_t i = 0; i < versions.size(); ++i)
        parsed.emplace_back(std::move(semvers[i]), std::move(versions[i]));
    std::stable_sort(parsed.begin(), parsed.end(),
                     [](const auto& a, const auto& b) { return (a.first <=> b.first) < 0; });
    for (std::size_t i = 0; i < parsed.size(); ++i)
        versions[i] = std::move(parsed[i].second);
}

std::string analyseHint(std::string_view name, std::string_view version) {
    const std::string ref = std::string(name) + "@" + std::string(version);
    return "analyse it first with `vigil-cli scan " + ref + "` (or `vigil-cli analyze " + ref +
           "`) using the same --store";
}

}  // namespace

Result<PackageVersionRef> parsePackageVersion(std::string_view text) {
    const auto at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == text.size())
        return makeError(ErrorCode::Usage, "\"" + std::string(text) + "\" is not name@version",
                         "write the package and its exact version, e.g. left-pad@1.3.0 or @scope/name@2.0.0");
    return PackageVersionRef{std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
}

std::optional<analysis::DiffFacts> PriorFacts::diffFor(const analysis::Fingerprint& current,
                                                       std::string_view phase) const {
    if (!previous)
        return std::nullopt;
    return analysis::diffFacts(*previous, current, phase);
}

BehaviourQueries::BehaviourQueries(store::Store& store, std::string ecosystem)
    : store_(store), ecosystem_(std::move(ecosystem)) {}

Result<analysis::Fingerprint> BehaviourQueries::parseDocument(const std::string& name, const std::string& version,
                                                              const std::string& document) const {
    auto json = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
    auto fingerprint = analysis::fingerprintFromJson(json);
    if (!fingerprint)
        return std::move(fingerprint).error().withContext("store " + store_.path().string() + ": fingerprint of " +
                                                          name + "@" + version);
    return fingerprint;
}

Result<analysis::Fingerprint> BehaviourQueries::fingerprint(std::string_view name, std::string_view version) {
    auto analysed = store_.analysedVersion(ecosystem_, name, version);
    if (!analysed)
        return std::move(analysed).error();
    if (*analysed)
        return parseDocument((*analysed)->name, (*analysed)->version, (*analysed)->documentJson);

    // Say which of the three "not there" cases it is: each has a different fix.
    const std::string ref = std::string(name) + "@" + std::string(version);
    auto known = store_.findVersion(ecosystem_, name, version);
    if (!known)
        return std::move(known).error();
    std::string why;
    if (!*known)
        why = ref + " is not in the store " + store_.path().string();
    else if (!(*known)->fingerprintId)
        why = ref + " was never analysed (the store " + store_.path().string() + " only resolved it)";
    else
        why = ref + " was analysed by an older VIGIL that kept no fingerprint document";
    auto others = store_.analysedVersionsOf(ecosystem_, name);
    if (others && !others->empty()) {
        orderBySemver(*others);
        why += "; analysed versions of " + std::string(name) + ":";
        for (const auto& v : *others)
            why += " " + v.version;
    }
    return makeError(ErrorCode::NotFound, why, analyseHint(name, version));
}

Result<std::vector<analysis::Fingerprint>> BehaviourQueries::analysedVersions(std::string_view name) {
    auto stored = store_.analysedVersionsOf(ecosystem_, name);
    if (!stored)
        return std::move(stored).error();
    orderBySemver(*stored);
    std::vector<analysis::Fingerprint> out;
    for (const auto& v : *stored) {
        auto fp = parseDocument(v.name, v.version, v.documentJson);
        if (!fp)
            return std::move(fp).error();
        out.push_back(std::move(fp).value());
    }
    return out;
}

Result<std::vector<std::string>> BehaviourQueries::analysedVersionNumbers(std::string_view name) {
    auto stored = store_.analysedVersionNumbersOf(ecosystem_, name);
    if (!stored)
        return std::move(stored).error();
    orderBySemver(*stored);
    return stored;
}

Result<analysis::VersionDiff> BehaviourQueries::whatChanged(const PackageVersionRef& from, const PackageVersionRef& to) {
    auto a = fingerprint(from.name, from.version);
    if (!a)
        return std::move(a).error();
    auto b = fingerprint(to.name, to.version);
    if (!b)
        return std::move(b).error();
    return analysis::diffFingerprints(*a, *b);
}

Result<analysis::CategoryNorms> BehaviourQueries::norms() {
    // Each sample's behaviours are saved next to its fingerprint the first time they are worked
    // out: parsing every stored document on every scan was a fifth of a warm rescan.
    const std::string tag = fmt::format("behaviours/{}:", analysis::kBehavioursVersion);
    auto rows = store_.latestNormSamples(ecosystem_, tag);
    if (!rows)
        return std::move(rows).error();
    std::vector<analysis::NormMemberSample> samples;
    std::vector<std::pair<store::FingerprintId, std::string>> computed;
    for (auto& row : *rows) {
        analysis::NormMemberSample sample{row.category, row.name, row.version, {}};
        if (row.behaviours) {
            std::string_view list = std::string_view(*row.behaviours).substr(tag.size());
            while (!list.empty()) {
                const auto comma = list.find(',');
                sample.behaviours.emplace(list.substr(0, comma));
                list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
            }
        } else {
            auto fp = parseDocument(row.name, row.version, row.documentJson);
            if (!fp)
                return std::move(fp).error();
            sample.behaviours = analysis::behavioursOf(*fp);
            std::string text = tag;
            for (const std::string& b : sample.behaviours)
                text += (text.size() == tag.size() ? "" : ",") + b;
            computed.emplace_back(row.fingerprint, std::move(text));
        }
        samples.push_back(std::move(sample));
    }
    if (!computed.empty())
        VIGIL_TRY(store_.saveNormBehaviours(computed));
    return analysis::CategoryNorms(samples);
}

Result<analysis::NormTable> BehaviourQueries::normalFor(std::string_view category) {
    if (!analysis::isKnownCategory(category)) {
        std::string known;
        for (const auto& c : analysis::categoryTaxonomy())
            known += (known.empty() ? "" : ", ") + c.id;
        return makeError(ErrorCode::Usage, "unknown category \"" + std::string(category) + "\"",
                         "known categories: " + known);
    }
    auto norms = this->norms();
    if (!norms)
        return std::move(norms).error();
    return norms->table(category);
}

Result<analysis::NetworkHistory> BehaviourQueries::networkHistory(std::string_view name) {
    auto versions = analysedVersions(name);
    if (!versions)
        return std::move(versions).error();
    if (versions->empty())
        return makeError(ErrorCode::NotFound,
                         "no version of " + std::string(name) + " was analysed (store " + store_.path().string() + ")",
                         "analyse one first with `vigil-cli scan " + std::string(name) +
                             "@VERSION` using the same --store");
    return analysis::networkHistory(name, *versions);
}

Result<PriorFacts> BehaviourQueries::priorFactsFor(const analysis::Fingerprint& current, std::string category,
                                                   const analysis::CategoryNorms* norms) {
    PriorFacts prior;
    if (category.empty()) {
        auto stored = store_.categoryOf(ecosystem_, current.package);
        if (!stored)
            return std::move(stored).error();
        category = stored->value_or("");
    }
    prior.category = category;

    // Version numbers first, then the one document needed: reading every analysed version's
    // document made re-judging a cached package cost more the more versions the store holds.
    auto stored = store_.analysedVersionNumbersOf(ecosystem_, current.package);
    if (!stored)
        return std::move(stored).error();
    std::erase_if(*stored, [&](const std::string& v) { return v == current.version; });
    const auto self = resolve::Version::parse(current.version);
    const bool semver = self && std::all_of(stored->begin(), stored->end(), [](const std::string& v) {
                            return resolve::Version::parse(v).has_value();
                        });
    const std::string* previous = nullptr;
    if (semver) {
        // The highest analysed version below this one; none when this is the lowest analysed.
        orderBySemver(*stored);
        for (const auto& v : *stored)
            if ((*resolve::Version::parse(v) <=> *self) < 0)
                previous = &v;
    } else if (!stored->empty()) {
        previous = &stored->back();  // the newest other version in the store's order
    }
    if (previous) {
        auto document = store_.analysedVersion(ecosystem_, current.package, *previous);
        if (!document)
            return std::move(document).error();
        if (*document) {
            auto fp = parseDocument((*document)->name, (*document)->version, (*document)->documentJson);
            if (!fp)
                return std::move(fp).error();
            prior.previous = std::move(fp).value();
            prior.diff = analysis::diffFacts(*prior.previous, current);
        }
    }

    if (!category.empty()) {
        if (norms) {
            prior.norms = norms->factsFor(category, current.package);
        } else {
            auto computed = this->norms();
            if (!computed)
                return std::move(computed).error();
            prior.norms = computed->factsFor(category, current.package);
        }
    }
    return prior;
}

}  // namespace vigil::engine::plan
