// Store: packages, versions, file lists, fingerprints and the key behaviour queries.
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "engine/store/store.h"
#include "engine/store/store_catalog_ops.h"
#include "engine/store/store_impl.h"
#include "engine/store/store_sql.h"

namespace vigil::engine::store {

using detail::DbConnection;
using detail::Statement;
using detail::Transaction;

namespace {

constexpr const char* kVersionColumns =
    "SELECT v.id, v.package_id, p.ecosystem, p.name, v.version, v.integrity, v.published_at, v.metadata,"
    " v.has_install_script, v.fingerprint_id, v.analyzed_at, v.analyzer_version"
    " FROM packages p JOIN versions v ON v.package_id = p.id";
// Constant concatenations of the column list above (kept next to it so they stay in step).
const std::string kFindVersionSql = std::string(kVersionColumns) +
                                    " WHERE p.ecosystem = ?1 AND p.name = ?2 AND v.version = ?3";
// Unknown publish times ('') sort last; ties keep insertion order.
const std::string kVersionsOfSql = std::string(kVersionColumns) +
                                   " WHERE p.ecosystem = ?1 AND p.name = ?2"
                                   " ORDER BY v.published_at = '', v.published_at, v.id";

StoredVersion readVersion(const Statement& stmt) {
    StoredVersion v;
    v.id = stmt.integer(0);
    v.packageId = stmt.integer(1);
    v.record.ecosystem = stmt.text(2);
    v.record.packageName = stmt.text(3);
    v.record.version = stmt.text(4);
    v.record.integrity = stmt.text(5);
    v.record.publishedAt = stmt.text(6);
    v.record.metadataJson = stmt.text(7);
    v.record.hasInstallScript = stmt.integer(8) != 0;
    v.fingerprintId = stmt.optionalInteger(9);
    v.analyzedAtMs = stmt.optionalInteger(10);
    v.analyzerVersion = stmt.text(11);
    return v;
}

StoredFingerprint readFingerprint(const Statement& stmt) {
    StoredFingerprint f;
    f.id = stmt.integer(0);
    f.versionId = stmt.integer(1);
    f.createdAtMs = stmt.integer(2);
    f.record.analyzerVersion = stmt.text(3);
    for (std::size_t i = 0; i < kBehaviorCount; ++i) {
        f.record.arraysJson[i] = stmt.text(static_cast<int>(4 + i));
        f.shows[i] = stmt.integer(static_cast<int>(4 + kBehaviorCount + i)) != 0;
    }
    f.checksum = stmt.text(static_cast<int>(4 + 2 * kBehaviorCount));
    f.record.documentJson = stmt.text(static_cast<int>(5 + 2 * kBehaviorCount));
    return f;
}

/// Sorted, de-duplicated arrays in one fixed serialisation, and their sha256: two runs that saw
/// the same behaviour in a different order get the same checksum, so "did anything change?"
/// is one string comparison.
struct CanonicalFingerprint {
    std::array<std::string, kBehaviorCount> arrays;
    std::string checksum;
    std::string document;  ///< not part of the checksum: it holds run-specific seqs and times
};

Result<CanonicalFingerprint> canonicalise(const FingerprintRecord& record, const std::string& subject) {
    CanonicalFingerprint out;
    std::string digestInput;
    for (std::size_t i = 0; i < kBehaviorCount; ++i) {
        const char* name = behaviorName(static_cast<Behavior>(i));
        auto parsed = nlohmann::json::parse(record.arraysJson[i], nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_array())
            return makeError(ErrorCode::Input, "fingerprint of " + subject + ": " + name + " is not a JSON array");
        std::sort(parsed.begin(), parsed.end());
        parsed.erase(std::unique(parsed.begin(), parsed.end()), parsed.end());
        try {
            out.arrays[i] = parsed.dump();
        } catch (const nlohmann::json::exception& e) {  // only on invalid UTF-8, which parse refuses
            return makeError(ErrorCode::Input, "fingerprint of " + subject + ": " + name + ": " + e.what());
        }
        digestInput += name;
        digestInput += '\n';
        digestInput += out.arrays[i];
        digestInput += '\n';
    }
    auto document = nlohmann::json::parse(record.documentJson, nullptr, /*allow_exceptions=*/false);
    if (!document.is_object())
        return makeError(ErrorCode::Input, "fingerprint of " + subject + ": the document is not a JSON object");
    try {
        out.document = document.dump();
    } catch (const nlohmann::json::exception& e) {
        return makeError(ErrorCode::Input, "fingerprint of " + subject + ": document: " + e.what());
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(digestInput.data(), digestInput.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        return makeError(ErrorCode::Internal, "fingerprint of " + subject + ": sha256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < length; ++i) {
        out.checksum += kHex[digest[i] >> 4];
        out.checksum += kHex[digest[i] & 0xf];
    }
    return out;
}

}  // namespace

// ---- operations shared with store_scans.cpp (caller holds the transaction) ----

namespace detail {

Result<PackageId> ensurePackage(DbConnection& db, std::string_view ecosystem, std::string_view name) {
    // Look up before inserting: the common case (known package) then never writes.
    auto find = db.prepare("SELECT id FROM packages WHERE ecosystem = ?1 AND name = ?2");
    VIGIL_STORE_CHECK(find);
    find->bind(1, ecosystem).bind(2, name);
    auto row = find->step("look up package " + std::string(name));
    VIGIL_STORE_CHECK(row);
    if (*row)
        return find->integer(0);
    auto insert = db.prepare("INSERT INTO packages (ecosystem, name) VALUES (?1, ?2) RETURNING id");
    VIGIL_STORE_CHECK(insert);
    insert->bind(1, ecosystem).bind(2, name);
    row = insert->step("add package " + std::string(name));
    VIGIL_STORE_CHECK(row);
    return insert->integer(0);
}

Result<VersionId> ensureVersion(DbConnection& db, PackageId package, std::string_view name, std::string_view version,
                                std::string_view integrity) {
    const std::string subject = std::string(name) + "@" + std::string(version);
    auto find = db.prepare("SELECT id, integrity FROM versions WHERE package_id = ?1 AND version = ?2");
    VIGIL_STORE_CHECK(find);
    find->bind(1, package).bind(2, version);
    auto row = find->step("look up " + subject);
    VIGIL_STORE_CHECK(row);
    if (*row) {
        VersionId id = find->integer(0);
        std::string stored = find->text(1);
        if (integrity.empty() || stored == integrity)
            return id;
        // A published name@version never changes content; a different hash means a tampered
        // tarball or mirror, which the user must hear about rather than have papered over.
        if (!stored.empty())
            return makeError(ErrorCode::Integrity,
                             subject + ": integrity " + std::string(integrity) + " differs from " + stored +
                                 " recorded earlier",
                             "the same version must never change content; a registry or mirror may be serving a "
                             "tampered tarball");
        auto fill = db.prepare("UPDATE versions SET integrity = ?2 WHERE id = ?1");
        VIGIL_STORE_CHECK(fill);
        fill->bind(1, id).bind(2, integrity);
        VIGIL_TRY(fill->run("record integrity of " + subject));
        return id;
    }
    auto insert = db.prepare("INSERT INTO versions (package_id, version, integrity) VALUES (?1, ?2, ?3) RETURNING id");
    VIGIL_STORE_CHECK(insert);
    insert->bind(1, package).bind(2, version).bind(3, integrity);
    row = insert->step("add " + subject);
    VIGIL_STORE_CHECK(row);
    return insert->integer(0);
}

Result<std::string> describeVersion(DbConnection& db, VersionId version) {
    auto stmt = db.prepare(
        "SELECT p.name || '@' || v.version FROM versions v JOIN packages p ON p.id = v.package_id WHERE v.id = ?1");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, version);
    auto row = stmt->step("look up version " + std::to_string(version));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return makeError(ErrorCode::NotFound,
                         "store " + db.path().string() + ": no version with id " + std::to_string(version));
    return stmt->text(0);
}

Result<FingerprintId> writeFingerprint(DbConnection& db, VersionId version, const FingerprintRecord& fingerprint) {
    auto subject = describeVersion(db, version);
    VIGIL_STORE_CHECK(subject);
    auto canonical = canonicalise(fingerprint, *subject);
    VIGIL_STORE_CHECK(canonical);

    const std::int64_t now = nowMs();
    auto insert = db.prepare(
        "INSERT INTO behavior_fingerprints (version_id, analyzer_version, created_at, network_calls, file_reads,"
        " file_writes, env_reads, shell_commands, dynamic_code_exec, checksum, document)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        " ON CONFLICT (version_id, analyzer_version) DO UPDATE SET created_at = excluded.created_at,"
        " network_calls = excluded.network_calls, file_reads = excluded.file_reads,"
        " file_writes = excluded.file_writes, env_reads = excluded.env_reads,"
        " shell_commands = excluded.shell_commands, dynamic_code_exec = excluded.dynamic_code_exec,"
        " checksum = excluded.checksum, document = excluded.document"
        " RETURNING id");
    VIGIL_STORE_CHECK(insert);
    insert->bind(1, version).bind(2, fingerprint.analyzerVersion).bind(3, now);
    for (std::size_t i = 0; i < kBehaviorCount; ++i)
        insert->bind(static_cast<int>(4 + i), canonical->arrays[i]);
    insert->bind(10, canonical->checksum);
    insert->bind(11, canonical->document);
    auto row = insert->step("save fingerprint of " + *subject);
    VIGIL_STORE_CHECK(row);
    const FingerprintId id = insert->integer(0);
    VIGIL_TRY(insert->run("save fingerprint of " + *subject));  // finish the RETURNING statement

    auto current = db.prepare(
        "UPDATE versions SET fingerprint_id = ?2, analyzed_at = ?3, analyzer_version = ?4 WHERE id = ?1");
    VIGIL_STORE_CHECK(current);
    current->bind(1, version).bind(2, id).bind(3, now).bind(4, fingerprint.analyzerVersion);
    VIGIL_TRY(current->run("make fingerprint current for " + *subject));
    return id;
}

}  // namespace detail

// ---- packages and versions ----

Result<PackageId> Store::upsertPackage(std::string_view ecosystem, std::string_view name) {
    if (!impl_)
        return detail::movedFromStore();
    return detail::ensurePackage(impl_->db, ecosystem, name);  // one statement: its own transaction
}

Status Store::setPackageCategory(PackageId package, std::string_view category) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare("UPDATE packages SET category = ?2 WHERE id = ?1");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, package).bind(2, category);
    VIGIL_TRY(stmt->run("set category of package " + std::to_string(package)));
    if (sqlite3_changes(impl_->db.handle()) == 0)
        return makeError(ErrorCode::NotFound, "store " + path().string() + ": no package with id " +
                                                  std::to_string(package));
    return {};
}

Status Store::setPackageBaseline(PackageId package, bool baseline) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare("UPDATE packages SET is_baseline = ?2 WHERE id = ?1");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, package).bind(2, baseline);
    VIGIL_TRY(stmt->run("mark package " + std::to_string(package) + " as baseline"));
    if (sqlite3_changes(impl_->db.handle()) == 0)
        return makeError(ErrorCode::NotFound, "store " + path().string() + ": no package with id " +
                                                  std::to_string(package));
    return {};
}

Result<VersionId> Store::upsertVersion(const VersionRecord& record) {
    if (!impl_)
        return detail::movedFromStore();
    const std::string subject = record.packageName + "@" + record.version;
    auto metadata = nlohmann::json::parse(record.metadataJson, nullptr, /*allow_exceptions=*/false);
    if (!metadata.is_object())
        return makeError(ErrorCode::Input, subject + ": version metadata is not a JSON object");

    auto& db = impl_->db;
    auto tx = Transaction::begin(db, "upsert " + subject);
    VIGIL_STORE_CHECK(tx);
    auto package = detail::ensurePackage(db, record.ecosystem, record.packageName);
    VIGIL_STORE_CHECK(package);
    auto id = detail::ensureVersion(db, *package, record.packageName, record.version, record.integrity);
    VIGIL_STORE_CHECK(id);
    // The resolver's record is the newest word on metadata; an unknown publish time keeps the old one.
    auto update = db.prepare(
        "UPDATE versions SET published_at = CASE WHEN ?2 = '' THEN published_at ELSE ?2 END,"
        " metadata = ?3, has_install_script = ?4 WHERE id = ?1");
    VIGIL_STORE_CHECK(update);
    update->bind(1, *id).bind(2, record.publishedAt).bind(3, record.metadataJson).bind(4, record.hasInstallScript);
    VIGIL_TRY(update->run("update " + subject));
    VIGIL_TRY(tx->commit());
    return *id;
}

Result<std::optional<StoredVersion>> Store::findVersion(std::string_view ecosystem, std::string_view name,
                                                        std::string_view version) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(kFindVersionSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name).bind(3, version);
    auto row = stmt->step("find " + std::string(name) + "@" + std::string(version));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return std::optional<StoredVersion>{};
    return std::optional<StoredVersion>{readVersion(*stmt)};
}

Result<std::vector<StoredVersion>> Store::versionsOf(std::string_view ecosystem, std::string_view name) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(kVersionsOfSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name);
    std::vector<StoredVersion> versions;
    for (;;) {
        auto row = stmt->step("list versions of " + std::string(name));
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return versions;
        versions.push_back(readVersion(*stmt));
    }
}

Status Store::replaceVersionFiles(VersionId version, std::span<const FileEntry> files) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    auto tx = Transaction::begin(db, "replace files of version " + std::to_string(version));
    VIGIL_STORE_CHECK(tx);
    auto subject = detail::describeVersion(db, version);
    VIGIL_STORE_CHECK(subject);
    auto clear = db.prepare("DELETE FROM version_files WHERE version_id = ?1");
    VIGIL_STORE_CHECK(clear);
    clear->bind(1, version);
    VIGIL_TRY(clear->run("clear files of " + *subject));
    for (const auto& file : files) {
        auto insert =
            db.prepare("INSERT INTO version_files (version_id, path, size, mode, sha256) VALUES (?1, ?2, ?3, ?4, ?5)");
        VIGIL_STORE_CHECK(insert);
        insert->bind(1, version).bind(2, file.path).bind(3, file.size).bind(4, static_cast<std::int64_t>(file.mode));
        insert->bind(5, file.sha256);
        VIGIL_TRY(insert->run("add file " + file.path + " of " + *subject));
    }
    return tx->commit();
}

Result<std::vector<FileEntry>> Store::versionFiles(VersionId version) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt =
        impl_->db.prepare("SELECT path, size, mode, sha256 FROM version_files WHERE version_id = ?1 ORDER BY path");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, version);
    std::vector<FileEntry> files;
    for (;;) {
        auto row = stmt->step("list files of version " + std::to_string(version));
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return files;
        files.push_back(FileEntry{stmt->text(0), stmt->integer(1), static_cast<std::uint32_t>(stmt->integer(2)),
                                  stmt->text(3)});
    }
}

// ---- fingerprints and the key queries ----

Result<FingerprintId> Store::saveFingerprint(VersionId version, const FingerprintRecord& fingerprint) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    auto tx = Transaction::begin(db, "save fingerprint of version " + std::to_string(version));
    VIGIL_STORE_CHECK(tx);
    auto id = detail::writeFingerprint(db, version, fingerprint);
    VIGIL_STORE_CHECK(id);
    VIGIL_TRY(tx->commit());
    return id;
}

Result<std::optional<StoredFingerprint>> Store::fingerprintOf(std::string_view ecosystem, std::string_view name,
                                                              std::string_view version) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kFingerprintOfSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name).bind(3, version);
    auto row = stmt->step("fingerprint of " + std::string(name) + "@" + std::string(version));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return std::optional<StoredFingerprint>{};
    return std::optional<StoredFingerprint>{readFingerprint(*stmt)};
}

Result<bool> Store::everMadeNetworkCalls(std::string_view ecosystem, std::string_view name) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kEverMadeNetworkCallsSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name);
    auto row = stmt->step("network history of " + std::string(name));
    VIGIL_STORE_CHECK(row);
    return *row && stmt->integer(0) != 0;
}

Result<CategoryNorm> Store::categoryNorm(std::string_view category) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kCategoryNormSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, category);
    auto row = stmt->step("norm of category " + std::string(category));
    VIGIL_STORE_CHECK(row);
    CategoryNorm norm;
    norm.category = std::string(category);
    if (*row) {
        norm.analysedVersions = stmt->integer(0);
        for (std::size_t i = 0; i < kBehaviorCount; ++i)
            norm.versionsShowing[i] = stmt->integer(static_cast<int>(1 + i));
    }
    return norm;
}

}  // namespace vigil::engine::store
