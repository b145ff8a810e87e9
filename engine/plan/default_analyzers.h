// @brief makeSandboxAnalyzers: the scan's real analyzer and rule evaluator, set up the same way for the CLI and the GUI.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/result.h"
#include "engine/plan/rule_evaluator.h"
#include "engine/plan/sandbox_analyzer.h"

namespace vigil::engine::plan {

struct Analyzers {
    std::shared_ptr<RuleEvaluator> rules;      ///< also the orchestrator's FindingEvaluator
    std::unique_ptr<SandboxAnalyzer> analyzer;
    std::vector<std::filesystem::path> ruleDirs;  ///< as loaded: the shipped rules first
};

/// The shipped rules: <dir of the running executable>/../../rules (the build tree, where CMake
/// copies rules/*.yaml), else /usr/share/vigil/rules; nullopt when neither exists.
std::optional<std::filesystem::path> locateShippedRules();

/// The sandbox helper (SandboxClient::create), the shipped rules plus `extraRuleDirs` in that
/// order, a history over config.storePath and an analyzer over config.cacheDir. Errors: no
/// helper or privileges, no shipped rules, a rule that does not compile (FILE:LINE:COLUMN).
Result<Analyzers> makeSandboxAnalyzers(const Config& config, const std::vector<std::filesystem::path>& extraRuleDirs);

/// The same with the rule directories given in full (tests, packaging) and the helper found as usual.
Result<Analyzers> makeSandboxAnalyzersWithRules(const Config& config, const std::vector<std::filesystem::path>& ruleDirs);

}  // namespace vigil::engine::plan
