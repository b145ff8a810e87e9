// @brief A scripted PackageAnalyzer for the orchestrator tests: no sandbox, verdicts by package name.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/plan/package_analyzer.h"

namespace vigil::engine::plan::testing {

/// "evil-*" packages get a critical finding and a network call, "risky-*" a high one; everything
/// else is clean. Records every analysis it was asked for.
class FakeAnalyzer : public PackageAnalyzer {
public:
    std::string analyzerVersion = "fake/1";
    std::chrono::milliseconds delay{0};
    bool blockUntilStopped = false;     ///< every analysis waits for its stop token
    std::set<std::string> failing;      ///< keys whose analysis fails

    [[nodiscard]] std::string version() const override { return analyzerVersion; }

    Result<PackageAnalysis> analyse(const AnalysisTarget& target, const std::vector<std::string>& phases,
                                    std::stop_token stop, const AnalysisProgress& progress) override {
        {
            std::lock_guard lock(mutex_);
            calls_.push_back(target.key());
        }
        started_.fetch_add(1);
        PackageAnalysis out;
        for (const auto& phase : phases) {
            if (progress)
                progress(phase, "running");
            const auto until = std::chrono::steady_clock::now() + delay;
            while (blockUntilStopped || std::chrono::steady_clock::now() < until) {
                if (stop.stop_requested())
                    return makeError(ErrorCode::Cancelled, "cancelled " + target.key());
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            out.phases.push_back(report::PhaseSummary{phase, "ok", 0, 0, std::chrono::milliseconds(5), {}, 0});
        }
        if (failing.count(target.key()))
            return makeError(ErrorCode::Internal, "sandbox exploded for " + target.key());
        out.fingerprint = {{"network_calls", nlohmann::json::array()}, {"shell_commands", nlohmann::json::array()}};
        if (target.name.starts_with("evil")) {
            out.fingerprint["network_calls"].push_back("evil.invalid:443");
            report::Finding f;
            f.ruleId = "exfil-env";
            f.severity = Severity::Critical;
            f.title = "posts the environment to evil.invalid";
            f.phases = {phases.front()};
            f.evidence = {{"host", "evil.invalid"}};
            f.events = {report::EvidenceRef{phases.front(), 3, "POST http://evil.invalid/"}};
            out.findings.push_back(f);
        } else if (target.name.starts_with("risky")) {
            out.fingerprint["shell_commands"].push_back("curl");
            report::Finding f;
            f.ruleId = "shell-download";
            f.severity = Severity::High;
            f.title = "downloads with curl in postinstall";
            f.phases = {phases.front()};
            out.findings.push_back(f);
        }
        collect::Event e;
        e.phase = phases.front();
        e.kind = "process.exec";
        e.attrs = {{"path", "/bin/sh"}};
        out.events.push_back(e);
        return out;
    }

    std::vector<std::string> calls() {
        std::lock_guard lock(mutex_);
        return calls_;
    }
    void resetCalls() {
        std::lock_guard lock(mutex_);
        calls_.clear();
    }
    std::atomic<int>& started() { return started_; }

private:
    std::mutex mutex_;
    std::vector<std::string> calls_;
    std::atomic<int> started_{0};
};

}  // namespace vigil::engine::plan::testing
