// @brief PackageNorms: each reported package against its category's norm, one cell per heatmap
// column — what the heatmap's norm view shows. Plain C++, computed off the GUI thread.
//
// The norm is the store's (analysis::CategoryNorms: every analysed package, not only this scan's),
// leave-one-out, and unavailable below its minimum sample: the cell then says so rather than
// showing a share computed from two or three packages.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/category_norms.h"
#include "engine/report/scan_report.h"

namespace vigil::ui {

/// What a backend compares packages with: the store's norms and the behaviours (normFactKeys())
/// of each reported package by "name@version" — a package missing there has none known.
struct NormsSnapshot {
    engine::analysis::CategoryNorms norms{std::vector<engine::analysis::NormSample>{}};
    std::map<std::string, std::set<std::string>> behaviours;
};

/// One package × one heatmap column.
struct NormCell {
    std::string behaviour;        ///< the normFactKeys() behaviour the cell is about ("network")
    bool known = false;           ///< the package's behaviours are known (it has a fingerprint)
    bool shows = false;           ///< the package shows `behaviour`
    std::optional<double> share;  ///< of its category peers showing it; empty when the norm is unavailable
    /// How unusual: > 0 the package does what few peers do (1 - share), < 0 it does not do what
    /// most peers do (-share); 0 without a norm.
    double unusual = 0;
};

struct PackageNorm {
    std::string category;    ///< "" = unknown: no norm
    std::size_t peers = 0;   ///< packages of the category in the store, the package itself left out
    std::size_t minSample = 0;
    std::vector<NormCell> cells;  ///< one per kHeatmapCategories, in that order
};

/// By "name@version".
using PackageNorms = std::map<std::string, PackageNorm>;

/// The behaviours a heatmap column stands for, the column's main one first ("network", "dns").
const std::vector<std::string>& normBehavioursOf(std::string_view heatmapCategory);
/// The behaviours of a report's fingerprint document (analysis::fingerprintFromJson); empty when
/// the document holds no fingerprint (a failed analysis, an older analyzer's document).
std::optional<std::set<std::string>> reportBehaviours(const engine::report::PackageReport& package);
/// Every package's cells. Where the package shows one of a column's behaviours, the cell is about
/// the rarest of those among its peers; where it shows none, about the column's main behaviour.
PackageNorms computePackageNorms(const NormsSnapshot& snapshot, const std::vector<engine::report::PackageReport>& packages);

}  // namespace vigil::ui
