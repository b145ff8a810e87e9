#include "app/cli/scan_command.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/cli/exit_codes.h"
#include "app/cli/scan_progress.h"
#include "engine/core/log.h"
#include "engine/plan/interim_script_analyzer.h"
#include "engine/plan/scan_orchestrator.h"
#include "engine/report/sarif_report.h"
#include "engine/report/scan_report_text.h"
#include "engine/sandbox/sandbox_client.h"
#include "engine/store/store.h"
#include "vigil_version.h"

namespace vigil::cli {

namespace {

using engine::Error;
using engine::Severity;
using nlohmann::json;

int fail(const Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
}

/// INTERIM JSON until engine/report/scan_report_json (vigil.scan/1) is merged: the same field
/// names, a subset of them (no events, phases, heat or fingerprints). Swap the body for
/// report::scanReportToJson then.
json scanJson(const engine::report::ScanReport& r) {
    json packages = json::array();
    for (const auto& p : r.packages) {
        json findings = json::array();
        for (const auto& f : p.findings)
            findings.push_back({{"rule_id", f.ruleId},
                                {"severity", engine::severityName(f.severity)},
                                {"title", f.title},
                                {"description", f.description},
                                {"expected", f.expected}});
        packages.push_back({{"name", p.name},
                            {"version", p.version},
                            {"integrity", p.integrity},
                            {"score", p.score},
                            {"severity", engine::severityName(p.severity)},
                            {"cached", p.cached},
                            {"analysis_failed", p.analysisFailed},
                            {"analysis_error", p.analysisError},
                            {"findings", findings},
                            {"paths", p.paths}});
    }
    json bySeverity = json::object();
    for (Severity s : {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info}) {
        const auto it = r.findingsBySeverity.find(s);
        bySeverity[std::string(engine::severityName(s))] = it == r.findingsBySeverity.end() ? 0 : it->second;
    }
    json comparison = nullptr;
    if (r.comparison)
        comparison = {{"previous_scan_id", r.comparison->previousScanId},
                      {"added_packages", r.comparison->addedPackages},
                      {"removed_packages", r.comparison->removedPackages},
                      {"new_findings", r.comparison->newFindings},
                      {"resolved_findings", r.comparison->resolvedFindings}};
    return {{"schema", "vigil.scan/1-interim"},
            {"scan_id", r.scanId},
            {"project", {{"path", r.projectPath}, {"name", r.projectName}, {"lockfile", r.lockfile}}},
            {"analyzer_version", r.analyzerVersion},
            {"rules_version", r.rulesVersion},
            {"status", r.status},
            {"totals", {{"packages", r.totalPackages}, {"analysed", r.analysed}, {"cached", r.cached}, {"failed", r.failed}}},
            {"findings_by_severity", bySeverity},
            {"packages", packages},
            {"comparison", comparison}};
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

engine::Status checkOutputOptions(const ScanOutputOptions& o) {
    if (o.format != "text" && o.format != "json" && o.format != "sarif")
        return engine::makeError(engine::ErrorCode::Usage, "--format " + o.format + ": unknown",
                                 "use text, json or sarif");
    if (o.colour != "auto" && o.colour != "always" && o.colour != "never")
        return engine::makeError(engine::ErrorCode::Usage, "--color " + o.colour + ": use auto, always or never");
    return {};
}

/// Writes the report in the chosen format; with --out a summary still goes to the terminal.
int emit(const engine::report::ScanReport& report, const ScanOutputOptions& o, const engine::Config&) {
    auto failOn = parseFailOn(o.failOn);
    if (!failOn)
        return fail(failOn.error());
    const auto env = engine::processEnvironment();
    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    engine::report::TextOptions text;
    text.colour = o.colour == "always" || (o.colour == "auto" && tty && !env.count("NO_COLOR"));

    std::string body;
    if (o.format == "json") {
        body = scanJson(report).dump(2) + "\n";
    } else if (o.format == "sarif") {
        engine::report::SarifOptions sarif;
        std::error_code ec;
        sarif.sourceRoot = std::filesystem::current_path(ec);
        sarif.toolVersion = VIGIL_VERSION;
        body = engine::report::sarifReport(report, sarif).dump(2) + "\n";
    } else {
        engine::report::TextOptions plain = text;
        plain.colour = o.out.empty() && text.colour;
        body = engine::report::scanReportText(report, plain);
    }
    if (o.out.empty()) {
        std::cout << body << std::flush;
    } else {
        std::ofstream file(o.out, std::ios::binary | std::ios::trunc);
        file << body;
        file.close();
        if (!file)
            return fail(engine::makeError(engine::ErrorCode::Io, "cannot write " + o.out));
        if (o.format != "text")
            std::cout << engine::report::scanReportText(report, text);
        std::cout << "Report written to " << o.out << "\n";
    }
    if (report.status == "cancelled")
        return kCancelled;
    if (*failOn) {
        for (const auto& [severity, count] : report.findingsBySeverity)
            if (severity >= **failOn && count > 0) {
                std::fprintf(stderr, "vigil-cli: findings at or above %s: failing as asked (--fail-on)\n",
                             std::string(engine::severityName(**failOn)).c_str());
                return kFailure;
            }
    }
    return kOk;
}

/// SIGINT/SIGTERM end the scan cleanly: a thread waits for them (blocked everywhere else) and
/// requests stop, which cancels queued jobs and running sandboxes — nothing async-signal-unsafe.
class InterruptWatcher {
public:
    InterruptWatcher() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGUSR1);  // our own wake-up at the end
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
        thread_ = std::thread([this] {
            int sig = 0;
            sigwait(&set_, &sig);
            if (sig != SIGUSR1) {
                std::fprintf(stderr, "\nvigil-cli: interrupted, stopping the running sandboxes...\n");
                stop_.request_stop();
            }
        });
    }
    ~InterruptWatcher() {
        pthread_kill(thread_.native_handle(), SIGUSR1);
        thread_.join();
        pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
    }
    std::stop_token token() const { return stop_.get_token(); }

private:
    sigset_t set_{};
    std::stop_source stop_;
    std::thread thread_;
};

}  // namespace

int runScan(const engine::Config& config, const std::map<std::string, std::string>& env,
            const ScanCommandOptions& options) {
    if (auto ok = checkOutputOptions(options.output); !ok.ok())
        return fail(ok.error());
    if (auto failOn = parseFailOn(options.output.failOn); !failOn)
        return fail(failOn.error());
    auto phases = engine::plan::parsePhases(options.phases);
    if (!phases)
        return fail(phases.error());
    if (!options.rulesDir.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(options.rulesDir, ec))
            return fail(engine::makeError(engine::ErrorCode::Usage, "--rules " + options.rulesDir + ": not a folder"));
        // INTERIM: the rule engine is not wired into the scan yet; say so rather than pretend.
        std::fprintf(stderr, "vigil-cli: warning: --rules %s is not used yet: this build judges with the interim "
                             "analyzer's fixed checks\n", options.rulesDir.c_str());
    }
    auto target = engine::plan::classifyTarget(options.target);
    if (!target)
        return fail(target.error());
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    auto client = engine::sandbox::SandboxClient::create();
    if (!client)
        return fail(client.error());
    auto analyzer = engine::plan::InterimScriptAnalyzer::create(std::move(client).value(), config.cacheDir);
    if (!analyzer)
        return fail(analyzer.error());

    engine::plan::ScanOptions scanOptions;
    scanOptions.phases = std::move(phases).value();
    scanOptions.includeDev = !options.production;
    engine::plan::ScanOrchestrator orchestrator(config, *store, *analyzer, scanOptions, env);
    ScanProgressLine progress;
    InterruptWatcher interrupts;
    auto report = orchestrator.scan(*target, interrupts.token(),
                                    [&](const engine::plan::ScanProgress& p) { progress.update(p); });
    progress.clear();
    if (!report)
        return fail(report.error());
    return emit(*report, options.output, config);
}

int runReport(const engine::Config& config, std::int64_t scanId, const ScanOutputOptions& options) {
    if (auto ok = checkOutputOptions(options); !ok.ok())
        return fail(ok.error());
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    auto report = engine::plan::loadScanReport(*store, scanId);
    if (!report)
        return fail(report.error());
    return emit(*report, options, config);
}

}  // namespace vigil::cli
