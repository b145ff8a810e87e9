// @brief RuleEvaluator: the rule set judging an analysis document — per phase and over all phases — into report findings with evidence events.
//
// Used twice: by the sandbox analyzer right after a run, and as the scan's FindingEvaluator on
// stored documents when only the rules changed. Both give the same findings for the same
// document, previous version and rules.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/analysis/facts.h"
#include "engine/analysis/rule_set.h"
#include "engine/plan/analysis_document.h"
#include "engine/plan/package_analyzer.h"

namespace vigil::engine::plan {

/// The fingerprint of the version analysed before `name@version` (the highest lower version
/// with a current document), or nullopt. Must be thread-safe.
using PreviousFingerprint =
    std::function<std::optional<analysis::Fingerprint>(const std::string& name, const std::string& version)>;

/// What changed from `previous` to `current`, as the diff.* facts: per diffFactKeys() field, the
/// values only the current (added) or only the previous (removed) version shows, all phases.
analysis::DiffFacts diffFactsOf(const analysis::Fingerprint& previous, const analysis::Fingerprint& current);

/// At most this many evidence events per finding (the first ones, in phase and seq order).
inline constexpr std::size_t kMaxEvidenceEvents = 20;

class RuleEvaluator : public FindingEvaluator {
public:
    /// Loads the rule directories in order (shipped first; later ones append and override).
    static Result<RuleEvaluator> load(const std::vector<std::filesystem::path>& dirsInOrder,
                                      PreviousFingerprint previous = {});

    /// "rules:" + 16 hex of the sha256 of every loaded file's layer, name and text.
    [[nodiscard]] std::string version() const override { return version_; }
    /// Judges a stored document again (the orchestrator's cached versions).
    Result<std::vector<report::Finding>> evaluate(const AnalysisTarget& target, const nlohmann::json& fingerprint) override;

    /// The findings for a document: each rule evaluated on every phase's facts and on the facts
    /// of all phases together; one finding per rule with the phases it matched in, the matched
    /// values, and the events behind them. A match only exceptions suppressed is kept as
    /// `expected` (explained, not alarmed). `category` is the document's.
    [[nodiscard]] std::vector<report::Finding> judge(const AnalysisDocument& document) const;

    [[nodiscard]] const analysis::RuleSet& rules() const { return rules_; }

private:
    RuleEvaluator(analysis::RuleSet rules, std::string version, PreviousFingerprint previous)
        : rules_(std::move(rules)), version_(std::move(version)), previous_(std::move(previous)) {}

    analysis::RuleSet rules_;
    std::string version_;
    PreviousFingerprint previous_;
};

}  // namespace vigil::engine::plan
