// @brief Pieces of the HTML report shared by its source files (internal to engine/report).
#pragma once

#include <string>

#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::report::html {

/// The report's style sheet (screen and print).
const char* styleSheet();

/// <span class="sev sev-high">high</span>
std::string severityBadge(Severity s);

/// "pkg-3": anchors are built from positions, never from package names.
std::string packageAnchor(std::size_t index);

/// "Changes since <version>": the behaviour lines with their events, then the file diff.
std::string versionChangesSection(const VersionChanges& changes);

/// The <section> of one package, with its events (or the note saying why there are none).
std::string packageSection(const PackageReport& package, std::size_t index, const PackageEvents& events);

}  // namespace vigil::engine::report::html
