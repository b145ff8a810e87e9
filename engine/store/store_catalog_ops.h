// @brief Catalogue steps shared by the Store's write paths; the caller holds the transaction. Internal.
#pragma once

#include <string>
#include <string_view>

#include "engine/core/result.h"
#include "engine/store/db_connection.h"
#include "engine/store/store_records.h"

namespace vigil::engine::store::detail {

/// The id of the package, inserting it when new.
Result<PackageId> ensurePackage(DbConnection& db, std::string_view ecosystem, std::string_view name);

/// The id of name@version, inserting it when new. Fills in a missing integrity; refuses (code
/// Integrity) one that differs from what the store recorded before.
Result<VersionId> ensureVersion(DbConnection& db, PackageId package, std::string_view name, std::string_view version,
                                std::string_view integrity);

/// "name@version" of a version id, for error messages; NotFound when there is no such version.
Result<std::string> describeVersion(DbConnection& db, VersionId version);

/// Inserts or rewrites the fingerprint of (version, analyzer version) and makes it current.
Result<FingerprintId> writeFingerprint(DbConnection& db, VersionId version, const FingerprintRecord& fingerprint);

}  // namespace vigil::engine::store::detail
