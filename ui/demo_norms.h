// @brief Demo category norms: a store's worth of made-up peers for the demo project's categories,
// so the heatmap's norm view can be shown (and tested) without an analysis store.
#pragma once

#include <vector>

#include "engine/report/scan_report.h"
#include "ui/package_norms.h"

namespace vigil::ui {

/// Norms over synthetic peers of every category of `packages` (one category with fewer peers than
/// the minimum sample, to show an unavailable norm), with `packages` themselves counted; each
/// package's behaviours are read off its heat (a column of 10 or more shows the column's main
/// behaviour): demo reports carry no fingerprint documents.
NormsSnapshot makeDemoNorms(const std::vector<engine::report::PackageReport>& packages);

}  // namespace vigil::ui
