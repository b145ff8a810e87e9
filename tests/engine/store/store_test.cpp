// Store: opening, migrations, refusing foreign or newer databases, catalogue upserts, file lists.
#include "engine/store/store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/engine/store/store_test_support.h"

using namespace vigil::engine;
using namespace vigil::engine::store;
using vigil::engine::store::testing::RawDb;
using vigil::engine::store::testing::TempDir;
using vigil::engine::store::testing::openOrFail;

namespace {


VersionRecord record(std::string name, std::string version, std::string integrity = {}) {
    VersionRecord r;
    r.packageName = std::move(name);
    r.version = std::move(version);
    r.integrity = std::move(integrity);
    return r;
}

}  // namespace

TEST(StoreOpen, CreatesDirectoriesAndTheWholeSchemaInWalMode) {
    TempDir dir;
    auto path = dir / "nested/deeper/vigil.db";
    auto store = openOrFail(path);
    EXPECT_TRUE(std::filesystem::exists(path));

    auto stats = store.stats();
    ASSERT_TRUE(stats.ok()) << stats.error().describe();
    EXPECT_EQ(stats->schemaVersion, schemaVersion());
    EXPECT_GT(stats->dbBytes, 0u);
    for (const char* table : {"packages", "versions", "version_files", "behavior_fingerprints", "analysis_runs",
                              "events", "findings", "scans", "scan_packages", "scan_edges"})
        EXPECT_EQ(stats->rowsOf(table), 0) << table;

    RawDb raw(path);
    EXPECT_EQ(raw.rows("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
    EXPECT_EQ(raw.rows("PRAGMA user_version"), std::vector<std::string>{std::to_string(schemaVersion())});
}

TEST(StoreOpen, ReopenKeepsDataAndDoesNotMigrateAgain) {
    TempDir dir;
    auto path = dir / "vigil.db";
    PackageId id = 0;
    {
        auto store = openOrFail(path);
        auto pkg = store.upsertPackage("npm", "lodash");
        ASSERT_TRUE(pkg.ok());
        id = *pkg;
    }
    for (int round = 0; round < 2; ++round) {
        auto store = openOrFail(path);
        auto again = store.upsertPackage("npm", "lodash");
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(*again, id);
        auto stats = store.stats();
        ASSERT_TRUE(stats.ok());
        EXPECT_EQ(stats->schemaVersion, schemaVersion());
        EXPECT_EQ(stats->rowsOf("packages"), 1);
    }
}

TEST(StoreOpen, MigratesAnExistingEmptyFile) {
    TempDir dir;
    auto path = dir / "empty.db";
    std::ofstream(path).close();
    auto store = Store::open(path);
    ASSERT_TRUE(store.ok()) << store.error().describe();
    EXPECT_EQ(store->stats()->schemaVersion, schemaVersion());
}

TEST(StoreOpen, RefusesASchemaNewerThanThisBuildAndLeavesItAlone) {
    TempDir dir;
    auto path = dir / "future.db";
    { auto store = openOrFail(path); }
    const int future = schemaVersion() + 1;
    { RawDb(path).exec("PRAGMA user_version = " + std::to_string(future)); }

    auto store = Store::open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::Store);
    EXPECT_NE(store.error().primary.find(path.string()), std::string::npos) << store.error().primary;
    EXPECT_NE(store.error().primary.find("newer"), std::string::npos) << store.error().primary;
    EXPECT_NE(store.error().primary.find(std::to_string(future)), std::string::npos);
    EXPECT_FALSE(store.error().secondary.empty());
    EXPECT_EQ(RawDb(path).rows("PRAGMA user_version"), std::vector<std::string>{std::to_string(future)});
}

TEST(StoreOpen, RefusesAnotherApplicationsDatabaseWithoutTouchingIt) {
    TempDir dir;
    auto path = dir / "other.db";
    { RawDb(path).exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');"); }
    auto store = Store::open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().primary.find("not a VIGIL store"), std::string::npos) << store.error().primary;
    RawDb raw(path);
    EXPECT_EQ(raw.rows("SELECT name FROM sqlite_schema"), std::vector<std::string>{"notes"});
}

TEST(StoreOpen, RefusesAFileThatIsNotADatabase) {
    TempDir dir;
    auto path = dir / "notes.txt";
    std::ofstream(path) << "this is not an SQLite database, just some text long enough to have a header\n";
    auto store = Store::open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::Store);
    EXPECT_NE(store.error().primary.find(path.string()), std::string::npos) << store.error().primary;
}

TEST(StoreOpen, UnwritableLocationErrorNamesThePath) {
    TempDir dir;
    auto blocker = dir / "a-file";
    std::ofstream(blocker) << "x";
    // A regular file where a directory must be: fails even for root, unlike chmod.
    auto path = blocker / "sub" / "vigil.db";
    auto store = Store::open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::Io);
    EXPECT_NE(store.error().primary.find(path.string()), std::string::npos) << store.error().primary;

    auto dirAsDb = Store::open(dir.path());  // a directory is not a database file
    ASSERT_FALSE(dirAsDb.ok());
    EXPECT_NE(dirAsDb.error().primary.find(dir.path().string()), std::string::npos) << dirAsDb.error().primary;
}

TEST(StoreOpen, MovedFromStoreReportsAnErrorInsteadOfCrashing) {
    TempDir dir;
    auto store = openOrFail(dir / "vigil.db");
    Store other = std::move(store);
    auto bad = store.upsertPackage("npm", "x");  // NOLINT(bugprone-use-after-move): that is the test
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::Internal);
    EXPECT_TRUE(other.upsertPackage("npm", "x").ok());
}

TEST(StoreCatalog, UpsertsAreIdempotentAndRefreshMetadata) {
    TempDir dir;
    auto store = openOrFail(dir / "vigil.db");
    auto p1 = store.upsertPackage("npm", "chalk");
    auto p2 = store.upsertPackage("npm", "chalk");
    ASSERT_TRUE(p1.ok() && p2.ok());
    EXPECT_EQ(*p1, *p2);
    EXPECT_NE(*store.upsertPackage("pypi", "chalk"), *p1) << "ecosystems are separate namespaces";

    auto r = record("chalk", "5.3.0");
    r.publishedAt = "2023-06-29T12:00:00.000Z";
    r.metadataJson = R"({"maintainers":["sindresorhus"]})";
    auto v1 = store.upsertVersion(r);
    ASSERT_TRUE(v1.ok()) << v1.error().describe();
    r.metadataJson = R"({"maintainers":["sindresorhus","qix"]})";
    r.hasInstallScript = true;
    r.integrity = "sha512-AAAA";
    auto v2 = store.upsertVersion(r);
    ASSERT_TRUE(v2.ok()) << v2.error().describe();
    EXPECT_EQ(*v1, *v2);

    auto found = store.findVersion("npm", "chalk", "5.3.0");
    ASSERT_TRUE(found.ok() && found->has_value());
    const auto& v = **found;
    EXPECT_EQ(v.id, *v1);
    EXPECT_EQ(v.packageId, *p1);
    EXPECT_EQ(v.record.metadataJson, R"({"maintainers":["sindresorhus","qix"]})");
    EXPECT_TRUE(v.record.hasInstallScript);
    EXPECT_EQ(v.record.integrity, "sha512-AAAA") << "a missing integrity is filled in later";
    EXPECT_EQ(v.record.publishedAt, "2023-06-29T12:00:00.000Z");
    EXPECT_FALSE(v.fingerprintId.has_value());

    auto stats = store.stats();
    EXPECT_EQ(stats->rowsOf("packages"), 2);
    EXPECT_EQ(stats->rowsOf("versions"), 1);
}

TEST(StoreCatalog, AChangedIntegrityIsRefusedAndTheRecordKept) {
    TempDir dir;
    auto store = openOrFail(dir / "vigil.db");
    ASSERT_TRUE(store.upsertVersion(record("left-pad", "1.3.0", "sha512-original")).ok());
    auto tampered = store.upsertVersion(record("left-pad", "1.3.0", "sha512-evil"));
    ASSERT_FALSE(tampered.ok());
    EXPECT_EQ(tampered.error().code, ErrorCode::Integrity);
    EXPECT_NE(tampered.error().primary.find("left-pad@1.3.0"), std::string::npos) << tampered.error().primary;
    EXPECT_EQ((*store.findVersion("npm", "left-pad", "1.3.0"))->record.integrity, "sha512-original");
}

TEST(StoreCatalog, BadMetadataIsRefusedNamingThePackage) {
    TempDir dir;
    auto store = openOrFail(dir / "vigil.db");
    auto r = record("bad-meta", "1.0.0");
    r.metadataJson = "[1, 2";
    auto v = store.upsertVersion(r);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, ErrorCode::Input);
    EXPECT_NE(v.error().primary.find("bad-meta@1.0.0"), std::string::npos);
    EXPECT_EQ(store.stats()->rowsOf("versions"), 0);
}

TEST(StoreCatalog, VersionsOfListsOldestFirstWithUnknownDatesLast) {
    TempDir dir;
    auto store = openOrFail(dir / "vigil.db");
    auto a = record("debug", "4.3.4");
    a.publishedAt = "2022-03-17T00:00:00.000Z";
    auto b = record("debug", "2.6.9");
    b.publishedAt = "2017-09-22T00:00:00.000Z";
    auto c = record("debug", "0.0.1");  // unknown publish time
    for (const auto& r : {a, b, c})
        ASSERT_TRUE(store.upsertVersion(r).ok());
    ASSERT_TRUE(store.upsertVersion(record("not-debug", "1.0.0")).ok());
    auto versions = store.versionsOf("npm", "debug");
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 3u);
    EXPECT_EQ((*versions)[0].record.version, "2.6.9");
    EXPECT_EQ((*versions)[1].record.version, "4.3.4");
    EXPECT_EQ((*versions)[2].record.version, "0.0.1");
    EXPECT_TRUE(store.versionsOf("npm", "nobody")->empty());
}

TEST(StoreCatalog, UnicodeNamesRoundTripByteForByte) {
    TempDir dir;
    auto store = openOrFail(dir / "ünïcødé dir/store 包.db");
    const std::string name = "@スコープ/ünïcødé-包-🎨";
    auto r = record(name, "1.0.0-β.1");
    r.metadataJson = R"({"description":"Farben für das Terminal 🎨"})";
    auto id = store.upsertVersion(r);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    auto found = store.findVersion("npm", name, "1.0.0-β.1");
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->record.packageName, name);
    EXPECT_EQ((*found)->record.metadataJson, r.metadataJson);
    // Names are compared byte for byte: "é" precomposed is not "e" + combining accent.
    EXPECT_FALSE((*store.findVersion("npm", "@スコープ/u\xCC\x88n\xC3\xAF" "c\xC3\xB8" "d\xC3\xA9-包-🎨", "1.0.0-β.1"))
                     .has_value());
    EXPECT_EQ(store.versionsOf("npm", name)->size(), 1u);
}

TEST(StoreCatalog, FileListsAreReplacedWholeAndReadBackByPath) {
    TempDir dir;
    auto store = openOrFail(dir / "vigil.db");
    auto v = store.upsertVersion(record("ms", "2.1.3"));
    ASSERT_TRUE(v.ok());
    std::vector<FileEntry> first{{"package.json", 120, 0644, std::string(64, 'a')},
                                 {"index.js", 3000, 0644, std::string(64, 'b')},
                                 {"bin/ms", 80, 0755, std::string(64, 'c')}};
    ASSERT_TRUE(store.replaceVersionFiles(*v, first).ok());
    auto files = store.versionFiles(*v);
    ASSERT_TRUE(files.ok());
    ASSERT_EQ(files->size(), 3u);
    EXPECT_EQ((*files)[0], first[2]);  // "bin/ms" < "index.js" < "package.json"
    EXPECT_EQ((*files)[1], first[1]);
    EXPECT_EQ((*files)[2], first[0]);

    std::vector<FileEntry> dup{{"a.js", 1, 0644, "x"}, {"a.js", 2, 0644, "y"}};
    auto bad = store.replaceVersionFiles(*v, dup);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().primary.find("ms@2.1.3"), std::string::npos) << bad.error().primary;
    EXPECT_EQ(store.versionFiles(*v)->size(), 3u) << "a failed replacement leaves the old list";

    ASSERT_TRUE(store.replaceVersionFiles(*v, std::span(first).first(1)).ok());
    EXPECT_EQ(store.versionFiles(*v)->size(), 1u);

    auto missing = store.replaceVersionFiles(9999, first);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST(StoreCatalog, CategoryAndBaselineNeedAnExistingPackage) {
    TempDir dir;
    auto store = openOrFail(dir / "vigil.db");
    auto pkg = store.upsertPackage("npm", "kleur");
    ASSERT_TRUE(store.setPackageCategory(*pkg, "color").ok());
    ASSERT_TRUE(store.setPackageBaseline(*pkg, true).ok());
    auto missing = store.setPackageCategory(*pkg + 100, "color");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_TRUE(store.checkIntegrity().ok());
}
