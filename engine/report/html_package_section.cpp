// One package's section of the HTML report: findings with evidence, phases, timeline, scripts, events.
#include <fmt/format.h>

#include "engine/report/event_summary.h"
#include "engine/report/html_escape.h"
#include "engine/report/html_report_parts.h"
#include "engine/report/palette.h"
#include "engine/report/report_figures.h"
#include "engine/report/version_changes_table.h"

namespace vigil::engine::report::html {

namespace {

// Bounds keep a hostile package from making the report unusably large.
constexpr std::size_t kMaxValueBytes = 4096;
constexpr std::size_t kMaxEventRows = 2000;
constexpr std::size_t kMaxScriptBytes = 8192;
constexpr std::size_t kOpenEventRows = 30;

/// Index of the event (phase, seq) in the package's events, or -1.
long eventIndex(const std::vector<collect::Event>& events, const std::string& phase, uint64_t seq) {
    for (std::size_t i = 0; i < events.size() && i < kMaxEventRows; ++i)
        if (events[i].phase == phase && events[i].seq == seq)
            return static_cast<long>(i);
    return -1;
}

std::string evidenceTable(const nlohmann::json& evidence) {
    if (!evidence.is_object() || evidence.empty())
        return {};
    std::string out = "<table class=\"kv\"><tbody>";
    for (const auto& [key, value] : evidence.items()) {
        std::string text;
        if (value.is_string())
            text = value.get<std::string>();
        else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
            for (const auto& v : value)
                text += (text.empty() ? "" : "\n") + v.get<std::string>();
        } else {
            text = value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
        }
        out += fmt::format("<tr><th>{}</th><td><pre>{}</pre></td></tr>", escapeHtml(key), escapeHtmlTruncated(text, kMaxValueBytes));
    }
    return out + "</tbody></table>";
}

std::string finding(const std::vector<collect::Event>& events, std::size_t index, const Finding& f) {
    std::string out = fmt::format("<div class=\"finding{}\" style=\"--sevc:{}\"><div class=\"t\">{} {}</div>",
                                  f.expected ? " expected" : "", palette::severityColor(f.severity), severityBadge(f.severity),
                                  escapeHtml(f.title));
    out += "<div class=\"rule\">rule <code>" + escapeHtml(f.ruleId) + "</code>";
    if (!f.phases.empty()) {
        out += " · phase ";
        for (std::size_t i = 0; i < f.phases.size(); ++i)
            out += (i ? ", " : "") + escapeHtml(f.phases[i]);
    }
    if (f.expected)
        out += " · <strong>expected for this kind of package</strong>";
    else if (f.scoreContribution > 0)
        out += fmt::format(" · <span title=\"points of the package's risk score\">+{} score</span>", f.scoreContribution);
    out += "</div>";
    for (const auto& tag : f.tags)
        out += "<span class=\"pill\">" + escapeHtml(tag) + "</span>";
    if (!f.description.empty())
        out += "<p>" + escapeHtml(f.description) + "</p>";
    out += evidenceTable(f.evidence);
    if (!f.events.empty()) {
        out += "<h4>Evidence events</h4><table><thead><tr><th>Phase</th><th class=\"num\">#</th><th>What happened</th>"
               "</tr></thead><tbody>";
        for (const auto& ref : f.events) {
            const long at = eventIndex(events, ref.phase, ref.seq);
            const std::string seq = at >= 0 ? fmt::format("<a href=\"#{}-ev-{}\">{}</a>", packageAnchor(index), at, ref.seq)
                                            : std::to_string(ref.seq);
            out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td></tr>", escapeHtml(ref.phase),
                               seq, escapeHtmlTruncated(ref.summary, kMaxValueBytes));
        }
        out += "</tbody></table>";
    }
    return out + "</div>";
}

std::string phasesTable(const PackageReport& p) {
    if (p.phases.empty())
        return {};
    std::string out = "<h3>Phases</h3><table><thead><tr><th>Phase</th><th>Outcome</th><th class=\"num\">Exit</th>"
                      "<th class=\"num\">Duration</th><th>Events by category</th><th class=\"num\">Lost</th></tr></thead><tbody>";
    for (const auto& ph : p.phases) {
        std::string counts;
        for (const auto& [category, n] : ph.countsByCategory)
            counts += fmt::format("<span class=\"pill\">{} {}</span>", escapeHtml(category), n);
        const bool ok = ph.outcome == "ok";
        const std::string exit = ph.signal ? fmt::format("signal {}", ph.signal) : std::to_string(ph.exitCode);
        out += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} ms</td>"
                           "<td>{}</td><td class=\"num\">{}</td></tr>",
                           escapeHtml(ph.phase), ok ? "ok" : "bad", escapeHtml(ph.outcome), exit, ph.duration.count(), counts,
                           ph.drops);
    }
    return out + "</tbody></table>";
}

std::string eventsTable(const std::vector<collect::Event>& events, std::size_t index) {
    if (events.empty())
        return {};
    // Short lists start open so they also print (a closed <details> prints only its summary).
    std::string out = fmt::format("<details{}><summary>All {} recorded events</summary><table><thead><tr><th>Phase</th>"
                                  "<th class=\"num\">#</th><th class=\"num\">ms</th><th>Kind</th><th>Source</th><th>Process</th>"
                                  "<th>What happened</th><th>Code</th></tr></thead><tbody>",
                                  events.size() <= kOpenEventRows ? " open" : "", events.size());
    for (std::size_t i = 0; i < events.size() && i < kMaxEventRows; ++i) {
        const auto& e = events[i];
        out += fmt::format("<tr id=\"{}-ev-{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}</td>"
                           "<td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{} {}</td><td class=\"mono\">{}</td>"
                           "<td class=\"mono\">{}</td></tr>",
                           packageAnchor(index), i, escapeHtml(e.phase), e.seq, static_cast<double>(e.tsNs) / 1e6,
                           escapeHtml(e.kind), collect::sourceName(e.source), e.pid, escapeHtml(e.exe),
                           escapeHtmlTruncated(eventSummary(e), kMaxValueBytes), escapeHtml(e.attribution.text()));
    }
    out += "</tbody></table>";
    if (events.size() > kMaxEventRows)
        out += fmt::format("<p class=\"note\">{} more events are in the store and the package's JSON export.</p>",
                           events.size() - kMaxEventRows);
    return out + "</details>";
}

std::string htmlTable(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
    std::string out = "<table><thead><tr>";
    for (const auto& h : headers)
        out += "<th>" + h + "</th>";
    out += "</tr></thead><tbody>";
    for (const auto& row : rows) {
        out += "<tr>";
        for (const auto& cell : row)
            out += "<td>" + cell + "</td>";
        out += "</tr>";
    }
    return out + "</tbody></table>";
}

}  // namespace

std::string versionChangesSection(const VersionChanges& changes) {
    const ChangesTable t = changesTable(changes);
    std::string out = "<div class=\"changes\"><h3>" + t.heading + "</h3><p class=\"note\">" + t.summary + "</p>";
    if (!t.rows.empty())
        out += htmlTable(t.headers, t.rows);
    if (!t.fileRows.empty())
        out += "<h4>Package contents</h4>" + htmlTable(t.fileHeaders, t.fileRows);
    if (!t.note.empty())
        out += "<p class=\"note\">" + t.note + "</p>";
    return out + "</div>";
}

std::string packageSection(const PackageReport& p, std::size_t index, const PackageEvents& events) {
    const std::string_view color = p.severity > Severity::Info ? palette::severityColor(p.severity) : palette::kNeutral;
    std::string out = fmt::format(
        "<section class=\"card pkg\" id=\"{}\"><div class=\"pkg-head\"><h2>{}</h2>{}<span class=\"score\" title=\"risk score\">"
        "<span style=\"width:{}%;background:{}\"></span></span><strong>{}</strong>/100</div>",
        packageAnchor(index), escapeHtml(p.key()), severityBadge(p.severity), std::clamp(p.score, 0, 100), color, p.score);
    out += "<div class=\"pkg-meta\">";
    if (!p.category.empty())
        out += escapeHtml(p.category) + " · ";
    out += p.cached ? "served from the store (analysed in an earlier scan)" : "analysed in this scan";
    if (!p.integrity.empty())
        out += " · <span class=\"mono\">" + escapeHtmlTruncated(p.integrity, 40) + "</span>";
    out += "</div>";
    if (p.analysisFailed)
        out += "<p class=\"bad\">Analysis failed: " + escapeHtml(p.analysisError) + "</p>";

    if (!p.paths.empty()) {
        out += "<h4>Dependency paths</h4><ul class=\"paths\">";
        for (const auto& path : p.paths) {
            std::string line = "project";
            for (const auto& step : path)
                line += " → " + escapeHtml(step);
            out += "<li class=\"mono\">" + line + "</li>";
        }
        out += "</ul>";
    }
    out += "<h3>Findings</h3>";
    if (p.findings.empty())
        out += "<p class=\"clean\">No findings: nothing this package did matched a rule.</p>";
    for (const auto& f : p.findings)
        out += finding(events.events, index, f);

    if (p.changes)
        out += versionChangesSection(*p.changes);
    out += phasesTable(p);
    const Figure timeline = timelineFigure(p, events);
    out += "<h3>Timeline</h3>";
    if (!timeline.svg.empty())
        out += "<figure>" + timeline.svg + "</figure>";
    if (!timeline.note.empty())
        out += "<p class=\"note\">" + escapeHtml(timeline.note) + "</p>";

    if (!p.installScripts.empty()) {
        out += "<h3>Install scripts</h3><table class=\"kv\"><tbody>";
        for (const auto& [name, script] : p.installScripts)
            out += fmt::format("<tr><th>{}</th><td><pre>{}</pre></td></tr>", escapeHtml(name),
                               escapeHtmlTruncated(script, kMaxScriptBytes));
        out += "</tbody></table>";
    }
    out += eventsTable(events.events, index);
    return out + "</section>";
}

}  // namespace vigil::engine::report::html
