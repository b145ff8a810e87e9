#include "engine/report/version_changes_table.h"

#include <fmt/format.h>

#include "engine/report/html_escape.h"
#include "engine/report/palette.h"

namespace vigil::engine::report {

namespace {

constexpr std::size_t kMaxTextBytes = 1024;
constexpr std::size_t kMaxSummaryBytes = 300;

std::string_view colourOf(const std::string& change) {
    // The GUI's diff page uses the same: added behaviour is what a reviewer must look at.
    return change == "added" ? palette::kCritical : change == "removed" ? palette::kLow : palette::kMedium;
}

std::string signCell(const std::string& change) {
    const char* sign = change == "added" ? "+" : change == "removed" ? "&#8722;" : "~";
    return fmt::format("<b style=\"color:{}\" title=\"{}\">{}</b>", colourOf(change), escapeHtml(change), sign);
}

}  // namespace

ChangesTable changesTable(const VersionChanges& c) {
    ChangesTable t;
    t.heading = "Changes since " + escapeHtml(c.fromVersion);
    t.summary = escapeHtml(c.summary);
    t.headers = {"", "Section", "Behaviour", "Evidence"};
    for (std::size_t i = 0; i < c.lines.size() && i < kMaxChangeRows; ++i) {
        const auto& l = c.lines[i];
        std::string evidence = escapeHtml(l.evidence);
        for (const auto& e : l.events)
            if (!e.summary.empty())
                evidence += fmt::format("<br/><span class=\"mono\">{} #{} {}</span>", escapeHtml(e.phase), e.seq,
                                        escapeHtmlTruncated(e.summary, kMaxSummaryBytes));
        t.rows.push_back({signCell(l.change), escapeHtml(l.section),
                          "<span class=\"mono\">" + escapeHtmlTruncated(l.text, kMaxTextBytes) + "</span>", evidence});
    }
    std::string note;
    if (c.lines.size() > kMaxChangeRows)
        note = fmt::format("{} more lines are in the JSON export. ", c.lines.size() - kMaxChangeRows);
    if (c.files) {
        t.fileHeaders = {"", "File"};
        for (const auto& [files, change] : {std::pair{&c.files->added, "added"}, std::pair{&c.files->removed, "removed"},
                                            std::pair{&c.files->changed, "changed"}})
            for (const auto& f : *files)
                if (t.fileRows.size() < kMaxFileRows)
                    t.fileRows.push_back({signCell(change), "<span class=\"mono\">" + escapeHtmlTruncated(f, kMaxTextBytes) + "</span>"});
        const auto files = c.files->added.size() + c.files->removed.size() + c.files->changed.size();
        if (files == 0)
            note += "The package contents are the same files. ";
        else if (files > kMaxFileRows)
            note += fmt::format("{} more changed files are in the JSON export. ", files - kMaxFileRows);
    } else {
        note += "The store holds no file lists to compare the package contents. ";
    }
    if (!note.empty())
        note.pop_back();
    t.note = note;
    return t;
}

}  // namespace vigil::engine::report
