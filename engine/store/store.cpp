// Store: opening, migrations and maintenance. The data methods live in store_catalog.cpp
// (packages, versions, fingerprints), store_runs.cpp (runs, events, findings) and store_scans.cpp.
#include "engine/store/store.h"

#include <string>
#include <system_error>
#include <utility>

#include "engine/store/schema.h"
#include "engine/store/store_impl.h"
#include "engine/store/store_sql.h"

namespace vigil::engine::store {

using detail::DbConnection;
using detail::Transaction;

namespace {

/// A writer holding the lock this long is stuck, not busy; fail with a message instead of hanging.
constexpr int kBusyTimeoutMs = 5000;

Result<std::int64_t> pragmaInteger(DbConnection& db, const char* sql, std::string_view what) {
    auto stmt = db.prepare(sql);
    if (!stmt.ok())
        return std::move(stmt).error();
    auto row = stmt->step(what);
    if (!row.ok())
        return std::move(row).error();
    if (!*row)
        return db.error(what);
    return stmt->integer(0);
}

Status configure(DbConnection& db) {
    sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
    {
        auto stmt = db.prepare("PRAGMA journal_mode = WAL");
        if (!stmt.ok())
            return std::move(stmt).error();
        auto row = stmt->step("switch to WAL");
        if (!row.ok())
            return std::move(row).error();
        // WAL keeps readers (the GUI) and the writer (a scan) out of each other's way; a
        // filesystem without shared-memory support silently keeps the old mode, so check.
        if (!*row || stmt->text(0) != "wal")
            return makeError(ErrorCode::Store,
                             "store " + db.path().string() + ": cannot switch to write-ahead logging",
                             "put the store on a local filesystem (not NFS or a read-only mount)");
    }
    // Foreign keys are off by default in SQLite and are per connection: without this the
    // ON DELETE rules in the schema would be decoration.
    VIGIL_TRY(db.execConstant("PRAGMA foreign_keys = ON", "enable foreign keys"));
    // In WAL mode NORMAL loses no committed transaction when the process dies (only on power
    // loss), and the database stays consistent either way.
    VIGIL_TRY(db.execConstant("PRAGMA synchronous = NORMAL", "set synchronous mode"));
    return {};
}

Error newerSchema(const DbConnection& db, std::int64_t found) {
    return makeError(ErrorCode::Store,
                     "store " + db.path().string() + " has schema version " + std::to_string(found) +
                         ", newer than this build of VIGIL knows (" + std::to_string(schemaVersion()) + ")",
                     "a newer VIGIL wrote it: upgrade VIGIL, or choose another store with --store");
}

/// Refuses to write VIGIL's schema into somebody else's SQLite database.
Status checkApplication(DbConnection& db, std::int64_t userVersion) {
    auto appId = pragmaInteger(db, "PRAGMA application_id", "read application id");
    VIGIL_STORE_CHECK(appId);
    if (*appId == detail::kApplicationId)
        return {};
    auto objects = pragmaInteger(db, "SELECT count(*) FROM sqlite_schema", "read schema");
    VIGIL_STORE_CHECK(objects);
    if (*appId == 0 && userVersion == 0 && *objects == 0)
        return {};  // a new, empty file
    return makeError(ErrorCode::Store, "store " + db.path().string() + " is an SQLite database but not a VIGIL store",
                     "choose another path with --store; VIGIL will not modify this file");
}

Status migrate(DbConnection& db) {
    auto current = pragmaInteger(db, "PRAGMA user_version", "read schema version");
    VIGIL_STORE_CHECK(current);
    if (*current > schemaVersion())
        return newerSchema(db, *current);
    VIGIL_TRY(checkApplication(db, *current));
    if (*current == schemaVersion())
        return {};

    auto tx = Transaction::begin(db, "schema migration");
    VIGIL_STORE_CHECK(tx);
    // Another process may have migrated between our read and taking the write lock.
    current = pragmaInteger(db, "PRAGMA user_version", "read schema version");
    VIGIL_STORE_CHECK(current);
    if (*current > schemaVersion())
        return newerSchema(db, *current);
    for (const auto& migration : detail::migrations()) {
        if (migration.version <= *current)
            continue;
        VIGIL_TRY(db.execConstant(migration.sql, "migration " + std::to_string(migration.version) + " (" +
                                                     migration.description + ")"));
        // PRAGMA takes no bound parameters; the number comes from the constant table above.
        // user_version is written in the same transaction, so a crash leaves schema and number in step.
        std::string setVersion = "PRAGMA user_version = " + std::to_string(migration.version);
        VIGIL_TRY(db.execConstant(setVersion.c_str(), "record schema version"));
    }
    return tx->commit();
}

}  // namespace

int schemaVersion() noexcept { return detail::migrations().back().version; }

const char* behaviorName(Behavior behavior) noexcept {
    switch (behavior) {
    case Behavior::NetworkCalls: return "network_calls";
    case Behavior::FileReads: return "file_reads";
    case Behavior::FileWrites: return "file_writes";
    case Behavior::EnvReads: return "env_reads";
    case Behavior::ShellCommands: return "shell_commands";
    case Behavior::DynamicCodeExec: return "dynamic_code_exec";
    }
    return "unknown";
}

const char* phaseName(Phase phase) noexcept {
    switch (phase) {
    case Phase::Install: return "install";
    case Phase::Import: return "import";
    case Phase::Api: return "api";
    }
    return "unknown";
}

const char* scanStatusName(ScanStatus status) noexcept {
    switch (status) {
    case ScanStatus::Running: return "running";
    case ScanStatus::Complete: return "complete";
    case ScanStatus::Failed: return "failed";
    case ScanStatus::Cancelled: return "cancelled";
    }
    return "unknown";
}

const char* depTypeName(DepType type) noexcept {
    switch (type) {
    case DepType::Prod: return "prod";
    case DepType::Dev: return "dev";
    case DepType::Optional: return "optional";
    case DepType::Peer: return "peer";
    }
    return "unknown";
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const std::filesystem::path& path) {
    if (path.empty())
        return makeError(ErrorCode::Usage, "no store path given");
    if (auto dir = path.parent_path(); !dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec)
            return makeError(ErrorCode::Io,
                             "cannot create the directory of store " + path.string() + ": " + ec.message(),
                             "choose a writable location with --store");
    }
    auto db = DbConnection::open(path);
    VIGIL_STORE_CHECK(db);
    VIGIL_TRY(configure(*db));
    VIGIL_TRY(migrate(*db));
    return Store(std::make_unique<Impl>(std::move(*db)));
}

const std::filesystem::path& Store::path() const {
    static const std::filesystem::path none;
    return impl_ ? impl_->db.path() : none;
}

Result<StoreStats> Store::stats() {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    // Built once from the constant table list: no user data in it.
    static const std::string countSql = [] {
        std::string sql;
        for (const char* table : detail::schemaTables()) {
            if (!sql.empty())
                sql += " UNION ALL ";
            sql += std::string("SELECT '") + table + "', count(*) FROM " + table;
        }
        return sql;
    }();

    auto tx = Transaction::beginRead(db, "stats");
    VIGIL_STORE_CHECK(tx);
    StoreStats stats;
    auto version = pragmaInteger(db, "PRAGMA user_version", "read schema version");
    VIGIL_STORE_CHECK(version);
    stats.schemaVersion = static_cast<int>(*version);
    auto pages = pragmaInteger(db, "PRAGMA page_count", "read page count");
    VIGIL_STORE_CHECK(pages);
    auto pageSize = pragmaInteger(db, "PRAGMA page_size", "read page size");
    VIGIL_STORE_CHECK(pageSize);
    stats.dbBytes = static_cast<std::uint64_t>(*pages) * static_cast<std::uint64_t>(*pageSize);

    auto stmt = db.prepare(countSql);
    VIGIL_STORE_CHECK(stmt);
    for (;;) {
        auto row = stmt->step("count rows");
        VIGIL_STORE_CHECK(row);
        if (!*row)
            break;
        stats.tables.push_back({stmt->text(0), stmt->integer(1)});
    }
    std::error_code ec;
    auto wal = std::filesystem::file_size(db.path().string() + "-wal", ec);
    stats.walBytes = ec ? 0 : wal;
    VIGIL_TRY(tx->commit());
    return stats;
}

Status Store::checkIntegrity() {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    std::vector<std::string> problems;
    {
        auto stmt = db.prepare("PRAGMA integrity_check");
        VIGIL_STORE_CHECK(stmt);
        for (;;) {
            auto row = stmt->step("integrity check");
            VIGIL_STORE_CHECK(row);
            if (!*row)
                break;
            if (auto line = stmt->text(0); line != "ok")
                problems.push_back(std::move(line));
        }
    }
    {
        auto stmt = db.prepare("PRAGMA foreign_key_check");
        VIGIL_STORE_CHECK(stmt);
        for (;;) {
            auto row = stmt->step("foreign key check");
            VIGIL_STORE_CHECK(row);
            if (!*row)
                break;
            problems.push_back("row " + stmt->text(1) + " of " + stmt->text(0) + " refers to a missing row of " +
                               stmt->text(2));
        }
    }
    {
        auto stmt = db.prepare(detail::kBehaviorCountDriftSql);
        VIGIL_STORE_CHECK(stmt);
        for (;;) {
            auto row = stmt->step("behaviour count check");
            VIGIL_STORE_CHECK(row);
            if (!*row)
                break;
            problems.push_back("behaviour counts of package " + stmt->text(0) + " disagree with its fingerprints");
        }
    }
    if (problems.empty())
        return {};
    std::string details;
    for (std::size_t i = 0; i < problems.size() && i < 10; ++i)
        details += (i ? "; " : "") + problems[i];
    if (problems.size() > 10)
        details += "; … " + std::to_string(problems.size() - 10) + " more";
    return makeError(ErrorCode::Store,
                     "store " + db.path().string() + " fails its integrity check (" +
                         std::to_string(problems.size()) + " problems)",
                     details);
}

}  // namespace vigil::engine::store
