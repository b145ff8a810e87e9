// The Node runtime hook end to end: a fixture script runs inside the sandbox, the hook reports
// what it did, the helper forwards it, engine/collect decodes it — asserted per event kind with
// its attrs and its attribution (package@version:file:line). Plus the evasions the hook must see
// through and the checks a hook-detecting package makes, compared with a plain, unhooked node.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "engine/collect/runtime_decoder.h"
#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

namespace fs = std::filesystem;
namespace collect = vigil::engine::collect;
using nlohmann::json;

const fs::path kFixtures = fs::path(VIGIL_FIXTURES_DIR) / "hook";
constexpr const char* kPkg = "hook-fixture@1.2.3";
/// Where the sandbox shows the runtime (app/sandbox/run_plan.h kRuntimeDir).
constexpr const char* kRuntimeShown = "/opt/nodejs/lib/node_modules/npm/lib/cli";

class RuntimeHookTest : public SandboxTest {
protected:
    void SetUp() override {
        SandboxTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        if (!fs::exists("/usr/bin/node"))
            GTEST_SKIP() << "the host has no /usr/bin/node";
        pkg_ = cache_ / "pkg";
        fs::copy(kFixtures / "pkg", pkg_, fs::copy_options::recursive);
        fs::create_directories(pkg_ / "node_modules");
        fs::copy(kFixtures / "dep-evil", pkg_ / "node_modules" / "dep-evil", fs::copy_options::recursive);
    }

    /// Runs `node <script>` in the package dir and decodes every runtime line (none may be malformed).
    std::vector<collect::Event> runScript(const std::string& script, std::vector<std::string> argv = {}) {
        if (argv.empty())
            argv = {"node", script};
        result_ = run(argv);
        collect::RuntimeDecoder decoder("test");
        std::vector<collect::Event> events;
        for (const std::string& line : result_.runtimeLines)
            if (auto e = decoder.decode(line))
                events.push_back(std::move(*e));
        EXPECT_EQ(decoder.rejected(), 0u) << (decoder.warnings().empty() ? "" : decoder.warnings()[0]);
        EXPECT_EQ(result_.runtimeDropped, 0u);
        return events;
    }

    std::string dump(const std::vector<collect::Event>& events) const {
        std::string s = "stdout: " + result_.stdoutTail + "\nstderr: " + result_.stderrTail + "\nevents:\n";
        for (const auto& e : events)
            s += "  " + e.kind + " " + e.attrs.dump() + " " + e.attribution.text() + "\n";
        return s;
    }

    sbx::RunResult result_;
};

/// The first event of `kind` whose attrs contain every key/value of `attrs`.
const collect::Event* find(const std::vector<collect::Event>& events, std::string_view kind, const json& attrs) {
    for (const auto& e : events) {
        if (e.kind != kind || e.source != collect::Source::Runtime)
            continue;
        bool all = true;
        for (const auto& [key, value] : attrs.items())
            all = all && e.attrs.contains(key) && e.attrs[key] == value;
        if (all)
            return &e;
    }
    return nullptr;
}

#define EXPECT_EVENT(events, kind, attrs, where)                                       \
    do {                                                                               \
        const collect::Event* found_ = find(events, kind, attrs);                      \
        ASSERT_NE(found_, nullptr) << kind << " " << json(attrs).dump() << "\n" << dump(events); \
        EXPECT_EQ(found_->attribution.text(), where) << kind << " " << json(attrs).dump();       \
    } while (0)

std::string at(const std::string& file, int line) { return std::string(kPkg) + ":" + file + ":" + std::to_string(line); }

TEST_F(RuntimeHookTest, EnvironmentReadsAndEveryFormOfEnumeration) {
    const auto events = runScript("env.js");
    EXPECT_EVENT(events, "env.read", (json{{"name", "AWS_SECRET_ACCESS_KEY"}, {"via", "process.env"}}), at("env.js", 2));
    // Object.keys lists names; JSON.stringify and spread read the values.
    EXPECT_EVENT(events, "env.enumerate", (json{{"how", "keys"}, {"values", false}}), at("env.js", 3));
    EXPECT_EVENT(events, "env.enumerate", (json{{"how", "stringify"}, {"values", true}}), at("env.js", 4));
    EXPECT_EVENT(events, "env.enumerate", (json{{"how", "spread|for-in"}, {"values", true}}), at("env.js", 5));
    // A dependency's read belongs to the dependency, not to the package that required it.
    EXPECT_EVENT(events, "env.read", (json{{"name", "NPM_TOKEN"}}), "dep-evil@0.0.7:lib/index.js:3");
    // The values each enumeration fetched are part of it, not reads of their own.
    EXPECT_EQ(find(events, "env.read", json{{"name", "PATH"}}), nullptr) << dump(events);
    EXPECT_NE(result_.stdoutTail.find("string true true object string"), std::string::npos) << dump(events);
}

TEST_F(RuntimeHookTest, NamesListedThenEveryValueReadByHandIsASerialisation) {
    const auto events = runScript("env_by_hand.js");
    // debug's filter: names only.
    EXPECT_EVENT(events, "env.enumerate", (json{{"how", "keys"}, {"values", false}}), at("env_by_hand.js", 2));
    // The copy loop: once most values were read, the enumeration is recorded as reading them.
    EXPECT_EVENT(events, "env.enumerate", (json{{"how", "keys+get"}, {"values", true}}), at("env_by_hand.js", 4));
}

TEST_F(RuntimeHookTest, DynamicCodeOfEveryKind) {
    const auto events = runScript("code.js");
    // Direct eval keeps its scope: the local variable was visible (42).
    EXPECT_NE(result_.stdoutTail.find("42 42 42 function function"), std::string::npos) << dump(events);
    EXPECT_EVENT(events, "code.eval", (json{{"preview", "secret + 1"}, {"length", 10}}), at("code.js", 2));
    EXPECT_EVENT(events, "code.function", (json{{"length", 41}}), at("code.js", 3));
    EXPECT_EVENT(events, "code.vm", (json{{"api", "vm.runInThisContext"}, {"preview", "6 * 7"}}), at("code.js", 5));
    EXPECT_EVENT(events, "code.wasm", (json{{"api", "WebAssembly.compile"}, {"bytes", 8}}), at("code.js", 6));
    EXPECT_EVENT(events, "code.dynamic_require", (json{{"api", "require"}, {"specifier", "path"}}), at("code.js", 8));
    // require('os') is a literal: not dynamic.
    EXPECT_EQ(find(events, "code.dynamic_require", json{{"specifier", "os"}}), nullptr) << dump(events);
}

TEST_F(RuntimeHookTest, ComputedImportSpecifiersOfAnEsModule) {
    const auto events = runScript("imports.mjs");
    EXPECT_NE(result_.stdoutTail.find("function helper function"), std::string::npos) << dump(events);
    EXPECT_EVENT(events, "code.dynamic_require", (json{{"api", "import"}, {"specifier", "child_process"}}), at("imports.mjs", 3));
    EXPECT_EVENT(events, "code.dynamic_require", (json{{"api", "import"}, {"specifier", "./lib/helper.mjs"}}),
                 at("imports.mjs", 5));
    // import('os') is a literal, and the entry module itself is not an import() of the package.
    EXPECT_EQ(find(events, "code.dynamic_require", json{{"specifier", "os"}}), nullptr) << dump(events);
    size_t count = 0;
    for (const auto& e : events)
        count += e.kind == "code.dynamic_require" ? 1 : 0;
    EXPECT_EQ(count, 2u) << dump(events);
    EXPECT_NE(find(events, "runtime.stimulus", json{{"import_capture", true}}), nullptr) << dump(events);
}

TEST_F(RuntimeHookTest, ComputedImportFromCommonJs) {
    const auto events = runScript("imports_cjs.js");
    EXPECT_NE(result_.stdoutTail.find("function helper"), std::string::npos) << dump(events);
    EXPECT_EVENT(events, "code.dynamic_require", (json{{"api", "import"}, {"specifier", "child_process"}}),
                 at("imports_cjs.js", 4));
    EXPECT_EQ(find(events, "code.dynamic_require", json{{"specifier", "./lib/helper.mjs"}}), nullptr) << dump(events);
}

TEST_F(RuntimeHookTest, SpawnsIncludingTheBindingBypassAndNodeInsideAShell) {
    const auto events = runScript("spawn.js");
    EXPECT_EVENT(events, "process.spawn",
                 (json{{"api", "child_process.spawnSync"}, {"command", "/bin/true"}, {"args", {"--flag"}}, {"shell", false}}),
                 at("spawn.js", 3));
    EXPECT_EVENT(events, "process.spawn", (json{{"api", "child_process.execSync"}, {"shell", true}}), at("spawn.js", 4));
    EXPECT_EVENT(events, "code.binding", (json{{"api", "process.binding"}, {"name", "spawn_sync"}}), at("spawn.js", 5));
    EXPECT_EVENT(events, "process.spawn",
                 (json{{"api", "process.binding('spawn_sync').spawn"}, {"command", "/bin/echo"}, {"args", {"echo", "hidden"}}}),
                 at("spawn.js", 6));
    // The node started by `sh -c` is hooked too: its env read arrives from another pid.
    const collect::Event* child = find(events, "env.read", json{{"name", "CHILD_SECRET"}});
    ASSERT_NE(child, nullptr) << dump(events);
    const collect::Event* parent = find(events, "process.spawn", json{{"api", "child_process.spawnSync"}});
    ASSERT_NE(parent, nullptr);
    EXPECT_NE(child->pid, parent->pid);
    EXPECT_EQ(child->exe, "/usr/bin/node");
}

TEST_F(RuntimeHookTest, NetworkCallsWithHostPortMethodAndPath) {
    const auto events = runScript("net.js");
    EXPECT_EVENT(events, "network.call",
                 (json{{"api", "http.get"}, {"host", "telemetry.example.com"}, {"port", 8080}, {"method", "GET"},
                       {"path", "/collect?x=1"}, {"protocol", "http"}}),
                 at("net.js", 6));
    EXPECT_EVENT(events, "network.dns", (json{{"api", "dns.lookup"}, {"name", "c2.example.org"}}), at("net.js", 7));
    EXPECT_EVENT(events, "network.call", (json{{"api", "net.connect"}, {"host", "shell.example.net"}, {"port", 4444}}),
                 at("net.js", 8));
    EXPECT_EVENT(events, "network.call",
                 (json{{"api", "fetch"}, {"host", "api.example.io"}, {"port", 443}, {"method", "POST"}, {"path", "/v1/upload"}}),
                 at("net.js", 9));
    EXPECT_EVENT(events, "network.call", (json{{"api", "dgram.send"}, {"host", "10.9.8.7"}, {"port", 5353}}), at("net.js", 11));
    EXPECT_EVENT(events, "network.call",
                 (json{{"api", "https.request"}, {"host", "secure.example.com"}, {"port", 443}, {"method", "POST"}, {"path", "/k"},
                       {"protocol", "https"}}),
                 at("net.js", 13));
    EXPECT_EVENT(events, "network.call", (json{{"api", "tls.connect"}, {"host", "tls.example.com"}, {"port", 8443}}), at("net.js", 14));
    EXPECT_EVENT(events, "network.call", (json{{"api", "http2.connect"}, {"host", "h2.example.com"}, {"port", 9443}}),
                 at("net.js", 15));
    EXPECT_EVENT(events, "network.dns", (json{{"api", "dns.Resolver.resolveTxt"}, {"name", "txt.example.org"}, {"type", "TXT"}}),
                 at("net.js", 16));
    // Node's own plumbing under http.get (its dns.lookup, its socket connect) is not reported as the package's.
    EXPECT_EQ(find(events, "network.dns", json{{"name", "telemetry.example.com"}}), nullptr) << dump(events);
    EXPECT_EQ(find(events, "network.call", json{{"api", "net.Socket.connect"}}), nullptr) << dump(events);
}

TEST_F(RuntimeHookTest, SensitiveFilesButNotThePackagesOwn) {
    const auto events = runScript("files.js");
    EXPECT_EVENT(events, "file.access", (json{{"api", "fs.readFileSync"}, {"path", "/home/dev/.npmrc"}}), at("files.js", 4));
    EXPECT_EVENT(events, "file.access", (json{{"api", "fs.existsSync"}, {"path", "/etc/passwd"}}), at("files.js", 5));
    EXPECT_EVENT(events, "file.access", (json{{"api", "fs.readFile"}, {"path", "/home/dev/.ssh/id_rsa"}}), at("files.js", 6));
    EXPECT_EQ(find(events, "file.access", json{{"path", "/home/dev/project/package.json"}}), nullptr) << dump(events);
}

TEST_F(RuntimeHookTest, OverridesOfGlobalsAndBuiltInPrototypes) {
    const auto events = runScript("override.js");
    for (const char* target : {"JSON.parse", "Array.prototype.map", "fetch"})
        EXPECT_NE(find(events, "code.global_override", json{{"target", target}, {"change", "replaced"}}), nullptr)
            << target << "\n" << dump(events);
    EXPECT_NE(find(events, "code.global_override", json{{"target", "XMLHttpRequest"}, {"change", "added"}}), nullptr)
        << dump(events);
    // Node's own late globals are not overrides.
    EXPECT_EQ(events.size(), 5u) << dump(events);  // the four above and the stimulus
}

TEST_F(RuntimeHookTest, TenMinuteTimerFiresWithinSecondsAndTimeMovesOn) {
    const auto start = std::chrono::steady_clock::now();
    const auto events = runScript("timer.js");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(5));
    EXPECT_EVENT(events, "runtime.timer", (json{{"api", "setTimeout"}, {"delay_ms", 600000}}), at("timer.js", 4));
    const auto out = json::parse(result_.stdoutTail, nullptr, false);
    ASSERT_TRUE(out.is_object()) << result_.stdoutTail;
    EXPECT_LT(out["realMs"].get<int64_t>(), 5000);
    // Date saw the ten minutes pass.
    EXPECT_GE(out["shownMs"].get<int64_t>(), 600000);
    const collect::Event* stimulus = find(events, "runtime.stimulus", json::object());
    ASSERT_NE(stimulus, nullptr);
    EXPECT_GT(stimulus->attrs["date_offset_ms"].get<int64_t>(), 0);
    EXPECT_TRUE(stimulus->attrs["timer_rule"].is_string());
}

TEST_F(RuntimeHookTest, TimersFireInTheOrderOfTheirVirtualDueTimes) {
    const auto start = std::chrono::steady_clock::now();
    const auto events = runScript("timer_order.js");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
    const auto fired = json::parse(result_.stdoutTail, nullptr, false);
    ASSERT_TRUE(fired.is_array() && fired.size() == 2) << dump(events);
    // The 5-minute timer, set 1.5 s after the 10-minute one, is due first and fires first.
    EXPECT_EQ(fired[0]["name"], "five") << fired.dump();
    EXPECT_EQ(fired[1]["name"], "ten") << fired.dump();
    for (const auto& f : fired) {
        // Date shows at least the fired timer's virtual due time, and never a second timer's skip on top.
        EXPECT_GE(f["shown"].get<int64_t>(), f["due"].get<int64_t>()) << fired.dump();
        EXPECT_LT(f["shown"].get<int64_t>(), f["due"].get<int64_t>() + 5000) << fired.dump();
        EXPECT_LT(f["real"].get<int64_t>(), 7000) << fired.dump();
    }
}

TEST_F(RuntimeHookTest, TimersPromisesSleepIsAcceleratedAndMovesDate) {
    const auto events = runScript("timer_promises.mjs");
    EXPECT_EVENT(events, "runtime.timer", (json{{"api", "timers/promises.setTimeout"}, {"delay_ms", 600000}}),
                 at("timer_promises.mjs", 5));
    const auto out = json::parse(result_.stdoutTail, nullptr, false);
    ASSERT_TRUE(out.is_object()) << dump(events);
    EXPECT_EQ(out["value"], "woke");
    EXPECT_LT(out["realMs"].get<int64_t>(), 5000);
    EXPECT_GE(out["shownMs"].get<int64_t>(), 600000);
}

TEST_F(RuntimeHookTest, UncaughtErrorsWithTheThrowingLine) {
    const auto events = runScript("uncaught.js");
    EXPECT_NE(result_.exitCode, 0);
    EXPECT_EVENT(events, "runtime.uncaught", (json{{"message", "boom from the fixture"}, {"origin", "uncaughtException"}}),
                 at("uncaught.js", 3));
    // What Node prints about the crash names the package's file, never the hook's.
    EXPECT_EQ(result_.stderrTail.find(kRuntimeShown), std::string::npos) << result_.stderrTail;
}

TEST_F(RuntimeHookTest, AWorkerThreadsRequestIsCaught) {
    const auto events = runScript("worker.js");
    EXPECT_EVENT(events, "network.call",
                 (json{{"api", "http.request"}, {"host", "exfil.example.com"}, {"method", "PUT"}, {"path", "/w"}}),
                 at("worker_body.js", 2));
    const collect::Event* e = find(events, "network.call", json{{"api", "http.request"}});
    ASSERT_NE(e, nullptr);
    EXPECT_GT(e->attrs.value("thread", 0), 0);  // reported from the worker, not the main thread
}

TEST_F(RuntimeHookTest, FreezingErrorsStackMachineryNeitherBreaksThePackageNorBlindsTheHook) {
    const auto events = runScript("frozen.js");
    EXPECT_NE(result_.stdoutTail.find("caught ENOENT\nstring"), std::string::npos) << dump(events);
    EXPECT_EVENT(events, "env.read", (json{{"name", "HOME"}}), at("frozen.js", 6));
}

/// Runs a plain node outside the sandbox (no launcher, no hook) and returns its stdout.
std::string unhookedNode(const fs::path& dir, const std::string& script) {
    const std::string command = "cd '" + dir.string() + "' && env -i PATH=/usr/bin:/bin HOME=/root node " + script;  // by PATH, as inside
    FILE* p = popen(command.c_str(), "r");
    if (p == nullptr)
        return {};
    std::string out;
    char buf[4096];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    pclose(p);
    return out;
}

TEST_F(RuntimeHookTest, ProcSelfNamesNeitherTheHookNorVigil) {
    const auto events = runScript("proc_self.js");
    const json out = json::parse(result_.stdoutTail, nullptr, false);
    ASSERT_TRUE(out.is_object()) << result_.stdoutTail << result_.stderrTail;
    std::vector<std::pair<std::string, std::string>> texts;
    for (const char* key : {"cmdline", "environ", "maps", "mountinfo", "exe"})
        texts.emplace_back(key, out[key].get<std::string>());
    for (const auto& [fd, target] : out["fds"].items())
        texts.emplace_back("fd " + fd, target.get<std::string>());
    for (const auto& [what, text] : texts) {
        for (const char* tell : {"vigil", "hook", "--require", "FAKETIME_", "NODE_OPTIONS", kRuntimeShown})
            EXPECT_EQ(text.find(tell), std::string::npos) << what << " names " << tell << ":\n" << text;
    }
    // The command line is byte for byte what a plain `node proc_self.js` shows: no flag of the
    // hook's, no NUL padding where one was removed.
    const json plain = json::parse(unhookedNode(pkg_, "proc_self.js"), nullptr, false);
    ASSERT_TRUE(plain.is_object());
    EXPECT_EQ(plain["cmdline"].get<std::string>(), std::string("node\0proc_self.js\0", 18));
    EXPECT_EQ(out["cmdline"].get<std::string>(), plain["cmdline"].get<std::string>());
    EXPECT_NE(find(events, "runtime.stimulus", json::object()), nullptr);
}

TEST_F(RuntimeHookTest, TheHooksFilesCannotBeFoundByListingOrInTheMountTable) {
    const auto events = runScript("look_around.js");
    const json out = json::parse(result_.stdoutTail, nullptr, false);
    ASSERT_TRUE(out.is_object()) << result_.stdoutTail << result_.stderrTail;
    // The walk saw the layout (so it did list), and no name of the runtime's.
    EXPECT_GT(out["names"].size(), 20u) << out["names"].dump();
    for (const auto& name : out["names"]) {
        const std::string n = name.get<std::string>();
        for (const char* tell : {"hook", "vigil", "runtime", ".cjs", "phase_"})
            EXPECT_EQ(n.find(tell), std::string::npos) << n;
    }
    // The runtime's own directory is entered by Node, never listed.
    EXPECT_NE(out["unreadable"].dump().find(std::string(kRuntimeShown) + " EACCES"), std::string::npos) << out["unreadable"].dump();
    // No mount of the runtime's: its files are plain files of the read-only root.
    const std::string mountinfo = out["mountinfo"].get<std::string>();
    EXPECT_EQ(mountinfo.find("/opt/nodejs/lib"), std::string::npos) << mountinfo;
    EXPECT_EQ(mountinfo.find("hook"), std::string::npos) << mountinfo;
    // A child node is hooked too, and its command line is clean.
    EXPECT_EQ(out["childCmdline"].get<std::string>(), std::string("node\0-e\0", 8) +
                                                           "process.stdout.write(require('fs').readFileSync('/proc/self/cmdline', 'latin1'))" +
                                                           std::string(1, '\0'));
    size_t stimuli = 0;
    for (const auto& e : events)
        stimuli += e.kind == "runtime.stimulus" ? 1 : 0;
    EXPECT_GE(stimuli, 2u) << dump(events);  // the package's node and its child node
}

TEST_F(RuntimeHookTest, TheCallersOwnNodeOptionsStillApplyAndAreAllItSees) {
    const auto events = runScript("", {"sh", "-c", "NODE_OPTIONS=--max-old-space-size=100 exec node node_options.js"});
    const json out = json::parse(result_.stdoutTail, nullptr, false);
    ASSERT_TRUE(out.is_object()) << result_.stdoutTail << result_.stderrTail;
    EXPECT_EQ(out["NODE_OPTIONS"], "--max-old-space-size=100");
    EXPECT_LT(out["heapLimitMb"].get<int64_t>(), 400) << out.dump();  // the default is above 2000
    EXPECT_EQ(out["environ"], json::array({"NODE_OPTIONS=--max-old-space-size=100"})) << out.dump();
    EXPECT_NE(find(events, "runtime.stimulus", json::object()), nullptr) << dump(events);
}

TEST_F(RuntimeHookTest, NativeProgramsAndNodeSeeTheSameShiftedDate) {
    if (!fs::exists("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"))
        GTEST_SKIP() << "libfaketime is not installed (packaging/bootstrap.sh installs it)";
    const auto events = runScript("native_time.js");
    const int64_t host = static_cast<int64_t>(std::time(nullptr));
    const json out = json::parse(result_.stdoutTail, nullptr, false);
    ASSERT_TRUE(out.is_object()) << dump(events);
    const collect::Event* stimulus = find(events, "runtime.stimulus", json{{"native_time", "libfaketime"}});
    ASSERT_NE(stimulus, nullptr) << dump(events);
    const int64_t offset = stimulus->attrs["date_offset_ms"].get<int64_t>() / 1000;
    EXPECT_GE(offset, 86400);
    EXPECT_LE(offset, 30 * 86400);
    // `date` (native, through libfaketime) and Node's Date show the run's offset, once.
    EXPECT_NEAR(static_cast<double>(out["native"].get<int64_t>() - host), static_cast<double>(offset), 10.0);
    EXPECT_NEAR(static_cast<double>(out["node"].get<int64_t>() - host), static_cast<double>(offset), 10.0);
    // Neither the launcher's monotonic switch nor libfaketime's own variable reaches the package.
    EXPECT_EQ(out["faketimeEnv"], json::array()) << out.dump();
    // The library is mapped (Node's and a native program's) and preloaded under a name that does
    // not say what it is. (Its shared memory, /dev/shm/faketime_shm_<pid>, keeps the name the
    // library gives it.)
    for (const char* key : {"maps", "nativeMaps", "preload"}) {
        const std::string text = out[key].get<std::string>();
        EXPECT_NE(text.find("/opt/nodejs/lib/libtz.so.1"), std::string::npos) << key << ":\n" << text;
        EXPECT_EQ(text.find("libfaketime"), std::string::npos) << key << ":\n" << text;
    }
}

TEST_F(RuntimeHookTest, AHookDetectingPackageSeesWhatAPlainNodeShows) {
    const auto events = runScript("detect.js");
    const json hooked = json::parse(result_.stdoutTail, nullptr, false);
    const json plain = json::parse(unhookedNode(pkg_, "detect.js"), nullptr, false);
    ASSERT_TRUE(hooked.is_object()) << result_.stdoutTail << result_.stderrTail;
    ASSERT_TRUE(plain.is_object());
    for (const auto& [key, value] : plain.items())
        EXPECT_EQ(hooked.value(key, json()), value) << key;
    // And the hook was really there while the package looked.
    EXPECT_NE(find(events, "runtime.stimulus", json::object()), nullptr);
}

}  // namespace
}  // namespace vigil::test
