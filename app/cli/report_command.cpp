// `vigil-cli report` and the rendering behind `scan --format`. PDF goes through Qt (ui/report)
// and exists only in builds with the GUI.
#include "app/cli/report_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <unistd.h>

#include "app/cli/exit_codes.h"
#include "engine/plan/scan_orchestrator.h"
#include "engine/report/html_report.h"
#include "engine/report/sarif_report.h"
#include "engine/report/stored_events.h"
#include "engine/report/version_comparison.h"
#include "engine/report/scan_report_json.h"
#include "engine/report/scan_report_text.h"
#include "engine/store/store.h"
#include "vigil_version.h"
#if VIGIL_HAVE_PDF
#include "ui/report/pdf_report.h"
#endif

namespace vigil::cli {

namespace {

using engine::Severity;

int fail(const engine::Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
}

engine::Result<std::optional<Severity>> parseFailOn(const std::string& text) {
    if (text.empty())
        return std::optional<Severity>{};
    auto s = engine::parseSeverity(text);
    if (!s)
        return engine::makeError(engine::ErrorCode::Usage, "--fail-on " + text + ": not a severity",
                                 "use critical, high, medium, low or info");
    return std::optional<Severity>{*s};
}

engine::Status writeFile(const std::string& path, const std::string& body) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file || !(file << body) || !file.flush())
        return engine::makeError(engine::ErrorCode::Io, "cannot write " + path);
    return {};
}

engine::Status writePdf(const engine::report::ScanReport& report, const ReportOutputOptions& o,
                        const engine::report::EventSource* events) {
#if VIGIL_HAVE_PDF
    const auto size = o.pageSize == "letter" ? ui::report::PageSize::Letter : ui::report::PageSize::A4;
    auto written = ui::report::writePdfHeadless(report, o.out, size, events);
    if (!written)
        return written.error();
    return {};
#else
    (void)report;
    (void)o;
    (void)events;
    return engine::makeError(engine::ErrorCode::Usage, "this vigil-cli was built without PDF support",
                             "PDF reports are drawn with Qt: rebuild with -DVIGIL_BUILD_GUI=ON");
#endif
}

/// The body of a textual format (everything but pdf).
engine::Result<std::string> renderBody(const engine::report::ScanReport& report, const ReportOutputOptions& o, bool colour,
                                       const ReportEvents& events) {
    if (o.format == "json") {
        if (!events.inJson || events.source == nullptr)
            return engine::report::scanReportToJson(report).dump(2) + "\n";
        auto json = engine::report::scanReportToJson(report, *events.source);
        if (!json)
            return std::move(json).error();
        return json->dump(2) + "\n";
    }
    if (o.format == "html")
        return engine::report::renderHtml(report, events.source);
    if (o.format == "sarif") {
        engine::report::SarifOptions sarif;
        std::error_code ec;
        sarif.sourceRoot = std::filesystem::current_path(ec);
        sarif.toolVersion = VIGIL_VERSION;
        return engine::report::sarifReport(report, sarif).dump(2) + "\n";
    }
    engine::report::TextOptions text;
    text.colour = colour;
    return engine::report::scanReportText(report, text);
}

}  // namespace

engine::Status checkReportOptions(const ReportOutputOptions& o) {
    if (std::none_of(std::begin(kReportFormats), std::end(kReportFormats), [&](const char* f) { return o.format == f; }))
        return engine::makeError(engine::ErrorCode::Usage, "--format " + o.format + ": unknown",
                                 "use text, json, sarif, html or pdf");
    if (o.format == "pdf" && (o.out.empty() || o.out == "-"))
        return engine::makeError(engine::ErrorCode::Usage, "--format pdf needs --out FILE",
                                 "a PDF is not written to a terminal");
    if (o.colour != "auto" && o.colour != "always" && o.colour != "never")
        return engine::makeError(engine::ErrorCode::Usage, "--color " + o.colour + ": use auto, always or never");
    if (o.pageSize != "a4" && o.pageSize != "letter")
        return engine::makeError(engine::ErrorCode::Usage, "--page-size " + o.pageSize + ": use a4 or letter");
    if (auto failOn = parseFailOn(o.failOn); !failOn)
        return failOn.error();
    return {};
}

int emitReport(const engine::report::ScanReport& report, const ReportOutputOptions& o, ReportEvents events) {
    if (auto ok = checkReportOptions(o); !ok.ok())
        return fail(ok.error());
    const auto failOn = parseFailOn(o.failOn).value();
    const auto env = engine::processEnvironment();
    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    const bool colour = o.colour == "always" || (o.colour == "auto" && tty && !env.count("NO_COLOR"));

    const bool toStdout = o.out.empty() || o.out == "-";
    if (toStdout) {
        auto body = renderBody(report, o, colour, events);
        if (!body)
            return fail(body.error());
        std::cout << *body << std::flush;
    } else {
        engine::Status written;
        if (o.format == "pdf") {
            written = writePdf(report, o, events.source);
        } else if (auto body = renderBody(report, o, /*colour=*/false, events)) {
            written = writeFile(o.out, *body);
        } else {
            written = std::move(body).error();
        }
        if (!written.ok())
            return fail(written.error());
        if (o.format != "text") {
            engine::report::TextOptions text;
            text.colour = colour;
            std::cout << engine::report::scanReportText(report, text);
        }
        std::cout << "Report written to " << o.out << "\n";
    }
    if (report.status == "cancelled")
        return kCancelled;
    if (failOn) {
        for (const auto& [severity, count] : report.findingsBySeverity)
            if (severity >= *failOn && count > 0) {
                std::fprintf(stderr, "vigil-cli: findings at or above %s: failing as asked (--fail-on)\n",
                             std::string(engine::severityName(*failOn)).c_str());
                return kFailure;
            }
    }
    return kOk;
}

int runReport(const engine::Config& config, const std::string& scan, const ReportOutputOptions& options) {
    if (auto ok = checkReportOptions(options); !ok.ok())
        return fail(ok.error());
    const bool isId = !scan.empty() && scan.size() < 19 && std::all_of(scan.begin(), scan.end(), [](char c) {
        return c >= '0' && c <= '9';
    });
    engine::Result<engine::report::ScanReport> report = engine::makeError(engine::ErrorCode::Internal, "unset");
    // A stored scan's events come from the store; a file's from the file (when it has them).
    std::optional<engine::store::Store> store;
    std::optional<engine::report::StoreEventSource> stored;
    engine::report::MemoryEventSource inFile;
    ReportEvents events;
    if (isId) {
        auto opened = engine::store::Store::open(config.storePath);
        if (!opened)
            return fail(opened.error());
        store.emplace(std::move(opened).value());
        report = engine::plan::loadScanReport(*store, std::stoll(scan));
        if (report)
            if (auto changes = engine::report::attachVersionChanges(*store, *report); !changes.ok())
                return fail(changes.error());
        events.source = &stored.emplace(*store);
    } else {
        report = engine::report::readScanReportFile(scan, &inFile);
        events.source = &inFile;
        events.inJson = !inFile.empty();
    }
    if (!report)
        return fail(report.error());
    if (!options.package.empty()) {
        const auto it = std::find_if(report->packages.begin(), report->packages.end(),
                                     [&](const auto& p) { return p.key() == options.package; });
        if (it == report->packages.end())
            return fail(engine::makeError(engine::ErrorCode::NotFound, options.package + " is not a package of scan " + scan,
                                          "Give --package as name@version, exactly as the scan's report lists it."));
        events.inJson = true;  // one package: its events are bounded
        return emitReport(engine::report::singlePackageReport(*it, &*report), options, events);
    }
    return emitReport(*report, options, events);
}

}  // namespace vigil::cli
