// @brief The live progress line of `vigil-cli scan` on a terminal: count, bar, ETA, running packages and phases.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "engine/plan/scan_orchestrator.h"

namespace vigil::cli {

/// Redraws one stderr line at most 10 times a second. Silent unless stderr is a TTY and CI is
/// unset or "false": CI logs get no carriage-return noise.
class ScanProgressLine {
public:
    ScanProgressLine();
    ~ScanProgressLine();
    ScanProgressLine(const ScanProgressLine&) = delete;
    ScanProgressLine& operator=(const ScanProgressLine&) = delete;

    [[nodiscard]] bool enabled() const { return enabled_; }
    /// Called from pool threads (serialised by the orchestrator).
    void update(const engine::plan::ScanProgress& progress);
    void clear();

    /// "[#####.....] 12/40 · 800 cached · ETA 1m20s · a@1 install, b@2 import", cut to `width`.
    static std::string render(const engine::plan::ScanProgress& progress, std::size_t width);

private:
    bool enabled_;
    bool shown_ = false;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point lastDraw_{};
};

/// Whether CI is set to anything but "" / "false" / "0" in `env`.
bool runningInCi(const std::map<std::string, std::string>& env);

}  // namespace vigil::cli
