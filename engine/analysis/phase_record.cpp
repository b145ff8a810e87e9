// PhaseRecord helpers: the consumer-project layout and the RunResult -> PhaseOutcome copy.
#include "engine/analysis/phase_record.h"

namespace vigil::engine::analysis {

PackageIdentity PackageIdentity::inConsumer(std::string name, std::string version) {
    PackageIdentity id;
    id.dir = id.projectDir + "/node_modules/" + name;
    id.name = std::move(name);
    id.version = std::move(version);
    return id;
}

PhaseOutcome PhaseOutcome::fromRunResult(const sandbox::RunResult& r) {
    PhaseOutcome o;
    o.exitCode = r.exitCode;
    o.signal = r.signal;
    o.wallLimitHit = r.wallLimitHit;
    o.memoryLimitHit = r.memoryLimitHit;
    o.pidsLimitHit = r.pidsLimitHit;
    o.outputLimitHit = r.outputLimitHit;
    o.duration = r.run;
    o.stdoutBytes = r.stdoutBytes;
    o.stderrBytes = r.stderrBytes;
    o.memoryPeakBytes = r.memoryPeakBytes;
    o.cpu = r.cpu;
    return o;
}

}  // namespace vigil::engine::analysis
