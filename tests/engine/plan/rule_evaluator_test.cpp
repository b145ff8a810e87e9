// The rules judging an analysis document: per-phase and whole-package matches merged per rule,
// matched values traced to event seqs, exceptions kept as expected, the version diff, and the
// same verdict from a stored document.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/engine/plan/finding_lookup.h"
#include "engine/plan/rule_evaluator.h"

namespace vigil::engine::plan {
namespace {

using test::findFinding;

namespace fs = std::filesystem;
using analysis::Section;

class RuleEvaluatorTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("vigil-rule-evaluator-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path rules(const std::string& name, const std::string& text) {
        const fs::path d = dir_ / name;
        fs::create_directories(d);
        std::ofstream(d / "rules.yaml") << "- required_engine_version: 1\n" << text;
        return d;
    }

    /// install: read $HOME/.npmrc (seq 3), NPM_TOKEN (4), DNS x.example (6), HTTP POST (7) that
    /// carried the token; import: read NPM_TOKEN again (2), eval (5).
    static AnalysisDocument document() {
        AnalysisDocument d;
        analysis::Fingerprint& fp = d.fingerprint;
        fp.package = "thief";
        fp.version = "1.1.0";
        fp.runtime = "node-test";
        fp.phases["install"] = {};
        fp.phases["import"] = {};
        fp.sections[Section::FileReads]["$HOME/.npmrc"] = {{"install", {3}}};
        fp.sections[Section::EnvReads]["NPM_TOKEN"] = {{"install", {4}}, {"import", {2}}};
        fp.sections[Section::NetDns]["x.example"] = {{"install", {6}}};
        fp.sections[Section::NetHttp]["POST x.example /u"] = {{"install", {7}}};
        fp.sections[Section::CodeDynamic]["eval"] = {{"import", {5}}};
        fp.checksum = analysis::computeChecksum(fp);
        analysis::ExfiltrationProof p;
        p.token = "npm_token";
        p.variable = "NPM_TOKEN";
        p.planted = {"env NPM_TOKEN", "$HOME/.npmrc"};
        p.encoding = {"base64"};
        p.channel = "http";
        p.destination = "x.example";
        p.phase = "install";
        p.tsNs = 1'200'000'000;
        p.seq = 7;
        p.seqs = {7};
        p.matchedChars = p.tokenChars = 36;
        d.proofs.push_back(p);
        return d;
    }

    fs::path dir_;
};

constexpr const char* kRules = R"(
- rule: honeytoken-exfiltration
  description: A planted secret left the sandbox
  condition: exfil.count > 0
  severity: critical
  tags: [exfiltration]

- rule: secret-env-read
  description: Reads a secret environment variable
  condition: events.env_read intersects ['NPM_TOKEN', 'AWS_SECRET*']
  severity: high
  tags: [credentials]

- rule: npmrc-and-network
  description: Reads the npm config and uses the network
  condition: >
    events.file.reads intersects ['$HOME/.npmrc']
    and events.network.count > 0
  severity: high

- rule: eval-used
  description: Uses eval
  condition: events.code.eval.count > 0
  severity: medium
  exceptions:
    - name: template_engine
      condition: package.name == 'thief'

- rule: new-host
  description: Contacts a host the previous version did not
  condition: diff.added.network.hosts.count > 0
  severity: medium
)";

TEST_F(RuleEvaluatorTest, FindingsCarryTheirPhasesValuesAndEvents) {
    auto ev = RuleEvaluator::load({rules("shipped", kRules)});
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    const auto findings = ev->judge(document());

    const report::Finding* exfil = findFinding(findings, "honeytoken-exfiltration");
    ASSERT_NE(exfil, nullptr);
    EXPECT_EQ(exfil->severity, Severity::Critical);
    EXPECT_EQ(exfil->title, "A planted secret left the sandbox");
    EXPECT_EQ(exfil->phases, std::vector<std::string>{"install"});
    ASSERT_EQ(exfil->events.size(), 1u);
    EXPECT_EQ(exfil->events[0].phase, "install");
    EXPECT_EQ(exfil->events[0].seq, 7u);
    EXPECT_NE(exfil->evidence.dump().find("NPM_TOKEN left base64-encoded"), std::string::npos) << exfil->evidence.dump();
    EXPECT_FALSE(exfil->expected);

    // Matched in both phases: one finding, both phases, the events of each.
    const report::Finding* env = findFinding(findings, "secret-env-read");
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->phases, (std::vector<std::string>{"install", "import"}));
    ASSERT_EQ(env->events.size(), 2u);
    EXPECT_EQ(env->events[0].phase, "install");
    EXPECT_EQ(env->events[0].seq, 4u);
    EXPECT_EQ(env->events[0].summary, "env.reads NPM_TOKEN");
    EXPECT_EQ(env->events[1].phase, "import");
    EXPECT_EQ(env->events[1].seq, 2u);
    EXPECT_EQ(env->evidence["events.env_read"], nlohmann::json::array({"NPM_TOKEN"}));

    // A count: every item of the field is evidence (the DNS query and the request), plus the read.
    const report::Finding* npmrc = findFinding(findings, "npmrc-and-network");
    ASSERT_NE(npmrc, nullptr);
    std::vector<uint64_t> seqs;
    for (const auto& e : npmrc->events)
        seqs.push_back(e.seq);
    EXPECT_EQ(seqs, (std::vector<uint64_t>{3, 6, 7}));

    // Suppressed by an exception: shown as expected, not alarmed.
    const report::Finding* eval = findFinding(findings, "eval-used");
    ASSERT_NE(eval, nullptr);
    EXPECT_TRUE(eval->expected);
    EXPECT_NE(eval->description.find("template_engine"), std::string::npos);
    EXPECT_EQ(eval->phases, std::vector<std::string>{"import"});

    EXPECT_EQ(findFinding(findings, "new-host"), nullptr) << "no previous version: no diff";
}

TEST_F(RuleEvaluatorTest, ThePreviousVersionFeedsTheDiff) {
    AnalysisDocument before = document();
    before.fingerprint.version = "1.0.0";
    before.fingerprint.sections.erase(Section::NetDns);
    before.fingerprint.sections.erase(Section::NetHttp);
    before.fingerprint.checksum = analysis::computeChecksum(before.fingerprint);
    auto ev = RuleEvaluator::load({rules("shipped", kRules)},
                                  [&](const analysis::Fingerprint& current, const std::string& category) {
                                      EXPECT_EQ(current.package, "thief");
                                      EXPECT_EQ(current.version, "1.1.0");
                                      EXPECT_EQ(category, "");
                                      PriorFacts prior;
                                      prior.previous = before.fingerprint;
                                      return std::optional<PriorFacts>(prior);
                                  });
    ASSERT_TRUE(ev.ok());
    const auto findings = ev->judge(document());
    const report::Finding* added = findFinding(findings, "new-host");
    ASSERT_NE(added, nullptr);
    EXPECT_EQ(added->evidence["diff.added.network.hosts.count"], nlohmann::json::array({"1"}));
    const auto diff = analysis::diffFacts(before.fingerprint, document().fingerprint);
    EXPECT_EQ(diff.added.at("network.hosts"), std::vector<std::string>{"x.example"});
    EXPECT_TRUE(diff.removed.at("network.hosts").empty());
}

TEST_F(RuleEvaluatorTest, TheCategoryAndItsNormsReachTheRules) {
    const fs::path dir = rules("shipped", R"(
- rule: rare-network-for-category
  description: Uses the network, which few packages of its category do
  condition: category in ['string'] and norm.network.share < 0.05 and events.network.count > 0
  severity: high
)");
    AnalysisDocument doc = document();
    doc.category.category = "string";
    std::string askedCategory;
    auto ev = RuleEvaluator::load({dir}, [&](const analysis::Fingerprint&, const std::string& category) {
        askedCategory = category;
        PriorFacts prior;
        prior.category = category;
        analysis::NormFacts norms;
        for (const std::string& k : analysis::normFactKeys())
            norms.share[k] = 0.0;  // none of its peers touch the network
        prior.norms = norms;
        return std::optional<PriorFacts>(prior);
    });
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    const auto findings = ev->judge(doc);
    EXPECT_EQ(askedCategory, "string") << "the document's category is what the norms are asked for";
    const report::Finding* rare = findFinding(findings, "rare-network-for-category");
    ASSERT_NE(rare, nullptr);
    EXPECT_EQ(rare->severity, Severity::High);

    // The same package without norms (an empty store) or in another category: quiet.
    auto noNorms = RuleEvaluator::load({dir}, [](const analysis::Fingerprint&, const std::string&) {
        return std::optional<PriorFacts>();
    });
    ASSERT_TRUE(noNorms.ok());
    EXPECT_EQ(findFinding(noNorms->judge(doc), "rare-network-for-category"), nullptr);
    doc.category.category = "http-client";
    EXPECT_EQ(findFinding(ev->judge(doc), "rare-network-for-category"), nullptr);
}

TEST_F(RuleEvaluatorTest, AStoredDocumentIsJudgedTheSameAndRuleChangesChangeTheVersion) {
    auto ev = RuleEvaluator::load({rules("shipped", kRules)});
    ASSERT_TRUE(ev.ok());
    const AnalysisDocument doc = document();
    const nlohmann::json stored = toJson(doc);
    EXPECT_EQ(stored["env_reads"], nlohmann::json::array({"NPM_TOKEN"}));
    EXPECT_EQ(stored["network_calls"], nlohmann::json::array({"x.example"}));
    AnalysisTarget target;
    target.name = "thief";
    target.version = "1.1.0";
    auto again = ev->evaluate(target, stored);
    ASSERT_TRUE(again.ok()) << again.error().describe();
    const auto direct = ev->judge(doc);
    ASSERT_EQ(again->size(), direct.size());
    for (size_t i = 0; i < direct.size(); ++i) {
        EXPECT_EQ((*again)[i].ruleId, direct[i].ruleId);
        EXPECT_EQ((*again)[i].events.size(), direct[i].events.size());
    }
    auto roundTrip = analysisDocumentFromJson(stored);
    ASSERT_TRUE(roundTrip.ok());
    EXPECT_EQ(roundTrip->proofs, doc.proofs);
    EXPECT_FALSE(ev->evaluate(target, nlohmann::json{{"network_calls", nlohmann::json::array()}}).ok())
        << "an older analyzer's document is not judged as if empty";

    auto user = RuleEvaluator::load({rules("shipped", kRules), rules("user", R"(
- rule: fixture-npmrc-read
  description: Reads the npm config
  condition: events.file.reads intersects ['$HOME/.npmrc']
  severity: low
)")});
    ASSERT_TRUE(user.ok());
    EXPECT_NE(user->version(), ev->version());
    EXPECT_NE(findFinding(user->judge(doc), "fixture-npmrc-read"), nullptr);
    auto same = RuleEvaluator::load({rules("shipped", kRules)});
    EXPECT_EQ(same->version(), ev->version());
}

TEST_F(RuleEvaluatorTest, DisabledRulesStaySilentAndChangeTheVersion) {
    auto all = RuleEvaluator::load({rules("shipped", kRules)});
    ASSERT_TRUE(all.ok()) << all.error().describe();
    const AnalysisDocument doc = document();
    ASSERT_NE(findFinding(all->judge(doc), "secret-env-read"), nullptr);
    auto off = RuleEvaluator::load({rules("shipped", kRules)}, {}, {"secret-env-read"});
    ASSERT_TRUE(off.ok()) << off.error().describe();
    EXPECT_EQ(findFinding(off->judge(doc), "secret-env-read"), nullptr);
    EXPECT_NE(findFinding(off->judge(doc), "honeytoken-exfiltration"), nullptr) << "only the named rule is off";
    EXPECT_NE(off->version(), all->version()) << "stored verdicts are judged again when the switches change";
    auto unknown = RuleEvaluator::load({rules("shipped", kRules)}, {}, {"no-such-rule"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::Usage);
    EXPECT_NE(unknown.error().primary.find("cannot disable rule 'no-such-rule'"), std::string::npos)
        << unknown.error().describe();
}

TEST_F(RuleEvaluatorTest, ABrokenRuleNamesItsFile) {
    auto ev = RuleEvaluator::load({rules("bad", R"(
- rule: broken
  description: x
  condition: events.no_such_field.count > 0
  severity: high
)")});
    ASSERT_FALSE(ev.ok());
    EXPECT_NE(ev.error().describe().find("rules.yaml"), std::string::npos) << ev.error().describe();
}

TEST_F(RuleEvaluatorTest, TheDocumentsCategoryReachesTheRulesAndSurvivesTheStore) {
    auto ev = RuleEvaluator::load({rules("shipped", R"(
- rule: network-in-string-library
  description: A string library on the network
  condition: category == 'string' and events.network.count > 0
  severity: medium
)")});
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    AnalysisDocument doc = document();
    EXPECT_EQ(findFinding(ev->judge(doc), "network-in-string-library"), nullptr) << "unknown category: no match";
    doc.category.category = "string";
    EXPECT_NE(findFinding(ev->judge(doc), "network-in-string-library"), nullptr);
    AnalysisTarget target;
    target.name = "thief";
    target.version = "1.1.0";
    auto again = ev->evaluate(target, toJson(doc));
    ASSERT_TRUE(again.ok()) << again.error().describe();
    EXPECT_NE(findFinding(*again, "network-in-string-library"), nullptr) << "a stored document is judged with its category";
}

}  // namespace
}  // namespace vigil::engine::plan
