// @brief Fingerprint: the canonical behaviour of one package version across its phases, with evidence.
//
// Each section is a set of canonical keys (see Section); each key remembers, per phase, the seqs
// of the events that justify it, so every line of a diff or finding can point at the timeline.
// The checksum covers only what describes behaviour (phase, section, key, outcome flags) — not
// seqs, times or resource numbers — so two runs that behaved alike have equal checksums.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/normalizer.h"
#include "engine/analysis/normalizer_baseline.h"
#include "engine/analysis/phase_record.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// phase -> seqs of the events (in that phase's stream) that show an item.
using EventSeqs = std::map<std::string, std::vector<uint64_t>>;

struct PhaseSummary {
    PhaseOutcome outcome;
    bool baselineApplied = false;  ///< false: only the fixed noise list was subtracted
    bool operator==(const PhaseSummary&) const = default;
};

struct Connection {
    std::string host;
    int port = 0;
    std::string protocol;
};
/// Splits a NetConnections key "host:port/protocol" ("[::1]:80/tcp", "unix:$TMP/s" -> host, 0, "unix").
Connection parseConnection(std::string_view key);

struct HttpRequest {
    std::string method, host, path;
};
/// Splits a NetHttp key "METHOD host path".
HttpRequest parseHttpRequest(std::string_view key);

struct Fingerprint {
    std::string package;  ///< name
    std::string version;
    std::string runtime;  ///< of the runs it was built from
    std::map<std::string, PhaseSummary> phases;
    std::map<Section, std::map<std::string, EventSeqs>> sections;
    std::string checksum;  ///< hex sha256 of the canonical sets; see computeChecksum

    /// Keys of a section, sorted; with a phase, only those shown in that phase.
    [[nodiscard]] std::vector<std::string> keys(Section section, std::string_view phase = {}) const;
    /// How many events show items of a section (for CodeDynamic with a key: that kind's count).
    [[nodiscard]] size_t eventCount(Section section, std::string_view phase = {}, std::string_view key = {}) const;
    /// Same behaviour: the checksums match.
    [[nodiscard]] bool sameBehaviour(const Fingerprint& other) const { return checksum == other.checksum; }
    bool operator==(const Fingerprint&) const = default;
};

/// Normalises each record's events, subtracts the baseline (and the fixed noise list), and
/// collects the observations with their evidence. `baseline` may be null (noise list only).
Fingerprint buildFingerprint(const PackageIdentity& identity, const std::vector<PhaseRecord>& records,
                             const Baseline* baseline);

/// sha256 (OpenSSL) over sorted lines "phase\tsection\tkey" and "phase\toutcome\tfailed=…".
std::string computeChecksum(const Fingerprint& fingerprint);

/// {"package","version","runtime","checksum","phases":{…},"sections":{"file.reads":[{"key","evidence"}…]…}}
nlohmann::json toJson(const Fingerprint& fingerprint);
/// Inverse of toJson; the checksum is recomputed and must match the stored one.
Result<Fingerprint> fingerprintFromJson(const nlohmann::json& json);

}  // namespace vigil::engine::analysis
