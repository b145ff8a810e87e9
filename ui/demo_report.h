// @brief Demo ScanReports built in code: examples/demo as VIGIL sees it, and synthetic trees of any
// size for the graph benchmark.
#pragma once

#include <cstddef>

#include "engine/report/scan_report.h"
#include "ui/rule_list_model.h"

namespace vigil::ui {

/// examples/demo: env-inspector (critical, env exfiltration), fast-setup (high, curl | sh),
/// fetch-guard (medium, global fetch override) and three benign packages, with their events.
engine::report::ScanReport makeDemoScanReport();

/// The previous version of a demo package ("fast-setup@3.0.9", benign), for the version diff.
engine::report::PackageReport makeDemoPreviousVersion(const std::string& name);

/// The rules the demo's findings come from, plus a few that did not fire.
std::vector<RuleInfo> makeDemoRules();

/// A resolved tree of `packages` packages with shared dependencies and a few findings.
engine::report::ScanReport makeSyntheticScanReport(std::size_t packages, unsigned seed = 7);

}  // namespace vigil::ui
