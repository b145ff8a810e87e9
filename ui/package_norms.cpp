#include "ui/package_norms.h"

#include <iterator>

#include "engine/analysis/fingerprint.h"

namespace vigil::ui {

const std::vector<std::string>& normBehavioursOf(std::string_view heatmapCategory) {
    // The norm behaviours closest to what each heatmap column measures (scan_aggregation's heatOf).
    static const std::map<std::string, std::vector<std::string>, std::less<>> kColumns = {
        {"install", {"install_script"}},
        {"process", {"process", "shell"}},
        {"network", {"network", "dns"}},
        {"filesystem", {"file_write", "file_delete"}},
        {"env", {"env_read", "env_enumerated"}},
        {"code", {"code_dynamic", "global_override"}},
    };
    static const std::vector<std::string> kNone;
    const auto it = kColumns.find(heatmapCategory);
    return it == kColumns.end() ? kNone : it->second;
}

std::optional<std::set<std::string>> reportBehaviours(const engine::report::PackageReport& package) {
    if (package.analysisFailed || !package.fingerprint.is_object() || !package.fingerprint.contains("sections"))
        return std::nullopt;
    auto fingerprint = engine::analysis::fingerprintFromJson(package.fingerprint);
    if (!fingerprint)
        return std::nullopt;
    return engine::analysis::behavioursOf(*fingerprint);
}

PackageNorms computePackageNorms(const NormsSnapshot& snapshot, const std::vector<engine::report::PackageReport>& packages) {
    PackageNorms out;
    for (const auto& p : packages) {
        PackageNorm norm;
        norm.category = p.category;
        norm.peers = p.category.empty() ? 0 : snapshot.norms.peers(p.category, p.name);
        norm.minSample = snapshot.norms.minSample();
        const auto facts = snapshot.norms.factsFor(p.category, p.name);
        const auto behaviours = snapshot.behaviours.find(p.key());
        for (const char* column : engine::report::kHeatmapCategories) {
            const auto& candidates = normBehavioursOf(column);
            NormCell cell;
            cell.known = behaviours != snapshot.behaviours.end();
            cell.behaviour = candidates.empty() ? std::string() : candidates.front();
            const auto shareOf = [&](const std::string& behaviour) -> std::optional<double> {
                if (!facts)
                    return std::nullopt;
                const auto it = facts->share.find(behaviour);
                return it == facts->share.end() ? std::nullopt : std::optional<double>(it->second);
            };
            if (cell.known)
                for (const auto& b : candidates)
                    if (behaviours->second.count(b) != 0) {
                        // The rarest thing it does in this column is the one worth pointing at.
                        const auto share = shareOf(b);
                        if (!cell.shows || (share && (!cell.share || *share < *cell.share))) {
                            cell.behaviour = b;
                            cell.share = share;
                        }
                        cell.shows = true;
                    }
            if (!cell.shows)
                cell.share = shareOf(cell.behaviour);
            if (cell.known && cell.share)
                cell.unusual = cell.shows ? 1 - *cell.share : -*cell.share;
            norm.cells.push_back(std::move(cell));
        }
        out.emplace(p.key(), std::move(norm));
    }
    return out;
}

}  // namespace vigil::ui
