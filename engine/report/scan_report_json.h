// @brief The versioned JSON form of a ScanReport ("vigil.scan/1"): what `scan --format json` prints and `report` reads.
//
// Documented in resources/schemas/vigil.scan-1.md, described by resources/schemas/vigil.scan-1.schema.json.
// Compatible additions (new optional fields) keep the version; anything else bumps it.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::report {

inline constexpr const char* kScanSchema = "vigil.scan/1";

/// The whole report, times as UTC ISO 8601 with milliseconds. Every package's `events` is empty:
/// a scan's events live in the store (a cold scan of a thousand packages has over a million).
nlohmann::json scanReportToJson(const ScanReport& report);

/// The same with each package's `events` (collect::toJson) read from `events`, one package at a
/// time; a package the source has none of gets `[]`, any other error of the source is returned.
/// For one-package exports and small scans: the document grows with every event.
Result<nlohmann::json> scanReportToJson(const ScanReport& report, const EventSource& events);

/// Inverse of scanReportToJson. An Input error names the JSON path of the bad field
/// ("/packages/2/findings/0/severity") and what was expected there. The packages' events, when
/// the file has them, go to `events` (ignored when null).
Result<ScanReport> scanReportFromJson(const nlohmann::json& json, MemoryEventSource* events = nullptr);

/// Reads and parses a vigil.scan/1 file; syntax errors name file:line:column.
Result<ScanReport> readScanReportFile(const std::filesystem::path& path, MemoryEventSource* events = nullptr);

/// "2025-03-14T09:26:53.589Z".
std::string isoTimestamp(std::chrono::system_clock::time_point tp);
/// Inverse of isoTimestamp; also accepts no fraction and a "+00:00" suffix. nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parseIsoTimestamp(std::string_view text);

}  // namespace vigil::engine::report
