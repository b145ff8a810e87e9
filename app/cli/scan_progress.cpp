#include "app/cli/scan_progress.h"

#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine/core/config.h"

namespace vigil::cli {

namespace {

std::string duration(std::chrono::seconds s) {
    const auto n = s.count();
    if (n >= 3600)
        return std::to_string(n / 3600) + "h" + std::to_string(n % 3600 / 60) + "m";
    if (n >= 60)
        return std::to_string(n / 60) + "m" + std::to_string(n % 60) + "s";
    return std::to_string(n) + "s";
}

std::size_t terminalWidth() {
    winsize ws{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        return ws.ws_col;
    return 80;
}

}  // namespace

bool runningInCi(const std::map<std::string, std::string>& env) {
    const auto it = env.find("CI");
    return it != env.end() && !it->second.empty() && it->second != "false" && it->second != "0";
}

ScanProgressLine::ScanProgressLine()
    : enabled_(::isatty(STDERR_FILENO) && !runningInCi(engine::processEnvironment())) {}

ScanProgressLine::~ScanProgressLine() {
    clear();
}

std::string ScanProgressLine::render(const engine::plan::ScanProgress& p, std::size_t width) {
    std::string line;
    if (p.stage != "analyse") {
        line = p.stage + " " + std::to_string(p.done) + "/" + std::to_string(p.total);
        if (!p.running.empty())
            line += " " + p.running.front();
    } else {
        constexpr std::size_t kBar = 20;
        const std::size_t filled = p.toAnalyse ? kBar * p.analysed / p.toAnalyse : kBar;
        line = "[" + std::string(filled, '#') + std::string(kBar - filled, '.') + "] " + std::to_string(p.analysed) +
               "/" + std::to_string(p.toAnalyse) + " analysed · " + std::to_string(p.cached) + " cached";
        if (p.analysed > 0 && p.analysed < p.toAnalyse) {
            const long long perPackageMs = p.elapsed.count() / static_cast<long long>(p.analysed);
            const long long leftMs = perPackageMs * static_cast<long long>(p.toAnalyse - p.analysed);
            line += " · ETA " + duration(std::chrono::seconds(leftMs / 1000));
        }
        for (std::size_t i = 0; i < p.running.size(); ++i)
            line += (i == 0 ? " · " : ", ") + p.running[i];
    }
    if (line.size() > width - 1)
        line.resize(width - 1);
    return line;
}

void ScanProgressLine::update(const engine::plan::ScanProgress& p) {
    if (!enabled_)
        return;
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - lastDraw_ < std::chrono::milliseconds(100) && p.analysed != p.toAnalyse)
        return;
    lastDraw_ = now;
    std::fprintf(stderr, "\r\033[K%s", render(p, terminalWidth()).c_str());
    std::fflush(stderr);
    shown_ = true;
}

void ScanProgressLine::clear() {
    std::lock_guard lock(mutex_);
    if (shown_)
        std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
}

}  // namespace vigil::cli
