// Store: the analysis's fingerprint documents behind the version diff, category norms and network history.
#include <optional>
#include <span>
#include <utility>
#include <string>
#include <vector>

#include "engine/store/store.h"
#include "engine/store/store_impl.h"
#include "engine/store/store_sql.h"

namespace vigil::engine::store {

using detail::Statement;

namespace {

AnalysedVersion readAnalysed(const Statement& stmt) {
    AnalysedVersion a;
    a.name = stmt.text(0);
    a.version = stmt.text(1);
    a.publishedAt = stmt.text(2);
    a.category = stmt.text(3);
    a.analyzerVersion = stmt.text(4);
    a.analyzedAtMs = stmt.integer(5);
    a.documentJson = stmt.text(6);
    return a;
}

Result<std::vector<AnalysedVersion>> readAll(Statement& stmt, const std::string& what) {
    std::vector<AnalysedVersion> out;
    for (;;) {
        auto row = stmt.step(what);
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return out;
        out.push_back(readAnalysed(stmt));
    }
}

}  // namespace

Result<std::optional<AnalysedVersion>> Store::analysedVersion(std::string_view ecosystem, std::string_view name,
                                                              std::string_view version) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kAnalysedVersionSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name).bind(3, version);
    auto row = stmt->step("fingerprint document of " + std::string(name) + "@" + std::string(version));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return std::optional<AnalysedVersion>{};
    return std::optional<AnalysedVersion>{readAnalysed(*stmt)};
}

Result<std::vector<AnalysedVersion>> Store::analysedVersionsOf(std::string_view ecosystem, std::string_view name) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kAnalysedVersionsOfSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name);
    return readAll(*stmt, "analysed versions of " + std::string(name));
}

Result<std::vector<std::string>> Store::analysedVersionNumbersOf(std::string_view ecosystem, std::string_view name) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kAnalysedVersionNumbersOfSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name);
    std::vector<std::string> out;
    for (;;) {
        auto row = stmt->step("analysed versions of " + std::string(name));
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return out;
        out.push_back(stmt->text(0));
    }
}

Result<std::vector<AnalysedVersion>> Store::latestAnalysedPackages(std::string_view ecosystem,
                                                                   std::optional<std::string_view> category) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kLatestAnalysedPackagesSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, category);
    return readAll(*stmt, category ? "analysed packages of category " + std::string(*category)
                                   : std::string("analysed packages"));
}

Result<std::vector<NormSampleRow>> Store::latestNormSamples(std::string_view ecosystem, std::string_view tag) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare(detail::kLatestNormSamplesSql);
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, tag);
    std::vector<NormSampleRow> out;
    for (;;) {
        auto row = stmt->step("norm samples");
        VIGIL_STORE_CHECK(row);
        if (!*row)
            return out;
        NormSampleRow r;
        r.fingerprint = stmt->integer(0);
        r.name = stmt->text(1);
        r.version = stmt->text(2);
        r.category = stmt->text(3);
        if (!stmt->isNull(4))
            r.behaviours = stmt->text(4);
        r.documentJson = stmt->text(5);
        out.push_back(std::move(r));
    }
}

Status Store::saveNormBehaviours(std::span<const std::pair<FingerprintId, std::string>> behaviours) {
    if (!impl_)
        return detail::movedFromStore();
    auto& db = impl_->db;
    auto tx = detail::Transaction::begin(db, "save norm behaviours");
    VIGIL_STORE_CHECK(tx);
    for (const auto& [id, text] : behaviours) {
        auto stmt = db.prepare("UPDATE behavior_fingerprints SET norm_behaviours = ?2 WHERE id = ?1");
        VIGIL_STORE_CHECK(stmt);
        stmt->bind(1, id).bind(2, text);
        VIGIL_TRY(stmt->run("save norm behaviours of fingerprint " + std::to_string(id)));
    }
    return tx->commit();
}

Result<std::optional<std::string>> Store::categoryOf(std::string_view ecosystem, std::string_view name) {
    if (!impl_)
        return detail::movedFromStore();
    auto stmt = impl_->db.prepare("SELECT ifnull(category, '') FROM packages WHERE ecosystem = ?1 AND name = ?2");
    VIGIL_STORE_CHECK(stmt);
    stmt->bind(1, ecosystem).bind(2, name);
    auto row = stmt->step("category of " + std::string(name));
    VIGIL_STORE_CHECK(row);
    if (!*row)
        return std::optional<std::string>{};
    return std::optional<std::string>{stmt->text(0)};
}

}  // namespace vigil::engine::store
