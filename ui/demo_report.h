// @brief Demo ScanReports built in code: examples/demo as VIGIL sees it, and synthetic trees of any
// size for the graph benchmark.
#pragma once

#include <cstddef>
#include <memory>

#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"
#include "ui/rule_list_model.h"

namespace vigil::ui {

/// examples/demo: env-inspector (critical, env exfiltration), fast-setup (high, curl | sh),
/// fetch-guard (medium, global fetch override) and three benign packages; their events go to
/// `events` (as a scan's go to the store) when it is not null.
engine::report::ScanReport makeDemoScanReport(engine::report::MemoryEventSource* events = nullptr);

/// The demo scan's events by package, for what shows them (details page, timelines, exports).
std::shared_ptr<engine::report::MemoryEventSource> makeDemoEvents();

/// The previous version of a demo package ("fast-setup@3.0.9", benign), for the version diff.
engine::report::PackageReport makeDemoPreviousVersion(const std::string& name);

/// The rules the demo's findings come from, plus a few that did not fire.
std::vector<RuleInfo> makeDemoRules();

/// A resolved tree of `packages` packages with shared dependencies and a few findings.
engine::report::ScanReport makeSyntheticScanReport(std::size_t packages, unsigned seed = 7);

}  // namespace vigil::ui
