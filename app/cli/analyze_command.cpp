#include "app/cli/analyze_command.h"

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/exit_codes.h"
#include "engine/plan/phase_analysis.h"
#include "engine/sandbox/sandbox_client.h"
#include "engine/store/store.h"
#include "vigil_version.h"

namespace vigil::cli {
namespace {

using nlohmann::json;

int fail(const engine::Error& e) {
    std::fprintf(stderr, "vigil-cli analyze: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
}

std::string oneLine(std::string s, size_t max) {
    for (char& c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    if (s.size() > max)
        s = s.substr(0, max) + "...";
    return s;
}

void printText(const engine::plan::PhaseAnalysis& a) {
    std::cout << a.name << "@" << a.version << "\n";
    for (const auto& run : a.runs) {
        std::cout << "  " << run.phase << ": " << run.outcome;
        if (!run.reason.empty())
            std::cout << " (" << run.reason << ")";
        if (run.outcome != engine::collect::outcome::Skipped && run.outcome != engine::collect::outcome::Error) {
            std::cout << ", exit " << run.exitCode;
            if (run.signal != 0)
                std::cout << ", signal " << run.signal;
            std::cout << ", " << std::chrono::duration_cast<std::chrono::milliseconds>(run.run).count() << " ms";
        }
        std::cout << "\n    events: " << run.events.size();
        if (!run.counts.empty()) {
            std::cout << " (";
            bool first = true;
            for (const auto& [category, n] : run.counts) {
                std::cout << (first ? "" : ", ") << category << " " << n;
                first = false;
            }
            std::cout << ")";
        }
        std::cout << ", drops: " << run.totalDrops() << "\n";
        if (run.stimulus.contains("scripts"))
            for (const auto& s : run.stimulus["scripts"])
                std::cout << "    " << s.value("event", "") << ": " << s.value("status", "") << "  "
                          << oneLine(s.value("script", ""), 80) << "\n";
        if (run.stimulus.contains("entries"))
            for (const auto& e : run.stimulus["entries"])
                std::cout << "    " << e.value("specifier", "") << ": require " << oneLine(e.value("require", ""), 60)
                          << ", import " << oneLine(e.value("import", ""), 60) << "\n";
        if (run.phase == "api" && run.stimulus.contains("calls"))
            std::cout << "    calls: " << run.stimulus.value("calls", 0) << " (" << run.stimulus.value("functions", 0)
                      << " functions, " << run.stimulus.value("classes", 0) << " classes), errors "
                      << run.stimulus.value("errors", 0) << ", timeouts " << run.stimulus.value("timeouts", 0) << "\n";
        for (const auto& e : run.events)
            if (e.category() == "network")
                std::cout << "    " << e.kind << " " << oneLine(e.attrs.dump(-1, ' ', false, json::error_handler_t::replace), 120)
                          << "\n";
    }
    for (const auto& w : a.warnings)
        std::cout << "warning: " << w << "\n";
}

}  // namespace

int runAnalyze(const engine::Config& config, const AnalyzeOptions& options) {
    auto target = engine::plan::classifyTarget(options.target);
    if (!target)
        return fail(target.error());
    auto phases = engine::plan::parsePhaseList(options.phases);
    if (!phases)
        return fail(phases.error());
    auto client = engine::sandbox::SandboxClient::create();
    if (!client)
        return fail(client.error());
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());

    engine::plan::AnalyzeRequest request;
    request.target = *target;
    request.phases.phases = *phases;
    request.analyzerVersion = VIGIL_VERSION;
    request.keepProject = options.keepProject;
    engine::plan::PhaseAnalyzer analyzer(config, &store.value(), engine::processEnvironment(), *client);
    auto analysis = analyzer.run(request);
    if (!analysis)
        return fail(analysis.error());

    if (!options.json) {
        printText(*analysis);
        return kOk;
    }
    json out = {{"package", analysis->name}, {"version", analysis->version}, {"phases", json::array()},
                {"warnings", analysis->warnings}};
    for (const auto& run : analysis->runs) {
        json phase = engine::collect::phaseSummaryJson(run);
        phase["event_count"] = run.events.size();
        json events = json::array();
        for (const auto& e : run.events)
            events.push_back(engine::collect::toJson(e));
        phase["events"] = std::move(events);
        out["phases"].push_back(std::move(phase));
    }
    // Package output and captured bytes may be any bytes: replace, never refuse to print.
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return kOk;
}

}  // namespace vigil::cli
