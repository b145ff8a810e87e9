// @brief BehaviourQueries: the key questions (X@a vs X@b, what is normal for C, did X ever network) answered from the store.
//
// The analysis computes the answers (version_diff.h, category_norms.h, network_history.h) from
// fingerprints; this layer finds those fingerprints in the store (their stored documents),
// orders versions by semver, and turns "not in the store" into errors that say how to fix it.
// It also hands the analyzer what a new fingerprint is judged against: the diff with the previous
// analysed version and the norms of the package's category (priorFactsFor).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/category_norms.h"
#include "engine/analysis/facts.h"
#include "engine/analysis/fingerprint.h"
#include "engine/analysis/network_history.h"
#include "engine/analysis/version_diff.h"
#include "engine/core/result.h"

namespace vigil::engine::store {
class Store;
}

namespace vigil::engine::plan {

/// "name@version" split at the last '@' that is not the first character ("@scope/x@1.0.0");
/// an Input error naming the text when either part is missing.
struct PackageVersionRef {
    std::string name;
    std::string version;
};
Result<PackageVersionRef> parsePackageVersion(std::string_view text);

/// What a new fingerprint of a package is compared with.
struct PriorFacts {
    std::string category;                          ///< the store's category of the package ("" = unknown)
    std::optional<analysis::Fingerprint> previous;  ///< the previous analysed version, if any
    std::optional<analysis::DiffFacts> diff;        ///< all phases: previous -> current; empty without one
    std::optional<analysis::NormFacts> norms;       ///< without the package itself; empty when unavailable

    /// The diff facts of one phase ("" = all phases), as buildFacts wants them per phase.
    [[nodiscard]] std::optional<analysis::DiffFacts> diffFor(const analysis::Fingerprint& current,
                                                             std::string_view phase) const;
};

class BehaviourQueries {
public:
    explicit BehaviourQueries(store::Store& store, std::string ecosystem = "npm");

    /// The stored fingerprint of name@version. NotFound (with how to analyse it) when the store
    /// does not know the version, never analysed it, or holds only a legacy fingerprint.
    Result<analysis::Fingerprint> fingerprint(std::string_view name, std::string_view version);
    /// Every analysed version of a package, oldest first: semver order when every version parses,
    /// else the store's (publish time, then insertion).
    Result<std::vector<analysis::Fingerprint>> analysedVersions(std::string_view name);
    /// The version numbers of analysedVersions, in its order, without reading any document.
    Result<std::vector<std::string>> analysedVersionNumbers(std::string_view name);

    /// "What did X@a do vs X@b": what `to` does that `from` did not, and the reverse.
    Result<analysis::VersionDiff> whatChanged(const PackageVersionRef& from, const PackageVersionRef& to);
    /// The norms over the newest analysed version of every categorised package in the store.
    Result<analysis::CategoryNorms> norms();
    /// "What is normal for category C"; Usage error for a category not in the taxonomy.
    Result<analysis::NormTable> normalFor(std::string_view category);
    /// "Has any version of X ever made network calls"; NotFound when no version of X was analysed
    /// (a "no" would then be a guess).
    Result<analysis::NetworkHistory> networkHistory(std::string_view name);

    /// For the analyzer, about to judge `current` (name and version taken from it): the previous
    /// analysed version (semver-lower, or earlier in the store's order; never the same version),
    /// the diff facts against it, and the norm facts of `category` (the store's when empty),
    /// from `norms` when given (a caller judging many packages computes them once) else norms().
    Result<PriorFacts> priorFactsFor(const analysis::Fingerprint& current, std::string category = {},
                                     const analysis::CategoryNorms* norms = nullptr);

private:
    Result<analysis::Fingerprint> parseDocument(const std::string& name, const std::string& version,
                                                const std::string& document) const;

    store::Store& store_;
    std::string ecosystem_;
};

}  // namespace vigil::engine::plan
