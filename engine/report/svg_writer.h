// @brief SvgWriter: builds the small SVG figures of reports (heatmap, timeline, graph) as text.
//
// Only presentation attributes, no CSS or script: the same SVG is inlined in the HTML report and
// drawn into the PDF by QSvgRenderer (SVG Tiny 1.2), which ignores style sheets. Every text and
// tooltip goes through escapeHtml.
#pragma once

#include <string>
#include <string_view>

namespace vigil::engine::report {

class SvgWriter {
public:
    /// `label` becomes the figure's accessible name (role="img", aria-label).
    SvgWriter(double width, double height, std::string_view label);

    void rect(double x, double y, double w, double h, std::string_view fill, double radius = 0,
              std::string_view stroke = {}, std::string_view tooltip = {});
    void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
              bool dashed = false);
    void circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke = {},
                std::string_view tooltip = {});
    /// A path in SVG path syntax (built by the caller from numbers only).
    void path(std::string_view d, std::string_view fill, std::string_view stroke, double width = 1);
    /// anchor: "start", "middle", "end". Text is escaped here.
    void text(double x, double y, std::string_view text, double size = 11, std::string_view fill = "#1d2433",
              std::string_view anchor = "start", bool bold = false);

    /// The finished <svg> element. `standalone` adds the SVG namespace declaration that a separate
    /// SVG document (QSvgRenderer) needs; SVG inlined in HTML gets its namespace from the parser.
    [[nodiscard]] std::string finish(bool standalone = false) const;

    static std::string num(double v);

private:
    double width_, height_;
    std::string label_;
    std::string body_;
};

}  // namespace vigil::engine::report
