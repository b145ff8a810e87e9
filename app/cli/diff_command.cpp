#include "app/cli/diff_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/cli/exit_codes.h"
#include "app/cli/report_command.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/report/stored_events.h"
#include "engine/report/version_comparison.h"
#include "engine/store/store.h"

namespace vigil::cli {

namespace {

int fail(const engine::Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
}

engine::Status checkOptions(const DiffOptions& o, const std::string& format) {
    if (format != "text" && format != "json" && format != "html" && format != "pdf")
        return engine::makeError(engine::ErrorCode::Usage, "--format " + format + ": unknown", "use text, json, html or pdf");
    if (format == "pdf" && (o.out.empty() || o.out == "-"))
        return engine::makeError(engine::ErrorCode::Usage, "--format pdf needs --out FILE", "a PDF is not written to a terminal");
    if (o.pageSize != "a4" && o.pageSize != "letter")
        return engine::makeError(engine::ErrorCode::Usage, "--page-size " + o.pageSize + ": use a4 or letter");
    return {};
}

int writeOut(const std::string& out, const std::string& body) {
    if (out.empty() || out == "-") {
        std::cout << body;
        return kOk;
    }
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    if (!file || !(file << body) || !file.flush())
        return fail(engine::makeError(engine::ErrorCode::Io, "cannot write " + out));
    std::cout << "Diff written to " << out << "\n";
    return kOk;
}

}  // namespace

int runDiff(const engine::Config& config, const DiffOptions& options) {
    const std::string format = options.json ? "json" : options.format;
    // Usage errors before the store is touched: a typo must not create an empty store.
    if (auto ok = checkOptions(options, format); !ok.ok())
        return fail(ok.error());
    auto from = engine::plan::parsePackageVersion(options.from);
    if (!from)
        return fail(from.error());
    auto to = engine::plan::parsePackageVersion(options.to);
    if (!to)
        return fail(to.error());
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    if (format == "text" || format == "json") {
        engine::plan::BehaviourQueries queries(*store);
        auto diff = queries.whatChanged(*from, *to);
        if (!diff)
            return fail(diff.error());
        return writeOut(options.out, format == "json" ? engine::analysis::toJson(*diff).dump(2) + "\n"
                                                      : engine::analysis::renderText(*diff));
    }
    // html, pdf: the newer version's one-package report with this diff as its changes section.
    auto changes = engine::report::compareStoredVersions(*store, *from, *to);
    if (!changes)
        return fail(changes.error());
    auto package = engine::report::storedPackageReport(*store, *to);
    if (!package)
        return fail(package.error());
    package->changes = std::move(changes).value();
    ReportOutputOptions output;
    output.format = format;
    output.out = options.out;
    output.pageSize = options.pageSize;
    output.colour = "never";
    const engine::report::StoreEventSource events(*store);
    return emitReport(engine::report::singlePackageReport(std::move(package).value()), output, {&events, true});
}

}  // namespace vigil::cli
