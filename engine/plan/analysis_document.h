// @brief AnalysisDocument: a package version's judged behaviour as a scan keeps it (fingerprint, proofs, warnings) and its JSON.
//
// PackageAnalysis::fingerprint and the store's fingerprint document hold this JSON, so the rules
// can judge a stored version again without running it: analysis::toJson(fingerprint)'s keys
// (package, version, runtime, checksum, phases, sections) plus "exfiltration" (the proofs, which
// the fingerprint does not carry), "warnings" (what degraded the analysis), "attribution" (which
// package's code did the evidence events) and the store's six summary arrays (network_calls,
// file_reads, file_writes, env_reads, shell_commands, dynamic_code_exec) that the norms, the
// heatmap and the GUI's behaviour list read.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/category.h"
#include "engine/analysis/event_attribution.h"
#include "engine/analysis/exfiltration.h"
#include "engine/analysis/fingerprint.h"
#include "engine/core/result.h"

namespace vigil::engine::plan {

/// Bumped when the document's shape changes (it is part of the analyzer version).
inline constexpr int kAnalysisDocumentVersion = 1;

struct AnalysisDocument {
    analysis::Fingerprint fingerprint;
    /// What kind of package it is (from its package.json, or a user override): the category the
    /// rules' `category` and `norm.*` facts and the store's norms use. Optional in the JSON
    /// ("category"); empty when unknown.
    analysis::CategoryGuess category;
    std::vector<analysis::ExfiltrationProof> proofs;
    std::vector<std::string> warnings;
    /// Which package's code did the evidence events ("attribution" in the JSON; the package's
    /// own and unattributable events are not listed). Additive: a document stored before it
    /// existed has none (attributionKnown false) until the scan fills it in from the stored events.
    analysis::EvidenceAttribution attribution;
    bool attributionKnown = false;
};

nlohmann::json toJson(const AnalysisDocument& document);
/// Inverse of toJson (the summary arrays are ignored: they are derived). Input error when the
/// JSON is not such a document (an older analyzer's), Integrity when the checksum does not match.
Result<AnalysisDocument> analysisDocumentFromJson(const nlohmann::json& json);

nlohmann::json toJson(const analysis::ExfiltrationProof& proof);
Result<analysis::ExfiltrationProof> proofFromJson(const nlohmann::json& json);

}  // namespace vigil::engine::plan
