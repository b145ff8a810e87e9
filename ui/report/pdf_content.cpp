// The PDF body in Qt rich text. Every package-controlled string is escaped with escapeHtml, exactly as in the HTML report.
#include "ui/report/pdf_content.h"

#include <QTextCursor>
#include <QTextDocumentFragment>

#include <fmt/format.h>

#include "engine/report/event_summary.h"
#include "engine/report/html_escape.h"
#include "engine/report/palette.h"
#include "engine/report/report_figures.h"
#include "engine/report/scan_report_json.h"
#include "engine/report/version_changes_table.h"
#include "ui/report/svg_text_object.h"

namespace vigil::ui::report {

namespace {

using engine::Severity;
using engine::report::escapeHtml;
using engine::report::escapeHtmlTruncated;
namespace palette = engine::report::palette;

constexpr std::size_t kMaxEventRows = 400;
constexpr Severity kDescending[] = {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info};

std::string badge(Severity s) {
    return fmt::format("<span style=\"background-color:{};color:{};font-weight:bold\">&nbsp;{}&nbsp;</span>",
                       palette::severityColor(s), palette::severityTextColor(s), engine::severityName(s));
}

const char* kStyle =
    "h1{font-size:17pt;margin-top:0;margin-bottom:8px}"
    "h2{font-size:13pt;margin-top:14px;margin-bottom:6px}"
    "h3{font-size:10.5pt;margin-top:12px;margin-bottom:4px}"
    "p{margin-top:3px;margin-bottom:3px}"
    "table{border-collapse:collapse}"
    "th{background-color:#eef1f6;color:#5d6679;font-size:7.5pt;text-align:left}"
    "td,th{padding:3px}"
    "pre{font-family:'DejaVu Sans Mono';font-size:7.5pt;background-color:#eef1f6;white-space:pre-wrap}"
    ".mono{font-family:'DejaVu Sans Mono';font-size:7.5pt}"
    ".muted{color:#5d6679}";

class Builder {
public:
    Builder(QTextDocument& doc, double width) : cursor_(&doc), width_(width) {}

    /// Each chunk in its own block: insertHtml would merge a chunk's first paragraph into the current one.
    void html(const std::string& html) {
        cursor_.insertBlock(QTextBlockFormat());
        cursor_.insertHtml(QString::fromStdString(html));
    }

    void heading(int level, const std::string& plainTitle, const std::string& html, bool newPage = false, int outlineLevel = 0) {
        // A fresh block format each time: blocks inherit the current one, page break included.
        QTextBlockFormat f;
        if (newPage)
            f.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
        cursor_.insertBlock(f);
        outline_.push_back({engine::report::visibleText(plainTitle), outlineLevel, cursor_.position()});
        this->html(fmt::format("<h{0}>{1}</h{0}>", level, html));
    }

    void figure(const engine::report::Figure& fig) {
        if (fig.svg.empty()) {
            if (!fig.note.empty())
                html("<p class=\"muted\">" + escapeHtml(fig.note) + "</p>");
            return;
        }
        QTextBlockFormat centered;
        centered.setAlignment(Qt::AlignHCenter);
        centered.setTopMargin(6);
        centered.setBottomMargin(6);
        cursor_.insertBlock(centered);
        cursor_.insertText(QString(QChar::ObjectReplacementCharacter),
                           SvgTextObject::format(QByteArray::fromStdString(fig.svg), fig.width, fig.height, width_));
        cursor_.insertBlock(QTextBlockFormat());
        if (!fig.note.empty())
            html("<p class=\"muted\">" + escapeHtml(fig.note) + "</p>");
    }

    std::vector<OutlineEntry> outline() && { return std::move(outline_); }

private:
    QTextCursor cursor_;
    double width_;
    std::vector<OutlineEntry> outline_;
};

std::string table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
    std::string out = "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\" border=\"0\">";
    if (std::any_of(headers.begin(), headers.end(), [](const auto& h) { return !h.empty(); })) {
        out += "<tr>";
        for (const auto& h : headers)
            out += "<th>" + h + "</th>";
        out += "</tr>";
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
        out += r % 2 ? "<tr style=\"background-color:#f4f6f9\">" : "<tr>";
        for (const auto& c : rows[r])
            out += "<td>" + c + "</td>";
        out += "</tr>";
    }
    return out + "</table>";
}

void summary(Builder& b, const engine::report::ScanReport& r) {
    b.heading(2, "Summary", "Summary");
    std::vector<std::vector<std::string>> rows;
    for (Severity s : kDescending)
        for (const auto& p : r.packages)
            for (const auto& f : p.findings)
                if (f.severity == s && !f.expected && s > Severity::Info)
                    rows.push_back({badge(s), escapeHtml(p.key()), escapeHtml(f.title)});
    b.html(rows.empty() ? "<p>No finding above info.</p>" : table({"Severity", "Package", "Finding"}, rows));
    const auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(r.finishedAt - r.startedAt).count() / 1000.0;
    b.html("<p></p><h3>Scan</h3>" +
           table({"", ""}, {{"Project", escapeHtml(r.projectPath)},
                            {"Lockfile", escapeHtml(r.lockfile.empty() ? "none" : r.lockfile)},
                            {"Started", escapeHtml(engine::report::isoTimestamp(r.startedAt))},
                            {"Duration", fmt::format("{:.1f} s", secs)},
                            {"Packages", fmt::format("{} ({} analysed, {} from cache, {} failed)", r.totalPackages,
                                                     r.analysed, r.cached, r.failed)},
                            {"Status", escapeHtml(r.status)},
                            {"Analyzer version", escapeHtml(r.analyzerVersion)},
                            {"Rules version", escapeHtml(r.rulesVersion)}}));
}

void comparison(Builder& b, const engine::report::ScanComparison& c) {
    b.heading(2, fmt::format("Changes since scan #{}", c.previousScanId), fmt::format("Changes since scan #{}", c.previousScanId));
    const auto list = [](const std::vector<std::string>& items) {
        std::string out;
        for (const auto& i : items)
            out += (out.empty() ? "" : "<br/>") + escapeHtml(i);
        return out.empty() ? std::string("none") : "<span class=\"mono\">" + out + "</span>";
    };
    b.html(table({"", ""}, {{"New findings", list(c.newFindings)},
                            {"Resolved findings", list(c.resolvedFindings)},
                            {"Added packages", list(c.addedPackages)},
                            {"Removed packages", list(c.removedPackages)}}));
}

std::string evidence(const nlohmann::json& ev) {
    if (!ev.is_object() || ev.empty())
        return {};
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, value] : ev.items()) {
        std::string text = value.is_string() ? value.get<std::string>()
                                             : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        rows.push_back({"<b>" + escapeHtml(key) + "</b>", "<span class=\"mono\">" + escapeHtmlTruncated(text, 2048) + "</span>"});
    }
    return table({"Evidence", ""}, rows);
}

void package(Builder& b, const engine::report::PackageReport& p, const engine::report::PackageEvents& events) {
    b.heading(2, p.key() + " (" + std::string(engine::severityName(p.severity)) + ")",
              escapeHtml(p.key()) + " &nbsp;" + badge(p.severity), true, 1);
    std::string meta = fmt::format("<p class=\"muted\">Risk score <b>{}</b>/100 · {}{}</p>", p.score,
                                   p.cached ? "served from the store" : "analysed in this scan",
                                   p.category.empty() ? "" : " · " + escapeHtml(p.category));
    if (p.analysisFailed)
        meta += "<p><b>Analysis failed:</b> " + escapeHtml(p.analysisError) + "</p>";
    for (const auto& path : p.paths) {
        std::string line = "project";
        for (const auto& step : path)
            line += " → " + escapeHtml(step);
        meta += "<p class=\"mono\">" + line + "</p>";
    }
    b.html(meta);
    if (p.findings.empty())
        b.html("<p class=\"muted\">No findings: nothing this package did matched a rule.</p>");
    for (const auto& f : p.findings) {
        b.html(fmt::format("<h3>{} {}</h3>", badge(f.severity), escapeHtml(f.title)));
        std::string body = "<p class=\"muted\">rule <span class=\"mono\">" + escapeHtml(f.ruleId) + "</span>";
        for (const auto& ph : f.phases)
            body += " · " + escapeHtml(ph);
        if (f.expected)
            body += " · <b>expected for this kind of package</b>";
        body += "</p><p>" + escapeHtml(f.description) + "</p>" + evidence(f.evidence);
        std::vector<std::vector<std::string>> rows;
        for (const auto& ref : f.events)
            rows.push_back({escapeHtml(ref.phase), std::to_string(ref.seq),
                            "<span class=\"mono\">" + escapeHtmlTruncated(ref.summary, 2048) + "</span>"});
        if (!rows.empty())
            body += table({"Phase", "#", "Evidence event"}, rows);
        b.html(body);
    }
    if (!p.phases.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& ph : p.phases) {
            std::string counts;
            for (const auto& [c, n] : ph.countsByCategory)
                counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", escapeHtml(c), n);
            rows.push_back({escapeHtml(ph.phase), escapeHtml(ph.outcome),
                            ph.signal ? fmt::format("signal {}", ph.signal) : std::to_string(ph.exitCode),
                            fmt::format("{} ms", ph.duration.count()), counts, std::to_string(ph.drops)});
        }
        b.html("<h3>Phases</h3>" + table({"Phase", "Outcome", "Exit", "Duration", "Events", "Lost"}, rows));
    }
    if (p.changes) {
        const auto t = engine::report::changesTable(*p.changes);
        std::string body = "<h3>" + t.heading + "</h3><p class=\"muted\">" + t.summary + "</p>";
        if (!t.rows.empty())
            body += table(t.headers, t.rows);
        if (!t.fileRows.empty())
            body += "<p><b>Package contents</b></p>" + table(t.fileHeaders, t.fileRows);
        if (!t.note.empty())
            body += "<p class=\"muted\">" + t.note + "</p>";
        b.html(body);
    }
    b.html("<h3>Timeline</h3>");
    b.figure(engine::report::timelineFigure(p, events, true));
    if (!p.installScripts.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [name, script] : p.installScripts)
            rows.push_back({escapeHtml(name), "<span class=\"mono\">" + escapeHtmlTruncated(script, 4096) + "</span>"});
        b.html("<h3>Install scripts</h3>" + table({"Script", "Command"}, rows));
    }
    if (!events.events.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (std::size_t i = 0; i < events.events.size() && i < kMaxEventRows; ++i) {
            const auto& e = events.events[i];
            rows.push_back({escapeHtml(e.phase), std::to_string(e.seq), fmt::format("{:.1f}", static_cast<double>(e.tsNs) / 1e6),
                            "<span class=\"mono\">" + escapeHtml(e.kind) + "</span>",
                            "<span class=\"mono\">" + escapeHtmlTruncated(engine::report::eventSummary(e), 512) + "</span>"});
        }
        std::string note = events.events.size() > kMaxEventRows
                               ? fmt::format("<p class=\"muted\">{} more events are in the store and the package's JSON export.</p>",
                                             events.events.size() - kMaxEventRows)
                               : "";
        b.html("<h3>Events</h3>" + table({"Phase", "#", "ms", "Kind", "What happened"}, rows) + note);
    }
}

}  // namespace

std::vector<OutlineEntry> buildPdfContent(QTextDocument& doc, const engine::report::ScanReport& r, double contentWidth,
                                          const engine::report::EventSource* events) {
    doc.setDefaultStyleSheet(kStyle);
    Builder b(doc, contentWidth);
    summary(b, r);
    b.heading(2, "Dependency graph", "Dependency graph", true);
    b.figure(engine::report::dependencyGraphFigure(r, {.maxNodes = 300, .standalone = true}));
    b.heading(2, "Risk heatmap", "Risk heatmap");
    b.figure(engine::report::heatmapFigure(r, true));
    if (r.comparison)
        comparison(b, *r.comparison);
    for (const auto& p : r.packages)
        package(b, p, engine::report::loadPackageEvents(events, p));
    auto outline = std::move(b).outline();
    // A "Packages" parent over the package entries, at the first one's heading.
    const auto first = std::find_if(outline.begin(), outline.end(), [](const auto& e) { return e.level == 1; });
    if (first != outline.end())
        outline.insert(first, OutlineEntry{"Packages", 0, first->position});
    return outline;
}

}  // namespace vigil::ui::report
