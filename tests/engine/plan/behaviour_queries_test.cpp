// The key behaviour queries from a store filled with hand-made fingerprints: X@a vs X@b, what is
// normal for a category, whether X ever networked, and the prior facts the analyzer judges with.
#include "engine/plan/behaviour_queries.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/engine/plan/behaviour_store_fixture.h"
#include "tests/engine/store/store_test_support.h"

namespace vigil::engine::plan {
namespace {

using test::evilRelease;
using test::quietPackage;
using test::storeAnalysis;

class BehaviourQueriesTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::Store::open(dir_ / "vigil.db");
        ASSERT_TRUE(opened.ok()) << opened.error().describe();
        store_.emplace(std::move(opened).value());
    }
    store::testing::TempDir dir_;
    std::optional<store::Store> store_;
};

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

TEST_F(BehaviourQueriesTest, WhatChangedShowsTheNewHostWithTheNewerVersionsEvents) {
    storeAnalysis(*store_, evilRelease("1.0.0", false));
    storeAnalysis(*store_, evilRelease("1.0.1", true));
    BehaviourQueries q(*store_);
    auto diff = q.whatChanged({"evil", "1.0.0"}, {"evil", "1.0.1"});
    ASSERT_TRUE(diff.ok()) << diff.error().describe();
    EXPECT_FALSE(diff->sameBehaviour);
    ASSERT_EQ(diff->added.size(), 2u);
    EXPECT_EQ(diff->added[0].key, "evil.example:443/tcp");
    EXPECT_EQ(diff->added[0].evidence, (analysis::EventSeqs{{"install", {12, 15}}}));
    EXPECT_EQ(diff->added[1].key, "NPM_TOKEN");
    EXPECT_TRUE(diff->removed.empty());
    // The scan's conversion kept the legacy arrays in step with the document.
    EXPECT_TRUE(store_->everMadeNetworkCalls("npm", "evil").value());
}

TEST_F(BehaviourQueriesTest, AVersionNeverAnalysedIsNamedWithHowToAnalyseIt) {
    storeAnalysis(*store_, evilRelease("1.0.0", false));
    store::VersionRecord resolvedOnly;
    resolvedOnly.packageName = "evil";
    resolvedOnly.version = "2.0.0";
    ASSERT_TRUE(store_->upsertVersion(resolvedOnly).ok());
    BehaviourQueries q(*store_);

    auto unknown = q.whatChanged({"evil", "1.0.0"}, {"evil", "9.9.9"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
    EXPECT_NE(unknown.error().primary.find("evil@9.9.9 is not in the store"), std::string::npos)
        << unknown.error().primary;
    EXPECT_NE(unknown.error().primary.find("analysed versions of evil: 1.0.0"), std::string::npos);
    EXPECT_NE(unknown.error().secondary.find("vigil-cli scan evil@9.9.9"), std::string::npos);

    auto unanalysed = q.fingerprint("evil", "2.0.0");
    ASSERT_FALSE(unanalysed.ok());
    EXPECT_NE(unanalysed.error().primary.find("evil@2.0.0 was never analysed"), std::string::npos)
        << unanalysed.error().primary;

    EXPECT_EQ(parsePackageVersion("@scope/x@1.2.3").value().name, "@scope/x");
    EXPECT_EQ(parsePackageVersion("@scope/x").error().code, ErrorCode::Usage);
    EXPECT_EQ(parsePackageVersion("left-pad@").error().code, ErrorCode::Usage);
}

TEST_F(BehaviourQueriesTest, NormsCountTheNewestVersionOfEachPackageOfTheCategory) {
    for (const char* name : {"date-a", "date-b", "date-c", "date-d", "date-e"})
        storeAnalysis(*store_, quietPackage(name), "date");
    storeAnalysis(*store_, evilRelease("1.0.0", true), "date", "2024-01-01T00:00:00Z");
    storeAnalysis(*store_, evilRelease("1.0.1", false), "date", "2024-02-01T00:00:00Z");  // newest: quiet
    storeAnalysis(*store_, quietPackage("uncategorised"));
    BehaviourQueries q(*store_);

    auto table = q.normalFor("date");
    ASSERT_TRUE(table.ok()) << table.error().describe();
    EXPECT_EQ(table->packages, 6u);
    EXPECT_TRUE(table->available);
    const auto network = std::find_if(table->rows.begin(), table->rows.end(),
                                      [](const analysis::NormRow& r) { return r.behaviour == "network"; });
    ASSERT_NE(network, table->rows.end());
    EXPECT_EQ(network->count, 0u);  // evil's newest analysed version made no call
    const auto process = std::find_if(table->rows.begin(), table->rows.end(),
                                      [](const analysis::NormRow& r) { return r.behaviour == "process"; });
    ASSERT_NE(process, table->rows.end());
    EXPECT_EQ(process->count, 1u);
    EXPECT_EQ(process->examples, std::vector<std::string>{"evil@1.0.1"});

    auto bad = q.normalFor("stirng");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::Usage);
    EXPECT_NE(bad.error().secondary.find("string"), std::string::npos);
}

/// The share of `behaviour` in the norms' table of `category`.
std::size_t normCount(BehaviourQueries& q, const std::string& category, const std::string& behaviour) {
    auto norms = q.norms();
    EXPECT_TRUE(norms.ok()) << norms.error().describe();
    if (!norms.ok())
        return 9999;
    for (const auto& row : norms->table(category).rows)
        if (row.behaviour == behaviour)
            return row.count;
    return 9999;
}

TEST_F(BehaviourQueriesTest, NormsKeepEachFingerprintsBehavioursAndFollowItsDocument) {
    for (const char* name : {"date-a", "date-b", "date-c", "date-d", "date-e"})
        storeAnalysis(*store_, quietPackage(name), "date");
    storeAnalysis(*store_, evilRelease("1.0.0", true), "date");
    storeAnalysis(*store_, quietPackage("uncategorised"));
    BehaviourQueries q(*store_);
    store::testing::RawDb raw(dir_ / "vigil.db");
    const std::string saved = "SELECT count(*) FROM behavior_fingerprints WHERE norm_behaviours IS NOT NULL";

    // The first norms work the behaviours out from the documents and keep them; the second read
    // them back and give the same table.
    auto first = q.norms();
    ASSERT_TRUE(first.ok()) << first.error().describe();
    EXPECT_EQ(raw.rows(saved), std::vector<std::string>{"6"});  // the uncategorised one is in no norm
    EXPECT_EQ(raw.rows("SELECT norm_behaviours FROM behavior_fingerprints f JOIN versions v ON v.id = f.version_id"
                       " WHERE v.version = '1.0.0' AND f.document LIKE '%evil%'"),
              std::vector<std::string>{"behaviours/1:env_read,install_script,network,process,shell"});
    auto second = q.norms();
    ASSERT_TRUE(second.ok()) << second.error().describe();
    EXPECT_EQ(analysis::toJson(second->table("date")).dump(), analysis::toJson(first->table("date")).dump());
    EXPECT_EQ(normCount(q, "date", "network"), 1u);

    // What is kept is what the norms count (no document is read for it)...
    raw.exec("UPDATE behavior_fingerprints SET norm_behaviours = 'behaviours/1:network'"
             " WHERE version_id = (SELECT v.id FROM versions v JOIN packages p ON p.id = v.package_id"
             " WHERE p.name = 'date-a')");
    EXPECT_EQ(normCount(q, "date", "network"), 2u);
    // ...until the document changes: a new analysis of date-a clears it, and it is worked out again.
    storeAnalysis(*store_, quietPackage("date-a"), "date");
    EXPECT_EQ(normCount(q, "date", "network"), 2u) << "the same document: nothing to clear";
    analysis::Fingerprint networked = evilRelease("1.0.0", true);
    networked.package = "date-a";
    networked.checksum = analysis::computeChecksum(networked);
    storeAnalysis(*store_, networked, "date");
    EXPECT_EQ(normCount(q, "date", "network"), 2u);  // date-a really calls out now, evil too
    storeAnalysis(*store_, quietPackage("date-a"), "date");
    EXPECT_EQ(normCount(q, "date", "network"), 1u);

    // Behaviours kept by another definition version are not trusted.
    raw.exec("UPDATE behavior_fingerprints SET norm_behaviours = 'behaviours/0:network'");
    EXPECT_EQ(normCount(q, "date", "network"), 1u);
    EXPECT_EQ(raw.rows("SELECT count(*) FROM behavior_fingerprints WHERE norm_behaviours LIKE 'behaviours/0:%'"),
              std::vector<std::string>{"1"});  // only the uncategorised one, which no norm reads
}

TEST_F(BehaviourQueriesTest, NetworkHistoryListsVersionsInSemverOrderAndRefusesToGuess) {
    storeAnalysis(*store_, evilRelease("1.10.0", false));
    storeAnalysis(*store_, evilRelease("1.9.0", true));
    storeAnalysis(*store_, evilRelease("1.2.0", false));
    BehaviourQueries q(*store_);
    auto history = q.networkHistory("evil");
    ASSERT_TRUE(history.ok()) << history.error().describe();
    ASSERT_EQ(history->versions.size(), 3u);
    EXPECT_EQ(history->versions[0].version, "1.2.0");
    EXPECT_EQ(history->versions[2].version, "1.10.0");
    EXPECT_TRUE(history->madeNetworkCalls);
    EXPECT_EQ(history->versionsWithCalls, std::vector<std::string>{"1.9.0"});
    EXPECT_TRUE(contains(history->hosts, "evil.example"));
    // The version numbers alone (no document read) come in the same semver order.
    auto numbers = q.analysedVersionNumbers("evil");
    ASSERT_TRUE(numbers.ok());
    EXPECT_EQ(*numbers, (std::vector<std::string>{"1.2.0", "1.9.0", "1.10.0"}));
    auto none = q.analysedVersionNumbers("left-pad");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());

    auto never = q.networkHistory("left-pad");
    ASSERT_FALSE(never.ok());
    EXPECT_EQ(never.error().code, ErrorCode::NotFound);
    EXPECT_NE(never.error().primary.find("no version of left-pad was analysed"), std::string::npos);
}

TEST_F(BehaviourQueriesTest, PriorFactsDiffAgainstTheSemverPreviousAndUseLeaveOneOutNorms) {
    for (const char* name : {"date-a", "date-b", "date-c", "date-d", "date-e"})
        storeAnalysis(*store_, quietPackage(name), "date");
    // Stored out of order: 2.0.0 is not the previous version of the 1.2.5 backport.
    storeAnalysis(*store_, evilRelease("1.0.0", false), "date");
    storeAnalysis(*store_, evilRelease("2.0.0", true), "date");
    const analysis::Fingerprint backport = evilRelease("1.2.5", true);
    BehaviourQueries q(*store_);

    auto prior = q.priorFactsFor(backport);
    ASSERT_TRUE(prior.ok()) << prior.error().describe();
    EXPECT_EQ(prior->category, "date");
    ASSERT_TRUE(prior->previous.has_value());
    EXPECT_EQ(prior->previous->version, "1.0.0");
    ASSERT_TRUE(prior->diff.has_value());
    EXPECT_TRUE(contains(prior->diff->added["network.hosts"], "evil.example")) << prior->diff->added.size();
    ASSERT_TRUE(prior->norms.has_value());
    // evil's stored 2.0.0 networked, but evil is left out of its own norm: the others never did.
    EXPECT_EQ(prior->norms->share.at("network"), 0.0);
    auto install = prior->diffFor(backport, "install");
    ASSERT_TRUE(install.has_value());
    EXPECT_TRUE(contains(install->added["network.hosts"], "evil.example"));

    auto lowest = q.priorFactsFor(evilRelease("0.9.0", false));
    ASSERT_TRUE(lowest.ok());
    EXPECT_FALSE(lowest->previous.has_value());
    EXPECT_FALSE(lowest->diff.has_value());

    auto unknownCategory = q.priorFactsFor(quietPackage("stranger"));
    ASSERT_TRUE(unknownCategory.ok());
    EXPECT_FALSE(unknownCategory->norms.has_value());
}

}  // namespace
}  // namespace vigil::engine::plan
