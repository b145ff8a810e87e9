// @brief DbConnection: the Store's private RAII SQLite connection, statement cache and transaction guard.
// Internal to engine/store: nothing outside this directory includes it (STYLE.md: one owner of SQLite).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/core/result.h"

/// Return early with the error of a Result held in a variable, without copying it (VIGIL_TRY
/// copies its argument, which move-only results such as Result<Statement> cannot allow).
#define VIGIL_STORE_CHECK(result)              \
    do {                                       \
        if (!(result).ok())                    \
            return std::move(result).error();  \
    } while (0)

namespace vigil::engine::store::detail {

class DbConnection;

/// A cached prepared statement borrowed for one use: bind, step, read columns. On destruction
/// it is reset and its bindings cleared, so a cached statement never pins a read snapshot.
class Statement {
public:
    Statement(DbConnection& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based as in SQL (?1, ?2, …). Text is copied (SQLITE_TRANSIENT), so
    // temporaries are safe. A failed bind is reported by the next step().
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindNull(int index);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }

    /// One step: true when a row is available, false when done. `what` names the operation in errors.
    Result<bool> step(std::string_view what);
    /// Steps to completion, expecting no rows (INSERT/UPDATE/DELETE).
    Status run(std::string_view what);

    [[nodiscard]] bool isNull(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::int64_t> optionalInteger(int column) const;

private:
    DbConnection* db_;
    sqlite3_stmt* stmt_;
    int bindRc_ = SQLITE_OK;
};

/// Owns the sqlite3 handle and every prepared statement. Move-only; closes on destruction.
class DbConnection {
public:
    /// Opens (creating if missing) the database file; no pragmas, no schema.
    static Result<DbConnection> open(const std::filesystem::path& path);

    DbConnection(DbConnection&&) noexcept = default;
    DbConnection& operator=(DbConnection&&) noexcept = default;
    DbConnection(const DbConnection&) = delete;
    DbConnection& operator=(const DbConnection&) = delete;
    ~DbConnection() = default;

    /// The cached statement for `sql` (prepared on first use). `sql` must be a constant with
    /// static storage: it is the cache key, and user data only ever travels as bound parameters.
    Result<Statement> prepare(std::string_view sql);
    /// Runs constant SQL that may hold several statements (migrations, pragmas); never user data.
    Status execConstant(const char* sql, std::string_view what);

    /// A Store error: "store <path>: <what>: <sqlite message>", with a hint where one helps.
    [[nodiscard]] Error error(std::string_view what) const;
    [[nodiscard]] Error error(std::string_view what, int rc) const;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] sqlite3* handle() const { return db_.get(); }

private:
    struct CloseDb {
        void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
    };
    struct FinalizeStmt {
        void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
    };
    DbConnection(std::filesystem::path path, sqlite3* db) : path_(std::move(path)), db_(db) {}

    std::filesystem::path path_;
    std::unique_ptr<sqlite3, CloseDb> db_;  // declared before the cache: statements finalize first
    std::unordered_map<std::string_view, std::unique_ptr<sqlite3_stmt, FinalizeStmt>> cache_;
};

/// BEGIN … COMMIT; rolls back on destruction unless committed. A write transaction is BEGIN
/// IMMEDIATE: it takes the write lock up front, so a busy store waits (busy_timeout) instead of
/// failing halfway. A read transaction pins one snapshot across several SELECTs.
class Transaction {
public:
    static Result<Transaction> begin(DbConnection& db, std::string_view what);
    static Result<Transaction> beginRead(DbConnection& db, std::string_view what);
    Transaction(Transaction&& other) noexcept
        : db_(other.db_), what_(std::move(other.what_)), open_(other.open_) {
        other.open_ = false;
    }
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    Status commit();

private:
    Transaction(DbConnection& db, std::string_view what) : db_(&db), what_(what) {}
    DbConnection* db_;
    std::string what_;
    bool open_ = true;
};

}  // namespace vigil::engine::store::detail
