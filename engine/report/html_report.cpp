// The HTML report: head, summary, figures, comparison and the package sections, in one string.
#include "engine/report/html_report.h"

#include <fmt/format.h>

#include "engine/report/html_escape.h"
#include "engine/report/html_report_parts.h"
#include "engine/report/palette.h"
#include "engine/report/report_figures.h"
#include "engine/report/scan_report_json.h"
#include "vigil_version.h"

namespace vigil::engine::report {

namespace html {

std::string severityBadge(Severity s) {
    return fmt::format("<span class=\"sev\" style=\"background:{};color:{}\">{}</span>", palette::severityColor(s),
                       palette::severityTextColor(s), severityName(s));
}

std::string packageAnchor(std::size_t index) { return fmt::format("pkg-{}", index); }

}  // namespace html

namespace {

using html::severityBadge;
constexpr Severity kDescending[] = {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info};

std::string cssVariables() {
    return fmt::format(":root{{--bg:{};--surface:{};--surface-alt:{};--border:{};--text:{};--muted:{};--accent:{};"
                       "--sidebar:{};--ondark:{};--critical:{};--high:{};--medium:{};--low:{};--info:{}}}",
                       palette::kBackground, palette::kSurface, palette::kSurfaceAlt, palette::kBorder, palette::kText,
                       palette::kTextMuted, palette::kAccent, palette::kSidebar, palette::kOnDark, palette::kCritical,
                       palette::kHigh, palette::kMedium, palette::kLow, palette::kInfo);
}

std::string displayTime(std::chrono::system_clock::time_point tp) {
    std::string iso = isoTimestamp(tp);  // 2025-03-14T09:26:53.589Z
    return iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
}

Severity worst(const ScanReport& r) {
    Severity w = Severity::Info;
    for (const auto& p : r.packages)
        w = std::max(w, p.severity);
    return w;
}

uint64_t countOf(const ScanReport& r, Severity s) {
    const auto it = r.findingsBySeverity.find(s);
    return it == r.findingsBySeverity.end() ? 0 : it->second;
}

std::string header(const ScanReport& r) {
    const Severity w = worst(r);
    std::string verdict = w >= Severity::Medium ? fmt::format("{} risk", severityName(w)) : "no alarming behaviour";
    return fmt::format(
        "<header class=\"top\"><div class=\"verdict\">Highest severity<span class=\"big\">{}</span></div>"
        "<div class=\"brand\">VIGIL · dependency behaviour report</div><h1>{}</h1>"
        "<div class=\"meta\">Scan #{} · {} · {} packages · status: {}</div></header>",
        severityBadge(w) + " " + escapeHtml(verdict), escapeHtml(r.projectName.empty() ? r.projectPath : r.projectName),
        r.scanId, displayTime(r.startedAt), r.totalPackages, escapeHtml(r.status));
}

std::string toc(const ScanReport& r) {
    std::string out = "<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>"
                      "<li><a href=\"#summary\">Summary</a></li><li><a href=\"#graph\">Dependency graph</a></li>"
                      "<li><a href=\"#heatmap\">Risk heatmap</a></li>";
    if (r.comparison)
        out += "<li><a href=\"#changes\">Changes since the last scan</a></li>";
    out += "<li><a href=\"#packages\">Packages</a><ol>";
    for (std::size_t i = 0; i < r.packages.size(); ++i) {
        const auto& p = r.packages[i];
        const std::string_view color = p.severity > Severity::Info ? palette::severityColor(p.severity) : palette::kNeutral;
        out += fmt::format("<li><a href=\"#{}\"><span class=\"dot\" style=\"background:{}\"></span>{}</a></li>",
                           html::packageAnchor(i), color, escapeHtml(p.key()));
    }
    return out + "</ol></li></ol></nav>";
}

std::string summary(const ScanReport& r) {
    std::string out = "<section class=\"card\" id=\"summary\"><h2>Summary</h2><div class=\"tiles\">";
    const std::pair<const char*, uint64_t> totals[] = {
        {"packages", r.totalPackages}, {"analysed", r.analysed}, {"from cache", r.cached}, {"failed", r.failed}};
    for (const auto& [label, n] : totals)
        out += fmt::format("<div class=\"tile\"><span class=\"n\">{}</span><span class=\"l\">{}</span></div>", n, label);
    out += "</div><div class=\"tiles\">";
    for (Severity s : kDescending) {
        const uint64_t n = countOf(r, s);
        out += fmt::format("<div class=\"tile sev{}\" style=\"background:{};color:{}\"><span class=\"n\">{}</span>"
                           "<span class=\"l\">{}</span></div>",
                           n == 0 ? " zero" : "", palette::severityColor(s), palette::severityTextColor(s), n, severityName(s));
    }
    out += "</div>";

    // Every non-expected finding, most severe first: the page a reader acts on.
    std::string rows;
    for (Severity s : kDescending)
        for (std::size_t i = 0; i < r.packages.size(); ++i)
            for (const auto& f : r.packages[i].findings)
                if (f.severity == s && !f.expected && s > Severity::Info)
                    rows += fmt::format("<tr><td>{}</td><td><a href=\"#{}\">{}</a></td><td>{}</td></tr>", severityBadge(s),
                                        html::packageAnchor(i), escapeHtml(r.packages[i].key()), escapeHtml(f.title));
    out += "<h3>Findings</h3>";
    out += rows.empty() ? "<p class=\"clean\">No finding above info.</p>"
                        : "<table><thead><tr><th>Severity</th><th>Package</th><th>Finding</th></tr></thead><tbody>" + rows +
                              "</tbody></table>";

    const auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(r.finishedAt - r.startedAt).count() / 1000.0;
    out += "<h3>Scan</h3><table class=\"kv\"><tbody>";
    const std::pair<const char*, std::string> kv[] = {
        {"Project", r.projectPath},
        {"Lockfile", r.lockfile.empty() ? "none" : r.lockfile},
        {"Started", displayTime(r.startedAt)},
        {"Finished", displayTime(r.finishedAt) + fmt::format(" ({:.1f} s)", secs)},
        {"Status", r.status},
        {"Scan id", std::to_string(r.scanId)},
        {"Analyzer version", r.analyzerVersion},
        {"Rules version", r.rulesVersion},
    };
    for (const auto& [k, v] : kv)
        out += fmt::format("<tr><th>{}</th><td class=\"mono\">{}</td></tr>", k, escapeHtml(v));
    return out + "</tbody></table></section>";
}

std::string figureSection(const char* id, const char* title, const Figure& fig, const std::string& caption) {
    std::string out = fmt::format("<section class=\"card\" id=\"{}\"><h2>{}</h2>", id, title);
    if (!fig.svg.empty())
        out += "<figure>" + fig.svg + "</figure>";
    if (!fig.note.empty())
        out += "<p class=\"note\">" + escapeHtml(fig.note) + "</p>";
    return out + "<p class=\"note\">" + caption + "</p></section>";
}

std::string listOrNone(const std::vector<std::string>& items) {
    if (items.empty())
        return "<p class=\"clean\">none</p>";
    std::string out = "<ul>";
    for (const auto& i : items)
        out += "<li class=\"mono\">" + escapeHtml(i) + "</li>";
    return out + "</ul>";
}

std::string comparison(const ScanComparison& c) {
    return fmt::format("<section class=\"card\" id=\"changes\"><h2>Changes since scan #{}</h2>"
                       "<h4>New findings</h4>{}<h4>Resolved findings</h4>{}<h4>Added packages</h4>{}"
                       "<h4>Removed packages</h4>{}</section>",
                       c.previousScanId, listOrNone(c.newFindings), listOrNone(c.resolvedFindings),
                       listOrNone(c.addedPackages), listOrNone(c.removedPackages));
}

}  // namespace

std::string renderHtml(const ScanReport& r, const EventSource* events) {
    std::string out;
    out.reserve(64 * 1024);
    // CSP: no script, no fetch, no frame, no form, no remote image or font; styles only inline.
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" content=\"VIGIL ";
    out += VIGIL_VERSION;
    out += "\"><title>VIGIL report — " + escapeHtml(r.projectName.empty() ? r.projectPath : r.projectName) + "</title><style>";
    out += cssVariables();
    out += html::styleSheet();
    out += "</style></head><body>";
    out += header(r);
    out += "<div class=\"layout\">" + toc(r) + "<main>";
    out += summary(r);
    out += figureSection("graph", "Dependency graph", dependencyGraphFigure(r),
                         "Circle size grows with the risk score; colour is the package's severity; grey means nothing "
                         "alarming. Dependency edges point from a package to what it requires.");
    out += figureSection("heatmap", "Risk heatmap", heatmapFigure(r),
                         "Each cell rates what the package did in one behaviour category (0–100), coloured by the "
                         "severity that level maps to.");
    if (r.comparison)
        out += comparison(*r.comparison);
    out += "<div id=\"packages\">";
    // One package's events at a time: the report never holds more than the largest package's.
    for (std::size_t i = 0; i < r.packages.size(); ++i)
        out += html::packageSection(r.packages[i], i, loadPackageEvents(events, r.packages[i]));
    out += "</div></main></div><footer>Generated by VIGIL ";
    out += VIGIL_VERSION;
    out += " from scan #" + std::to_string(r.scanId) +
           ". Everything a package wrote is shown escaped; this file loads nothing from the network.</footer></body></html>\n";
    return out;
}

}  // namespace vigil::engine::report
