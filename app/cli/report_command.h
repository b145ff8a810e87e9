// @brief Rendering a finished scan: text, vigil.scan/1 JSON, SARIF, HTML or PDF, with the CI gate.
//
// `vigil-cli scan` renders the scan it just ran through emitReport; `vigil-cli report` renders a
// stored scan (by id from the store) or a vigil.scan/1 JSON file the same way.
#pragma once

#include <string>

#include "engine/core/config.h"
#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::cli {

struct ReportOutputOptions {
    std::string format = "text";  ///< text, json, sarif, html, pdf
    std::string out;              ///< file for the format; empty = stdout (pdf needs a file)
    std::string failOn;           ///< critical, high, medium (low, info also accepted); empty = never
    std::string colour = "auto";  ///< auto, always, never
    std::string pageSize = "a4";  ///< pdf: a4 or letter
    std::string package;          ///< report: only this name@version of the scan; empty = all
};

/// The formats --format accepts, for the CLI's validators.
inline constexpr const char* kReportFormats[] = {"text", "json", "sarif", "html", "pdf"};

/// Checks the options without rendering anything (usage errors before a long scan, not after).
engine::Status checkReportOptions(const ReportOutputOptions& options);

/// Where emitReport gets the packages' events: HTML and PDF read them one package at a time for
/// timelines and event tables; JSON carries them only when `inJson` (one-package reports, files
/// that had them) — a whole scan's JSON would grow with every event of every package.
struct ReportEvents {
    const engine::report::EventSource* source = nullptr;
    bool inJson = false;
};

/// Writes the report in the chosen format; with --out a terminal summary is printed too.
/// Exit code: 0, 1 when --fail-on is met, 130 for a cancelled scan, or the error's code.
int emitReport(const engine::report::ScanReport& report, const ReportOutputOptions& options, ReportEvents events = {});

/// `vigil-cli report SCAN`: SCAN is a scan id of the store or a vigil.scan/1 JSON file; with
/// --package only that package, as a one-package report (NotFound naming it when the scan lacks it).
int runReport(const engine::Config& config, const std::string& scan, const ReportOutputOptions& options);

}  // namespace vigil::cli
