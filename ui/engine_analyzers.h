// @brief AnalyzerFactory: how the GUI's engine backend gets the PackageAnalyzer it scans with — made
// in one place (defaultAnalyzerFactory: the CLI's analyzer, engine/plan/default_analyzers.h), so
// tests can substitute a scripted one.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/result.h"
#include "engine/plan/package_analyzer.h"
#include "ui/rule_list_model.h"

namespace vigil::ui {

/// What a factory may use: the engine configuration of this scan and the settings page's analysis choices.
struct AnalyzerRequest {
    engine::Config config;
    std::vector<std::filesystem::path> ruleFolders;  ///< user rule folders (the shipped rules come with the analyzer)
    std::chrono::seconds phaseBudget{60};
};

/// One scan's analysis machinery. Shared pointers: the backend keeps them for the scan's length only.
struct Analyzers {
    std::shared_ptr<engine::plan::PackageAnalyzer> analyzer;
    /// Judges stored fingerprints again when the rules changed; null = reuse stored findings.
    std::shared_ptr<engine::plan::FindingEvaluator> rules;
};

/// Called on the scan's worker thread at the start of every scan. Its error (no helper, not
/// privileged, a rule file that does not compile) is what the GUI shows, primary and secondary.
using AnalyzerFactory = std::function<engine::Result<Analyzers>(const AnalyzerRequest&)>;

/// The analyzer the application scans with: the sandbox helper found next to the executable (or
/// installed), checked for privileges before anything is resolved.
AnalyzerFactory defaultAnalyzerFactory();

/// The shipped rules defaultAnalyzerFactory's analyzer applies, for the Rules page (empty when
/// the rules folder cannot be found or does not compile: the scan then reports why).
std::vector<RuleInfo> defaultAnalyzerRules();

}  // namespace vigil::ui
