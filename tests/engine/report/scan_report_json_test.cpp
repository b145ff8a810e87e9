// vigil.scan/1: the demo fixture round-trips, and malformed input is an Input error naming the JSON path.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/core/file_io.h"
#include "engine/report/scan_report_json.h"

namespace vigil::engine::report {
namespace {

const std::string kDemo = std::string(VIGIL_FIXTURES_DIR) + "/report/demo-scan.json";

nlohmann::json demoJson() { return nlohmann::json::parse(readWholeFile(kDemo).value()); }

TEST(ScanReportJson, DemoFixtureReadsIntoTheModel) {
    MemoryEventSource events;
    auto report = readScanReportFile(kDemo, &events);
    ASSERT_TRUE(report.ok()) << report.error().describe();
    EXPECT_EQ(report->scanId, 42);
    EXPECT_EQ(report->packages.size(), 6u);
    EXPECT_EQ(report->packages[0].key(), "env-inspector@1.0.3");
    EXPECT_EQ(report->packages[0].severity, Severity::Critical);
    EXPECT_EQ(report->packages[0].findings[0].ruleId, "install-env-exfiltration");
    // The file's events go to the source, not into the report.
    const auto inspector = events.eventsOf("env-inspector", "1.0.3");
    ASSERT_TRUE(inspector.ok());
    EXPECT_EQ((*inspector)[3].kind, "env.enumerate");
    EXPECT_EQ((*inspector)[3].attribution.file, "collect.js");
    EXPECT_EQ(report->findingsBySeverity.at(Severity::High), 2u);
    EXPECT_EQ(report->packages[1].phases[0].duration, std::chrono::milliseconds(43));
    ASSERT_TRUE(report->comparison.has_value());
    EXPECT_EQ(report->comparison->previousScanId, 41);
    EXPECT_EQ(isoTimestamp(report->startedAt), "2025-03-14T09:26:53.589Z");
}

TEST(ScanReportJson, RoundTripIsLossless) {
    const auto original = demoJson();
    MemoryEventSource events;
    auto report = scanReportFromJson(original, &events);
    ASSERT_TRUE(report.ok()) << report.error().describe();
    const auto again = scanReportToJson(*report, events);
    ASSERT_TRUE(again.ok()) << again.error().describe();
    EXPECT_EQ(*again, original) << nlohmann::json::diff(original, *again).dump(1);
}

TEST(ScanReportJson, AWholeScanCarriesNoEventsButStaysValidSlashOne) {
    auto report = scanReportFromJson(demoJson());
    ASSERT_TRUE(report.ok());
    const auto json = scanReportToJson(*report);
    EXPECT_EQ(json.at("schema"), kScanSchema);
    for (const auto& p : json.at("packages")) {
        ASSERT_TRUE(p.contains("events")) << p.at("name");  // /1 readers index it: kept, empty
        EXPECT_TRUE(p.at("events").empty()) << p.at("name");
    }
    // Read back: no events to give, so a renderer says so instead of "did nothing".
    MemoryEventSource events;
    ASSERT_TRUE(scanReportFromJson(json, &events).ok());
    EXPECT_EQ(events.eventsOf("env-inspector", "1.0.3").error().code, ErrorCode::NotFound);
}

TEST(ScanReportJson, NoComparisonIsNull) {
    auto j = demoJson();
    j["comparison"] = nullptr;
    auto report = scanReportFromJson(j);
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->comparison.has_value());
    EXPECT_TRUE(scanReportToJson(*report)["comparison"].is_null());
}

struct BadCase {
    const char* name;
    std::function<void(nlohmann::json&)> mutate;
    const char* expectedInPrimary;
};

TEST(ScanReportJson, MalformedInputNamesThePath) {
    const BadCase cases[] = {
        {"other schema", [](auto& j) { j["schema"] = "vigil.scan/2"; }, "vigil.scan/2"},
        {"not a scan", [](auto& j) { j["schema"] = "vigil.resolve/1"; }, "vigil.resolve/1"},
        {"no schema", [](auto& j) { j.erase("schema"); }, "/schema is missing"},
        {"bad severity", [](auto& j) { j["packages"][2]["findings"][0]["severity"] = "severe"; },
         "/packages/2/findings/0/severity is \"severe\""},
        {"score type", [](auto& j) { j["packages"][1]["score"] = "high"; }, "/packages/1/score has the wrong type"},
        {"score range", [](auto& j) { j["packages"][1]["score"] = 101; }, "/packages/1/score is 101"},
        {"packages not array", [](auto& j) { j["packages"] = nlohmann::json::object(); }, "/packages is not an array"},
        {"bad time", [](auto& j) { j["started_at"] = "yesterday"; }, "/started_at is \"yesterday\""},
        {"bad event", [](auto& j) { j["packages"][0]["events"][1].erase("kind"); }, "/packages/0/events/1"},
        {"edge without target", [](auto& j) { j["edges"][0].erase("to"); }, "/edges/0/to is missing"},
        {"severity count key", [](auto& j) { j["findings_by_severity"]["urgent"] = 1; }, "urgent"},
    };
    for (const auto& c : cases) {
        auto j = demoJson();
        c.mutate(j);
        auto report = scanReportFromJson(j);
        ASSERT_FALSE(report.ok()) << c.name;
        EXPECT_EQ(report.error().code, ErrorCode::Input) << c.name;
        EXPECT_NE(report.error().primary.find(c.expectedInPrimary), std::string::npos)
            << c.name << ": " << report.error().primary;
    }
}

TEST(ScanReportJson, SyntaxErrorNamesFileLineColumn) {
    const std::string path = std::string(VIGIL_BINARY_DIR) + "/scan_report_json_test_bad.json";
    std::ofstream(path) << "{\n  \"schema\": \"vigil.scan/1\",\n  \"packages\": [,]\n}\n";
    auto report = readScanReportFile(path);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::Input);
    EXPECT_NE(report.error().primary.find(path + ":3:"), std::string::npos) << report.error().primary;
}

TEST(ScanReportJson, TimestampsParseTheirOwnFormatAndRejectGarbage) {
    const auto tp = parseIsoTimestamp("2024-02-29T23:59:59.5Z");
    ASSERT_TRUE(tp.has_value());
    EXPECT_EQ(isoTimestamp(*tp), "2024-02-29T23:59:59.500Z");
    EXPECT_TRUE(parseIsoTimestamp("2024-02-29T23:59:59+00:00").has_value());
    EXPECT_FALSE(parseIsoTimestamp("2024-02-29 23:59:59Z").has_value());
    EXPECT_FALSE(parseIsoTimestamp("2024-13-01T00:00:00Z").has_value());
    EXPECT_FALSE(parseIsoTimestamp("2024-02-29T23:59:59.Z").has_value());
    EXPECT_FALSE(parseIsoTimestamp("2024-02-29T23:59:59+02:00").has_value());
}

}  // namespace
}  // namespace vigil::engine::report
