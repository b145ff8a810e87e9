// @brief Version comparisons from the store: X@a vs X@b as VersionChanges (behaviour lines with the events behind them, and the file diff) for the GUI and every report.
//
// BehaviourQueries answers "what changed" from the fingerprints; this adds what a reader needs
// to trust a line — the justifying events' one-line summaries from the stored runs — and the
// package contents' file-level diff, then flattens it into the plain VersionChanges every
// renderer (text, JSON, HTML, PDF) and the GUI's diff page read.
#pragma once

#include "engine/analysis/version_diff.h"
#include "engine/core/result.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::store {
class Store;
}

namespace vigil::engine::report {

/// At most this many events are attached to one line (the evidence text still names more).
inline constexpr std::size_t kEventsPerChangeLine = 8;

/// `diff` flattened: added, removed, then changed lines, each with its evidence text (no events).
VersionChanges changesOf(const analysis::VersionDiff& diff);

/// name@from vs name@to from the store: the behaviour diff (NotFound naming the version and how
/// to analyse it when either has no analysis), the stored events behind each line, and the file
/// diff when the store has both versions' file lists (or `to`'s recorded diff against `from`).
Result<VersionChanges> compareStoredVersions(store::Store& store, const plan::PackageVersionRef& from,
                                             const plan::PackageVersionRef& to);

/// The analysed version of `name` just before `version` in the store (semver order); nullopt when
/// `version` is the first one analysed or was never analysed.
Result<std::optional<std::string>> previousAnalysedVersion(store::Store& store, const std::string& name,
                                                           const std::string& version);

/// name@version as the store holds it: cached, its current fingerprint and findings, score,
/// severity and heat (no events or phases). NotFound naming it when the store does not know it.
Result<PackageReport> storedPackageReport(store::Store& store, const plan::PackageVersionRef& ref);

/// A report of one package — what single-package and version-diff exports render through the
/// scan renderers. `scan` (may be null) lends its analyzer and rules versions and times.
ScanReport singlePackageReport(PackageReport package, const ScanReport* scan = nullptr);

/// Fills PackageReport::changes of every package of `report` that has an earlier analysed version
/// in the store. Store errors are returned (the caller decides whether the report goes out without).
Status attachVersionChanges(store::Store& store, ScanReport& report);

}  // namespace vigil::engine::report
