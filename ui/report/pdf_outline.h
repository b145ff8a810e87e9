// @brief addPdfOutline: writes a PDF's bookmarks (outline) with libqpdf, which Qt 6.4's QPdfWriter cannot.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace vigil::ui::report {

struct OutlineTarget {
    std::string title;  ///< UTF-8
    int level = 0;      ///< 0 or 1 (1 = child of the previous level-0 entry)
    int page = 0;       ///< 0-based page index
    double top = 0;     ///< PDF user units from the page's bottom edge, where the viewer scrolls to
};

/// Reads `input`, adds the outline (opened in the viewer's bookmark pane) and writes `output`.
engine::Status addPdfOutline(const std::filesystem::path& input, const std::filesystem::path& output,
                             const std::vector<OutlineTarget>& entries);

}  // namespace vigil::ui::report
