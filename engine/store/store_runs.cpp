// Store: analysis runs, their event streams and the findings rules raise.
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "engine/store/store.h"
#include "engine/store/store_catalog_ops.h"
#include "engine/store/store_impl.h"
#include "engine/store/store_sql.h"

namespace vigil::engine::store {

using detail::Transaction;

namespace {

Phase phaseFromName(const std::string& name) {
    if (name == "import")
        return Phase::Import;
    if (name == "api")
        return Phase::Api;
    return Phase::Install;  // the schema's CHECK admits only these three
}

}  // namespace

Result<RunId> Store::beginRun(VersionId version, Phase phase, std::string_view analyzerVersion) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    auto tx = Transaction::begin(db, "begin run of version " + std::to_string(version));
    VIGIL_STORE_CHECK(tx);
    auto subject = detail::describeVersion(db, version);
    VIGIL_STORE_CHECK(subject);
    auto stmt = db.prepare(
        "INSERT INTO analysis_runs (version_id, phase, started_at, analyzer_version) VALUES (?1, ?2, ?3, ?4)"
        " RETURNING id");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, version).bind(2, phaseName(phase)).bind(3, detail::nowMs()).bind(4, analyzerVersion);
    auto row = stmt->step("begin " + std::string(phaseName(phase)) + " run of " + *subject);
    VIGIL_STORE_CHECK(row);
    const RunId id = stmt->integer(0);
    VIGIL_TRY(stmt->run("begin run of " + *subject));
    VIGIL_TRY(tx->commit());
    return id;
}

Status Store::finishRun(RunId run, std::string_view outcome) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare("UPDATE analysis_runs SET finished_at = ?2, outcome = ?3 WHERE id = ?1");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, run).bind(2, detail::nowMs()).bind(3, outcome);
    VIGIL_TRY(stmt->run("finish run " + std::to_string(run)));
    if (sqlite3_changes(impl_->db.handle()) == 0)
        return makeError(ErrorCode::NotFound, "store " + path().string() + ": no analysis run with id " +
                                                  std::to_string(run));
    return {};
}

Result<std::int64_t> Store::appendEvents(RunId run, std::span<const EventRecord> batch) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    const std::string subject = "run " + std::to_string(run);
    auto tx = Transaction::begin(db, "append events to " + subject);
    VIGIL_STORE_CHECK(tx);

    std::string phase;
    std::int64_t seq = 0;
    {
        // The run's phase is copied onto each event so a timeline reads one table.
        auto head = db.prepare(
            "SELECT phase, (SELECT ifnull(max(seq) + 1, 0) FROM events WHERE run_id = ?1)"
            " FROM analysis_runs WHERE id = ?1");
        VIGIL_STORE_CHECK(head);
        head->bind(1, run);
        auto row = head->step("find " + subject);
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return makeError(ErrorCode::NotFound, "store " + path().string() + ": no analysis run with id " +
                                                      std::to_string(run));
        phase = head->text(0);
        seq = head->integer(1);
    }
    const std::int64_t first = seq;
    for (const auto& event : batch) {
        auto insert =
            db.prepare("INSERT INTO events (run_id, seq, ts_ns, phase, kind, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        VIGIL_STORE_CHECK(insert);
        insert->bind(1, run).bind(2, seq).bind(3, event.tsNs).bind(4, phase).bind(5, event.kind);
        insert->bind(6, event.dataJson);
        VIGIL_TRY(insert->run("append event " + std::to_string(seq) + " (" + event.kind + ") to " + subject));
        ++seq;
    }
    VIGIL_TRY(tx->commit());
    return first;
}

Result<std::vector<StoredEvent>> Store::eventsOf(RunId run, std::int64_t fromSeq, std::int64_t limit) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kEventsOfSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, run).bind(2, fromSeq).bind(3, limit);  // LIMIT -1: no limit
    std::vector<StoredEvent> events;
    for (;;) {
        auto row = stmt->step("read events of run " + std::to_string(run));
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return events;
        events.push_back(StoredEvent{stmt->integer(0), phaseFromName(stmt->text(1)),
                                     EventRecord{stmt->integer(2), stmt->text(3), stmt->text(4)}});
    }
}

Result<FindingId> Store::addFinding(const FindingRecord& finding) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    auto tx = Transaction::begin(db, "add finding " + finding.ruleId);
    VIGIL_STORE_CHECK(tx);
    auto subject = detail::describeVersion(db, finding.versionId);
    VIGIL_STORE_CHECK(subject);
    if (!nlohmann::json::accept(finding.evidenceJson))
        return makeError(ErrorCode::Input, "finding " + finding.ruleId + " on " + *subject + ": evidence is not JSON");
    auto stmt = db.prepare(
        "INSERT INTO findings (version_id, run_id, rule_id, severity, title, evidence, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, finding.versionId).bind(2, finding.runId).bind(3, finding.ruleId);
    stmt->bind(4, static_cast<int>(finding.severity)).bind(5, finding.title).bind(6, finding.evidenceJson);
    stmt->bind(7, detail::nowMs());
    auto row = stmt->step("add finding " + finding.ruleId + " on " + *subject);
    VIGIL_STORE_CHECK(row);
    const FindingId id = stmt->integer(0);
    VIGIL_TRY(stmt->run("add finding " + finding.ruleId + " on " + *subject));
    VIGIL_TRY(tx->commit());
    return id;
}

Result<std::vector<StoredFinding>> Store::findingsOf(VersionId version, Severity minSeverity) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kFindingsOfSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, version).bind(2, static_cast<int>(minSeverity));
    std::vector<StoredFinding> findings;
    for (;;) {
        auto row = stmt->step("read findings of version " + std::to_string(version));
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return findings;
        StoredFinding f;
        f.id = stmt->integer(0);
        f.record.versionId = stmt->integer(1);
        f.record.runId = stmt->optionalInteger(2);
        f.record.ruleId = stmt->text(3);
        f.record.severity = static_cast<Severity>(stmt->integer(4));  // CHECK keeps it within 0..4
        f.record.title = stmt->text(5);
        f.record.evidenceJson = stmt->text(6);
        f.createdAtMs = stmt->integer(7);
        findings.push_back(std::move(f));
    }
}

}  // namespace vigil::engine::store
