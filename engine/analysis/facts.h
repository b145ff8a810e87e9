// @brief Facts: the flat map of named values a rule condition is evaluated against, and its schema.
//
// The contract between analysis and the rule engine (documented field by field in rules/FACTS.md):
// a flat JSON object whose keys are dotted field paths ("events.network.hosts") and whose values
// are numbers, strings, booleans or lists of strings. Every string-list field F also has F.count.
// The rule compiler checks each field a condition names against factSchema(), so an unknown
// field is a compile error instead of a silent false.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/exfiltration.h"
#include "engine/analysis/field_schema.h"
#include "engine/analysis/fingerprint.h"

namespace vigil::engine::analysis {

enum class FactType { Number, String, Bool, StringList };
/// "number", "string", "bool", "string-list".
const char* factTypeName(FactType type);

struct FactField {
    std::string path;
    FactType type;
    std::string description;
};

/// Every field buildFacts emits, in documentation order (rules/FACTS.md has the same table).
const std::vector<FactField>& factSchema();
/// The field at `path`, or null when no such field exists.
const FactField* findFact(std::string_view path);
/// factSchema() in the form the rule compiler checks conditions against: what the shipped rules
/// and `vigil-cli rules check` compile with.
FieldSchema factFieldSchema();

struct PackageFacts {
    std::string name;
    std::string version;
    std::string category;  ///< from the category inference; "" = unknown
};

/// What the version diff found, keyed by the field suffix after diff.added. / diff.removed.:
/// "network.hosts", "process.programs", ... (see diffFactKeys()). The diff fills it.
struct DiffFacts {
    std::map<std::string, std::vector<std::string>> added;
    std::map<std::string, std::vector<std::string>> removed;
};
/// The suffixes the schema declares for diff.added.* and diff.removed.*.
const std::vector<std::string>& diffFactKeys();

/// Category norms: for each behaviour, the share (0..1) of analysed packages of the category that
/// show it, keyed by the field name between norm. and .share: "network", "process", ... (see
/// normFactKeys()). The norms computation fills it.
struct NormFacts {
    std::map<std::string, double> share;
};
const std::vector<std::string>& normFactKeys();

/// The facts of one phase of a fingerprint ("" = all phases together). Without a diff the
/// diff.* lists are empty and diff.available is false; without norms every share is 1.0 (treated
/// as common, so norm-based rules stay quiet) and norm.available is false. Only proofs of this
/// phase count (all of them for "").
nlohmann::json buildFacts(const Fingerprint& fingerprint, std::string_view phase, const PackageFacts& package,
                          const std::optional<DiffFacts>& diff, const std::optional<NormFacts>& norms,
                          const std::vector<ExfiltrationProof>& proofs);

}  // namespace vigil::engine::analysis
