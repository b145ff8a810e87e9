// The labelled corpus (tests/fixtures/corpus, labels.json) through the real analyzer: sandbox,
// kernel tracer, Node hook, honeypot, baseline subtraction, exfiltration proofs and the shipped
// rules. Every malicious package must raise its expected rules at their severity; no benign
// look-alike may raise anything high or critical. Prints recall and false-positive rate.
//
// Runtime: the packages run in parallel (VIGIL_CORPUS_JOBS, default 3) after one shared
// baseline run; the hang and spin packages take a shortened wall limit (kWall).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/core/severity.h"
#include "engine/plan/rule_evaluator.h"
#include "engine/plan/sandbox_analyzer.h"

namespace vigil::engine::plan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kCorpus = fs::path(VIGIL_FIXTURES_DIR) / "corpus";
/// Long enough for a spin to burn well over import-cpu-spin's 3 s of CPU, short enough to keep
/// the hang and spin packages from dominating the run.
constexpr std::chrono::seconds kWall{15};

struct Expectation {
    std::string rule;
    Severity severity = Severity::Info;
};

struct Entry {
    std::string dir;
    bool malicious = false;
    std::vector<Expectation> expect;
    std::string expectedMiss;  ///< non-empty: a known gap, reported but not failed
};

struct Outcome {
    std::vector<report::Finding> findings;
    std::vector<report::PhaseSummary> phases;
    std::string error;
    std::chrono::milliseconds elapsed{0};
};

std::vector<Entry> loadLabels() {
    std::ifstream in(kCorpus / "labels.json");
    const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    std::vector<Entry> out;
    if (!j.is_object() || !j.contains("packages"))
        return out;
    for (const json& p : j["packages"]) {
        Entry e;
        e.dir = p.value("dir", "");
        e.malicious = p.value("label", "") == "malicious";
        e.expectedMiss = p.value("expected_miss", "");
        for (const json& x : p.value("expect", json::array())) {
            const auto sev = parseSeverity(x.value("severity", ""));
            e.expect.push_back({x.value("rule", ""), sev.value_or(Severity::Info)});
        }
        out.push_back(std::move(e));
    }
    return out;
}

AnalysisTarget targetOf(const std::string& dir) {
    std::ifstream in(kCorpus / dir / "package.json");
    const json m = json::parse(in, nullptr, false);
    AnalysisTarget t;
    t.name = m.is_object() ? m.value("name", dir) : dir;
    t.version = m.is_object() ? m.value("version", "1.0.0") : "1.0.0";
    t.directory = kCorpus / dir;
    if (m.is_object() && m.contains("scripts") && m["scripts"].is_object())
        for (const auto& [event, script] : m["scripts"].items())
            if ((event == "preinstall" || event == "install" || event == "postinstall") && script.is_string())
                t.installScripts[event] = script.get<std::string>();
    return t;
}

/// An alarm: fired and not explained away by an exception.
const report::Finding* fired(const Outcome& o, const std::string& rule) {
    for (const report::Finding& f : o.findings)
        if (f.ruleId == rule && !f.expected)
            return &f;
    return nullptr;
}

std::string firedList(const Outcome& o) {
    std::string s;
    for (const report::Finding& f : o.findings)
        s += fmt::format("{}{}:{}{}", s.empty() ? "" : " ", f.ruleId, severityName(f.severity), f.expected ? "(expected)" : "");
    return s.empty() ? "-" : s;
}

std::string phaseList(const Outcome& o) {
    std::string s;
    for (const report::PhaseSummary& p : o.phases)
        s += fmt::format("{}{}={}", s.empty() ? "" : ",", p.phase, p.outcome);
    return s;
}

TEST(Corpus, EveryMaliciousPackageIsCaughtAndNoBenignOneIsAlarmed) {
    if (geteuid() != 0) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string(ci) == "true")
            FAIL() << "the corpus test must run as root in CI";
        GTEST_SKIP() << "not root and CI != true: the corpus runs every package in the sandbox (run it with sudo)";
    }
    const std::vector<Entry> entries = loadLabels();
    ASSERT_GE(entries.size(), 30u) << "labels.json did not load from " << kCorpus;

    auto client = sandbox::SandboxClient::withHelper(VIGIL_SANDBOX_HELPER);
    ASSERT_TRUE(client.ok()) << client.error().describe();
    auto rules = RuleEvaluator::load({fs::path(VIGIL_SOURCE_DIR) / "rules"});
    ASSERT_TRUE(rules.ok()) << rules.error().describe();
    char tmpl[] = "/tmp/vigil-corpus-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const fs::path cache = tmpl;
    SandboxAnalyzerOptions options;
    options.cacheRoot = cache;
    options.phases.installLimits.wall = options.phases.importLimits.wall = options.phases.apiLimits.wall = kWall;
    auto analyzer = SandboxAnalyzer::create(std::move(*client), options,
                                            std::make_shared<RuleEvaluator>(std::move(*rules)), nullptr);
    ASSERT_TRUE(analyzer.ok()) << analyzer.error().describe();

    const auto started = std::chrono::steady_clock::now();
    // One baseline for every package (the analyzer keeps it); computed here so that a failure
    // is reported as such and not as 38 degraded analyses.
    auto baseline = (*analyzer)->baseline({});
    ASSERT_TRUE(baseline.ok()) << baseline.error().describe();

    const std::vector<std::string> phases(std::begin(kAllPhases), std::end(kAllPhases));
    std::vector<Outcome> outcomes(entries.size());
    std::atomic<std::size_t> next{0};
    const char* jobsText = std::getenv("VIGIL_CORPUS_JOBS");
    const unsigned jobs = std::clamp(jobsText != nullptr ? std::atoi(jobsText) : 3, 1, 8);
    {
        std::vector<std::jthread> workers;
        for (unsigned w = 0; w < jobs; ++w)
            workers.emplace_back([&] {
                for (std::size_t i = next++; i < entries.size(); i = next++) {
                    const auto t0 = std::chrono::steady_clock::now();
                    auto a = (*analyzer)->analyse(targetOf(entries[i].dir), phases, {}, {});
                    Outcome& o = outcomes[i];
                    if (a) {
                        o.findings = std::move(a->findings);
                        o.phases = std::move(a->phases);
                    } else {
                        o.error = a.error().describe();
                    }
                    o.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
                }
            });
    }
    const auto total = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    fs::remove_all(cache);

    std::size_t malicious = 0, caught = 0, misses = 0, knownMisses = 0, benign = 0, flagged = 0;
    std::string table;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        const Outcome& o = outcomes[i];
        EXPECT_TRUE(o.error.empty()) << e.dir << ": " << o.error;
        std::string verdict;
        if (e.malicious) {
            ++malicious;
            std::string missing;
            for (const Expectation& x : e.expect) {
                const report::Finding* f = fired(o, x.rule);
                if (f == nullptr || f->severity != x.severity)
                    missing += fmt::format(" {}:{}{}", x.rule, severityName(x.severity),
                                           f == nullptr ? "" : fmt::format("(got {})", severityName(f->severity)));
            }
            if (missing.empty()) {
                ++caught;
                verdict = "caught";
                EXPECT_TRUE(e.expectedMiss.empty()) << e.dir << " is caught now: drop its expected_miss";
            } else if (!e.expectedMiss.empty()) {
                ++knownMisses;
                verdict = "expected miss (" + e.expectedMiss + ")";
            } else {
                ++misses;
                verdict = "MISSED" + missing;
                ADD_FAILURE() << e.dir << " did not raise" << missing << "; fired: " << firedList(o) << "; phases "
                              << phaseList(o);
            }
        } else {
            ++benign;
            std::string alarms;
            for (const report::Finding& f : o.findings)
                if (!f.expected && f.severity >= Severity::High)
                    alarms += fmt::format(" {}:{}", f.ruleId, severityName(f.severity));
            if (alarms.empty()) {
                verdict = "clean";
            } else {
                ++flagged;
                verdict = "FALSE POSITIVE" + alarms;
                ADD_FAILURE() << e.dir << " (benign) raised" << alarms << "; fired: " << firedList(o);
            }
        }
        table += fmt::format("  {:<22} {:<9} {:>6} ms  {:<40} {}\n    fired: {}\n", e.dir,
                             e.malicious ? "malicious" : "benign", o.elapsed.count(), phaseList(o), verdict, firedList(o));
    }
    const double recall = malicious == 0 ? 0 : double(caught) / double(malicious);
    const double fpRate = benign == 0 ? 0 : double(flagged) / double(benign);
    std::printf("corpus: %zu packages, %u jobs, %lld s\n%s", entries.size(), jobs, static_cast<long long>(total.count()),
                table.c_str());
    std::printf("corpus recall: %zu/%zu = %.3f (missed %zu, expected misses %zu)\n", caught, malicious, recall, misses,
                knownMisses);
    std::printf("corpus false-positive rate (high/critical on benign): %zu/%zu = %.3f\n", flagged, benign, fpRate);
    RecordProperty("recall", fmt::format("{:.3f}", recall));
    RecordProperty("false_positive_rate", fmt::format("{:.3f}", fpRate));
}

}  // namespace
}  // namespace vigil::engine::plan
