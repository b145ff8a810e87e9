// @brief VersionDiff: what one package version does that another did not (added, removed, changed), with evidence.
//
// The answer to "what did X@a do vs X@b" and the source of the diff.* facts rules read. Items are
// compared per section by canonical key across all phases; an item present in both versions whose
// phases differ is a change ("moved from api to install"), because when a behaviour happens matters
// as much as whether it happens. Phase outcomes and resource use are compared per phase, resources
// only beyond thresholds (DiffThresholds) so run-to-run jitter never shows as a change.
//
// JSON shape "vigil.diff/1" (the CLI's `diff --json`):
//   {"schema": "vigil.diff/1",
//    "from": {"package", "version", "checksum"}, "to": {...},
//    "same_behaviour": bool, "summary": "3 added, 1 removed, 1 changed; behaviour differs",
//    "counts": {"added": n, "removed": n, "changed": n},
//    "sections": {"network.connections": {"added": [{"key", "evidence": {phase: [seq...]}}],
//                                         "removed": [...]}, ...},   // only sections with lines
//    "changed": [{"kind": "outcome"|"resource"|"phases"|"phase_run", "phase", "section", "key",
//                 "measure", "before", "after", "factor", "description",
//                 "before_evidence", "after_evidence"}]}               // fields a kind has no use for are absent
// EventSeqs of an added item is the newer version's, of a removed item the older version's.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/facts.h"
#include "engine/analysis/fingerprint.h"

namespace vigil::engine::analysis {

/// When a resource difference is a change. Both the factor and the absolute difference must be
/// reached (either direction): the factor ignores proportional jitter, the floor ignores big factors
/// on tiny numbers (40 ms -> 160 ms).
struct DiffThresholds {
    /// x3 and 2 s: on the shared build machines node + npm start-up varies by +-50 % between runs
    /// of the same version and a cold npm cache can double an install; a sleep, a time bomb
    /// released by the accelerated clock, a download or a compile adds whole seconds.
    double durationFactor = 3.0;
    std::chrono::milliseconds durationFloor{2000};
    /// x3 and 1 s: a miner or a spin loop burns whole CPU seconds; JIT and GC vary by tens of ms.
    double cpuFactor = 3.0;  ///< only compared when both runs measured CPU (non-zero)
    std::chrono::milliseconds cpuFloor{1000};
    /// x2 and 64 MiB: node's own peak is 40-60 MiB and moves by tens of MiB with GC timing.
    double memoryFactor = 2.0;
    uint64_t memoryFloorBytes = 64ull << 20;
    /// x10 and 4 KiB: banners and deprecation warnings change by a few hundred bytes between
    /// releases; dumping the environment or files to the terminal, or a flood, is kilobytes.
    double outputFactor = 10.0;  ///< stdout + stderr bytes
    uint64_t outputFloorBytes = 4096;
};

/// One key present in only one of the two versions.
struct DiffLine {
    Section section = Section::FileReads;
    std::string key;
    EventSeqs evidence;  ///< from the version that has it
    bool operator==(const DiffLine&) const = default;
};

enum class ChangeKind {
    Outcome,   ///< a phase started or stopped failing, timing out or crashing
    Resource,  ///< duration, cpu, memory or output beyond the thresholds
    Phases,    ///< an item both versions show, in other phases ("moved from api to install")
    PhaseRun,  ///< a phase ran in only one of the versions (its items then differ wholesale)
};
/// "outcome", "resource", "phases", "phase_run".
const char* changeKindName(ChangeKind kind);

struct DiffChange {
    ChangeKind kind = ChangeKind::Outcome;
    std::string phase;                    ///< Outcome, Resource, PhaseRun
    Section section = Section::FileReads;  ///< Phases
    std::string key;                      ///< Phases
    std::string measure;                  ///< Resource: "duration", "cpu", "memory", "output"
    std::string before, after;            ///< human text: "ok (exit 0)", "1.2 s", "api", ...
    double factor = 0;                    ///< Resource: after / before (0 when before is 0)
    std::string description;              ///< one line a user reads: "install started failing"
    EventSeqs beforeEvidence, afterEvidence;  ///< Phases
};

struct VersionDiff {
    struct Side {
        std::string package, version, checksum;
    };
    Side from, to;
    bool sameBehaviour = false;  ///< the checksums match (resource changes may still be listed)
    std::vector<DiffLine> added;    ///< in section order (kAllSections), then key order
    std::vector<DiffLine> removed;
    std::vector<DiffChange> changed;

    /// "3 added, 1 removed, 1 changed; same behaviour" (or "; behaviour differs").
    [[nodiscard]] std::string summary() const;
    [[nodiscard]] bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

/// What `to` does compared with `from` (usually the previous analysed version and this one).
VersionDiff diffFingerprints(const Fingerprint& from, const Fingerprint& to, const DiffThresholds& thresholds = {});

/// The diff.added.* / diff.removed.* facts (keys per diffFactKeys()): values of the facts list
/// events.<key> that `to` has and `from` lacks, and the reverse. With a phase, both sides are that
/// phase's lists, so a host that moved from api into install is "added" to the install facts.
DiffFacts diffFacts(const Fingerprint& from, const Fingerprint& to, std::string_view phase = {});

/// The "vigil.diff/1" document described above.
nlohmann::json toJson(const VersionDiff& diff);
/// Terminal text: a header with the summary, then one line per difference, e.g.
///   + network.connections  evil.example:443/tcp  (install; events #12,#15)
/// Keys are escaped (control characters as \xNN) and long ones shortened.
std::string renderText(const VersionDiff& diff);

/// "(install; events #12,#15)" / "(install: #3; api: #7)" — at most `maxSeqs` seqs per phase.
std::string evidenceText(const EventSeqs& evidence, size_t maxSeqs = 6);
/// A key made safe and short for one terminal line: control characters and newlines as escapes,
/// longer than `width` characters cut with "...".
std::string terminalSafe(std::string_view text, size_t width = 72);

}  // namespace vigil::engine::analysis
