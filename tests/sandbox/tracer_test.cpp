// The eBPF tracer end to end: for each kernel event kind a command inside the sandbox performs it
// and the decoded event arrives with the right attributes; then completeness against strace -f.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

#include "engine/collect/kernel_decoder.h"
#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

namespace fs = std::filesystem;
using engine::collect::Event;

class TracerTest : public SandboxTest {
protected:
    /// Runs argv and decodes its records; fails the test when the tracer was not fully active.
    std::vector<Event> traced(std::vector<std::string> argv, const std::function<void(sbx::RunRequest&)>& tweak = {}) {
        last_ = run(std::move(argv), tweak);
        EXPECT_TRUE(last_.traceStats.received);
        EXPECT_TRUE(last_.traceStats.active) << last_.traceStats.warnings;
        EXPECT_EQ(last_.traceStats.families, 31u) << last_.traceStats.warnings;
        EXPECT_EQ(last_.traceStats.drops, 0u);
        EXPECT_EQ(last_.traceStats.lost, 0u);
        EXPECT_EQ(last_.traceStats.events, last_.trace.size());
        engine::collect::KernelDecoder decoder("test", last_.traceStats.execNs);
        std::vector<Event> events;
        for (const sbx::TraceRecord& r : last_.trace) {
            auto e = decoder.decode(r.bytes);
            EXPECT_TRUE(e.ok()) << e.error().describe();
            if (e)
                events.push_back(std::move(*e));
        }
        return events;
    }

    static std::vector<Event> ofKind(const std::vector<Event>& events, std::string_view kind) {
        std::vector<Event> v;
        for (const Event& e : events)
            if (e.kind == kind)
                v.push_back(e);
        return v;
    }

    /// The first event of `kind` whose attrs[key] == value, or a failure listing what was there.
    static const Event* find(const std::vector<Event>& events, std::string_view kind, const char* key,
                             const nlohmann::json& value) {
        for (const Event& e : events)
            if (e.kind == kind && e.attrs.contains(key) && e.attrs[key] == value)
                return &e;
        std::string seen;
        for (const Event& e : events)
            if (e.kind == kind)
                seen += "  " + e.attrs.dump() + "\n";
        ADD_FAILURE() << "no " << kind << " with " << key << "=" << value.dump() << "; seen:\n" << seen;
        return nullptr;
    }

    sbx::RunResult last_;
};

TEST_F(TracerTest, ForkExecExitCarryPathsArgvEnvNamesAndConsistentPids) {
    const auto events = traced({"sh", "-c", "cd /tmp && SECRET_FLAVOUR=$(echo cho)colate ./../usr/bin/env true a1 'two words'; exit 3"},
                               [](sbx::RunRequest& r) { r.env = {"VIGIL_TEST_VAR=value-never-recorded"}; });
    // The command itself: the first exec, pid 2 (pid 1 is the sandbox's init), parent pid 1.
    ASSERT_FALSE(events.empty());
    const Event& first = events.front();
    EXPECT_EQ(first.kind, "process.exec");
    EXPECT_EQ(first.pid, 2);
    EXPECT_EQ(first.ppid, 1);
    EXPECT_EQ(first.attrs["path"], "/usr/bin/sh");
    EXPECT_EQ(first.attrs["argv"][0], "sh");
    EXPECT_GE(first.tsNs, 0);

    // A relative exec path with ".." comes out absolute and normal; env NAMES only.
    const Event* env = find(events, "process.exec", "path", "/usr/bin/env");
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->attrs["argv"], (nlohmann::json{"./../usr/bin/env", "true", "a1", "two words"}));
    const auto names = env->attrs["env_names"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(names.begin(), names.end(), "SECRET_FLAVOUR"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "VIGIL_TEST_VAR"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "HOME"), names.end());
    for (const sbx::TraceRecord& r : last_.trace) {
        const std::string bytes(r.bytes.begin(), r.bytes.end());
        EXPECT_EQ(bytes.find("value-never-recorded"), std::string::npos) << "an env VALUE left the kernel";
        EXPECT_EQ(bytes.find("chocolate"), std::string::npos) << "an env VALUE left the kernel";
    }
    // env then execs true: same pid, whose parent is the shell that forked it.
    const Event* fork = find(events, "process.fork", "child_pid", env->pid);
    ASSERT_NE(fork, nullptr);
    EXPECT_EQ(fork->pid, 2);
    EXPECT_EQ(env->ppid, 2);
    const Event* tru = find(events, "process.exec", "path", "/usr/bin/true");
    ASSERT_NE(tru, nullptr);
    EXPECT_EQ(tru->pid, env->pid);
    EXPECT_EQ(tru->exe, "/usr/bin/true");
    // Exits: the child with 0, the shell with 3.
    bool childExit = false, shellExit = false;
    for (const Event& e : ofKind(events, "process.exit")) {
        if (e.pid == env->pid && e.attrs["code"] == 0 && e.attrs["signal"] == 0)
            childExit = true;
        if (e.pid == 2 && e.attrs["code"] == 3)
            shellExit = true;
    }
    EXPECT_TRUE(childExit);
    EXPECT_TRUE(shellExit);
    EXPECT_EQ(last_.exitCode, 3);
}

TEST_F(TracerTest, FileCallsThroughDirfdsAndRelativePathsAreAbsolute) {
    const fs::path pkg = makePackage();
    fs::copy_file(VIGIL_TRACER_PROBE, pkg / "tracer-probe", fs::copy_options::overwrite_existing);
    fs::permissions(pkg / "tracer-probe", fs::perms(0755));
    const auto events = traced({"./tracer-probe"}, [](sbx::RunRequest& r) {
        r.env = {"VIGIL_PROBE_NAME=1", "VIGIL_PROBE_SECURE=1"};
    });
    ASSERT_EQ(last_.exitCode, 0) << last_.stderrTail;

    const Event* open = find(events, "file.open", "path", "/tmp/probe/made.txt");
    ASSERT_NE(open, nullptr);
    EXPECT_EQ(open->attrs["access"], "write");
    EXPECT_EQ(open->attrs["create"], true);
    EXPECT_EQ(open->attrs["truncate"], true);
    EXPECT_GE(open->attrs["result"].get<int64_t>(), 0);
    EXPECT_EQ(open->exe, "/home/dev/project/tracer-probe");
    // openat2 (flags from struct open_how), read-only
    bool openat2 = false;
    for (const Event& e : ofKind(events, "file.open"))
        if (e.attrs["path"] == "/tmp/probe/made.txt" && e.attrs["access"] == "read" && e.attrs["result"] >= 0)
            openat2 = true;
    EXPECT_TRUE(openat2);
    // fd-only calls get the file's own path
    const Event* chmod = find(events, "file.chmod", "path", "/tmp/probe/made.txt");
    ASSERT_NE(chmod, nullptr);
    EXPECT_EQ(chmod->attrs["mode"], 0604);
    const Event* chown = find(events, "file.chown", "path", "/tmp/probe/made.txt");
    ASSERT_NE(chown, nullptr);
    EXPECT_EQ(chown->attrs["uid"], 1000);
    EXPECT_EQ(chown->attrs["gid"], 1000);
    // "../probe/moved.txt" relative to the cwd
    const Event* rename = find(events, "file.rename", "from", "/tmp/probe/made.txt");
    ASSERT_NE(rename, nullptr);
    EXPECT_EQ(rename->attrs["to"], "/tmp/probe/moved.txt");
    EXPECT_EQ(rename->attrs["result"], 0);
    const Event* symlink = find(events, "file.symlink", "path", "/tmp/probe/link");
    ASSERT_NE(symlink, nullptr);
    EXPECT_EQ(symlink->attrs["target"], "moved.txt");
    const Event* link = find(events, "file.link", "path", "/tmp/probe/hard");
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(link->attrs["target"], "/tmp/probe/moved.txt");
    const Event* mkdir = find(events, "file.mkdir", "path", "/tmp/probe/sub");
    ASSERT_NE(mkdir, nullptr);
    EXPECT_EQ(mkdir->attrs["mode"], 0700);
    bool rmdir = false, unlink = false;
    for (const Event& e : ofKind(events, "file.unlink")) {
        rmdir |= e.attrs["path"] == "/tmp/probe/sub" && e.attrs["dir"] == true;
        unlink |= e.attrs["path"] == "/tmp/probe/hard" && e.attrs["dir"] == false && e.attrs["result"] == 0;
    }
    EXPECT_TRUE(rmdir);
    EXPECT_TRUE(unlink);

    // env: names and the call used
    const Event* getenv = find(events, "env.read", "name", "VIGIL_PROBE_NAME");
    ASSERT_NE(getenv, nullptr);
    EXPECT_EQ(getenv->attrs["via"], "getenv");
    EXPECT_EQ(getenv->attrs["found"], true);
    const Event* secure = find(events, "env.read", "name", "VIGIL_PROBE_SECURE");
    ASSERT_NE(secure, nullptr);
    EXPECT_EQ(secure->attrs["via"], "secure_getenv");

    // network: address and port as passed, protocol from the socket
    const Event* send = find(events, "network.send", "address", "198.51.100.7");
    ASSERT_NE(send, nullptr);
    EXPECT_EQ(send->attrs["port"], 5353);
    EXPECT_EQ(send->attrs["protocol"], "udp");
    EXPECT_EQ(send->attrs["family"], "inet");
    const Event* bind = find(events, "network.bind", "port", 4567);
    ASSERT_NE(bind, nullptr);
    EXPECT_EQ(bind->attrs["address"], "127.0.0.1");
    const Event* listen = find(events, "network.listen", "backlog", 7);
    ASSERT_NE(listen, nullptr);
    EXPECT_EQ(listen->attrs["port"], 4567);
    const Event* connect = find(events, "network.connect", "port", 8443);
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->attrs["address"], "198.51.100.7");
    EXPECT_EQ(connect->attrs["protocol"], "tcp");

    // A failed exec is reported with its errno.
    const Event* failed = find(events, "process.exec", "path", "/tmp/probe/does-not-exist");
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(failed->attrs["result"], -2);
}

TEST_F(TracerTest, NodeEnvReadsAndConnectsAreSeen) {
    const auto events = traced({"node", "-e",
                                "process.env.NPM_TOKEN; const s = require('net').connect(8081, '203.0.113.9');"
                                "s.on('error', () => {}); s.on('connect', () => s.end());"});
    const Event* env = find(events, "env.read", "name", "NPM_TOKEN");
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->attrs["found"], true);
    // /usr/bin/node in the sandbox is VIGIL's launcher, which execs the real binary (runtime hook).
    EXPECT_EQ(env->exe, "/opt/nodejs/bin/node");
    const Event* connect = find(events, "network.connect", "address", "203.0.113.9");
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->attrs["port"], 8081);
    EXPECT_EQ(connect->pid, 2);
}

TEST_F(TracerTest, SeccompDenialsAreRecordedWithTheSyscallName) {
    const auto events = traced({"sh", "-c", "unshare -U true; exit 0"});
    const Event* denied = find(events, "sandbox.syscall_denied", "syscall", "unshare");
    ASSERT_NE(denied, nullptr);
    EXPECT_EQ(denied->attrs["errno"], 1);
    EXPECT_EQ(denied->exe, "/usr/bin/unshare");
}

TEST_F(TracerTest, TheBenchmarkModeRunsUntracedAndSaysSo) {
    const auto r = run({"true"}, [](sbx::RunRequest& req) { req.untracedForBenchmark = true; });
    EXPECT_TRUE(r.traceStats.received);
    EXPECT_TRUE(r.traceStats.untraced);
    EXPECT_FALSE(r.traceStats.active);
    EXPECT_TRUE(r.trace.empty());
}

TEST_F(TracerTest, SandboxExecJsonPrintsDecodedEventsAndAStatsLine) {
    const std::string cmd = std::string(VIGIL_SANDBOX_EXEC) + " exec --json --phase install -- sh -c 'cat /etc/hostname'";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << out;
    bool sawExec = false, sawOpen = false, sawStats = false;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        const auto j = nlohmann::json::parse(line);
        if (j["type"] == "event") {
            auto e = engine::collect::eventFromJson(j);  // the shape every consumer reads back
            ASSERT_TRUE(e.ok()) << line;
            EXPECT_EQ(e->phase, "install");
            EXPECT_EQ(e->source, engine::collect::Source::Kernel);
            sawExec |= e->kind == "process.exec" && e->attrs["path"] == "/usr/bin/cat";
            sawOpen |= e->kind == "file.open" && e->attrs["path"] == "/etc/hostname";
        } else if (j["type"] == "trace_stats") {
            sawStats = true;
            EXPECT_EQ(j["active"], true);
            EXPECT_EQ(j["drops"], 0);
            EXPECT_EQ(j["undecodable"], 0);
            EXPECT_GT(j["events"].get<int>(), 3);
        }
    }
    EXPECT_TRUE(sawExec && sawOpen && sawStats) << out.substr(0, 4000);
}

// ---- Completeness against strace -f ------------------------------------------------------------

constexpr const char* kWorkload = R"SH(#!/bin/sh
# forks and execs, opens regular files (relative and absolute), and connects from node
mkdir -p w
i=0
while [ $i -lt 15 ]; do
  echo "$i" > w/f$i.txt
  cat w/f$i.txt > /dev/null
  head -c 1 "$PWD/w/f$i.txt" > /dev/null
  i=$((i+1))
done
wc -l w/f1.txt w/f2.txt > /dev/null
ls w > /dev/null
# node's startup threads open files of their own (/usr/bin/node): staying 300 ms lets them finish,
# so what strace sees does not depend on how fast node exits. Atomics.wait blocks for real; a
# setTimeout would not, since the sandbox's runtime hook fires timers early.
node -e "const s = require('net').connect(9, '127.0.0.1'); s.on('error', () => {}); require('fs').readFileSync('w/f3.txt'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)"
)SH";

struct Reference {
    std::set<std::string> execs, opens, connects;
};

/// Runs the workload under strace on the host (in `dir`) and keeps what the tracer must also see.
/// Paths under `dir` are rewritten to where the sandbox has them; /proc and /sys differ by design
/// (the sandbox has its own) and are left out; opens count only when they name a regular file.
Reference straceReference(const fs::path& dir, const std::string& sandboxDir) {
    const fs::path log = dir / "strace.log";
    const std::string cmd = "cd " + dir.string() +
                            " && env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games HOME=/tmp"
                            " /usr/bin/strace -f -qq -o " + log.string() +
                            " -e trace=execve,openat,connect sh ./workload.sh > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    Reference ref;
    std::ifstream in(log);
    std::string line;
    auto mapPath = [&](std::string p) {
        if (p.front() != '/')
            p = (dir / p).string();
        p = fs::path(p).lexically_normal().string();
        if (p.rfind(dir.string() + "/", 0) == 0)
            p = sandboxDir + p.substr(dir.string().size());
        return p;
    };
    // The quoted string after `marker`, or "" (strace -f lines cut by <unfinished ...> are skipped).
    auto quoted = [](const std::string& l, const std::string& marker) {
        const size_t at = l.find(marker);
        if (at == std::string::npos)
            return std::string();
        const size_t start = at + marker.size();
        const size_t end = l.find('"', start);
        return end == std::string::npos ? std::string() : l.substr(start, end - start);
    };
    while (std::getline(in, line)) {
        const size_t eq = line.rfind(") = ");
        if (const std::string exec = quoted(line, "execve(\""); !exec.empty()) {
            ref.execs.insert(mapPath(exec));
        } else if (const std::string open = quoted(line, "openat(AT_FDCWD, \""); !open.empty()) {
            if (eq == std::string::npos || line.compare(eq + 4, 1, "-") == 0)
                continue;  // failed or unfinished: not an open of a regular file
            const std::string p = mapPath(open);
            const std::string hostPath = open.front() == '/' ? open : (dir / open).string();
            struct stat st {};
            if (p.rfind("/proc/", 0) == 0 || p.rfind("/sys/", 0) == 0)
                continue;
            if (stat(hostPath.c_str(), &st) == 0 && S_ISREG(st.st_mode))
                // Node opens its own binary; in the sandbox the real one lives behind the launcher.
                ref.opens.insert(p == "/usr/bin/node" ? std::string("/opt/nodejs/bin/node") : p);
        } else if (line.find("connect(") != std::string::npos && line.find("sa_family=AF_INET,") != std::string::npos) {
            const std::string addr = quoted(line, "sin_addr=inet_addr(\"");
            const size_t port = line.find("sin_port=htons(");
            if (!addr.empty() && port != std::string::npos)
                ref.connects.insert(addr + ":" + std::to_string(std::atoi(line.c_str() + port + 15)));
        }
    }
    return ref;
}

TEST_F(TracerTest, EveryExecOpenAndConnectStraceSeesIsInTheStream) {
    const fs::path pkg = makePackage();
    writeFile(pkg / "workload.sh", kWorkload);
    const fs::path hostDir = cache_ / "strace-copy";
    fs::create_directories(hostDir);
    writeFile(hostDir / "workload.sh", kWorkload);
    const Reference ref = straceReference(hostDir, "/home/dev/project");
    ASSERT_GE(ref.execs.size(), 5u);
    ASSERT_GE(ref.opens.size(), 15u);
    ASSERT_EQ(ref.connects.size(), 1u);

    const auto events = traced({"sh", "./workload.sh"});
    std::set<std::string> execs, opens, connects;
    for (const Event& e : events) {
        if (e.kind == "process.exec")
            execs.insert(e.attrs["path"].get<std::string>());
        else if (e.kind == "file.open")
            opens.insert(e.attrs["path"].get<std::string>());
        else if (e.kind == "network.connect" && e.attrs["family"] == "inet")
            connects.insert(e.attrs["address"].get<std::string>() + ":" + std::to_string(e.attrs["port"].get<int>()));
    }
    auto missing = [](const std::set<std::string>& want, const std::set<std::string>& have) {
        std::vector<std::string> v;
        std::set_difference(want.begin(), want.end(), have.begin(), have.end(), std::back_inserter(v));
        return v;
    };
    EXPECT_EQ(missing(ref.execs, execs), std::vector<std::string>{}) << "execve seen by strace but not by the tracer";
    std::string nodeOpens;  // what the tracer saw of node's own files, for a failure's message
    for (const Event& e : events)
        if (e.kind == "file.open" && e.attrs["path"].get<std::string>().find("node") != std::string::npos)
            nodeOpens += "\n  pid " + std::to_string(e.pid) + " " + e.attrs.dump();
    EXPECT_EQ(missing(ref.opens, opens), std::vector<std::string>{})
        << "openat seen by strace but not by the tracer; the tracer's opens of node files:" << nodeOpens;
    EXPECT_EQ(missing(ref.connects, connects), std::vector<std::string>{}) << "connect seen by strace but not by the tracer";
    std::printf("completeness: strace saw %zu execve paths, %zu regular files opened, %zu connect targets; "
                "the tracer saw all of them (%zu events in total)\n",
                ref.execs.size(), ref.opens.size(), ref.connects.size(), events.size());
}

}  // namespace
}  // namespace vigil::test
