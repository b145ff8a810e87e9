#include "ui/engine_analyzers.h"

#include "engine/plan/interim_script_analyzer.h"
#include "engine/sandbox/sandbox_client.h"

namespace vigil::ui {

AnalyzerFactory defaultAnalyzerFactory() {
    return [](const AnalyzerRequest& request) -> engine::Result<Analyzers> {
        auto client = engine::sandbox::SandboxClient::create();
        if (!client)
            return std::move(client).error();
        // THE ANALYZER: the interim one, as `vigil-cli scan` uses today. It ignores rule folders and
        // the phase budget (fixed checks, 30 s per script); the real analyzer
        // (engine/plan/default_analyzers.h, makeSandboxAnalyzers(config, ruleFolders)) replaces this line.
        auto analyzer = engine::plan::InterimScriptAnalyzer::create(std::move(client).value(), request.config.cacheDir);
        if (!analyzer)
            return std::move(analyzer).error();
        Analyzers made;
        made.analyzer = std::make_shared<engine::plan::InterimScriptAnalyzer>(std::move(analyzer).value());
        return made;
    };
}

std::vector<RuleInfo> defaultAnalyzerRules() {
    // The interim analyzer's fixed checks (engine/plan/interim_script_analyzer.h).
    const std::string source = "built in (interim analyzer)";
    return {
        {"interim-exfiltration", engine::Severity::Critical, "A honeytoken's value left the sandbox in plaintext traffic", source},
        {"interim-network", engine::Severity::High, "A phase contacted a host (DNS, HTTP, TLS, TCP or UDP)", source},
        {"interim-package-modified", engine::Severity::Low, "A phase created, changed or deleted files of the package", source},
    };
}

}  // namespace vigil::ui
