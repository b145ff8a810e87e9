// @brief The terminal form of a ScanReport: totals, then CRITICAL / HIGH / MEDIUM groups with reasons and paths.
#pragma once

#include <string>

#include "engine/report/scan_report.h"

namespace vigil::engine::report {

struct TextOptions {
    bool colour = false;         ///< ANSI colours (a TTY without NO_COLOR)
    Severity minimum = Severity::Medium;  ///< groups shown; lower findings are only counted
    std::size_t maxPaths = 2;    ///< dependency paths shown per package
};

/// The report box: header with project and totals ("Scanned 847 dependencies — analysed 23 (824
/// cached)"), findings per severity, changes since the previous scan, then one group per severity
/// from CRITICAL down to `minimum` listing each package, its findings' one-line reasons and how it
/// got into the tree; packages whose analysis failed last.
std::string scanReportText(const ScanReport& report, const TextOptions& options);

}  // namespace vigil::engine::report
