// Version diffs wherever a user reads them, from a store filled the way a scan fills it:
// `vigil-cli diff A B --format text|json|html|pdf --out FILE`, `vigil-cli report --package`, and
// the scan report's "Changes since <previous version>" section (attachVersionChanges). Everything
// a package controls (here a written path holding markup) must arrive escaped.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/report/html_report.h"
#include "engine/report/scan_report_json.h"
#include "engine/report/version_comparison.h"
#include "engine/resolve/tarball_cache.h"
#include "engine/store/store.h"
#include "tests/engine/resolve/tar_builder.h"
#include "tests/engine/plan/behaviour_store_fixture.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using nlohmann::json;
using vigil::test::ProcessResult;
using vigil::test::runCliWithStore;
using vigil::test::runProcess;
namespace store = vigil::engine::store;
namespace report = vigil::engine::report;
namespace plantest = vigil::engine::plan::test;
namespace analysistest = vigil::engine::analysis::test;

namespace {

const std::string kCli = std::string(VIGIL_BINARY_DIR) + "/app/cli/vigil-cli";
const std::string kHostile = "<script>alert(1)</script>";

/// hostile@version: 1.0.1 writes a file whose name is markup.
vigil::engine::analysis::Fingerprint hostileRelease(const std::string& version, bool markup) {
    std::vector<vigil::engine::collect::Event> install = {
        analysistest::ev(1, vigil::engine::collect::kind::ProcessExec, {{"argv", {"sh", "-c", "node build.js"}}})};
    if (markup)
        install.push_back(analysistest::ev(7, vigil::engine::collect::kind::FileOpen,
                                           {{"path", "/home/u/" + kHostile}, {"access", "write"}, {"create", true}}));
    return analysistest::fingerprintOf("hostile", version, {analysistest::record("install", install, 0, std::chrono::milliseconds(500))});
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class CliDiffExport : public ::testing::Test {
protected:
    void SetUp() override {
        home_ = fs::temp_directory_path() / ("vigil-cli-diff-export-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(home_);
        fs::create_directories(home_);
        auto db = store::Store::open(home_ / "vigil.db");
        ASSERT_TRUE(db.ok()) << db.error().describe();
        plantest::storeAnalysis(*db, plantest::evilRelease("1.0.0", false));
        plantest::storeAnalysis(*db, plantest::evilRelease("1.0.1", true));
        plantest::storeAnalysis(*db, hostileRelease("1.0.0", false));
        plantest::storeAnalysis(*db, hostileRelease("1.0.1", true));
    }
    void TearDown() override { fs::remove_all(home_); }

    ProcessResult cli(std::vector<std::string> args) { return runCliWithStore(kCli, std::move(args), home_.string()); }

    fs::path home_;
};

}  // namespace

TEST_F(CliDiffExport, TextAndJsonGoToTheFileAsked) {
    auto text = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--format", "text", "--out", (home_ / "d.txt").string()});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("Diff written to"), std::string::npos) << text.out;
    EXPECT_NE(slurp(home_ / "d.txt").find("evil.example:443/tcp"), std::string::npos);

    auto j = cli({"diff", "evil@1.0.0", "evil@1.0.1", "-f", "json", "-o", (home_ / "d.json").string()});
    ASSERT_EQ(j.exitCode, 0) << j.err;
    const json doc = json::parse(slurp(home_ / "d.json"));
    EXPECT_EQ(doc["schema"], "vigil.diff/1");
    EXPECT_EQ(doc["counts"]["added"], 2);

    auto pdfToTerminal = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--format", "pdf"});
    EXPECT_EQ(pdfToTerminal.exitCode, 2);
    EXPECT_NE(pdfToTerminal.err.find("--format pdf needs --out FILE"), std::string::npos) << pdfToTerminal.err;
}

TEST_F(CliDiffExport, HtmlIsTheNewerVersionsReportWithTheDiffEscaped) {
    auto r = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--format", "html", "--out", (home_ / "d.html").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string html = slurp(home_ / "d.html");
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u) << html.substr(0, 80);
    EXPECT_NE(html.find("<h2>evil@1.0.1</h2>"), std::string::npos);
    EXPECT_NE(html.find("Changes since 1.0.0"), std::string::npos);
    EXPECT_NE(html.find("2 added, 0 removed, 0 changed; behaviour differs"), std::string::npos);
    EXPECT_NE(html.find("evil.example:443/tcp"), std::string::npos);
    EXPECT_NE(html.find("NPM_TOKEN"), std::string::npos);
    EXPECT_NE(html.find("(install; events #12,#15)"), std::string::npos);

    auto hostile = cli({"diff", "hostile@1.0.0", "hostile@1.0.1", "--format", "html", "--out", (home_ / "h.html").string()});
    ASSERT_EQ(hostile.exitCode, 0) << hostile.err;
    const std::string h = slurp(home_ / "h.html");
    EXPECT_NE(h.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << "the hostile line is shown, escaped";
    EXPECT_EQ(h.find(kHostile), std::string::npos) << "no markup from a package reaches the report";
}

TEST_F(CliDiffExport, PdfTextHoldsTheDiffLines) {
#if !VIGIL_TEST_HAVE_PDF
    GTEST_SKIP() << "built without the GUI: no PDF support";
#else
    if (!fs::exists("/usr/bin/pdftotext"))
        GTEST_SKIP() << "pdftotext (poppler-utils) is not installed";
    auto r = cli({"diff", "hostile@1.0.0", "hostile@1.0.1", "--format", "pdf", "--page-size", "letter", "--out",
                  (home_ / "d.pdf").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto text = runProcess({"/usr/bin/pdftotext", (home_ / "d.pdf").string(), "-"}, {{"PATH", "/usr/bin:/bin"}});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("Changes since 1.0.0"), std::string::npos) << text.out;
    // Drawn as text, not interpreted (the cell may wrap the path after a '/').
    EXPECT_NE(text.out.find("<script>alert(1)"), std::string::npos) << text.out;
#endif
}

TEST_F(CliDiffExport, TheScanReportCarriesChangesSinceThePreviousVersion) {
    auto db = store::Store::open(home_ / "vigil.db");
    ASSERT_TRUE(db.ok());
    report::ScanReport scan;
    scan.projectName = "p";
    for (const char* name : {"evil", "hostile"}) {
        report::PackageReport p;
        p.name = name;
        p.version = "1.0.1";
        scan.packages.push_back(p);
    }
    report::PackageReport first;  // the first analysed version has nothing to compare with
    first.name = "evil";
    first.version = "1.0.0";
    scan.packages.push_back(first);
    ASSERT_TRUE(report::attachVersionChanges(*db, scan).ok());
    ASSERT_TRUE(scan.packages[0].changes.has_value());
    EXPECT_EQ(scan.packages[0].changes->fromVersion, "1.0.0");
    ASSERT_EQ(scan.packages[0].changes->lines.size(), 2u);
    EXPECT_EQ(scan.packages[0].changes->lines[0].change, "added");
    EXPECT_EQ(scan.packages[0].changes->lines[0].text, "evil.example:443/tcp");
    EXPECT_FALSE(scan.packages[2].changes.has_value());

    const std::string html = report::renderHtml(scan);
    EXPECT_NE(html.find("Changes since 1.0.0"), std::string::npos);
    EXPECT_NE(html.find("evil.example:443/tcp"), std::string::npos);
    EXPECT_EQ(html.find(kHostile), std::string::npos);

    // vigil.scan/1 keeps it, and reads it back the same.
    const json doc = report::scanReportToJson(scan);
    EXPECT_EQ(doc["packages"][0]["changes"]["lines"][0]["text"], "evil.example:443/tcp");
    EXPECT_FALSE(doc["packages"][2].contains("changes"));
    auto back = report::scanReportFromJson(doc);
    ASSERT_TRUE(back.ok()) << back.error().describe();
    ASSERT_TRUE(back->packages[1].changes.has_value());
    EXPECT_EQ(back->packages[1].changes->lines[0].text, scan.packages[1].changes->lines[0].text);

    // `report FILE --package KEY`: one package of a scan, with its changes section.
    const fs::path file = home_ / "scan.json";
    std::ofstream(file) << doc.dump(2);
    auto one = cli({"report", file.string(), "--package", "hostile@1.0.1", "--format", "html", "--out", (home_ / "one.html").string()});
    ASSERT_EQ(one.exitCode, 0) << one.err;
    const std::string oneHtml = slurp(home_ / "one.html");
    EXPECT_NE(oneHtml.find("<h2>hostile@1.0.1</h2>"), std::string::npos);
    EXPECT_EQ(oneHtml.find("<h2>evil@1.0.1</h2>"), std::string::npos) << "only the package asked for";
    EXPECT_NE(oneHtml.find("&lt;script&gt;"), std::string::npos);
    auto missing = cli({"report", file.string(), "--package", "nope@1.0.0"});
    EXPECT_EQ(missing.exitCode, 4);
    EXPECT_NE(missing.err.find("nope@1.0.0 is not a package of scan"), std::string::npos) << missing.err;
}

// `diff A B --file PATH`: one file's content diff, read from the two versions' tarballs in the
// cache through the integrity the store recorded (report::diffStoredVersionFile).
TEST_F(CliDiffExport, FileShowsTheContentDiffFromTheCachedTarballs) {
    const fs::path downloads = home_ / "downloads";
    fs::create_directories(downloads);
    vigil::engine::resolve::TarballCache cache(home_ / ".cache" / "vigil");  // $HOME/.cache/vigil: the CLI's default
    auto db = store::Store::open(home_ / "vigil.db");
    ASSERT_TRUE(db.ok());
    const auto publish = [&](const std::string& version, const std::string& index, bool withSteal) {
        const fs::path tgz = downloads / ("evil-" + version + ".tgz");
        {
            vigil::test::TarBuilder tar(tgz);
            tar.file("package/package.json", "{\"name\":\"evil\",\"version\":\"" + version + "\"}\n").file("package/index.js", index);
            tar.file("package/logo.png", std::string("\x89PNG\r\n\x1a\n\0\0", 10) + version);
            if (withSteal)
                tar.file("package/lib/steal.js", "send(process.env.NPM_TOKEN);\n");
        }
        auto stored = cache.store(tgz, "", "evil@" + version);
        ASSERT_TRUE(stored.ok()) << stored.error().describe();
        store::VersionRecord v;
        v.packageName = "evil";
        v.version = version;
        v.integrity = stored->integrity;
        ASSERT_TRUE(db->upsertVersion(v).ok());
    };
    publish("1.0.0", "module.exports = 1;\n", false);
    publish("1.0.1", "require('./lib/steal');\nmodule.exports = 1;\n", true);

    auto text = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--file", "index.js"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_EQ(text.out, "--- a/index.js\n+++ b/index.js\n@@ -1 +1,2 @@\n+require('./lib/steal');\n module.exports = 1;\n");

    auto added = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--file", "lib/steal.js", "--json"});
    ASSERT_EQ(added.exitCode, 0) << added.err;
    const auto j = json::parse(added.out);
    EXPECT_EQ(j["schema"], "vigil.file-diff/1");
    EXPECT_EQ(j["in_older"], false);
    EXPECT_EQ(j["added"], 1);
    EXPECT_EQ(j["hunks"][0]["lines"][0]["text"], "send(process.env.NPM_TOKEN);");

    auto binary = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--file", "logo.png"});
    ASSERT_EQ(binary.exitCode, 0) << binary.err;
    EXPECT_NE(binary.out.find("binary file (15 B → 15 B)"), std::string::npos) << binary.out;

    auto outside = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--file", "../../etc/passwd"});
    EXPECT_EQ(outside.exitCode, 2) << outside.out;
    EXPECT_NE(outside.err.find("is not a path inside a package"), std::string::npos) << outside.err;

    auto html = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--file", "index.js", "--format", "html"});
    EXPECT_EQ(html.exitCode, 2);

    // The tarball left the cache: the error names the version and how to get it back.
    fs::remove_all(home_ / ".cache");
    auto gone = cli({"diff", "evil@1.0.0", "evil@1.0.1", "--file", "index.js"});
    EXPECT_EQ(gone.exitCode, 4) << gone.err;
    EXPECT_NE(gone.err.find("the tarball of evil@1.0.0 is not in the cache"), std::string::npos) << gone.err;
    EXPECT_NE(gone.err.find("analyse evil@1.0.0 again"), std::string::npos) << gone.err;
}
