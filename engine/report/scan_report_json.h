// @brief The versioned JSON form of a ScanReport ("vigil.scan/1"): what `scan --format json` prints and `report` reads.
//
// Documented in resources/schemas/vigil.scan-1.md, described by resources/schemas/vigil.scan-1.schema.json.
// Compatible additions (new optional fields) keep the version; anything else bumps it.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::report {

inline constexpr const char* kScanSchema = "vigil.scan/1";

/// The whole report; events via collect::toJson, times as UTC ISO 8601 with milliseconds.
nlohmann::json scanReportToJson(const ScanReport& report);

/// Inverse of scanReportToJson. An Input error names the JSON path of the bad field
/// ("/packages/2/findings/0/severity") and what was expected there.
Result<ScanReport> scanReportFromJson(const nlohmann::json& json);

/// Reads and parses a vigil.scan/1 file; syntax errors name file:line:column.
Result<ScanReport> readScanReportFile(const std::filesystem::path& path);

/// "2025-03-14T09:26:53.589Z".
std::string isoTimestamp(std::chrono::system_clock::time_point tp);
/// Inverse of isoTimestamp; also accepts no fraction and a "+00:00" suffix. nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parseIsoTimestamp(std::string_view text);

}  // namespace vigil::engine::report
