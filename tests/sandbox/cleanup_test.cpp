// Cleanup: no cgroups, mounts or processes of a run survive it — after normal runs (checked in
// every run() of the fixture), setup failures, and SIGKILL of the engine.
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

using namespace std::chrono_literals;

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
