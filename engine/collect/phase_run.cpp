// PhaseRun's summary JSON and counts.
#include "engine/collect/phase_run.h"

namespace vigil::engine::collect {

uint64_t PhaseRun::totalDrops() const {
    uint64_t n = 0;
    for (const auto& [source, count] : drops)
        n += count;
    return n;
}

void PhaseRun::countEvents() {
    counts.clear();
    for (const Event& e : events)
        ++counts[std::string(e.category())];
}

nlohmann::json phaseSummaryJson(const PhaseRun& run) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    nlohmann::json bait = nlohmann::json::array();
    for (const sandbox::BaitToken& b : run.bait)
        bait.push_back({{"name", b.name},
                        {"place", b.place == sandbox::BaitToken::Place::Env ? "env" : "file"},
                        {"location", b.location},
                        {"value", b.value}});
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [category, n] : run.counts)
        counts[category] = n;
    nlohmann::json drops = nlohmann::json::object();
    for (const auto& [source, n] : run.drops)
        drops[source] = n;
    return {{"phase", run.phase},
            {"outcome", run.outcome},
            {"reason", run.reason},
            {"exit_code", run.exitCode},
            {"signal", run.signal},
            {"limits_hit", run.limitsHit},
            {"setup_ms", duration_cast<milliseconds>(run.setup).count()},
            {"duration_ms", duration_cast<milliseconds>(run.run).count()},
            {"events", run.events.size()},
            {"counts", std::move(counts)},
            {"drops", std::move(drops)},
            {"warnings", run.warnings},
            {"stimulus", run.stimulus},
            {"bait", std::move(bait)},
            {"stdout_tail", run.stdoutTail},
            {"stderr_tail", run.stderrTail}};
}

}  // namespace vigil::engine::collect
