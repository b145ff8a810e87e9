// Store: fingerprints and the key behaviour queries (X@a vs X@b, "ever networked", category norms),
// and that each key query is answered from an index rather than a full table scan.
#include "engine/store/store.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "engine/store/store_sql.h"
#include "tests/engine/store/store_test_support.h"

using namespace vigil::engine;
using namespace vigil::engine::store;
using vigil::engine::store::testing::RawDb;
using vigil::engine::store::testing::TempDir;

namespace {

class StoreQueries : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = Store::open(dir_ / "vigil.db");
        ASSERT_TRUE(opened.ok()) << opened.error().describe();
        store_.emplace(std::move(opened).value());
    }

    VersionId version(const std::string& name, const std::string& v, const char* category = nullptr) {
        VersionRecord r;
        r.packageName = name;
        r.version = v;
        auto id = store_->upsertVersion(r);
        EXPECT_TRUE(id.ok()) << id.error().describe();
        if (category) {
            auto pkg = store_->upsertPackage("npm", name);
            EXPECT_TRUE(store_->setPackageCategory(*pkg, category).ok());
        }
        return id.ok() ? *id : 0;
    }

    FingerprintId fingerprint(VersionId v, std::string network, std::string env = "[]",
                              std::string analyzer = "0.1.0") {
        FingerprintRecord f;
        f.analyzerVersion = std::move(analyzer);
        f[Behavior::NetworkCalls] = std::move(network);
        f[Behavior::EnvReads] = std::move(env);
        auto id = store_->saveFingerprint(v, f);
        EXPECT_TRUE(id.ok()) << id.error().describe();
        return id.ok() ? *id : 0;
    }

    TempDir dir_;
    std::optional<Store> store_;
};

}  // namespace

TEST_F(StoreQueries, WhatDidXAtADoVersusXAtB) {
    auto a = version("event-stream", "3.3.5");
    auto b = version("event-stream", "3.3.6");
    fingerprint(a, "[]");
    fingerprint(b, R"([{"host":"copay.io","port":443}])", R"(["npm_package_description"])");

    auto fa = store_->fingerprintOf("npm", "event-stream", "3.3.5");
    auto fb = store_->fingerprintOf("npm", "event-stream", "3.3.6");
    ASSERT_TRUE(fa.ok() && fa->has_value());
    ASSERT_TRUE(fb.ok() && fb->has_value());
    EXPECT_FALSE((*fa)->showsBehavior(Behavior::NetworkCalls));
    EXPECT_TRUE((*fb)->showsBehavior(Behavior::NetworkCalls));
    EXPECT_TRUE((*fb)->showsBehavior(Behavior::EnvReads));
    EXPECT_FALSE((*fb)->showsBehavior(Behavior::ShellCommands));
    EXPECT_EQ((*fb)->record[Behavior::NetworkCalls], R"([{"host":"copay.io","port":443}])");
    EXPECT_EQ((*fb)->versionId, b);
    EXPECT_NE((*fa)->checksum, (*fb)->checksum);

    EXPECT_FALSE(store_->fingerprintOf("npm", "event-stream", "9.9.9")->has_value());
    version("event-stream", "4.0.0");  // known but never analysed
    EXPECT_FALSE(store_->fingerprintOf("npm", "event-stream", "4.0.0")->has_value());
}

TEST_F(StoreQueries, FingerprintsAreCanonicalSoEqualBehaviourHasEqualChecksums) {
    auto a = version("ms", "2.1.2");
    auto b = version("ms", "2.1.3");
    fingerprint(a, R"(["b.example", "a.example", "b.example"])", R"(["HOME","CI"])");
    fingerprint(b, R"(["a.example","b.example"])", R"(["CI","HOME"])");
    auto fa = store_->fingerprintOf("npm", "ms", "2.1.2");
    auto fb = store_->fingerprintOf("npm", "ms", "2.1.3");
    EXPECT_EQ((*fa)->record[Behavior::NetworkCalls], R"(["a.example","b.example"])");
    EXPECT_EQ((*fa)->checksum, (*fb)->checksum);
    EXPECT_EQ((*fa)->checksum.size(), 64u);
}

TEST_F(StoreQueries, ANonArrayFingerprintIsRefusedNamingTheVersion) {
    auto v = version("weird", "1.0.0");
    FingerprintRecord f;
    f.analyzerVersion = "0.1.0";
    f[Behavior::FileWrites] = R"({"not":"an array"})";
    auto id = store_->saveFingerprint(v, f);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().code, ErrorCode::Input);
    EXPECT_NE(id.error().primary.find("weird@1.0.0"), std::string::npos) << id.error().primary;
    EXPECT_NE(id.error().primary.find("file_writes"), std::string::npos) << id.error().primary;
    EXPECT_EQ(store_->stats()->rowsOf("behavior_fingerprints"), 0);

    auto missing = store_->saveFingerprint(v + 1000, FingerprintRecord{"0.1.0"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_F(StoreQueries, TheDocumentRoundTripsOutsideTheChecksumAndMustBeAnObject) {
    auto a = version("doc", "1.0.0");
    auto b = version("doc", "1.0.1");
    FingerprintRecord f;
    f.analyzerVersion = "0.1.0";
    f[Behavior::EnvReads] = R"(["HOME"])";
    f.documentJson = R"({"sections":{"env.reads":[{"key":"HOME","evidence":{"import":[4]}}]}})";
    ASSERT_TRUE(store_->saveFingerprint(a, f).ok());
    f.documentJson = R"({"sections":{"env.reads":[{"key":"HOME","evidence":{"import":[9]}}]}})";
    ASSERT_TRUE(store_->saveFingerprint(b, f).ok());
    auto fa = store_->fingerprintOf("npm", "doc", "1.0.0");
    auto fb = store_->fingerprintOf("npm", "doc", "1.0.1");
    EXPECT_EQ(nlohmann::json::parse((*fa)->record.documentJson)["sections"]["env.reads"][0]["evidence"]["import"][0], 4);
    EXPECT_EQ((*fa)->checksum, (*fb)->checksum) << "seqs differ, behaviour does not";

    f.documentJson = "[1]";
    auto refused = store_->saveFingerprint(a, f);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::Input);
    EXPECT_NE(refused.error().primary.find("doc@1.0.0"), std::string::npos) << refused.error().primary;
}

TEST_F(StoreQueries, ReanalysisReplacesSameAnalyzerAndANewAnalyzerBecomesCurrent) {
    auto v = version("colors", "1.4.1");
    auto first = fingerprint(v, R"(["x"])", "[]", "0.1.0");
    auto again = fingerprint(v, "[]", "[]", "0.1.0");
    EXPECT_EQ(first, again) << "same analyzer version: replaced in place";
    auto newer = fingerprint(v, R"(["y"])", "[]", "0.2.0");
    EXPECT_NE(newer, first);

    auto stored = store_->findVersion("npm", "colors", "1.4.1");
    EXPECT_EQ((*stored)->fingerprintId, newer);
    EXPECT_EQ((*stored)->analyzerVersion, "0.2.0");
    EXPECT_TRUE((*stored)->analyzedAtMs.has_value());
    EXPECT_EQ((*store_->fingerprintOf("npm", "colors", "1.4.1"))->record[Behavior::NetworkCalls], R"(["y"])");
    EXPECT_EQ(store_->stats()->rowsOf("behavior_fingerprints"), 2);
}

TEST_F(StoreQueries, EverMadeNetworkCallsLooksAtEveryVersion) {
    fingerprint(version("ua-parser-js", "0.7.28"), "[]");
    fingerprint(version("ua-parser-js", "0.7.29"), R"(["citationsherbe.at"])");
    fingerprint(version("ua-parser-js", "0.7.30"), "[]");
    fingerprint(version("quiet", "1.0.0"), "[]", R"(["HOME"])");
    fingerprint(version("quiet", "2.0.0"), "[]");
    version("unanalysed", "1.0.0");

    EXPECT_TRUE(*store_->everMadeNetworkCalls("npm", "ua-parser-js"));
    EXPECT_FALSE(*store_->everMadeNetworkCalls("npm", "quiet"));
    EXPECT_FALSE(*store_->everMadeNetworkCalls("npm", "unanalysed"));
    EXPECT_FALSE(*store_->everMadeNetworkCalls("npm", "never-heard-of"));
    EXPECT_FALSE(*store_->everMadeNetworkCalls("pypi", "ua-parser-js"));
}

TEST_F(StoreQueries, CategoryNormIsTheShareOfAnalysedVersionsShowingEachBehaviour) {
    fingerprint(version("chalk", "4.1.2", "color"), "[]", R"(["FORCE_COLOR"])");
    fingerprint(version("chalk", "5.3.0", "color"), "[]", R"(["FORCE_COLOR","TERM"])");
    fingerprint(version("kleur", "4.1.5", "color"), "[]");
    fingerprint(version("colors", "1.4.44", "color"), R"(["evil.example"])");
    version("colors", "1.4.0", "color");  // not analysed: not counted
    // A baseline package in the category and other categories do not count either.
    auto base = version("empty-baseline", "1.0.0", "color");
    fingerprint(base, R"(["registry.npmjs.org"])", R"(["HOME"])");
    ASSERT_TRUE(store_->setPackageBaseline(*store_->upsertPackage("npm", "empty-baseline"), true).ok());
    fingerprint(version("axios", "1.6.0", "http-client"), R"(["api.example"])");

    auto norm = store_->categoryNorm("color");
    ASSERT_TRUE(norm.ok()) << norm.error().describe();
    EXPECT_EQ(norm->analysedVersions, 4);
    EXPECT_DOUBLE_EQ(norm->share(Behavior::NetworkCalls), 0.25);
    EXPECT_DOUBLE_EQ(norm->share(Behavior::EnvReads), 0.5);
    EXPECT_DOUBLE_EQ(norm->share(Behavior::ShellCommands), 0.0);

    auto http = store_->categoryNorm("http-client");
    EXPECT_EQ(http->analysedVersions, 1);
    EXPECT_DOUBLE_EQ(http->share(Behavior::NetworkCalls), 1.0);

    auto none = store_->categoryNorm("no-such-category");
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->analysedVersions, 0);
    EXPECT_DOUBLE_EQ(none->share(Behavior::NetworkCalls), 0.0);
}

TEST_F(StoreQueries, CategoryNormFollowsReanalysisAndCategoryChanges) {
    auto v1 = version("nanocolors", "0.1.0", "color");
    auto v2 = version("nanocolors", "0.2.0", "color");
    fingerprint(v1, "[]");
    fingerprint(v2, "[]");
    EXPECT_EQ(store_->categoryNorm("color")->versionsShowing[0], 0);

    fingerprint(v2, R"(["x.example"])");  // same analyzer: rewritten in place
    EXPECT_EQ(store_->categoryNorm("color")->versionsShowing[0], 1);
    fingerprint(v1, R"(["y.example"])", "[]", "0.2.0");  // new analyzer becomes current
    EXPECT_DOUBLE_EQ(store_->categoryNorm("color")->share(Behavior::NetworkCalls), 1.0);
    fingerprint(v1, "[]", "[]", "0.3.0");
    EXPECT_DOUBLE_EQ(store_->categoryNorm("color")->share(Behavior::NetworkCalls), 0.5);

    ASSERT_TRUE(store_->setPackageCategory(*store_->upsertPackage("npm", "nanocolors"), "terminal").ok());
    EXPECT_EQ(store_->categoryNorm("color")->analysedVersions, 0);
    EXPECT_EQ(store_->categoryNorm("terminal")->analysedVersions, 2);
    EXPECT_TRUE(store_->checkIntegrity().ok());
}

TEST_F(StoreQueries, IntegrityCheckCatchesBehaviourCountsThatDrifted) {
    fingerprint(version("chalk", "5.3.0", "color"), R"(["x"])");
    ASSERT_TRUE(store_->checkIntegrity().ok());
    RawDb(dir_ / "vigil.db").exec("UPDATE packages SET network_calls_versions = 7 WHERE name = 'chalk'");
    auto drift = store_->checkIntegrity();
    ASSERT_FALSE(drift.ok());
    EXPECT_NE(drift.error().secondary.find("chalk"), std::string::npos) << drift.error().describe();
}

TEST_F(StoreQueries, KeyQueriesUseIndicesNotFullScans) {
    // A little data, then the plans SQLite would run for the Store's own statements.
    for (int p = 0; p < 30; ++p)
        for (int v = 0; v < 3; ++v)
            fingerprint(version("pkg" + std::to_string(p), "1.0." + std::to_string(v), p % 2 ? "a" : "b"),
                        v ? "[]" : R"(["x"])");
    RawDb raw(dir_ / "vigil.db");
    raw.exec("ANALYZE");

    struct Expectation {
        const char* name;
        const char* sql;
        const char* mustUse;  // an index (or key) the plan must name
    };
    const Expectation queries[] = {
        {"fingerprint of X@a", detail::kFingerprintOfSql, "sqlite_autoindex_versions_1"},
        {"ever made network calls", detail::kEverMadeNetworkCallsSql, "versions_fingerprint_by_package"},
        {"category norm", detail::kCategoryNormSql, "COVERING INDEX packages_by_category"},
        {"latest scan", detail::kLatestScanSql, "scans_by_project"},
        {"events of run", detail::kEventsOfSql, "PRIMARY KEY"},
        {"findings of version", detail::kFindingsOfSql, "findings_by_version"},
    };
    for (const auto& q : queries) {
        auto plan = raw.rows(std::string("EXPLAIN QUERY PLAN ") + q.sql);
        ASSERT_FALSE(plan.empty()) << q.name;
        std::string all;
        for (const auto& row : plan) {
            all += row + "\n";
            // Columns: id|parent|notused|detail. A full scan reads "SCAN <table>" ("SCAN
            // CONSTANT ROW" is the one-row SELECT around EXISTS, not a table).
            const bool fullScan =
                row.find("|SCAN ") != std::string::npos && row.find("SCAN CONSTANT ROW") == std::string::npos;
            EXPECT_FALSE(fullScan) << q.name << " does a full scan:\n" << row;
            EXPECT_EQ(row.find("USE TEMP B-TREE"), std::string::npos) << q.name << " sorts:\n" << row;
        }
        EXPECT_NE(all.find(q.mustUse), std::string::npos) << q.name << " plan:\n" << all;
    }
}
