// @brief renderHtml: a scan as ONE self-contained HTML file — no external URL, no script, inert package data.
//
// Sections: summary, dependency graph, risk heatmap, changes since the previous scan, then one
// section per package (findings with their evidence events, phases, timeline, install scripts,
// events). A Content-Security-Policy meta tag forbids scripts and remote loads as a second line
// of defence behind escaping.
#pragma once

#include <string>

#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::report {

/// `events` (may be null) gives each package's events for its timeline and event table, read one
/// package at a time; without it each package says its events are not part of the report.
std::string renderHtml(const ScanReport& report, const EventSource* events = nullptr);

}  // namespace vigil::engine::report
