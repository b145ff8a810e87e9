#include "ui/engine_analyzers.h"

#include "engine/analysis/facts.h"
#include "engine/analysis/rule_set.h"
#include "engine/core/severity.h"
#include "engine/plan/default_analyzers.h"

namespace vigil::ui {

AnalyzerFactory defaultAnalyzerFactory() {
    return [](const AnalyzerRequest& request) -> engine::Result<Analyzers> {
        // The same analyzer and rules as `vigil-cli scan`: the sandbox helper, the shipped rules,
        // then the settings page's rule folders.
        auto made = engine::plan::makeSandboxAnalyzers(request.config, request.ruleFolders);
        if (!made)
            return std::move(made).error();
        Analyzers analyzers;
        analyzers.analyzer = std::shared_ptr<engine::plan::PackageAnalyzer>(std::move(made->analyzer));
        analyzers.rules = made->rules;
        return analyzers;
    };
}

std::vector<RuleInfo> defaultAnalyzerRules() {
    // What the analyzer judges with: the shipped rules (user folders join when a scan starts).
    std::vector<RuleInfo> out;
    const auto shipped = engine::plan::locateShippedRules();
    if (!shipped)
        return out;
    auto rules = engine::analysis::RuleSet::load({*shipped}, engine::analysis::factFieldSchema());
    if (!rules)
        return out;
    for (const engine::analysis::RuleInfo& r : rules->rules())
        out.push_back({r.id, r.severity, r.description, r.source});
    return out;
}

}  // namespace vigil::ui
