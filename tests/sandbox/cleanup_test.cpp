// Cleanup: no cgroups, mounts or processes of a run survive it — after normal runs (checked in
// every run() of the fixture), setup failures, SIGKILL of the engine, and SIGKILL of the helper
// (the next helper sweeps what it left).
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sstream>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

bool gone(pid_t pid) {
    if (kill(pid, 0) != 0)
        return true;
    const std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t close = stat.rfind(')');
    return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] == 'Z';
}

TEST_F(SandboxTest, SetupFailureInsideTheSandboxCleansUp) {
    sbx::ReadyInfo ready;
    sbx::RunObserver observer;
    observer.onReady = [&](const sbx::ReadyInfo& r) { ready = r; };
    auto r = tryRun({"true"}, [](sbx::RunRequest& q) { q.cwd = "/home/dev/no-such-dir"; }, observer);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().primary.find("chdir"), std::string::npos) << r.error().describe();
    EXPECT_NE(r.error().primary.find("/home/dev/no-such-dir"), std::string::npos);
    expectCleanedUp(ready);
}

TEST_F(SandboxTest, AStopRequestEndsARunPromptlyAndCleansUp) {
    // What a cancelled scan relies on: a sleeping package is not waited for.
    sbx::ReadyInfo ready;
    std::stop_source stop;
    sbx::RunObserver observer;
    observer.stop = stop.get_token();
    observer.onReady = [&](const sbx::ReadyInfo& r) {
        ready = r;
        stop.request_stop();  // from the reader thread: the next poll slice sees it
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto r = tryRun({"sleep", "30"}, {}, observer);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, engine::ErrorCode::Cancelled) << r.error().describe();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    expectCleanedUp(ready);
}

TEST_F(SandboxTest, SigkillOfTheEngineTearsTheRunDown) {
    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    const pid_t engine = fork();
    ASSERT_GE(engine, 0);
    if (engine == 0) {
        // The "engine": reports the run's identity, then waits on a long command forever.
        close(pipefd[0]);
        sbx::RunObserver observer;
        observer.onReady = [&](const sbx::ReadyInfo& r) {
            const std::string line = std::to_string(r.initPid) + " " + r.runName + "\n";
            if (write(pipefd[1], line.data(), line.size()) < 0)
                _exit(3);
        };
        auto result = tryRun({"sleep", "600"}, {}, observer);
        _exit(result.ok() ? 0 : 1);
    }
    close(pipefd[1]);
    char buf[256] = {};
    ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
    close(pipefd[0]);
    ASSERT_GT(n, 0);
    int initPid = 0;
    char name[128] = {};
    ASSERT_EQ(std::sscanf(buf, "%d %127s", &initPid, name), 2);
    ASSERT_FALSE(gone(initPid));
    ASSERT_EQ(kill(engine, SIGKILL), 0);
    waitpid(engine, nullptr, 0);
    // The helper sees EOF on its socket, kills the run and removes its cgroups.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!gone(initPid) && std::chrono::steady_clock::now() < deadline)
        usleep(20000);
    usleep(300000);  // cgroup removal follows the kill
    expectCleanedUp(sbx::ReadyInfo{initPid, 0, name});
}

/// Every cgroup dir named `name`, in any hierarchy.
std::vector<fs::path> cgroupDirsNamed(const std::string& name) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator("/sys/fs/cgroup", fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            break;
        if (it->is_symlink(ec) || !it->is_directory(ec)) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->path().filename() == name) {
            found.push_back(it->path());
            it.disable_recursion_pending();
        }
    }
    return found;
}

/// Host pids whose command line contains `needle`.
std::vector<pid_t> processesWith(const std::string& needle) {
    std::vector<pid_t> pids;
    DIR* d = opendir("/proc");
    while (const dirent* e = d != nullptr ? readdir(d) : nullptr) {
        const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
        if (pid <= 0 || pid == getpid())
            continue;
        std::string cmdline = readFile("/proc/" + std::to_string(pid) + "/cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(needle) != std::string::npos && !gone(pid))
            pids.push_back(pid);
    }
    if (d != nullptr)
        closedir(d);
    return pids;
}

TEST_F(SandboxTest, NextRunRemovesWhatASigkilledHelperLeft) {
    // A sleep nobody else runs, so its processes can be told apart from every other one.
    const std::string marker = "987." + std::to_string(getpid());
    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    const pid_t engine = fork();
    ASSERT_GE(engine, 0);
    if (engine == 0) {
        close(pipefd[0]);
        sbx::RunObserver observer;
        observer.onReady = [&](const sbx::ReadyInfo& r) {
            const std::string line = std::to_string(r.initPid) + " " + r.runName + "\n";
            if (write(pipefd[1], line.data(), line.size()) < 0)
                _exit(3);
        };
        auto result = tryRun({"sleep", marker}, {}, observer);
        _exit(result.ok() ? 0 : 1);
    }
    close(pipefd[1]);
    char buf[256] = {};
    const ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
    close(pipefd[0]);
    ASSERT_GT(n, 0);
    int initPid = 0;
    char name[128] = {};
    ASSERT_EQ(std::sscanf(buf, "%d %127s", &initPid, name), 2);
    // The helper is pid 1's parent.
    const std::string stat = readFile("/proc/" + std::to_string(initPid) + "/stat");
    int helper = 0;
    ASSERT_EQ(std::sscanf(stat.c_str() + stat.rfind(')') + 2, "%*c %d", &helper), 1) << stat;
    ASSERT_EQ(readFile("/proc/" + std::to_string(helper) + "/comm"), "vigil-sandbox\n");
    for (int i = 0; i < 200 && processesWith("sleep " + marker).empty(); ++i)
        usleep(10000);
    ASSERT_FALSE(processesWith("sleep " + marker).empty()) << "the first run's command never started";

    ASSERT_EQ(kill(helper, SIGKILL), 0);
    waitpid(engine, nullptr, 0);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!gone(initPid) && std::chrono::steady_clock::now() < deadline)
        usleep(20000);
    // Nobody cleaned up after the helper: its cgroups are still there.
    const std::vector<fs::path> stale = cgroupDirsNamed(name);
    ASSERT_FALSE(stale.empty()) << "a SIGKILLed helper left no cgroup dirs: the test proves nothing";
    // A process that outlived the namespace (as one that escaped the pid namespace's kill would):
    // put one in the stale run's cgroup2 dir.
    const pid_t straggler = fork();
    ASSERT_GE(straggler, 0);
    if (straggler == 0) {
        for (;;)
            pause();
    }
    bool placed = false;
    for (const fs::path& dir : stale) {
        struct statfs sfs{};
        if (statfs(dir.c_str(), &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
            writeFile(dir / "cgroup.procs", std::to_string(straggler));
            placed = readFile(dir / "cgroup.procs").find(std::to_string(straggler)) != std::string::npos;
        }
    }
    EXPECT_TRUE(placed);

    // The next helper sweeps: the dirs go, and with them every process in them.
    run({"true"});
    EXPECT_TRUE(cgroupDirsNamed(name).empty());
    int status = 0;
    pid_t reaped = 0;
    for (int i = 0; i < 300 && reaped == 0; ++i) {
        reaped = waitpid(straggler, &status, WNOHANG);
        if (reaped == 0)
            usleep(10000);
    }
    if (reaped == 0) {
        kill(straggler, SIGKILL);
        waitpid(straggler, nullptr, 0);
        ADD_FAILURE() << "the process in the stale cgroup survived the sweep";
    } else {
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
    EXPECT_TRUE(processesWith("sleep " + marker).empty()) << "the first run's command is still running";
}

TEST_F(SandboxTest, CliExecPrintsJsonLines) {
    // Through the CLI's code path (the driver stands in for `vigil-cli sandbox exec`).
    const auto pkg = makePackage();
    const std::string cmd = std::string(VIGIL_SANDBOX_EXEC) + " exec --json --pkg " + pkg.string() +
                            " -- sh -c 'echo hello; touch made; exit 3'";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    const int status = pclose(p);
    EXPECT_EQ(WEXITSTATUS(status), 3) << "the command's exit code is the CLI's";
    std::vector<nlohmann::json> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << line;
        lines.push_back(std::move(j));
    }
    ASSERT_GE(lines.size(), 4u) << out;
    EXPECT_EQ(lines.front()["type"], "ready");
    EXPECT_EQ(lines[1]["type"], "output");
    EXPECT_EQ(lines[1]["data"], "hello\n");
    EXPECT_EQ(lines[lines.size() - 2]["type"], "change");
    EXPECT_EQ(lines[lines.size() - 2]["path"], "/home/dev/project/made");
    EXPECT_EQ(lines.back()["type"], "result");
    EXPECT_EQ(lines.back()["exit_code"], 3);
    expectCleanedUp(sbx::ReadyInfo{lines.front()["init_pid"], 0, lines.front()["run"]});
}

}  // namespace
}  // namespace vigil::test
