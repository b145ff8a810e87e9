// @brief The store's numbered schema migrations (PRAGMA user_version counts how many have run).
// Internal to engine/store.
#pragma once

#include <span>

namespace vigil::engine::store::detail {

/// One step of the schema. Migrations are append-only: once shipped, a migration's SQL never
/// changes; a change to the schema is a new migration with the next number.
struct Migration {
    int version;              ///< user_version after this migration has run
    const char* description;  ///< for error messages
    const char* sql;          ///< constant DDL (several statements), never user data
};

/// Every migration in order; the last one's version is the schema this build writes.
std::span<const Migration> migrations() noexcept;

/// The tables of the current schema, in creation order (for stats and tests).
std::span<const char* const> schemaTables() noexcept;

/// "VIGL": PRAGMA application_id, so a stray SQLite file is not mistaken for a store.
inline constexpr int kApplicationId = 0x5649474C;

}  // namespace vigil::engine::store::detail
