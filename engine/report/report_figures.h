// @brief The figures of a scan report as SVG: risk heatmap, per-package event timeline, dependency graph.
//
// Shared by the HTML report (inlined) and the PDF report (drawn as vectors by QSvgRenderer).
#pragma once

#include <string>

#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::report {

struct Figure {
    std::string svg;      ///< "" when there is nothing to draw
    double width = 0;     ///< SVG user units (CSS px; 1 px = 0.75 pt)
    double height = 0;
    std::string note;     ///< shown under the figure: reductions, why it is empty
};

/// Packages (rows, report order) x kHeatmapCategories (columns) plus the score, cells in severity colours.
Figure heatmapFigure(const ScanReport& report, bool standalone = false);

/// One lane per event category, time on x, the phases side by side each on its own scale; events
/// a finding rests on are drawn in that finding's severity colour.
Figure timelineFigure(const PackageReport& package, const PackageEvents& events, bool standalone = false);

struct GraphFigureOptions {
    std::size_t maxNodes = 300;  ///< above this, only the paths from the root to risky packages
    bool standalone = false;
};

/// The dependency graph laid out by layoutGraph (graphviz), nodes in severity colours.
Figure dependencyGraphFigure(const ScanReport& report, const GraphFigureOptions& options = {});

}  // namespace vigil::engine::report
