// The analyzer set-up shared by vigil-cli scan and the GUI.
#include "engine/plan/default_analyzers.h"

namespace vigil::engine::plan {

namespace fs = std::filesystem;

std::optional<fs::path> locateShippedRules() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path built = (self.parent_path() / ".." / ".." / "rules").lexically_normal();
        if (fs::is_directory(built, ec))
            return built;
    }
    const fs::path installed = "/usr/share/vigil/rules";
    if (fs::is_directory(installed, ec))
        return installed;
    return std::nullopt;
}

Result<Analyzers> makeSandboxAnalyzers(const Config& config, const std::vector<fs::path>& extraRuleDirs) {
    // The helper first: without it or its privileges nothing else matters, and its error names the fix.
    if (auto client = sandbox::SandboxClient::create(); !client)
        return std::move(client).error();
    const auto shipped = locateShippedRules();
    if (!shipped)
        return makeError(ErrorCode::NotFound, "the shipped rules were not found",
                         "expected next to the program (<build>/rules) or at /usr/share/vigil/rules");
    std::vector<fs::path> dirs{*shipped};
    dirs.insert(dirs.end(), extraRuleDirs.begin(), extraRuleDirs.end());
    return makeSandboxAnalyzersWithRules(config, dirs);
}

Result<Analyzers> makeSandboxAnalyzersWithRules(const Config& config, const std::vector<fs::path>& ruleDirs) {
    auto client = sandbox::SandboxClient::create();
    if (!client)
        return std::move(client).error();
    auto history = AnalysisHistory::open(config.storePath);
    if (!history)
        return std::move(history).error();
    std::shared_ptr<AnalysisHistory> shared = std::move(history).value();
    auto rules = RuleEvaluator::load(ruleDirs, [shared](const analysis::Fingerprint& current, const std::string& category) {
        return shared->prior(current, category);
    }, config.disabledRules);
    if (!rules)
        return std::move(rules).error();
    Analyzers out;
    out.rules = std::make_shared<RuleEvaluator>(std::move(rules).value());
    out.ruleDirs = ruleDirs;
    SandboxAnalyzerOptions options;
    options.cacheRoot = config.cacheDir;
    options.categoriesFile = config.categoriesFile;
    auto analyzer = SandboxAnalyzer::create(std::move(client).value(), std::move(options), out.rules, shared);
    if (!analyzer)
        return std::move(analyzer).error();
    out.analyzer = std::move(analyzer).value();
    return out;
}

}  // namespace vigil::engine::plan
