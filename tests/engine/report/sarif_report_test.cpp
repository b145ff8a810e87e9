// SARIF details GitHub code scanning depends on, on a hand-made report: levels and
// security-severity per severity, expected findings left out, manifest lines without a lockfile,
// fingerprints stable across versions of a package.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/report/sarif_report.h"

namespace vigil::engine::report {
namespace {

namespace fs = std::filesystem;

class SarifReportTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("vigil-sarif-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "app");
        std::ofstream(dir_ / "app/package.json") << "{\n  \"name\": \"app\",\n  \"dependencies\": {\n"
                                                    "    \"left\": \"^1.0.0\",\n    \"right\": \"^2.0.0\"\n  }\n}\n";
    }
    void TearDown() override { fs::remove_all(dir_); }

    static Finding finding(const std::string& rule, Severity s, bool expected = false) {
        Finding f;
        f.ruleId = rule;
        f.severity = s;
        f.title = rule + " happened";
        f.expected = expected;
        return f;
    }

    ScanReport report(const std::string& rightVersion) {
        ScanReport r;
        r.projectPath = (dir_ / "app").string();
        r.projectName = "app";
        PackageReport deep;
        deep.name = "deep";
        deep.version = rightVersion;
        deep.paths = {{"right@2.0.0", "deep@" + rightVersion}};
        deep.findings = {finding("steals", Severity::Critical), finding("compiles", Severity::Medium, true),
                         finding("odd", Severity::Low)};
        r.packages.push_back(deep);
        return r;
    }

    fs::path dir_;
};

TEST_F(SarifReportTest, LevelsSeveritiesAndNoExpectedFindings) {
    const auto sarif = sarifReport(report("1.0.0"), SarifOptions{dir_, "0.1.0"});
    const auto& run = sarif["runs"][0];
    ASSERT_EQ(run["results"].size(), 2u) << "the expected (explained) finding is not an alert";
    EXPECT_EQ(run["results"][0]["level"], "error");
    EXPECT_EQ(run["results"][1]["level"], "note");
    ASSERT_EQ(run["tool"]["driver"]["rules"].size(), 2u);
    EXPECT_EQ(run["tool"]["driver"]["rules"][0]["properties"]["security-severity"], "9.5");
    EXPECT_EQ(run["tool"]["driver"]["rules"][1]["properties"]["security-severity"], "3.0");
    EXPECT_EQ(securitySeverity(Severity::High), "8.0");
    EXPECT_EQ(securitySeverity(Severity::Medium), "5.5");
}

TEST_F(SarifReportTest, WithoutALockfileTheDirectDependencysManifestLineIsTheLocation) {
    const auto sarif = sarifReport(report("1.0.0"), SarifOptions{dir_, "0.1.0"});
    const auto& loc = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "app/package.json");
    EXPECT_EQ(loc["region"]["startLine"], 5) << "\"right\": the dependency that pulls deep in";
}

TEST_F(SarifReportTest, AFileOutsideTheSourceRootIsAnAbsoluteUri) {
    const auto sarif = sarifReport(report("1.0.0"), SarifOptions{"/nonexistent-root", "0.1.0"});
    const auto uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    EXPECT_EQ(uri, "file://" + (dir_ / "app/package.json").string());
}

TEST_F(SarifReportTest, FingerprintsSurviveAVersionBump) {
    const auto a = sarifReport(report("1.0.0"), SarifOptions{dir_, "0.1.0"});
    const auto b = sarifReport(report("1.0.1"), SarifOptions{dir_, "0.1.0"});
    EXPECT_EQ(a["runs"][0]["results"][0]["partialFingerprints"], b["runs"][0]["results"][0]["partialFingerprints"]);
    EXPECT_NE(a["runs"][0]["results"][0]["partialFingerprints"], a["runs"][0]["results"][1]["partialFingerprints"]);
}

}  // namespace
}  // namespace vigil::engine::report
