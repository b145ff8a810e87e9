// @brief writePdf: a scan report as a paginated PDF (A4 or Letter) — title page, outline, page numbers, vector figures.
//
// Drawn with Qt's own PDF writer (QPdfWriter + QTextDocument + QSvgRenderer for the figures the
// HTML report also shows); Qt 6.4 cannot write a PDF outline, so libqpdf adds the bookmarks.
#pragma once

#include <filesystem>

#include "engine/core/result.h"
#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::ui::report {

enum class PageSize { A4, Letter };

/// Needs a QGuiApplication (fonts). Runs on any thread: every Qt object it paints with is its own
/// (the export runs it on a worker so the window keeps drawing).
/// `events` (may be null) gives the packages' timelines and event tables, one package at a time.
engine::Status writePdf(const engine::report::ScanReport& report, const std::filesystem::path& path, PageSize size,
                        const engine::report::EventSource* events = nullptr);

/// For command-line tools: creates an offscreen QGuiApplication when none exists, then writePdf.
engine::Status writePdfHeadless(const engine::report::ScanReport& report, const std::filesystem::path& path,
                                PageSize size, const engine::report::EventSource* events = nullptr);

}  // namespace vigil::ui::report
