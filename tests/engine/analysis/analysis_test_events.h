// Hand-made events and records for the analysis tests (no sandbox needed).
#pragma once

#include <string>

#include "engine/analysis/phase_record.h"

namespace vigil::engine::analysis::test {

inline collect::Event ev(uint64_t seq, std::string_view kind, nlohmann::json attrs, int64_t tsNs = 0) {
    collect::Event e;
    e.seq = seq;
    e.tsNs = tsNs == 0 ? static_cast<int64_t>(seq) * 1000000 : tsNs;
    e.phase = "install";
    e.pid = 100 + static_cast<int32_t>(seq);
    e.kind = std::string(kind);
    e.attrs = std::move(attrs);
    return e;
}

inline PhaseRecord record(std::string phase, std::vector<collect::Event> events) {
    PhaseRecord r;
    r.phase = std::move(phase);
    r.runtime = "node-20.11.1";
    for (auto& e : events)
        e.phase = r.phase;
    r.events = std::move(events);
    return r;
}

}  // namespace vigil::engine::analysis::test
