// @brief CategoryNorms: for each category, the share of analysed packages showing each behaviour ("what is normal for C").
//
// A behaviour is judged against packages of the same kind: network calls are ordinary in an HTTP
// client and alarming in a date library. Each package counts once (one fingerprint per package);
// a package is left out of its own norm, so a lone malicious release cannot make itself normal;
// below a minimum number of packages the norm is unavailable rather than noisy. The behaviours
// are the keys of normFactKeys(), defined precisely in rules/CATEGORIES.md and behaviourDefinition().
//
// JSON shape "vigil.norms/1" (the CLI's `query normal CATEGORY --json`):
//   {"schema": "vigil.norms/1", "category", "packages": n, "min_sample": 5, "available": bool,
//    "behaviours": [{"behaviour": "network", "definition", "count": n,
//                    "share": 0.25 | null (when unavailable), "examples": ["name@version", ...]}]}
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/facts.h"
#include "engine/analysis/fingerprint.h"

namespace vigil::engine::analysis {

/// One sentence saying when a fingerprint shows `behaviour` (a normFactKeys() key); "" if unknown.
std::string behaviourDefinition(std::string_view behaviour);
/// Whether the fingerprint shows the behaviour, in any phase it holds (see behaviourDefinition).
bool showsBehaviour(const Fingerprint& fingerprint, std::string_view behaviour);
/// The normFactKeys() behaviours the fingerprint shows.
std::set<std::string> behavioursOf(const Fingerprint& fingerprint);
/// Bumped whenever what behavioursOf returns for a fingerprint changes: behaviours saved under
/// another version (the store keeps them per fingerprint) are then worked out again.
inline constexpr int kBehavioursVersion = 1;

/// An analysed package and the category it was put in (inferred or overridden).
struct NormSample {
    std::string category;  ///< "" = unknown: such samples are ignored
    Fingerprint fingerprint;
};

/// A package whose norm behaviours (behavioursOf) are already known — e.g. kept in the store, so
/// the norms need not parse every stored document again.
struct NormMemberSample {
    std::string category;  ///< "" = unknown: such samples are ignored
    std::string package;
    std::string version;
    std::set<std::string> behaviours;
};

struct NormRow {
    std::string behaviour;
    std::string definition;
    size_t count = 0;                   ///< packages of the category showing it
    std::optional<double> share;        ///< count / packages; empty when the norm is unavailable
    std::vector<std::string> examples;  ///< up to N "name@version" showing it, by name
};

/// The answer to "what is normal for category C".
struct NormTable {
    std::string category;
    size_t packages = 0;
    size_t minSample = 0;
    bool available = false;  ///< packages >= minSample
    std::vector<NormRow> rows;  ///< in normFactKeys() order
};

class CategoryNorms {
public:
    /// 5: with fewer packages one package moves a share by 20 points or more, so a rule reading
    /// `norm.network.share < 0.05` would fire or not on the luck of which packages were analysed.
    static constexpr size_t kMinSample = 5;

    /// Samples are per package (the store passes the newest analysed version of each): when a
    /// name repeats, the later sample replaces the earlier one.
    explicit CategoryNorms(const std::vector<NormSample>& samples, size_t minSample = kMinSample);
    /// The same norms from behaviours worked out before: equal to the constructor above given the
    /// fingerprints those behaviours were worked out from.
    explicit CategoryNorms(const std::vector<NormMemberSample>& samples, size_t minSample = kMinSample);

    /// The norm.* facts for `package` (a name) of `category`, computed without that package;
    /// empty (norms unavailable) for an unknown category or fewer than minSample other packages.
    [[nodiscard]] std::optional<NormFacts> factsFor(std::string_view category, std::string_view package) const;
    /// "What is normal for category C": every behaviour with its share, count and examples.
    [[nodiscard]] NormTable table(std::string_view category, size_t maxExamples = 3) const;
    /// Categories with at least one package, sorted.
    [[nodiscard]] std::vector<std::string> categories() const;
    /// Packages counted in a category.
    [[nodiscard]] size_t packages(std::string_view category) const;
    /// Packages of the category other than `package` (a name): the sample factsFor's shares are over.
    [[nodiscard]] size_t peers(std::string_view category, std::string_view package) const;
    [[nodiscard]] size_t minSample() const { return minSample_; }

private:
    void add(const std::string& category, const std::string& package, std::string version,
             std::set<std::string> behaviours);

    struct Member {
        std::string version;
        std::set<std::string> behaviours;
    };
    std::map<std::string, std::map<std::string, Member>, std::less<>> members_;  ///< category -> name -> member
    size_t minSample_;
};

/// The "vigil.norms/1" document described above.
nlohmann::json toJson(const NormTable& table);
/// Terminal text: a header ("string: 12 analysed packages") and one aligned row per behaviour,
/// share as a percentage with the count and examples; "norms unavailable" below the sample size.
std::string renderText(const NormTable& table);

}  // namespace vigil::engine::analysis
