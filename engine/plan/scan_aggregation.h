// @brief Turning per-package results into a ScanReport: scores, dependency paths, the store's forms, comparison.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/report/scan_report.h"
#include "engine/store/store_records.h"

namespace vigil::engine::store {
class Store;
}

namespace vigil::engine::plan {

/// The finding's fields beyond rule, severity and title, as the store's evidence JSON.
std::string findingEvidenceJson(const report::Finding& finding);
/// Inverse of findingEvidenceJson over a stored finding.
report::Finding findingFromStored(const store::StoredFinding& stored);

/// The six store arrays of a fingerprint JSON (missing or non-array keys become []); every other
/// key goes to the record's document.
store::FingerprintRecord fingerprintRecordOf(const nlohmann::json& fingerprint, const std::string& analyzerVersion);
/// A stored fingerprint as one JSON object: its document's keys and its six arrays.
nlohmann::json fingerprintJsonOf(const store::StoredFingerprint& stored);

/// A package's 0..100 risk score and each finding's share of it.
struct ScoreBreakdown {
    int score = 0;
    std::vector<int> contributions;  ///< parallel to the findings; they sum to `score`
};
/// Weighted aggregation: each rule counts once, with the weight of its severity (info 0, low .10,
/// medium .30, high .60, critical .90); weights combine like independent pieces of evidence,
/// score = 100 × (1 − Π(1 − w)), so one critical is 90, a second high lifts it to 96, and three
/// mediums (66) stay below one critical. A finding's contribution is its marginal share, heaviest
/// first. Expected findings and repeats of a rule contribute 0.
ScoreBreakdown scoreFindings(const std::vector<report::Finding>& findings);
int packageScore(const std::vector<report::Finding>& findings);
/// Highest non-expected severity, Info when none.
Severity packageSeverity(const std::vector<report::Finding>& findings);
/// kHeatmapCategories -> 0..100 from the fingerprint's arrays (10 per entry) and install scripts.
std::map<std::string, int> heatOf(const nlohmann::json& fingerprint, bool hasInstallScripts);

/// Up to `maxPaths` shortest dependency paths from the root to each package of the graph,
/// "name@version" each, the direct dependency first and the package itself last.
std::vector<std::vector<std::vector<std::string>>> dependencyPaths(const store::ScanGraph& graph,
                                                                   std::size_t maxPaths = 3);

/// Charges each dependency with what its code did while another package of the scan ran: every
/// finding a package holds only as information "through its dependency D" (kViaDependencyKey)
/// gives D of the same report that rule's finding at the severity it would have had
/// (kSeverityAsOwnKey), naming the packages that reached it and the events in their runs — unless
/// D's own run judged that rule on the same values (its verdict, made with its own name, category
/// and exceptions, stands). Only rules that held on behaviour alone (events.*, exfil.*, phase) are
/// charged: one that read the dependent's category, norms or previous version says nothing about
/// D. So a behaviour is blamed once, on the code that did it, however many dependents reached it.
/// Idempotent.
void creditDependencies(report::ScanReport& report);

/// Fills edges, paths, scores, severities and totals of `report` from its packages and the graph
/// (after creditDependencies), and sorts the packages (severity desc, score desc, name).
void finalizeReport(report::ScanReport& report, const store::ScanGraph& graph);

/// "name@version: rule-id" of every non-expected finding, sorted.
std::vector<std::string> findingKeys(const report::ScanReport& report);

/// The scans table's totals for a finished scan: counts, severities, finding keys and which
/// packages were analysed, cached or failed — what comparison and loadScanReport read back.
nlohmann::json scanTotalsJson(const report::ScanReport& report);

/// Compares with the newest earlier finished scan of the same project that analysed packages;
/// nullopt when there is none.
Result<std::optional<report::ScanComparison>> compareWithPrevious(store::Store& store,
                                                                  const report::ScanReport& report);

}  // namespace vigil::engine::plan
