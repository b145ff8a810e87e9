// @brief RuleEvaluator: the rule set judging an analysis document — per phase and over all phases — into report findings with evidence events.
//
// Used twice: by the sandbox analyzer right after a run, and as the scan's FindingEvaluator on
// stored documents when only the rules changed. Both give the same findings for the same
// document, prior facts (previous version, category norms) and rules.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/facts.h"
#include "engine/analysis/rule_set.h"
#include "engine/plan/analysis_document.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/plan/package_analyzer.h"

namespace vigil::engine::plan {

/// What a document is judged against besides itself: the previous analysed version (for the
/// diff.* facts) and the norms of its category (norm.*), for `current` in `category` ("" =
/// unknown). nullopt when nothing is known. Must be thread-safe.
using PriorFactsSource =
    std::function<std::optional<PriorFacts>(const analysis::Fingerprint& current, const std::string& category)>;

/// A finding every event of which is another package's code (a dependency in the package's
/// closure: the JS stack, or the process a child_process call of that package started) is kept as
/// information on the package, with these evidence keys: the dependencies ("name@version", sorted)
/// and the severity the rule gives (what the dependency is charged with in a scan).
inline constexpr std::string_view kViaDependencyKey = "via_dependency";
inline constexpr std::string_view kSeverityAsOwnKey = "severity_as_own";

/// At most this many evidence events per finding (the first ones, in phase and seq order).
inline constexpr std::size_t kMaxEvidenceEvents = 20;

class RuleEvaluator : public FindingEvaluator {
public:
    /// Loads the rule directories in order (shipped first; later ones append and override), then
    /// switches off `disabledRules` (a last layer of Falco short-form `enabled: false` items, so
    /// the version changes with them; an id no rule has is an error).
    static Result<RuleEvaluator> load(const std::vector<std::filesystem::path>& dirsInOrder,
                                      PriorFactsSource prior = {}, const std::vector<std::string>& disabledRules = {});

    /// "rules:" + 16 hex of the sha256 of every loaded file's layer, name and text.
    [[nodiscard]] std::string version() const override { return version_; }
    /// Judges a stored document again (the orchestrator's cached versions).
    Result<std::vector<report::Finding>> evaluate(const AnalysisTarget& target, const nlohmann::json& fingerprint) override;

    /// The findings for a document: each rule evaluated on every phase's facts and on the facts
    /// of all phases together; one finding per rule with the phases it matched in, the matched
    /// values, and the events behind them. A match only exceptions suppressed is kept as
    /// `expected` (explained, not alarmed). A match whose events are all a dependency's code is
    /// information, "(through its dependency D@v)" (kViaDependencyKey). The document's category, the diff against the previous
    /// version (per phase for a phase's facts) and the category's norms come from the prior source.
    [[nodiscard]] std::vector<report::Finding> judge(const AnalysisDocument& document) const;

    [[nodiscard]] const analysis::RuleSet& rules() const { return rules_; }

private:
    RuleEvaluator(analysis::RuleSet rules, std::string version, PriorFactsSource prior)
        : rules_(std::move(rules)), version_(std::move(version)), prior_(std::move(prior)) {}

    analysis::RuleSet rules_;
    std::string version_;
    PriorFactsSource prior_;
};

}  // namespace vigil::engine::plan
