// @brief `vigil-cli rules check DIR...`: compile rule directories as the analysis would and report.
#pragma once

#include <string>
#include <vector>

namespace vigil::cli {

/// Loads DIRs in order (later ones append to / override earlier ones) against the facts schema —
/// the analysis's own, or the JSON object in `schemaFile` (field path -> "number" | "string" |
/// "bool" | "string list"). Prints counts (and each rule with `listRules`) on stdout, or the
/// first error with its FILE:LINE:COLUMN excerpt on stderr. Returns 0 when every file compiles,
/// 1 when one does not (as linters do, so CI can gate on it).
int runRulesCheck(const std::vector<std::string>& dirs, const std::string& schemaFile, bool listRules);

}  // namespace vigil::cli
