// The HTML report: every finding shown, nothing external, and hostile package data inert.
#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include "engine/report/html_escape.h"
#include "engine/report/html_report.h"
#include "engine/report/report_figures.h"
#include "engine/report/scan_report_json.h"

namespace vigil::engine::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ScanReport demo(MemoryEventSource* events = nullptr) {
    auto r = readScanReportFile(std::string(VIGIL_FIXTURES_DIR) + "/report/demo-scan.json", events);
    EXPECT_TRUE(r.ok()) << r.error().describe();
    return std::move(r).value();
}

TEST(HtmlEscape, EscapesMarkupAndMakesInvisibleTricksVisible) {
    EXPECT_EQ(escapeHtml("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(escapeHtml("evil\xE2\x80\xAEtxt.exe"), "evil&lt;U+202E&gt;txt.exe");
    EXPECT_EQ(escapeHtml("a\x01" "b\x1b[31m"), "a\\x01b\\x1b[31m");
    EXPECT_EQ(escapeHtml("bad \xC0\xAF utf8"), "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8");  // overlong '/'
    EXPECT_EQ(escapeHtml("caf\xC3\xA9 \xE2\x86\x92"), "caf\xC3\xA9 \xE2\x86\x92");
    EXPECT_EQ(visibleText("a<b\xE2\x81\xA6"), "a<b<U+2066>");
}

TEST(HtmlReport, ShowsEveryFindingAndPackage) {
    const auto r = demo();
    const std::string html = renderHtml(r);
    for (const auto& p : r.packages) {
        EXPECT_THAT(html, HasSubstr(escapeHtml(p.key())));
        for (const auto& f : p.findings) {
            EXPECT_THAT(html, HasSubstr(escapeHtml(f.title))) << f.ruleId;
            EXPECT_THAT(html, HasSubstr(escapeHtml(f.ruleId)));
        }
    }
    EXPECT_THAT(html, HasSubstr("Changes since scan #41"));
    EXPECT_THAT(html, HasSubstr("sha256:3f9c2a41d07e"));
    EXPECT_THAT(html, HasSubstr("<svg"));
}

TEST(HtmlReport, SaysHowMuchEachFindingAddsToTheScore) {
    auto r = demo();
    r.packages[0].findings[0].scoreContribution = 90;
    EXPECT_THAT(renderHtml(r), HasSubstr("+90 score"));
}

TEST(HtmlReport, LoadsNothingFromOutside) {
    const std::string html = renderHtml(demo());
    // URLs may appear as escaped text (evidence); never in markup that loads.
    const std::string head = html.substr(0, html.find("</head>"));
    EXPECT_THAT(head, Not(HasSubstr("://")));
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<link")));
    EXPECT_THAT(html, Not(HasSubstr("url(")));
    EXPECT_THAT(html, Not(HasSubstr("@import")));
    // Every src/href attribute is an in-page anchor. (A plain scan: GCC 12's <regex> trips
    // -Wmaybe-uninitialized in the sanitizer build.)
    for (const std::string attr : {" src=\"", " href=\""})
        for (auto at = html.find(attr); at != std::string::npos; at = html.find(attr, at + 1))
            EXPECT_EQ(html[at + attr.size()], '#') << html.substr(at, 60);
}

/// A package written by an attacker who knows the report format.
ScanReport hostile(MemoryEventSource& events) {
    MemoryEventSource original;
    ScanReport r = demo(&original);
    auto& p = r.packages[0];
    auto stream = original.eventsOf(p.name, p.version).value();
    p.name = "</script><script>alert(1)</script><img src=x onerror=alert(2)>";
    p.version = "1.0.0\"><svg onload=alert(3)>";
    p.category = "]]><!--";
    p.findings[0].title = "<iframe src=\"javascript:alert(4)\"></iframe>";
    p.findings[0].description = "' onmouseover='alert(5)";
    p.findings[0].evidence = {{"<b>key</b>", "<a href=\"javascript:alert(6)\">x</a>"}};
    p.findings[0].events[0].summary = "read \xE2\x80\xAEgnp.exe";
    p.installScripts["postinstall"] = "</pre><style>body{display:none}</style>";
    stream[2].attrs["argv"] = {"node", "-e", "</td></tr></table><form action=//evil.example>"};
    p.paths = {{"<base href=//evil.example/>"}};
    r.projectName = "<title>owned</title>";
    r.projectPath = "/tmp/\"><meta http-equiv=refresh content=0;url=//evil.example>";
    r.edges.push_back({"", p.key(), false, false});
    events.add(p.key(), std::move(stream));
    return r;
}

TEST(HtmlReport, HostileStringsAreInert) {
    MemoryEventSource events;
    const std::string html = renderHtml(hostile(events), &events);
    ASSERT_THAT(html, HasSubstr("recorded events"));  // the hostile event is rendered, escaped
    // Escaped text may still spell "onerror=alert": what matters is that no tag opens.
    for (const char* raw : {"<script>", "<img", "<svg onload", "<iframe", "javascript:alert(4)\"",
                            "<style>body", "<form", "<base", "<meta http-equiv=refresh", "<title>owned", "\xE2\x80\xAE",
                            "<b>key</b>", "<a href=\"javascript", "' onmouseover='"})
        EXPECT_THAT(html, Not(HasSubstr(raw))) << raw;
    EXPECT_THAT(html, HasSubstr("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_THAT(html, HasSubstr("&lt;U+202E&gt;gnp.exe"));
    EXPECT_THAT(html, HasSubstr("&#39; onmouseover=&#39;alert(5)"));
    // Exactly our one style element survives.
    const auto styles = [&] {
        std::size_t n = 0;
        for (auto at = html.find("<style"); at != std::string::npos; at = html.find("<style", at + 1))
            ++n;
        return n;
    }();
    EXPECT_EQ(styles, 1u);
}

TEST(ReportFigures, LargeGraphIsReducedToRiskyPathsWithANote) {
    ScanReport r;
    r.projectName = "big";
    // A chain root -> a0 -> ... and 400 benign leaves; one risky package at the end of the chain.
    for (int i = 0; i < 400; ++i) {
        PackageReport p;
        p.name = "leaf" + std::to_string(i);
        p.version = "1.0.0";
        r.packages.push_back(p);
        r.edges.push_back({"", p.key(), false, false});
    }
    PackageReport mid{.name = "mid", .version = "1.0.0"};
    PackageReport bad{.name = "bad", .version = "6.6.6"};
    bad.severity = Severity::High;
    bad.score = 80;
    r.packages.push_back(mid);
    r.packages.push_back(bad);
    r.edges.push_back({"", mid.key(), false, false});
    r.edges.push_back({mid.key(), bad.key(), false, false});
    const auto fig = dependencyGraphFigure(r, {.maxNodes = 300});
    EXPECT_THAT(fig.note, HasSubstr("402 packages"));
    EXPECT_THAT(fig.note, HasSubstr("shows the 2"));
    EXPECT_THAT(fig.svg, HasSubstr("bad@6.6.6"));
    EXPECT_THAT(fig.svg, HasSubstr("mid@1.0.0"));
    EXPECT_THAT(fig.svg, Not(HasSubstr("leaf7@")));
    const auto small = dependencyGraphFigure(demo());
    EXPECT_TRUE(small.note.empty());
    EXPECT_THAT(small.svg, HasSubstr("tiny-pad@1.2.0"));
}

TEST(ReportFigures, TimelineColoursTheEvidenceEvents) {
    MemoryEventSource events;
    const auto r = demo(&events);
    const auto fig = timelineFigure(r.packages[0], loadPackageEvents(&events, r.packages[0]));
    // install #3 backs the critical finding: drawn in the critical colour with its tooltip.
    EXPECT_THAT(fig.svg, HasSubstr("fill=\"#cf2c3f\" stroke=\"#ffffff\" stroke-width=\"1.5\"><title>install #3 +38.4 ms env.enumerate"));
    EXPECT_THAT(fig.svg, HasSubstr(">install<"));
    EXPECT_THAT(fig.svg, HasSubstr(">api<"));
    // Without a source, or with one that lacks the package, the figure says why it is empty.
    const auto none = timelineFigure(r.packages[0], loadPackageEvents(nullptr, r.packages[0]));
    EXPECT_TRUE(none.svg.empty());
    EXPECT_THAT(none.note, HasSubstr("not part of this report"));
    const auto missing = timelineFigure(r.packages[5], loadPackageEvents(&events, r.packages[5]));
    EXPECT_TRUE(missing.svg.empty());
    EXPECT_THAT(missing.note, HasSubstr("No events recorded"));
}

}  // namespace
}  // namespace vigil::engine::report
