#include "engine/store/db_connection.h"

#include <string>
#include <utility>

namespace vigil::engine::store::detail {

namespace {

/// A hint for failures whose fix lies outside VIGIL.
std::string hintFor(int rc) {
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "another VIGIL process is writing to this store; try again when it has finished";
    case SQLITE_FULL: return "the disk holding the store is full";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
        return "check that the store's directory exists and is writable (or choose another with --store)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return "the file is damaged or not a VIGIL store; move it aside and VIGIL will start a new one";
    default: return {};
    }
}

}  // namespace

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_), bindRc_(other.bindRc_) {
    other.stmt_ = nullptr;
}

Statement::~Statement() {
    if (stmt_ == nullptr)
        return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (bindRc_ == SQLITE_OK)
        bindRc_ = rc;
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (bindRc_ == SQLITE_OK)
        bindRc_ = rc;
    return *this;
}

Statement& Statement::bindNull(int index) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (bindRc_ == SQLITE_OK)
        bindRc_ = rc;
    return *this;
}

Result<bool> Statement::step(std::string_view what) {
    if (bindRc_ != SQLITE_OK)
        return db_->error(what, bindRc_);
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return db_->error(what, rc);
}

Status Statement::run(std::string_view what) {
    for (;;) {
        auto row = step(what);
        if (!row.ok())
            return std::move(row).error();
        if (!*row)
            return {};
    }
}

bool Statement::isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (data == nullptr)
        return {};
    return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Statement::optionalInteger(int column) const {
    if (isNull(column))
        return std::nullopt;
    return integer(column);
}

// ---- DbConnection ----

Result<DbConnection> DbConnection::open(const std::filesystem::path& path) {
    sqlite3* raw = nullptr;
    // NOMUTEX: a Store is used from one thread at a time (documented on Store), so SQLite's
    // own per-call mutex would only cost time.
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    DbConnection db(path, raw);  // owns `raw` even on failure: sqlite3_open_v2 may allocate it
    if (rc != SQLITE_OK) {
        return makeError(ErrorCode::Store,
                         "cannot open store " + path.string() + ": " +
                             (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                         hintFor(rc));
    }
    sqlite3_extended_result_codes(raw, 1);
    return db;
}

Result<Statement> DbConnection::prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* raw = nullptr;
        // PERSISTENT: these statements live as long as the connection, so SQLite should not
        // take their memory from its short-lived lookaside pool.
        int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &raw, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(raw);
            return error("prepare \"" + std::string(sql.substr(0, 60)) + "…\"", rc);
        }
        it = cache_.emplace(sql, std::unique_ptr<sqlite3_stmt, FinalizeStmt>(raw)).first;
    }
    return Statement(*this, it->second.get());
}

Status DbConnection::execConstant(const char* sql, std::string_view what) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return {};
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return makeError(ErrorCode::Store, "store " + path_.string() + ": " + std::string(what) + ": " + text,
                     hintFor(rc));
}

Error DbConnection::error(std::string_view what) const { return error(what, sqlite3_extended_errcode(db_.get())); }

Error DbConnection::error(std::string_view what, int rc) const {
    // The connection's message describes the last failed call; a bind failure has none, so fall
    // back to the generic text of the code.
    std::string message = sqlite3_errcode(db_.get()) == (rc & 0xff) || sqlite3_extended_errcode(db_.get()) == rc
                              ? sqlite3_errmsg(db_.get())
                              : sqlite3_errstr(rc);
    return makeError(ErrorCode::Store, "store " + path_.string() + ": " + std::string(what) + ": " + message,
                     hintFor(rc));
}

// ---- Transaction ----

Result<Transaction> Transaction::begin(DbConnection& db, std::string_view what) {
    auto stmt = db.prepare("BEGIN IMMEDIATE");
    if (!stmt.ok())
        return std::move(stmt).error();
    VIGIL_TRY(stmt->run(std::string("begin transaction for ") + std::string(what)));
    return Transaction(db, what);
}

Result<Transaction> Transaction::beginRead(DbConnection& db, std::string_view what) {
    auto stmt = db.prepare("BEGIN DEFERRED");
    if (!stmt.ok())
        return std::move(stmt).error();
    VIGIL_TRY(stmt->run(std::string("begin read transaction for ") + std::string(what)));
    return Transaction(db, what);
}

Transaction::~Transaction() {
    if (!open_)
        return;
    // Nothing to report to: the operation already failed with its own error, and a failed
    // rollback leaves SQLite rolling back on the next statement or on close anyway.
    if (auto stmt = db_->prepare("ROLLBACK"); stmt.ok())
        (void)stmt->run("rollback");
}

Status Transaction::commit() {
    auto stmt = db_->prepare("COMMIT");
    if (!stmt.ok())
        return std::move(stmt).error();
    VIGIL_TRY(stmt->run(std::string("commit ") + what_));
    open_ = false;
    return {};
}

}  // namespace vigil::engine::store::detail
