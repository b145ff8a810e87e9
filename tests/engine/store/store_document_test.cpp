// Store: fingerprint documents (migration 2) and the queries behind the version diff, the category
// norms and the network history.
#include "engine/store/store.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/store/schema.h"
#include "tests/engine/store/store_test_support.h"

using namespace vigil::engine;
using namespace vigil::engine::store;
using vigil::engine::store::testing::RawDb;
using vigil::engine::store::testing::TempDir;
using vigil::engine::store::testing::openOrFail;

namespace {


// Written in the store's canonical form (keys sorted, compact), which is what it reads back.
std::string doc(const std::string& name, const std::string& version) {
    return R"({"package":")" + name + R"(","sections":{},"version":")" + version + R"("})";
}

class StoreDocuments : public ::testing::Test {
protected:
    void SetUp() override { store_.emplace(openOrFail(dir_ / "vigil.db")); }

    VersionId analysed(const std::string& name, const std::string& version, const std::string& published = "",
                       const std::string& category = "", bool withDocument = true) {
        VersionRecord r;
        r.packageName = name;
        r.version = version;
        r.publishedAt = published;
        auto id = store_->upsertVersion(r);
        EXPECT_TRUE(id.ok()) << id.error().describe();
        AnalysisRecord a;
        a.version = *id;
        a.category = category;
        a.fingerprint.analyzerVersion = "a1";
        if (withDocument)
            a.fingerprint.documentJson = doc(name, version);
        auto s = store_->recordAnalysis(a);
        EXPECT_TRUE(s.ok()) << s.error().describe();
        return *id;
    }

    TempDir dir_;
    std::optional<Store> store_;
};

}  // namespace

TEST(StoreMigration, ASchema1StoreIsUpgradedAndItsLegacyFingerprintsStayReadable) {
    TempDir dir;
    const auto path = dir / "old.db";
    {
        // A store as the first release wrote it: migration 1 only, one legacy fingerprint.
        RawDb raw(path);
        raw.exec(detail::migrations()[0].sql);
        raw.exec("PRAGMA user_version = 1");
        raw.exec("INSERT INTO packages (id, ecosystem, name, category) VALUES (1, 'npm', 'left-pad', 'string')");
        raw.exec("INSERT INTO versions (id, package_id, version) VALUES (1, 1, '1.0.0')");
        raw.exec("INSERT INTO behavior_fingerprints (id, version_id, analyzer_version, created_at, network_calls, "
                 "checksum) VALUES (1, 1, 'old', 5, '[\"x.example:443\"]', 'c0ffee')");
        raw.exec("UPDATE versions SET fingerprint_id = 1 WHERE id = 1");
    }
    Store store = openOrFail(path);
    EXPECT_EQ(RawDb(path).rows("PRAGMA user_version"), std::vector<std::string>{std::to_string(schemaVersion())});
    EXPECT_GE(schemaVersion(), 2);

    auto legacy = store.fingerprintOf("npm", "left-pad", "1.0.0");
    ASSERT_TRUE(legacy.ok() && legacy->has_value()) << (legacy.ok() ? "absent" : legacy.error().describe());
    EXPECT_TRUE((*legacy)->showsBehavior(Behavior::NetworkCalls));
    EXPECT_EQ((*legacy)->record.documentJson, "{}");  // the column default: no document
    EXPECT_TRUE(store.everMadeNetworkCalls("npm", "left-pad").value());
    // A legacy fingerprint has no document: the document queries treat the version as unanalysed.
    EXPECT_FALSE(store.analysedVersion("npm", "left-pad", "1.0.0").value().has_value());
    EXPECT_TRUE(store.analysedVersionsOf("npm", "left-pad").value().empty());
    EXPECT_EQ(store.categoryOf("npm", "left-pad").value(), std::optional<std::string>("string"));
    EXPECT_TRUE(store.checkIntegrity().ok());

    // Re-analysis after the upgrade stores the document, and it reads back in canonical form.
    FingerprintRecord fresh;
    fresh.analyzerVersion = "new";
    fresh.documentJson = doc("left-pad", "1.0.0");
    ASSERT_TRUE(store.saveFingerprint(1, fresh).ok());
    auto current = store.analysedVersion("npm", "left-pad", "1.0.0");
    ASSERT_TRUE(current.ok() && current->has_value());
    EXPECT_EQ((*current)->documentJson, fresh.documentJson);
    EXPECT_EQ((*current)->category, "string");
    EXPECT_EQ((*current)->analyzerVersion, "new");
    EXPECT_EQ(store.fingerprintOf("npm", "left-pad", "1.0.0").value()->record.documentJson, fresh.documentJson);
}

TEST_F(StoreDocuments, ADocumentThatIsNotAnObjectIsRefusedNamingTheVersionAndNothingIsWritten) {
    VersionRecord r;
    r.packageName = "bad";
    r.version = "1.0.0";
    auto id = store_->upsertVersion(r);
    ASSERT_TRUE(id.ok());
    AnalysisRecord a;
    a.version = *id;
    a.category = "string";
    a.fingerprint.documentJson = "[1,2]";
    auto s = store_->recordAnalysis(a);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::Input);
    EXPECT_NE(s.error().primary.find("bad@1.0.0"), std::string::npos) << s.error().primary;
    // The transaction rolled back: neither the fingerprint nor the category landed.
    EXPECT_FALSE(store_->fingerprintOf("npm", "bad", "1.0.0").value().has_value());
    EXPECT_EQ(store_->categoryOf("npm", "bad").value(), std::optional<std::string>(""));
}

TEST_F(StoreDocuments, VersionsOfAPackageComeOldestFirstAndOnlyThoseWithADocument) {
    analysed("x", "2.0.0", "2024-02-01T00:00:00Z");
    analysed("x", "1.0.0", "2024-01-01T00:00:00Z");
    analysed("x", "3.0.0");  // publish time unknown: last
    analysed("x", "1.5.0", "2024-01-15T00:00:00Z", "", /*withDocument=*/false);
    auto versions = store_->analysedVersionsOf("npm", "x");
    ASSERT_TRUE(versions.ok());
    std::vector<std::string> order;
    for (const auto& v : *versions)
        order.push_back(v.version);
    EXPECT_EQ(order, (std::vector<std::string>{"1.0.0", "2.0.0", "3.0.0"}));
    EXPECT_EQ(versions->front().documentJson, doc("x", "1.0.0"));
    EXPECT_FALSE(store_->analysedVersion("npm", "x", "1.5.0").value().has_value());
    EXPECT_FALSE(store_->analysedVersion("npm", "x", "9.9.9").value().has_value());
    EXPECT_TRUE(store_->analysedVersionsOf("npm", "never-seen").value().empty());
}

TEST_F(StoreDocuments, LatestAnalysedPackagesGiveTheNewestVersionOfEachPackageWithItsCategory) {
    analysed("date-a", "1.0.0", "2024-01-01T00:00:00Z", "date");
    analysed("date-a", "1.1.0", "2024-03-01T00:00:00Z", "date");
    analysed("date-b", "0.1.0", "", "date");
    analysed("left-pad", "1.3.0", "", "string");
    analysed("mystery", "1.0.0");  // no category
    analysed("empty-ref", "0.0.0", "", "date");
    ASSERT_TRUE(store_->setPackageBaseline(*store_->upsertPackage("npm", "empty-ref"), true).ok());

    auto all = store_->latestAnalysedPackages("npm");
    ASSERT_TRUE(all.ok()) << all.error().describe();
    std::vector<std::string> seen;
    for (const auto& a : *all)
        seen.push_back(a.name + "@" + a.version + ":" + a.category);
    EXPECT_EQ(seen, (std::vector<std::string>{"date-a@1.1.0:date", "date-b@0.1.0:date", "left-pad@1.3.0:string",
                                              "mystery@1.0.0:"}));

    auto dates = store_->latestAnalysedPackages("npm", "date");
    ASSERT_TRUE(dates.ok());
    ASSERT_EQ(dates->size(), 2u);
    EXPECT_EQ((*dates)[0].documentJson, doc("date-a", "1.1.0"));
    EXPECT_TRUE(store_->latestAnalysedPackages("npm", "math").value().empty());
}

TEST_F(StoreDocuments, TheCategoryIsWrittenWithTheAnalysisAndAnEmptyOneKeepsTheOld) {
    analysed("chalk", "5.0.0", "", "color-terminal");
    EXPECT_EQ(store_->categoryOf("npm", "chalk").value(), std::optional<std::string>("color-terminal"));
    analysed("chalk", "5.1.0");
    EXPECT_EQ(store_->categoryOf("npm", "chalk").value(), std::optional<std::string>("color-terminal"));
    EXPECT_FALSE(store_->categoryOf("npm", "nope").value().has_value());
}
