// @brief Plain records the Store reads and writes; independent of engine/resolve on purpose.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/severity.h"

namespace vigil::engine::store {

using PackageId = std::int64_t;
using VersionId = std::int64_t;
using FingerprintId = std::int64_t;
using RunId = std::int64_t;
using ScanId = std::int64_t;
using FindingId = std::int64_t;

/// One package version as the resolver knows it. The package row is created on demand.
struct VersionRecord {
    std::string ecosystem = "npm";
    std::string packageName;
    std::string version;
    std::string integrity;     ///< SRI string ("sha512-…"); empty when unknown
    std::string publishedAt;   ///< ISO-8601 UTC as the registry gives it; empty when unknown
    std::string metadataJson = "{}";  ///< maintainers, dist-tags, install scripts, … (a JSON object)
    bool hasInstallScript = false;
};

/// A stored version, as read back.
struct StoredVersion {
    VersionId id = 0;
    PackageId packageId = 0;
    VersionRecord record;
    std::optional<FingerprintId> fingerprintId;  ///< the current fingerprint, if analysed
    std::optional<std::int64_t> analyzedAtMs;    ///< unix ms of the current fingerprint
    std::string analyzerVersion;                 ///< of the current fingerprint; empty if none
};

/// One file of a package version's tarball.
struct FileEntry {
    std::string path;  ///< relative to the package root ("lib/index.js")
    std::int64_t size = 0;
    std::uint32_t mode = 0644;
    std::string sha256;  ///< lowercase hex
    bool operator==(const FileEntry&) const = default;
};

/// The behaviour categories a fingerprint records; each has a JSON array and a flag column.
enum class Behavior : std::size_t {
    NetworkCalls,
    FileReads,
    FileWrites,
    EnvReads,
    ShellCommands,
    DynamicCodeExec,
};
inline constexpr std::size_t kBehaviorCount = 6;
/// "network_calls", "file_reads", … (the column names, also used in JSON and reports).
const char* behaviorName(Behavior behavior) noexcept;

/// What one version did. Each entry is a JSON array (items are whatever the analysis emits);
/// the store canonicalises (sorts) them so equal behaviour gets an equal checksum.
struct FingerprintRecord {
    std::string analyzerVersion;
    std::array<std::string, kBehaviorCount> arraysJson{"[]", "[]", "[]", "[]", "[]", "[]"};
    /// The analysis's whole fingerprint (a JSON object: engine/plan's analysis document) that
    /// rules are evaluated on again; not part of the checksum. "{}" when the analyzer kept none.
    std::string documentJson = "{}";

    std::string& operator[](Behavior b) { return arraysJson[static_cast<std::size_t>(b)]; }
    const std::string& operator[](Behavior b) const { return arraysJson[static_cast<std::size_t>(b)]; }
};

/// A stored fingerprint, as read back.
struct StoredFingerprint {
    FingerprintId id = 0;
    VersionId versionId = 0;
    std::int64_t createdAtMs = 0;
    FingerprintRecord record;  ///< arrays in canonical (sorted) form
    std::array<bool, kBehaviorCount> shows{};  ///< true where the array is non-empty
    std::string checksum;  ///< sha256 hex over the canonical arrays

    [[nodiscard]] bool showsBehavior(Behavior b) const { return shows[static_cast<std::size_t>(b)]; }
};

/// The current fingerprint document of one analysed version, with what the key queries need
/// around it (the version diff, category norms and network history read these).
struct AnalysedVersion {
    std::string name;
    std::string version;
    std::string publishedAt;      ///< as the registry gave it; empty when unknown
    std::string category;         ///< the package's category; empty = unknown
    std::string analyzerVersion;
    std::int64_t analyzedAtMs = 0;
    std::string documentJson;     ///< FingerprintRecord::documentJson (never empty here)
};

/// One sample of the category norms (Store::latestNormSamples): a categorised package's newest
/// analysed version with its norm behaviours, or its document when those are not stored yet.
struct NormSampleRow {
    FingerprintId fingerprint = 0;
    std::string name;
    std::string version;
    std::string category;                   ///< never empty
    std::optional<std::string> behaviours;  ///< as saved (tag included); nullopt = compute them
    std::string documentJson;               ///< only when behaviours is nullopt
};

/// For one category: how many analysed versions there are and how many show each behaviour.
struct CategoryNorm {
    std::string category;
    std::int64_t analysedVersions = 0;
    std::array<std::int64_t, kBehaviorCount> versionsShowing{};

    /// Share (0..1) of analysed versions that show `b`; 0 when none are analysed.
    [[nodiscard]] double share(Behavior b) const {
        if (analysedVersions == 0)
            return 0.0;
        return static_cast<double>(versionsShowing[static_cast<std::size_t>(b)]) /
               static_cast<double>(analysedVersions);
    }
};

enum class Phase { Install, Import, Api };
const char* phaseName(Phase phase) noexcept;

/// One traced event of an analysis run; the store numbers them (seq) in append order.
struct EventRecord {
    std::int64_t tsNs = 0;   ///< nanoseconds since the run started
    std::string kind;        ///< "exec", "open", "connect", "dns", "env", …
    std::string dataJson = "{}";
};

struct StoredEvent {
    std::int64_t seq = 0;
    Phase phase = Phase::Install;
    EventRecord event;
};


struct FindingRecord {
    VersionId versionId = 0;
    std::optional<RunId> runId;  ///< the run whose events are the evidence, if any
    std::string ruleId;
    Severity severity = Severity::Info;
    std::string title;
    std::string evidenceJson = "{}";
};

struct StoredFinding {
    FindingId id = 0;
    std::int64_t createdAtMs = 0;
    FindingRecord record;
};

enum class ScanStatus { Running, Complete, Failed, Cancelled };
const char* scanStatusName(ScanStatus status) noexcept;

enum class DepType { Prod, Dev, Optional, Peer };
const char* depTypeName(DepType type) noexcept;

/// A package version that is part of a scanned project.
struct ScanPackage {
    std::string ecosystem = "npm";
    std::string name;
    std::string version;
    std::string integrity;
    bool direct = false;    ///< declared by the project itself
    bool dev = false;       ///< only reachable through devDependencies
    bool optional = false;  ///< only reachable through optionalDependencies
};

/// "from depends on to"; indices point into ScanGraph::packages.
struct ScanEdge {
    std::optional<std::size_t> from;  ///< nullopt: the project root
    std::size_t to = 0;
    std::string alias;  ///< the name `from` requires it by
    std::string spec;   ///< the declared range or spec
    DepType type = DepType::Prod;
};

/// The whole dependency graph of one scan; recorded all or nothing.
struct ScanGraph {
    std::vector<ScanPackage> packages;
    std::vector<ScanEdge> edges;
};

struct ScanRecord {
    ScanId id = 0;
    std::string projectPath;
    std::int64_t startedAtMs = 0;
    std::optional<std::int64_t> finishedAtMs;
    ScanStatus status = ScanStatus::Running;
    std::string lockfile;
    std::string totalsJson = "{}";
};

/// One phase run of an analysis, written together with its events.
struct AnalysisRunRecord {
    Phase phase = Phase::Install;
    std::string outcome;             ///< "ok", "failed", "timeout", ...
    std::int64_t durationMs = 0;     ///< the run is recorded as ending now, starting this long ago
    std::vector<EventRecord> events;
};

/// A finding of an analysis; `run` indexes AnalysisRecord::runs (its evidence run), if any.
struct AnalysisFinding {
    std::optional<std::size_t> run;
    FindingRecord finding;           ///< versionId and runId are filled in by the store
};

/// Everything one analysis of one version produced: stored all or nothing, so a version either
/// has its new current fingerprint with its runs and findings, or is untouched.
struct AnalysisRecord {
    VersionId version = 0;
    FingerprintRecord fingerprint;   ///< its analyzerVersion is also the runs'
    std::string category;            ///< the package's category (taxonomy id); empty = leave as it is
    std::vector<AnalysisRunRecord> runs;
    std::vector<AnalysisFinding> findings;  ///< replace every finding the version had
};

/// A stored analysis run, without its events.
struct StoredRun {
    RunId id = 0;
    Phase phase = Phase::Install;
    std::int64_t startedAtMs = 0;
    std::optional<std::int64_t> finishedAtMs;
    std::string outcome;
    std::string analyzerVersion;
};

/// Row counts, file sizes and schema version — for `vigil-cli store stats` and tests.
struct StoreStats {
    int schemaVersion = 0;
    std::uint64_t dbBytes = 0;   ///< page_count × page_size of the main file
    std::uint64_t walBytes = 0;  ///< size of the -wal file (0 when absent)
    struct TableRows {
        std::string table;
        std::int64_t rows = 0;
    };
    std::vector<TableRows> tables;  ///< every table of the schema, in schema order

    /// Rows of `table`, or -1 when the schema has no such table.
    [[nodiscard]] std::int64_t rowsOf(const std::string& table) const {
        for (const auto& t : tables)
            if (t.table == table)
                return t.rows;
        return -1;
    }
};

}  // namespace vigil::engine::store
