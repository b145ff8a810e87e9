// Phase requests, the drivers' reports and how each phase ended.
#include "engine/plan/phase_runner.h"

#include <openssl/rand.h>

#include <fmt/format.h>

#include "engine/analysis/phase_record.h"

namespace vigil::engine::plan {
namespace {

using collect::PhaseRun;
using nlohmann::json;

std::string randomTag() {
    unsigned char bytes[8] = {};
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return "@vigil-phase";
    std::string tag = "@vigil-phase:";
    for (unsigned char b : bytes)
        tag += fmt::format("{:02x}", b);
    return tag;
}

/// The bootstrap of the import and api drivers: evaluated as an ES module in the project's cwd,
/// so the import() and import.meta.resolve it hands to the driver resolve bare specifiers from
/// the project's node_modules — as the consumer's own code would.
std::string bootstrap(const std::string& runtimeDir, const char* driver) {
    return fmt::format("import {{ run }} from '{}/{}';\n"
                       "await run({{ importFn: (s) => import(s), resolveFn: (s) => import.meta.resolve(s) }});\n",
                       runtimeDir, driver);
}

std::vector<std::string> limitNames(const sandbox::RunResult& r) {
    std::vector<std::string> v;
    if (r.wallLimitHit) v.emplace_back("wall");
    if (r.memoryLimitHit) v.emplace_back("memory");
    if (r.pidsLimitHit) v.emplace_back("pids");
    if (r.outputLimitHit) v.emplace_back("output");
    return v;
}

const json* findSummary(const std::vector<json>& reports) {
    for (auto it = reports.rbegin(); it != reports.rend(); ++it)
        if (it->value("type", "") == "summary")
            return &*it;
    return nullptr;
}

/// Per-script outcomes from the install driver's lines; scripts it never finished reporting get
/// what the sandbox says happened to them.
json installStimulus(const json& plan, const std::vector<json>& reports, const sandbox::RunResult& r) {
    json scripts = json::array();
    for (const json& step : plan["scripts"]) {
        const std::string event = step["event"];
        json s = {{"event", event}, {"script", step["script"]}, {"status", "not_run"}};
        if (step.value("implicit", false))
            s["implicit"] = true;
        for (const json& rep : reports) {
            if (rep.value("event", "") != event)
                continue;
            const std::string type = rep.value("type", "");
            if (type == "start") {
                s["status"] = r.wallLimitHit ? "timeout" : r.anyLimitHit() ? "limit" : "killed";
            } else if (type == "end") {
                for (const char* key : {"status", "exit_code", "signal", "duration_ms", "error"})
                    if (rep.contains(key))
                        s[key] = rep[key];
            }
        }
        if (const json* summary = findSummary(reports))
            for (const json& done : summary->value("scripts", json::array()))
                if (done.value("event", "") == event && done.value("status", "") == "skipped")
                    s["status"] = "skipped";
        scripts.push_back(std::move(s));
    }
    return {{"scripts", std::move(scripts)}};
}

json importStimulus(const std::vector<json>& reports) {
    if (const json* summary = findSummary(reports)) {
        json out = {{"entries", summary->value("entries", json::array())},
                    {"bins", summary->value("bins", json::array())},
                    {"loaded", summary->value("loaded", 0)},
                    {"failed", summary->value("failed", 0)}};
        // How the grace after loading ended: "idle" (nothing of the package pending) or "grace".
        if (summary->contains("settled"))
            out["settled"] = (*summary)["settled"];
        return out;
    }
    // No summary: the run died during loading. The last started entry is the one that did it.
    json entries = json::array();
    json bins = json::array();
    std::string started;
    for (const json& rep : reports) {
        const std::string type = rep.value("type", "");
        if (type == "entry-start")
            started = rep.value("specifier", "");
        else if (type == "entry") {
            entries.push_back(rep);
            started.clear();
        } else if (type == "bin")
            bins.push_back(rep);
    }
    json out = {{"entries", std::move(entries)}, {"bins", std::move(bins)}, {"complete", false}};
    if (!started.empty())
        out["interrupted_at"] = started;
    return out;
}

json apiStimulus(const std::vector<json>& reports) {
    json out = json::object();
    if (const json* summary = findSummary(reports)) {
        out = *summary;
        out.erase("type");
    } else {
        out["complete"] = false;
    }
    std::string last;
    for (const json& rep : reports)
        if (rep.value("type", "") == "call")
            last = rep.value("path", "");
    if (!last.empty())
        out["last_target"] = last;
    return out;
}

void settleOutcome(PhaseRun& run, const sandbox::RunResult& r, bool reported) {
    if (r.wallLimitHit) {
        run.outcome = collect::outcome::Timeout;
        run.reason = fmt::format("the {} ms wall limit killed the run", r.run.count() / 1'000'000);
    } else if (r.memoryLimitHit || r.pidsLimitHit || r.outputLimitHit) {
        const std::string which = r.memoryLimitHit ? "memory" : r.pidsLimitHit ? "pids" : "output";
        run.outcome = std::string(collect::outcome::Limit) + ":" + which;
        run.reason = "the " + which + " limit was hit";
    } else if (r.signal != 0) {
        run.outcome = collect::outcome::Crashed;
        run.reason = fmt::format("killed by signal {}", r.signal);
    } else if (r.exitCode != 0) {
        run.outcome = collect::outcome::Failed;
        run.reason = fmt::format("exited with code {}", r.exitCode);
    } else if (!reported) {
        run.outcome = collect::outcome::Failed;
        run.reason = "the phase driver exited without reporting";
    } else {
        run.outcome = collect::outcome::Ok;
    }
}

}  // namespace

const std::vector<std::string>& allPhases() {
    static const std::vector<std::string> phases = {"install", "import", "api"};
    return phases;
}

Result<std::vector<std::string>> parsePhaseList(const std::string& list) {
    std::vector<bool> wanted(allPhases().size(), false);
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find(',', start);
        if (end == std::string::npos)
            end = list.size();
        const std::string name = list.substr(start, end - start);
        bool known = false;
        for (size_t i = 0; i < allPhases().size(); ++i)
            if (allPhases()[i] == name) {
                wanted[i] = true;
                known = true;
            }
        if (!known)
            return makeError(ErrorCode::Usage, "unknown phase \"" + name + "\"", "phases are install, import and api");
        start = end + 1;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < wanted.size(); ++i)
        if (wanted[i])
            out.push_back(allPhases()[i]);
    return out;
}

std::vector<json> takeDriverReports(std::string& output, const std::string& tag) {
    std::vector<json> reports;
    std::string kept;
    size_t pos = 0;
    const std::string prefix = tag + " ";
    while (pos < output.size()) {
        size_t end = output.find('\n', pos);
        const bool last = end == std::string::npos;
        if (last)
            end = output.size();
        const std::string_view line(output.data() + pos, end - pos);
        if (line.starts_with(prefix)) {
            auto j = json::parse(line.substr(prefix.size()), nullptr, false);
            if (j.is_object())
                reports.push_back(std::move(j));
            // The driver frames each line with a newline before it: drop that one too.
            if (!kept.empty() && kept.back() == '\n')
                kept.pop_back();
        } else {
            kept.append(line);
            if (!last)
                kept.push_back('\n');
        }
        pos = end + 1;
    }
    output = std::move(kept);
    return reports;
}

PhaseRunner::PhaseRunner(const sandbox::SandboxClient& client, PhaseOptions options)
    : client_(client), options_(std::move(options)) {}

std::chrono::milliseconds PhaseRunner::timerWaitWithin(const sandbox::Limits& limits) const {
    const auto third = std::chrono::duration_cast<std::chrono::milliseconds>(limits.wall) / 3;
    return std::max(options_.grace, std::min(options_.timerWait, third));
}

PhaseRunner::Prepared PhaseRunner::prepare(const ConsumerProject& project, const std::string& phase,
                                           const std::string& tag) const {
    Prepared p;
    sandbox::RunRequest& req = p.request;
    req.packageDir = project.dir;
    req.cacheRoot = options_.cacheRoot;
    req.phase = phase;
    req.cwd = kSandboxProjectDir;
    const auto ms = [](std::chrono::milliseconds d) { return std::to_string(d.count()); };
    if (phase == "install") {
        const auto scripts = installLifecycle(project.manifest, project.hasBindingGyp, project.sandboxPackageDir,
                                              kSandboxProjectDir, options_.npm);
        if (scripts.empty()) {
            p.skipReason = "the package has no install scripts";
            return p;
        }
        json plan = {{"cwd", project.sandboxPackageDir}, {"scripts", json::array()}};
        for (const LifecycleScript& s : scripts)
            plan["scripts"].push_back(
                {{"event", s.event}, {"script", s.script}, {"implicit", s.implicitGyp}, {"env", s.env}, {"path", s.pathPrefix}});
        req.argv = {"node", options_.runtimeDir + "/phase_install.js", tag, plan.dump()};
        req.cwd = project.sandboxPackageDir;
        req.limits = options_.installLimits;
    } else if (phase == "import") {
        req.limits = options_.importLimits;
        req.argv = {"node", "--input-type=module", "-e", bootstrap(options_.runtimeDir, "phase_import.mjs"), tag,
                    project.sandboxPackageDir, project.name, ms(options_.grace), ms(options_.entryTimeout),
                    ms(timerWaitWithin(req.limits))};
    } else {
        req.limits = options_.apiLimits;
        // The driver stops starting calls a little before the wall limit, so its summary survives.
        const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(req.limits.wall);
        const auto settle = timerWaitWithin(req.limits);
        const auto budget = std::max(std::chrono::milliseconds(1000), wall - settle - std::chrono::milliseconds(5000));
        // Every path and URL the driver invents lives under these, so the analysis can tell what a
        // package did because the driver asked from what it did of its own accord.
        req.argv = {"node", "--input-type=module", "-e", bootstrap(options_.runtimeDir, "phase_api.mjs"), tag,
                    project.sandboxPackageDir, project.name, ms(budget), ms(options_.callTimeout), ms(options_.grace),
                    ms(settle), std::string(analysis::kApiStimulusDir), std::string(analysis::kApiStimulusHost)};
    }
    return p;
}

collect::PhaseRun PhaseRunner::runPhase(const ConsumerProject& project, const std::string& phase,
                                        std::stop_token stop) const {
    PhaseRun run;
    run.phase = phase;
    const std::string tag = randomTag();
    Prepared prepared = prepare(project, phase, tag);
    if (!prepared.skipReason.empty()) {
        run.outcome = collect::outcome::Skipped;
        run.reason = prepared.skipReason;
        return run;
    }
    collect::PhaseClock clock = collect::PhaseClock::sampleNow();
    sandbox::RunObserver observer;
    observer.onReady = [&clock](const sandbox::ReadyInfo&) { clock = collect::PhaseClock::sampleNow(); };
    observer.stop = stop;
    auto result = client_.run(prepared.request, observer);
    if (!result) {
        run.outcome = collect::outcome::Error;
        run.reason = result.error().describe();
        return run;
    }
    sandbox::RunResult& r = *result;
    run.exitCode = r.exitCode;
    run.signal = r.signal;
    run.limitsHit = limitNames(r);
    run.setup = r.setup;
    run.run = r.run;
    const std::vector<json> reports = takeDriverReports(r.stdoutTail, tag);
    run.stdoutTail = r.stdoutTail;
    run.stderrTail = r.stderrTail;
    run.stdoutBytes = r.stdoutBytes;
    run.stderrBytes = r.stderrBytes;
    run.memoryPeakBytes = r.memoryPeakBytes;
    run.cpu = r.cpu;
    run.bait = r.bait;

    settleOutcome(run, r, findSummary(reports) != nullptr);
    if (phase == "install") {
        json plan = json::parse(prepared.request.argv.back());
        run.stimulus = installStimulus(plan, reports, r);
        for (const json& s : run.stimulus["scripts"])
            if (s["status"] != "ok" && run.outcome == collect::outcome::Failed) {
                run.reason = fmt::format("{} script {}", s["event"].get<std::string>(),
                                         s.contains("exit_code") && !s["exit_code"].is_null()
                                             ? "exited with code " + s["exit_code"].dump()
                                             : s["status"].get<std::string>());
                break;
            }
    } else if (phase == "import") {
        run.stimulus = importStimulus(reports);
        if (run.outcome == collect::outcome::Crashed && run.stimulus.contains("interrupted_at"))
            run.reason += " while loading " + run.stimulus["interrupted_at"].get<std::string>();
    } else {
        run.stimulus = apiStimulus(reports);
    }

    clock.useTracerExec(r.traceStats);
    std::vector<collect::SourceEvents> sources = collect::runSources(r, clock, &run.warnings);
    for (const SourceDecoder& decode : decoders_) {
        auto more = decode(r, clock);
        sources.insert(sources.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
    collect::MergedEvents merged = collect::mergePhaseEvents(phase, clock, std::move(sources));
    run.events = std::move(merged.events);
    run.drops = std::move(merged.drops);
    run.countEvents();
    return run;
}

std::vector<collect::PhaseRun> PhaseRunner::runAll(const ConsumerProject& project, std::stop_token stop) const {
    std::vector<collect::PhaseRun> runs;
    for (const std::string& phase : options_.phases) {
        if (stop.stop_requested())
            break;
        runs.push_back(runPhase(project, phase, stop));
    }
    return runs;
}

}  // namespace vigil::engine::plan
