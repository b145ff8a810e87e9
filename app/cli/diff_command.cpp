#include "app/cli/diff_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/exit_codes.h"
#include "app/cli/report_command.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/report/stored_events.h"
#include "engine/report/stored_file_diff.h"
#include "engine/report/version_comparison.h"
#include "engine/resolve/tarball_cache.h"
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

/// vigil.file-diff/1: the content diff as data (line numbers 0 where a side has none).
nlohmann::json fileDiffJson(const engine::resolve::ContentDiff& d) {
    nlohmann::json hunks = nlohmann::json::array();
    for (const auto& h : d.hunks) {
        nlohmann::json lines = nlohmann::json::array();
        for (const auto& l : h.lines)
            lines.push_back({{"origin", std::string(1, l.origin)}, {"old_line", l.oldLine}, {"new_line", l.newLine},
                             {"text", l.text}, {"no_newline_at_end", l.noNewlineAtEnd}});
        hunks.push_back({{"header", h.header}, {"old_start", h.oldStart}, {"old_lines", h.oldLines},
                         {"new_start", h.newStart}, {"new_lines", h.newLines}, {"lines", std::move(lines)}});
    }
    return {{"schema", "vigil.file-diff/1"}, {"path", d.path}, {"kind", engine::resolve::contentDiffKindName(d.kind)},
            {"in_older", d.inOlder}, {"in_newer", d.inNewer}, {"older_bytes", d.olderBytes}, {"newer_bytes", d.newerBytes},
            {"added", d.added}, {"removed", d.removed}, {"note", d.note}, {"hunks", std::move(hunks)}};
}

int runFileDiff(const engine::Config& config, engine::store::Store& store, const engine::plan::PackageVersionRef& from,
                const engine::plan::PackageVersionRef& to, const DiffOptions& options, const std::string& format) {
    engine::resolve::TarballCache cache(config.cacheDir);
    auto diff = engine::report::diffStoredVersionFile(store, cache, from, to, options.file);
    if (!diff)
        return fail(diff.error());
    if (format == "json") {
        // Package files are bytes: a line that is not UTF-8 is written with U+FFFD, not refused.
        return writeOut(options.out, fileDiffJson(*diff).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    return writeOut(options.out, diff->unified());
}

}  // namespace

int runDiff(const engine::Config& config, const DiffOptions& options) {
    const std::string format = options.json ? "json" : options.format;
    // Usage errors before the store is touched: a typo must not create an empty store.
    if (auto ok = checkOptions(options, format); !ok.ok())
        return fail(ok.error());
    if (!options.file.empty() && format != "text" && format != "json")
        return fail(engine::makeError(engine::ErrorCode::Usage, "--file prints a content diff as text or json",
                                      "use --format text or --format json with --file"));
    auto from = engine::plan::parsePackageVersion(options.from);
    if (!from)
        return fail(from.error());
    auto to = engine::plan::parsePackageVersion(options.to);
    if (!to)
        return fail(to.error());
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    if (!options.file.empty())
        return runFileDiff(config, *store, *from, *to, options, format);
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
