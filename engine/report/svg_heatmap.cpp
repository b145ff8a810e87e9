// The risk heatmap: one row per package, one column per behaviour category, then the package score.
#include <algorithm>

#include <fmt/format.h>

#include "engine/report/palette.h"
#include "engine/report/report_figures.h"
#include "engine/report/svg_writer.h"

namespace vigil::engine::report {

namespace {
constexpr double kLabelWidth = 230;
constexpr double kCellWidth = 78;
constexpr double kCellHeight = 26;
constexpr double kHeaderHeight = 30;
constexpr double kGap = 2;
constexpr std::size_t kLabelChars = 34;

std::string clip(const std::string& s, std::size_t chars) {
    // Byte-based cut at a UTF-8 boundary: labels are names, mostly ASCII.
    if (s.size() <= chars)
        return s;
    std::size_t cut = chars - 1;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    return s.substr(0, cut) + "\xE2\x80\xA6";
}
}  // namespace

Figure heatmapFigure(const ScanReport& report, bool standalone) {
    Figure fig;
    if (report.packages.empty()) {
        fig.note = "No packages in this scan.";
        return fig;
    }
    const std::size_t columns = std::size(kHeatmapCategories) + 1;
    fig.width = kLabelWidth + static_cast<double>(columns) * (kCellWidth + kGap);
    fig.height = kHeaderHeight + static_cast<double>(report.packages.size()) * (kCellHeight + kGap) + 4;
    SvgWriter svg(fig.width, fig.height, "Risk heatmap: packages by behaviour category");

    for (std::size_t c = 0; c < columns; ++c) {
        const double x = kLabelWidth + static_cast<double>(c) * (kCellWidth + kGap) + kCellWidth / 2;
        svg.text(x, kHeaderHeight - 10, c + 1 < columns ? kHeatmapCategories[c] : "score", 11, palette::kTextMuted,
                 "middle", true);
    }
    for (std::size_t r = 0; r < report.packages.size(); ++r) {
        const auto& p = report.packages[r];
        const double y = kHeaderHeight + static_cast<double>(r) * (kCellHeight + kGap);
        if (r % 2 == 1)
            svg.rect(0, y - 1, kLabelWidth - 4, kCellHeight + 2, palette::kSurfaceAlt);
        svg.text(8, y + kCellHeight / 2 + 4, clip(p.key(), kLabelChars), 11, palette::kText);
        for (std::size_t c = 0; c < columns; ++c) {
            const double x = kLabelWidth + static_cast<double>(c) * (kCellWidth + kGap);
            int value = 0;
            std::string column = "score";
            if (c + 1 < columns) {
                column = kHeatmapCategories[c];
                const auto it = p.heat.find(column);
                value = it == p.heat.end() ? 0 : std::clamp(it->second, 0, 100);
            } else {
                value = std::clamp(p.score, 0, 100);
            }
            const std::string tip = fmt::format("{} — {}: {}", p.key(), column, value);
            if (value == 0) {
                svg.rect(x, y, kCellWidth, kCellHeight, palette::kSurfaceAlt, 3, palette::kBorder, tip);
                svg.text(x + kCellWidth / 2, y + kCellHeight / 2 + 4, "·", 11, palette::kNeutral, "middle");
                continue;
            }
            const Severity s = palette::heatSeverity(value);
            svg.rect(x, y, kCellWidth, kCellHeight, palette::severityColor(s), 3, {}, tip);
            svg.text(x + kCellWidth / 2, y + kCellHeight / 2 + 4, std::to_string(value), 11, palette::severityTextColor(s),
                     "middle", true);
        }
    }
    fig.svg = svg.finish(standalone);
    return fig;
}

}  // namespace vigil::engine::report
