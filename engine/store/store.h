// @brief Store: the one class that owns VIGIL's SQLite database (fingerprints, events, findings, scans).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/result.h"
#include "engine/store/store_records.h"

namespace vigil::engine::store {

/// The schema version this build writes (PRAGMA user_version after all migrations).
int schemaVersion() noexcept;

/// Owns one SQLite connection (WAL, foreign keys on) and its cached prepared statements.
/// Every write method is one transaction: it commits whole or leaves nothing behind.
/// Not thread-safe: use one Store per thread; WAL lets other connections read meanwhile.
/// Every error has code Store (or Io/Input/NotFound/Integrity where said) and names the db path.
class Store {
public:
    /// Opens or creates the store at `path` (parent directories are created), switches to WAL,
    /// enables foreign keys and a busy timeout, and runs pending migrations in one transaction.
    /// Refuses a database whose schema is newer than this build knows.
    static Result<Store> open(const std::filesystem::path& path);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    ~Store();

    [[nodiscard]] const std::filesystem::path& path() const;

    // ---- packages and versions ----
    Result<PackageId> upsertPackage(std::string_view ecosystem, std::string_view name);
    /// Sets the category ("color", "http-client", …) the norms group packages by; NotFound if no such id.
    Status setPackageCategory(PackageId package, std::string_view category);
    /// Marks the empty reference package whose behaviour is runtime noise; excluded from norms.
    Status setPackageBaseline(PackageId package, bool baseline);
    /// Inserts the version (and its package) or refreshes its metadata. An integrity that differs
    /// from the stored one is refused (code Integrity): the same name@version must not change.
    Result<VersionId> upsertVersion(const VersionRecord& record);
    Result<std::optional<StoredVersion>> findVersion(std::string_view ecosystem, std::string_view name,
                                                     std::string_view version);
    /// All versions of a package, oldest first (by publish time, then insertion).
    Result<std::vector<StoredVersion>> versionsOf(std::string_view ecosystem, std::string_view name);

    /// Replaces the file list of a version (paths must be unique).
    Status replaceVersionFiles(VersionId version, std::span<const FileEntry> files);
    /// The file list of a version, ordered by path.
    Result<std::vector<FileEntry>> versionFiles(VersionId version);

    // ---- fingerprints and the key queries ----
    /// Stores the fingerprint (replacing one of the same analyzer version) and makes it the
    /// version's current one. Arrays that are not JSON arrays are refused (code Input).
    Result<FingerprintId> saveFingerprint(VersionId version, const FingerprintRecord& fingerprint);
    /// The current fingerprint of name@version; nullopt when the version is unknown or unanalysed.
    Result<std::optional<StoredFingerprint>> fingerprintOf(std::string_view ecosystem, std::string_view name,
                                                           std::string_view version);
    /// Whether the current fingerprint of any version of the package shows network calls.
    /// False also when no version was analysed: check versionsOf() to tell the two apart.
    Result<bool> everMadeNetworkCalls(std::string_view ecosystem, std::string_view name);
    /// Per behaviour, the share of analysed versions in `category` that show it (baselines excluded).
    Result<CategoryNorm> categoryNorm(std::string_view category);

    // ---- fingerprint documents (version diff, category norms, network history) ----
    // Only current fingerprints that carry a document count: legacy ones (schema 1, or a producer
    // without a document) are invisible here, as if that version had not been analysed.
    /// The current document of name@version; nullopt when unknown, unanalysed or legacy only.
    Result<std::optional<AnalysedVersion>> analysedVersion(std::string_view ecosystem, std::string_view name,
                                                           std::string_view version);
    /// Every version of the package with a current document, oldest first in the store's order
    /// (publish time, unknown times last, then insertion) — semver order is the caller's (resolve).
    Result<std::vector<AnalysedVersion>> analysedVersionsOf(std::string_view ecosystem, std::string_view name);
    /// The versions analysedVersionsOf lists, in its order, without reading their documents (a
    /// warm scan asks this of every package to find the one to compare with).
    Result<std::vector<std::string>> analysedVersionNumbersOf(std::string_view ecosystem, std::string_view name);
    /// Per package (baselines excluded) its newest version with a current document in the order
    /// above, by name; only packages of `category` when given. The samples of the category norms.
    Result<std::vector<AnalysedVersion>> latestAnalysedPackages(std::string_view ecosystem,
                                                                std::optional<std::string_view> category = {});
    /// The samples of latestAnalysedPackages that have a category, with the norm behaviours saved
    /// for their fingerprints when those start with `tag` (the caller's definition version); the
    /// document is read only for the others.
    Result<std::vector<NormSampleRow>> latestNormSamples(std::string_view ecosystem, std::string_view tag);
    /// Saves fingerprints' norm behaviours (opaque text to the store) in one transaction; they are
    /// cleared automatically when a fingerprint's document changes.
    Status saveNormBehaviours(std::span<const std::pair<FingerprintId, std::string>> behaviours);
    /// The category recorded for the package ("" when none); nullopt when the package is unknown.
    Result<std::optional<std::string>> categoryOf(std::string_view ecosystem, std::string_view name);

    // ---- analysis runs, events, findings ----
    Result<RunId> beginRun(VersionId version, Phase phase, std::string_view analyzerVersion);
    /// Records how the run ended ("ok", "failed", "timeout", "crashed", "limit:memory", …).
    Status finishRun(RunId run, std::string_view outcome);
    /// Appends a batch of events to a run in one transaction; returns the seq of the first one.
    Result<std::int64_t> appendEvents(RunId run, std::span<const EventRecord> batch);
    /// Events of a run in seq order, starting at `fromSeq`, at most `limit`.
    Result<std::vector<StoredEvent>> eventsOf(RunId run, std::int64_t fromSeq = 0, std::int64_t limit = -1);
    Result<FindingId> addFinding(const FindingRecord& finding);
    /// Findings of a version at or above `minSeverity`, most severe first (newest first within one).
    Result<std::vector<StoredFinding>> findingsOf(VersionId version, Severity minSeverity = Severity::Info);

    /// Stores a whole analysis of one version in ONE transaction: its runs and events, its
    /// findings (replacing the version's earlier ones), the package's category when given, and
    /// its fingerprint (with its document), made current last.
    /// An interrupted scan therefore never leaves a version looking analysed when it is not.
    Status recordAnalysis(const AnalysisRecord& analysis);
    /// Runs of a version made by one analyzer version, oldest first.
    Result<std::vector<StoredRun>> runsOf(VersionId version, std::string_view analyzerVersion);

    // ---- scans ----
    Result<ScanId> beginScan(std::string_view projectPath, std::string_view lockfile);
    /// Records the whole graph (creating packages and versions as needed) in ONE transaction,
    /// replacing any graph recorded before for that scan. Only a running scan accepts a graph.
    Status recordScanGraph(ScanId scan, const ScanGraph& graph);
    /// Ends a running scan with a final status (not Running) and its totals (a JSON object).
    Status finishScan(ScanId scan, ScanStatus status, std::string_view totalsJson);
    /// The most recent scan of a project, optionally only one with the given status.
    Result<std::optional<ScanRecord>> latestScan(std::string_view projectPath,
                                                 std::optional<ScanStatus> status = std::nullopt);
    /// One scan by id; nullopt when there is none.
    Result<std::optional<ScanRecord>> scan(ScanId id);
    /// Every scan of a project, newest first.
    Result<std::vector<ScanRecord>> scansOf(std::string_view projectPath);
    /// The graph recorded for a scan (edges refer to indices of the returned packages).
    Result<ScanGraph> scanGraph(ScanId scan);

    // ---- maintenance ----
    Result<StoreStats> stats();
    /// PRAGMA integrity_check, foreign_key_check, and that the per-package behaviour counts behind
    /// categoryNorm() match the fingerprints; an error lists what they found.
    Status checkIntegrity();

private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::engine::store
