// @brief buildPdfContent: the body of the PDF report as one QTextDocument (Qt rich text + SVG figures), with its outline.
#pragma once

#include <string>
#include <vector>

#include <QTextDocument>

#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::ui::report {

struct OutlineEntry {
    std::string title;  ///< plain text (visibleText), shown in the PDF viewer's bookmarks
    int level = 0;      ///< 0 = section, 1 = under the previous section
    int position = 0;   ///< document position of the heading
};

/// Fills `doc` (layout already bound to the PDF writer); figures are at most `contentWidth` wide.
/// `events` (may be null): each package's events, read one package at a time.
std::vector<OutlineEntry> buildPdfContent(QTextDocument& doc, const engine::report::ScanReport& report, double contentWidth,
                                          const engine::report::EventSource* events);

}  // namespace vigil::ui::report
