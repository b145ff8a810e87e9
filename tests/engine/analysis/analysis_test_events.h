// Hand-made events and records for the analysis tests (no sandbox needed).
#pragma once

#include <string>

#include "engine/analysis/fingerprint.h"
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

/// A record whose outcome says how the phase ended and how long it took.
inline PhaseRecord record(std::string phase, std::vector<collect::Event> events, int exitCode,
                          std::chrono::milliseconds duration) {
    PhaseRecord r = record(std::move(phase), std::move(events));
    r.outcome.exitCode = exitCode;
    r.outcome.duration = duration;
    return r;
}

/// The fingerprint of name@version installed into the consumer project, without a baseline
/// (only the fixed noise list is subtracted).
inline Fingerprint fingerprintOf(std::string name, std::string version, const std::vector<PhaseRecord>& records) {
    return buildFingerprint(PackageIdentity::inConsumer(std::move(name), std::move(version)), records, nullptr);
}

}  // namespace vigil::engine::analysis::test
