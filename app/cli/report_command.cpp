// `vigil-cli report`: read a scan, render it, write it. PDF goes through Qt and exists only in builds with the GUI.
#include "app/cli/report_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/cli/exit_codes.h"
#include "engine/report/html_report.h"
#include "engine/report/scan_report_json.h"
#if VIGIL_HAVE_PDF
#include "ui/report/pdf_report.h"
#endif

namespace vigil::cli {

namespace {

int fail(const engine::Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
}

int writeText(const std::string& text, const std::string& out) {
    if (out.empty() || out == "-") {
        std::cout << text;
        return std::cout.flush() ? kOk : kFailure;
    }
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    if (!file || !(file << text) || !file.flush())
        return fail(engine::makeError(engine::ErrorCode::Io, "cannot write " + out));
    return kOk;
}

}  // namespace

int runReport(const ReportOptions& o) {
    auto report = engine::report::readScanReportFile(o.input);
    if (!report)
        return fail(report.error());
    if (o.format == "json")
        return writeText(engine::report::scanReportToJson(*report).dump(1) + "\n", o.out);
    if (o.format == "html")
        return writeText(engine::report::renderHtml(*report), o.out);
    if (o.format == "pdf") {
        if (o.out.empty() || o.out == "-")
            return fail(engine::makeError(engine::ErrorCode::Usage, "--format pdf needs --out FILE"));
#if VIGIL_HAVE_PDF
        const auto size = o.pageSize == "letter" ? ui::report::PageSize::Letter : ui::report::PageSize::A4;
        auto written = ui::report::writePdfHeadless(*report, o.out, size);
        if (!written)
            return fail(written.error());
        return kOk;
#else
        return fail(engine::makeError(engine::ErrorCode::Usage, "this vigil-cli was built without PDF support",
                                      "PDF reports are drawn with Qt: rebuild with -DVIGIL_BUILD_GUI=ON"));
#endif
    }
    return fail(engine::makeError(engine::ErrorCode::Usage, "unknown report format \"" + o.format + "\"",
                                  "expected html, pdf or json"));
}

}  // namespace vigil::cli
