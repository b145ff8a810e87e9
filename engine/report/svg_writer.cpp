// Text building for the report figures; attribute values are numbers, palette colours or escaped text.
#include "engine/report/svg_writer.h"

#include <fmt/format.h>

#include "engine/report/html_escape.h"

namespace vigil::engine::report {

namespace {
constexpr const char* kFont = "DejaVu Sans, Helvetica, Arial, sans-serif";

std::string titleElement(std::string_view tooltip) {
    return tooltip.empty() ? std::string() : "<title>" + escapeHtml(tooltip) + "</title>";
}
}  // namespace

std::string SvgWriter::num(double v) {
    std::string s = fmt::format("{:.1f}", v);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0)
        s.resize(s.size() - 2);
    return s;
}

SvgWriter::SvgWriter(double width, double height, std::string_view label)
    : width_(width), height_(height), label_(escapeHtml(label)) {}

void SvgWriter::rect(double x, double y, double w, double h, std::string_view fill, double radius, std::string_view stroke,
                     std::string_view tooltip) {
    body_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"", num(x), num(y), num(w), num(h), fill);
    if (radius > 0)
        body_ += fmt::format(" rx=\"{}\" ry=\"{}\"", num(radius), num(radius));
    if (!stroke.empty())
        body_ += fmt::format(" stroke=\"{}\" stroke-width=\"1\"", stroke);
    body_ += tooltip.empty() ? "/>" : ">" + titleElement(tooltip) + "</rect>";
}

void SvgWriter::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width, bool dashed) {
    body_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>", num(x1),
                         num(y1), num(x2), num(y2), stroke, num(width), dashed ? " stroke-dasharray=\"3,3\"" : "");
}

void SvgWriter::circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke,
                       std::string_view tooltip) {
    body_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"", num(cx), num(cy), num(r), fill);
    if (!stroke.empty())
        body_ += fmt::format(" stroke=\"{}\" stroke-width=\"1.5\"", stroke);
    body_ += tooltip.empty() ? "/>" : ">" + titleElement(tooltip) + "</circle>";
}

void SvgWriter::path(std::string_view d, std::string_view fill, std::string_view stroke, double width) {
    body_ += fmt::format("<path d=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>", d, fill, stroke, num(width));
}

void SvgWriter::text(double x, double y, std::string_view text, double size, std::string_view fill,
                     std::string_view anchor, bool bold) {
    body_ += fmt::format("<text x=\"{}\" y=\"{}\" font-family=\"{}\" font-size=\"{}\" fill=\"{}\" text-anchor=\"{}\"{}>{}</text>",
                         num(x), num(y), kFont, num(size), fill, anchor, bold ? " font-weight=\"bold\"" : "",
                         escapeHtml(text));
}

std::string SvgWriter::finish(bool standalone) const {
    return fmt::format("<svg{4} version=\"1.2\" baseProfile=\"tiny\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                       "role=\"img\" aria-label=\"{2}\">{3}</svg>",
                       num(width_), num(height_), label_, body_,
                       standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "");
}

}  // namespace vigil::engine::report
