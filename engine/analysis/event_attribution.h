// @brief Event attribution: which package's code did each event, kernel events included through the process tree.
//
// Runtime events carry the package their JS stack resolved to. Kernel events carry only a pid:
// a process started by a child_process call the hook attributed to package X belongs to X, and so
// do its descendants; the first process and anything started by npm or a shell stay unattributed
// (the package under analysis is answerable for them: its install script, its entry point).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/fingerprint.h"
#include "engine/collect/event.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// seq -> "name@version" for the events of one phase stream some package's code did.
using SeqPackages = std::map<uint64_t, std::string>;

/// Attributes one phase's merged stream (ordered by seq). A runtime event keeps its own
/// attribution; a kernel event gets its process's: a process.fork from pid P after a
/// process.spawn runtime event of P (and before P's next fork) makes the child that spawn's
/// package's, otherwise the child inherits P's.
SeqPackages attributeEvents(const std::vector<collect::Event>& events);

/// package -> phase -> seqs: the fingerprint's evidence events some package's code did.
using EvidenceAttribution = std::map<std::string, EventSeqs>;

/// Restricts the per-phase attributions to the seqs the fingerprint cites as evidence (what the
/// rules can point at), so the stored document stays small.
EvidenceAttribution evidenceAttribution(const Fingerprint& fingerprint,
                                        const std::map<std::string, SeqPackages>& byPhase);

/// {"name@version": {"import": [310, 311]}}.
nlohmann::json toJson(const EvidenceAttribution& attribution);
/// Inverse of toJson; Input error naming what is malformed.
Result<EvidenceAttribution> evidenceAttributionFromJson(const nlohmann::json& json);

}  // namespace vigil::engine::analysis
