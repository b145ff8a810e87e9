// @brief changesTable: a VersionChanges as escaped HTML table cells — the one content path behind the "Changes since" sections of the HTML and PDF reports and their diff exports.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/report/scan_report.h"

namespace vigil::engine::report {

/// Cells are HTML, everything from packages escaped; each renderer lays the rows out its own way.
struct ChangesTable {
    std::string heading;   ///< "Changes since 1.0.0" (escaped)
    std::string summary;   ///< "2 added, 0 removed, 0 changed; behaviour differs" (escaped)
    std::vector<std::string> headers;               ///< "", "Section", "Behaviour", "Evidence"
    std::vector<std::vector<std::string>> rows;     ///< one per line, at most the limit
    std::vector<std::string> fileHeaders;           ///< "", "File"
    std::vector<std::vector<std::string>> fileRows; ///< empty when the files are unknown or the same
    std::string note;      ///< what was left out or unknown (escaped); "" when nothing
};

/// Bounds keep a hostile package from making a report unusably large.
inline constexpr std::size_t kMaxChangeRows = 500;
inline constexpr std::size_t kMaxFileRows = 500;

ChangesTable changesTable(const VersionChanges& changes);

}  // namespace vigil::engine::report
