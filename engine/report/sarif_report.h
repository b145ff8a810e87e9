// @brief SARIF 2.1.0 of a ScanReport, in the shape GitHub code scanning ingests (rules, levels, security-severity, lockfile lines).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/report/scan_report.h"

namespace vigil::engine::report {

struct SarifOptions {
    /// Locations are written relative to this folder (the repository root in CI: where the
    /// command runs); a file outside it is written as an absolute file:// URI.
    std::filesystem::path sourceRoot;
    std::string toolVersion;
};

/// One run with tool.driver.rules (one per rule id that matched: shortDescription, fullDescription,
/// help, properties.security-severity and tags) and one result per non-expected finding: ruleId,
/// level (critical/high error, medium warning, low/info note), a message naming the package and
/// how it got into the tree, the lockfile line of the package's entry (or the manifest line of the
/// direct dependency that brings it) and partialFingerprints stable across scans.
nlohmann::json sarifReport(const ScanReport& report, const SarifOptions& options);

/// "9.5", "8.0", "5.5", "3.0", "0.0": GitHub reads >= 9 as critical, >= 7 high, >= 4 medium, else low.
std::string securitySeverity(Severity severity);

}  // namespace vigil::engine::report
