// Made-up peers with plausible shares: HTTP clients network, build tools run programs, the rest
// mostly do neither.
#include "ui/demo_norms.h"

#include <cmath>
#include <string>

namespace vigil::ui {
namespace {

using engine::analysis::Fingerprint;
using engine::analysis::NormSample;
using engine::analysis::Section;

struct Evidence {
    Section section;
    const char* key;
    const char* phase;
};

// One fingerprint item that makes showsBehaviour() true for each behaviour.
const std::map<std::string, Evidence>& evidenceFor() {
    static const std::map<std::string, Evidence> k = {
        {"network", {Section::NetHttp, "GET registry.example /", "api"}},
        {"dns", {Section::NetDns, "registry.example", "api"}},
        {"process", {Section::ProcessPrograms, "node", "import"}},
        {"shell", {Section::ShellCommands, "node build.js", "api"}},
        {"file_write", {Section::FileWrites, "$PKG/out.js", "api"}},
        {"file_delete", {Section::FileDeletes, "$PKG/tmp", "api"}},
        {"env_read", {Section::EnvReads, "HOME", "import"}},
        {"env_enumerated", {Section::EnvEnumerations, "keys", "import"}},
        {"code_dynamic", {Section::CodeDynamic, "eval", "import"}},
        {"global_override", {Section::CodeGlobalOverrides, "fetch", "import"}},
        {"install_script", {Section::ShellCommands, "node install.js", "install"}},
    };
    return k;
}

Fingerprint fingerprintOf(const std::string& name, const std::set<std::string>& behaviours) {
    Fingerprint fp;
    fp.package = name;
    fp.version = "1.0.0";
    for (const auto& b : behaviours)
        if (const auto it = evidenceFor().find(b); it != evidenceFor().end())
            fp.sections[it->second.section][it->second.key][it->second.phase] = {1};
    return fp;
}

struct CategoryShape {
    std::size_t peers;
    std::map<std::string, double> shares;  ///< behaviours not listed: 3 %
};

CategoryShape shapeOf(const std::string& category) {
    if (category == "http-client")
        return {120, {{"network", 0.92}, {"dns", 0.88}, {"env_read", 0.35}, {"process", 0.04}}};
    if (category == "build")
        return {64, {{"process", 0.7}, {"shell", 0.55}, {"file_write", 0.8}, {"env_read", 0.6}, {"install_script", 0.12}, {"network", 0.1}}};
    if (category == "debug")
        return {28, {{"env_read", 0.64}, {"network", 0.04}}};
    if (category == "terminal")
        return {3, {{"env_read", 0.67}}};  // below the minimum sample: the norm is unavailable
    return {40, {{"env_read", 0.2}}};
}

}  // namespace

NormsSnapshot makeDemoNorms(const std::vector<engine::report::PackageReport>& packages) {
    NormsSnapshot snapshot;
    std::set<std::string> categories;
    std::vector<NormSample> samples;
    for (const auto& p : packages) {
        if (!p.category.empty())
            categories.insert(p.category);
        std::set<std::string> behaviours;
        for (const char* column : engine::report::kHeatmapCategories) {
            const auto heat = p.heat.find(column);
            const auto& candidates = normBehavioursOf(column);
            if (heat != p.heat.end() && heat->second >= 10 && !candidates.empty())
                behaviours.insert(candidates.front());
        }
        snapshot.behaviours[p.key()] = behaviours;
        samples.push_back({p.category, fingerprintOf(p.name, behaviours)});
    }
    for (const auto& category : categories) {
        const CategoryShape shape = shapeOf(category);
        std::vector<std::set<std::string>> peers(shape.peers);
        std::size_t offset = 0;
        for (const auto& [behaviour, evidence] : evidenceFor()) {
            const auto it = shape.shares.find(behaviour);
            const double share = it == shape.shares.end() ? 0.03 : it->second;
            const auto showing = static_cast<std::size_t>(std::lround(share * static_cast<double>(shape.peers)));
            // Spread over the peers so behaviours do not all pile onto the first ones.
            for (std::size_t i = 0; i < showing; ++i)
                peers[(i + offset) % shape.peers].insert(behaviour);
            offset += 7;
        }
        for (std::size_t i = 0; i < peers.size(); ++i)
            samples.push_back({category, fingerprintOf(category + "-peer-" + std::to_string(i), peers[i])});
    }
    snapshot.norms = engine::analysis::CategoryNorms(samples);
    return snapshot;
}

}  // namespace vigil::ui
