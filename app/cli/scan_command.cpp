#include "app/cli/scan_command.h"

#include <csignal>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/cli/exit_codes.h"
#include "app/cli/report_command.h"
#include "app/cli/scan_progress.h"
#include "engine/core/log.h"
#include "engine/plan/default_analyzers.h"
#include "engine/plan/scan_orchestrator.h"
#include "engine/sandbox/sandbox_client.h"
#include "engine/report/stored_events.h"
#include "engine/report/version_comparison.h"
#include "engine/store/store.h"
#include "vigil_version.h"

namespace vigil::cli {

namespace {

using engine::Error;

int fail(const Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
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
    if (auto ok = checkReportOptions(options.output); !ok.ok())
        return fail(ok.error());
    auto phases = engine::plan::parsePhases(options.phases);
    if (!phases)
        return fail(phases.error());
    std::vector<std::filesystem::path> ruleDirs;
    for (const std::string& dir : options.ruleDirs) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            return fail(engine::makeError(engine::ErrorCode::Usage, "--rules " + dir + ": not a folder"));
        ruleDirs.emplace_back(dir);
    }
    auto target = engine::plan::classifyTarget(options.target);
    if (!target)
        return fail(target.error());
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    engine::Config judged = config;
    judged.disabledRules.insert(judged.disabledRules.end(), options.disabledRules.begin(), options.disabledRules.end());
    auto analyzers = engine::plan::makeSandboxAnalyzers(judged, ruleDirs);
    if (!analyzers)
        return fail(analyzers.error());
    if (analyzers->rules->rules().stats().enabledRules == 0) {
        // No rule, no verdict: every package would read as clean. Say so instead.
        std::string dirs;
        for (const auto& d : analyzers->ruleDirs)
            dirs += (dirs.empty() ? "" : ", ") + d.string();
        std::fprintf(stderr, "vigil-cli: warning: no enabled rule in %s: packages are analysed but nothing judges them\n",
                     dirs.c_str());
    }

    engine::plan::ScanOptions scanOptions;
    scanOptions.phases = std::move(phases).value();
    scanOptions.includeDev = !options.production;
    engine::plan::ScanOrchestrator orchestrator(config, *store, *analyzers->analyzer, scanOptions, env,
                                                analyzers->rules.get());
    ScanProgressLine progress;
    InterruptWatcher interrupts;
    auto report = orchestrator.scan(*target, interrupts.token(),
                                    [&](const engine::plan::ScanProgress& p) { progress.update(p); });
    progress.clear();
    // What degraded the whole scan (no runtime baseline, ...): said once, never only logged.
    for (const std::string& warning : analyzers->analyzer->warnings())
        std::fprintf(stderr, "vigil-cli: warning: %s\n", warning.c_str());
    if (!report)
        return fail(report.error());
    // "Changes since <previous version>" for every package the store analysed before.
    if (auto changes = engine::report::attachVersionChanges(*store, *report); !changes.ok())
        return fail(changes.error());
    // HTML and PDF timelines read each package's events from the store as they render it.
    const engine::report::StoreEventSource events(*store);
    return emitReport(*report, options.output, {&events, false});
}

}  // namespace vigil::cli
