// Store: one version's whole analysis (runs, events, findings, fingerprint) in one transaction.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engine/store/store.h"
#include "engine/store/store_catalog_ops.h"
#include "engine/store/store_impl.h"
#include "engine/store/store_sql.h"

namespace vigil::engine::store {

using detail::Transaction;

namespace {

Phase phaseFromText(const std::string& name) {
    if (name == "import")
        return Phase::Import;
    if (name == "api")
        return Phase::Api;
    return Phase::Install;  // the schema's CHECK admits only these three
}

}  // namespace

Status Store::recordAnalysis(const AnalysisRecord& analysis) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    auto tx = Transaction::begin(db, "record analysis of version " + std::to_string(analysis.version));
    VIGIL_STORE_CHECK(tx);
    auto subject = detail::describeVersion(db, analysis.version);
    VIGIL_STORE_CHECK(subject);
    const std::string& analyzer = analysis.fingerprint.analyzerVersion;
    const std::int64_t now = detail::nowMs();

    std::vector<RunId> runIds;
    for (const auto& run : analysis.runs) {
        auto insert = db.prepare(
            "INSERT INTO analysis_runs (version_id, phase, started_at, finished_at, outcome, analyzer_version)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
        VIGIL_STORE_CHECK(insert);
        insert->bind(1, analysis.version).bind(2, phaseName(run.phase)).bind(3, now - run.durationMs);
        insert->bind(4, now).bind(5, run.outcome).bind(6, analyzer);
        const std::string what = std::string(phaseName(run.phase)) + " run of " + *subject;
        auto row = insert->step("record " + what);
        VIGIL_STORE_CHECK(row);
        const RunId id = insert->integer(0);
        VIGIL_TRY(insert->run("record " + what));
        runIds.push_back(id);
        std::int64_t seq = 0;
        for (const auto& event : run.events) {
            auto ev = db.prepare("INSERT INTO events (run_id, seq, ts_ns, phase, kind, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
            VIGIL_STORE_CHECK(ev);
            ev->bind(1, id).bind(2, seq).bind(3, event.tsNs).bind(4, phaseName(run.phase)).bind(5, event.kind);
            ev->bind(6, event.dataJson);
            VIGIL_TRY(ev->run("event " + std::to_string(seq) + " (" + event.kind + ") of " + what));
            ++seq;
        }
    }

    // A new analysis supersedes the version's findings: the old ones judged other behaviour.
    auto clear = db.prepare("DELETE FROM findings WHERE version_id = ?1");
    VIGIL_STORE_CHECK(clear);
    clear->bind(1, analysis.version);
    VIGIL_TRY(clear->run("replace findings of " + *subject));
    for (const auto& f : analysis.findings) {
        if (!nlohmann::json::accept(f.finding.evidenceJson))
            return makeError(ErrorCode::Input, "finding " + f.finding.ruleId + " on " + *subject + ": evidence is not JSON");
        if (f.run && *f.run >= runIds.size())
            return makeError(ErrorCode::Internal, "finding " + f.finding.ruleId + " on " + *subject +
                                                      ": run index " + std::to_string(*f.run) + " out of range");
        auto insert = db.prepare(
            "INSERT INTO findings (version_id, run_id, rule_id, severity, title, evidence, created_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        VIGIL_STORE_CHECK(insert);
        std::optional<RunId> run;
        if (f.run)
            run = runIds[*f.run];
        insert->bind(1, analysis.version).bind(2, run).bind(3, f.finding.ruleId);
        insert->bind(4, static_cast<int>(f.finding.severity)).bind(5, f.finding.title).bind(6, f.finding.evidenceJson);
        insert->bind(7, now);
        VIGIL_TRY(insert->run("add finding " + f.finding.ruleId + " on " + *subject));
    }

    if (!analysis.category.empty()) {
        auto category = db.prepare(
            "UPDATE packages SET category = ?2 WHERE id = (SELECT package_id FROM versions WHERE id = ?1)");
        VIGIL_STORE_CHECK(category);
        category->bind(1, analysis.version).bind(2, analysis.category);
        VIGIL_TRY(category->run("set category of " + *subject));
    }

    // Last: the current fingerprint is what marks the version as analysed for this analyzer.
    auto fp = detail::writeFingerprint(db, analysis.version, analysis.fingerprint);
    VIGIL_STORE_CHECK(fp);
    return tx->commit();
}

Result<std::vector<StoredRun>> Store::runsOf(VersionId version, std::string_view analyzerVersion) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(
        "SELECT id, phase, started_at, finished_at, ifnull(outcome, ''), analyzer_version FROM analysis_runs"
        " WHERE version_id = ?1 AND analyzer_version = ?2 ORDER BY started_at, id");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, version).bind(2, analyzerVersion);
    std::vector<StoredRun> runs;
    for (;;) {
        auto row = stmt->step("list runs of version " + std::to_string(version));
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return runs;
        runs.push_back(StoredRun{stmt->integer(0), phaseFromText(stmt->text(1)), stmt->integer(2),
                                 stmt->optionalInteger(3), stmt->text(4), stmt->text(5)});
    }
}

}  // namespace vigil::engine::store
