// @brief Baseline: what an empty package's run shows per runtime and phase, subtracted as noise.
//
// Node, npm and the shell read dozens of files, env vars and libraries before any package code
// runs, and that set changes with every runtime release. Hand-kept lists rot; instead the phases
// runner records a run of an empty package per (runtime, phase), and every observation that run
// also shows is removed from real packages' runs. Only what even that cannot capture (shared
// libraries a program the package starts happens to load, /dev/null) is in a small fixed list.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/normalizer.h"
#include "engine/analysis/phase_record.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// Unavoidable noise the baseline cannot show because it depends on which programs ran:
/// reads of shared libraries and the loader cache (/lib, /usr/lib, /etc/ld.so.*), locale and
/// timezone data, /dev/null, /dev/urandom, /dev/tty and pts, and /proc/self/{maps,stat,fd}.
/// Everything else — /etc/passwd, /proc/1/cgroup, /proc/cpuinfo — stays: it is what sandbox and
/// CI fingerprinting reads.
bool isRuntimeNoise(const Observation& observation);

class Baseline {
public:
    /// Learns from runs of the empty package (`emptyPackage` is its identity, so its $PKG paths
    /// line up with every other package's). Records may span runtimes and phases.
    static Baseline learn(const std::vector<PhaseRecord>& records, const PackageIdentity& emptyPackage);

    void add(const std::string& runtime, const std::string& phase, const std::vector<Observation>& observations);
    /// True when the empty package's run of this runtime and phase showed the same observation.
    [[nodiscard]] bool covers(const std::string& runtime, const std::string& phase, const Observation& o) const;
    /// Whether there is a baseline for this runtime and phase at all (else only the noise list applies).
    [[nodiscard]] bool has(const std::string& runtime, const std::string& phase) const;
    /// The observations neither covered by the baseline nor runtime noise.
    [[nodiscard]] std::vector<Observation> subtract(const std::string& runtime, const std::string& phase,
                                                    std::vector<Observation> observations) const;

    /// {"version":1,"runtimes":{"node-20.11.1":{"install":["file.reads\t$HOME/.npmrc", ...]}}}
    [[nodiscard]] nlohmann::json toJson() const;
    static Result<Baseline> fromJson(const nlohmann::json& json);

    bool operator==(const Baseline&) const = default;

private:
    static std::string keyOf(const Observation& o);
    std::map<std::string, std::map<std::string, std::set<std::string>>> keys_;  // runtime -> phase -> keys
};

}  // namespace vigil::engine::analysis
