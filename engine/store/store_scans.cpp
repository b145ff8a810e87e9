// Store: scans of a project and the dependency graph each one saw.
#include <nlohmann/json.hpp>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/store/store.h"
#include "engine/store/store_catalog_ops.h"
#include "engine/store/store_impl.h"
#include "engine/store/store_sql.h"

namespace vigil::engine::store {

using detail::DbConnection;
using detail::Transaction;

namespace {

ScanStatus scanStatusFromName(const std::string& name) {
    if (name == "complete")
        return ScanStatus::Complete;
    if (name == "failed")
        return ScanStatus::Failed;
    if (name == "cancelled")
        return ScanStatus::Cancelled;
    return ScanStatus::Running;  // the schema's CHECK admits only these four
}

DepType depTypeFromName(const std::string& name) {
    if (name == "dev")
        return DepType::Dev;
    if (name == "optional")
        return DepType::Optional;
    if (name == "peer")
        return DepType::Peer;
    return DepType::Prod;
}

/// A row of kLatestScanSql / kScansOfSql.
ScanRecord readScan(const detail::Statement& stmt) {
    ScanRecord scan;
    scan.id = stmt.integer(0);
    scan.projectPath = stmt.text(1);
    scan.startedAtMs = stmt.integer(2);
    scan.finishedAtMs = stmt.optionalInteger(3);
    scan.status = scanStatusFromName(stmt.text(4));
    scan.lockfile = stmt.text(5);
    scan.totalsJson = stmt.text(6);
    return scan;
}

/// Checks the graph before any write, so a bad index never leaves half a graph to roll back.
Status validateGraph(const ScanGraph& graph, ScanId scan) {
    const std::size_t n = graph.packages.size();
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
        const auto& edge = graph.edges[i];
        if (edge.to >= n || (edge.from && *edge.from >= n))
            return makeError(ErrorCode::Internal, "scan " + std::to_string(scan) + ": edge " + std::to_string(i) +
                                                      " (" + edge.alias + ") points outside the " +
                                                      std::to_string(n) + " packages of the graph");
    }
    for (const auto& package : graph.packages)
        if (package.name.empty() || package.version.empty())
            return makeError(ErrorCode::Input, "scan " + std::to_string(scan) + ": a package without name or "
                                                                                "version (\"" +
                                                   package.name + "@" + package.version + "\")");
    return {};
}

/// The status of a scan inside the caller's transaction; NotFound when there is no such scan.
Result<ScanStatus> scanStatus(DbConnection& db, ScanId scan) {
    auto stmt = db.prepare("SELECT status FROM scans WHERE id = ?1");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, scan);
    auto row = stmt->step("look up scan " + std::to_string(scan));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return makeError(ErrorCode::NotFound,
                         "store " + db.path().string() + ": no scan with id " + std::to_string(scan));
    return scanStatusFromName(stmt->text(0));
}

}  // namespace

Result<ScanId> Store::beginScan(std::string_view projectPath, std::string_view lockfile) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(
        "INSERT INTO scans (project_path, started_at, lockfile) VALUES (?1, ?2, ?3) RETURNING id");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, projectPath).bind(2, detail::nowMs()).bind(3, lockfile);
    auto row = stmt->step("begin scan of " + std::string(projectPath));
    VIGIL_STORE_CHECK(row);
    const ScanId id = stmt->integer(0);
    VIGIL_TRY(stmt->run("begin scan of " + std::string(projectPath)));
    return id;
}

Status Store::recordScanGraph(ScanId scan, const ScanGraph& graph) {
    if (!impl_)
        return detail::movedFromStore();
    VIGIL_TRY(validateGraph(graph, scan));
    auto& db = impl_->db;
    const std::string subject = "scan " + std::to_string(scan);
    // One transaction for the whole graph: a reader (or a crash) sees all of it or none of it.
    auto tx = Transaction::begin(db, "record graph of " + subject);
    VIGIL_STORE_CHECK(tx);
    auto status = scanStatus(db, scan);
    VIGIL_STORE_CHECK(status);
    if (*status != ScanStatus::Running)
        return makeError(ErrorCode::Usage, "store " + path().string() + ": " + subject + " is " +
                                               scanStatusName(*status) + "; its graph can no longer change");

    for (const char* sql : {"DELETE FROM scan_edges WHERE scan_id = ?1", "DELETE FROM scan_packages WHERE scan_id = ?1"}) {
        auto clear = db.prepare(sql);
        VIGIL_STORE_CHECK(clear);
        clear->bind(1, scan);
        VIGIL_TRY(clear->run("clear earlier graph of " + subject));
    }

    std::vector<VersionId> ids;
    ids.reserve(graph.packages.size());
    std::unordered_map<std::string, PackageId> packageIds;  // lockfiles repeat names across versions
    for (const auto& package : graph.packages) {
        std::string key = package.ecosystem + '\n' + package.name;
        auto known = packageIds.find(key);
        if (known == packageIds.end()) {
            auto id = detail::ensurePackage(db, package.ecosystem, package.name);
            VIGIL_STORE_CHECK(id);
            known = packageIds.emplace(std::move(key), *id).first;
        }
        auto version = detail::ensureVersion(db, known->second, package.name, package.version, package.integrity);
        VIGIL_STORE_CHECK(version);
        ids.push_back(*version);

        // The same version can appear twice in a graph (different install paths): it is direct if
        // either occurrence is, dev/optional only if both are.
        auto insert = db.prepare(
            "INSERT INTO scan_packages (scan_id, version_id, direct, dev, optional) VALUES (?1, ?2, ?3, ?4, ?5)"
            " ON CONFLICT (scan_id, version_id) DO UPDATE SET direct = max(direct, excluded.direct),"
            " dev = min(dev, excluded.dev), optional = min(optional, excluded.optional)");
        VIGIL_STORE_CHECK(insert);
        insert->bind(1, scan).bind(2, *version).bind(3, package.direct).bind(4, package.dev).bind(5, package.optional);
        VIGIL_TRY(insert->run("add " + package.name + "@" + package.version + " to " + subject));
    }

    for (const auto& edge : graph.edges) {
        auto insert = db.prepare(
            "INSERT INTO scan_edges (scan_id, from_version_id, to_version_id, alias, spec, dep_type)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        VIGIL_STORE_CHECK(insert);
        insert->bind(1, scan);
        if (edge.from)
            insert->bind(2, ids[*edge.from]);
        else
            insert->bindNull(2);
        insert->bind(3, ids[edge.to]).bind(4, edge.alias).bind(5, edge.spec).bind(6, depTypeName(edge.type));
        VIGIL_TRY(insert->run("add edge " + edge.alias + "@" + edge.spec + " to " + subject));
    }
    return tx->commit();
}

Status Store::finishScan(ScanId scan, ScanStatus status, std::string_view totalsJson) {
    if (!impl_)
        return detail::movedFromStore();
    const std::string subject = "scan " + std::to_string(scan);
    if (status == ScanStatus::Running)
        return makeError(ErrorCode::Internal, subject + ": a scan cannot finish as \"running\"");
    auto totals = nlohmann::json::parse(totalsJson, nullptr, /*allow_exceptions=*/false);
    if (!totals.is_object())
        return makeError(ErrorCode::Internal, subject + ": totals are not a JSON object");

    auto& db = impl_->db;
    auto tx = Transaction::begin(db, "finish " + subject);
    VIGIL_STORE_CHECK(tx);
    auto current = scanStatus(db, scan);
    VIGIL_STORE_CHECK(current);
    if (*current != ScanStatus::Running)
        return makeError(ErrorCode::Usage, "store " + path().string() + ": " + subject + " has already finished (" +
                                               scanStatusName(*current) + ")");
    auto stmt = db.prepare("UPDATE scans SET status = ?2, finished_at = ?3, totals = ?4 WHERE id = ?1");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, scan).bind(2, scanStatusName(status)).bind(3, detail::nowMs()).bind(4, totalsJson);
    VIGIL_TRY(stmt->run("finish " + subject));
    return tx->commit();
}

Result<std::optional<ScanRecord>> Store::latestScan(std::string_view projectPath, std::optional<ScanStatus> status) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kLatestScanSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, projectPath);
    if (status)
        stmt->bind(2, scanStatusName(*status));
    else
        stmt->bindNull(2);
    auto row = stmt->step("latest scan of " + std::string(projectPath));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return std::optional<ScanRecord>{};
    return std::optional<ScanRecord>{readScan(*stmt)};
}

Result<std::optional<ScanRecord>> Store::scan(ScanId id) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(
        "SELECT id, project_path, started_at, finished_at, status, lockfile, totals FROM scans WHERE id = ?1");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, id);
    auto row = stmt->step("read scan " + std::to_string(id));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return std::optional<ScanRecord>{};
    return std::optional<ScanRecord>{readScan(*stmt)};
}

Result<std::vector<ScanRecord>> Store::scansOf(std::string_view projectPath) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kScansOfSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, projectPath);
    std::vector<ScanRecord> scans;
    for (;;) {
        auto row = stmt->step("list scans of " + std::string(projectPath));
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return scans;
        scans.push_back(readScan(*stmt));
    }
}

Result<ScanGraph> Store::scanGraph(ScanId scan) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    const std::string subject = "scan " + std::to_string(scan);
    // One snapshot for both reads, so packages and edges belong to the same graph.
    auto tx = Transaction::beginRead(db, "read graph of " + subject);
    VIGIL_STORE_CHECK(tx);
    VIGIL_TRY(scanStatus(db, scan));

    ScanGraph graph;
    std::unordered_map<VersionId, std::size_t> index;
    {
        auto stmt = db.prepare(
            "SELECT sp.version_id, p.ecosystem, p.name, v.version, v.integrity, sp.direct, sp.dev, sp.optional"
            " FROM scan_packages sp JOIN versions v ON v.id = sp.version_id JOIN packages p ON p.id = v.package_id"
            " WHERE sp.scan_id = ?1 ORDER BY sp.version_id");
        VIGIL_STORE_CHECK(stmt);
        stmt->bind(1, scan);
        for (;;) {
            auto row = stmt->step("read packages of " + subject);
            VIGIL_STORE_CHECK(row);
            if (!*row)
                break;
            index.emplace(stmt->integer(0), graph.packages.size());
            graph.packages.push_back(ScanPackage{stmt->text(1), stmt->text(2), stmt->text(3), stmt->text(4),
                                                 stmt->integer(5) != 0, stmt->integer(6) != 0, stmt->integer(7) != 0});
        }
    }
    {
        auto stmt = db.prepare(
            "SELECT from_version_id, to_version_id, alias, spec, dep_type FROM scan_edges WHERE scan_id = ?1"
            " ORDER BY id");
        VIGIL_STORE_CHECK(stmt);
        stmt->bind(1, scan);
        for (;;) {
            auto row = stmt->step("read edges of " + subject);
            VIGIL_STORE_CHECK(row);
            if (!*row)
                break;
            // Both ends were written to scan_packages in the same transaction as the edge.
            auto from = stmt->optionalInteger(0);
            auto fromIt = from ? index.find(*from) : index.end();
            auto toIt = index.find(stmt->integer(1));
            if ((from && fromIt == index.end()) || toIt == index.end())
                return makeError(ErrorCode::Store, "store " + path().string() + ": an edge of " + subject +
                                                       " refers to a package the scan does not list");
            ScanEdge edge;
            if (from)
                edge.from = fromIt->second;
            edge.to = toIt->second;
            edge.alias = stmt->text(2);
            edge.spec = stmt->text(3);
            edge.type = depTypeFromName(stmt->text(4));
            graph.edges.push_back(std::move(edge));
        }
    }
    VIGIL_TRY(tx->commit());
    return graph;
}

}  // namespace vigil::engine::store
