// Limits: each bomb is stopped, reported as the limit it hit, and the helper stays fine.
#include <chrono>

#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

using namespace std::chrono_literals;

TEST_F(SandboxTest, InfiniteLoopIsStoppedByTheWallClock) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = run({"sh", "-c", "while :; do :; done"}, [](sbx::RunRequest& q) { q.limits.wall = 1000ms; });
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(r.wallLimitHit);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_EQ(r.exitCode, -1);
    EXPECT_FALSE(r.memoryLimitHit || r.pidsLimitHit || r.outputLimitHit);
    EXPECT_LT(took, 6s);
}

TEST_F(SandboxTest, CpuTimeTellsASpinFromASleep) {
    // Both hit the same 1.5 s wall limit; only the spin burns CPU (one CPU's quota by default).
    const auto spin = run({"sh", "-c", "while :; do :; done"}, [](sbx::RunRequest& q) { q.limits.wall = 1500ms; });
    const auto sleep = run({"sh", "-c", "sleep 30"}, [](sbx::RunRequest& q) { q.limits.wall = 1500ms; });
    ASSERT_TRUE(spin.wallLimitHit && sleep.wallLimitHit);
    EXPECT_GT(spin.cpu, 400ms) << "a busy loop for 1.5 s (on a loaded machine it gets less than all of it)";
    EXPECT_LE(spin.cpu, spin.run + 100ms) << "one CPU's quota";
    EXPECT_LT(sleep.cpu, 200ms) << "a sleeping run barely uses the CPU";
    EXPECT_GT(sleep.cpu, 0ns) << "but the sandbox's own start-up is counted, so 0 means 'not reported'";
}

TEST_F(SandboxTest, ForkBombIsStoppedByThePidsLimit) {
    const auto r = run({"sh", "-c", "f() { f | f & }; f; sleep 2"}, [](sbx::RunRequest& q) {
        q.limits.pids = 32;
        q.limits.wall = 8000ms;
    });
    EXPECT_TRUE(r.pidsLimitHit);
}

TEST_F(SandboxTest, MemoryBombIsOomKilledAndReported) {
    // Off-heap buffers, touched, so the cgroup (not V8's heap limit) is what stops it.
    const auto r = run({"node", "-e", "const a=[];for(;;)a.push(Buffer.alloc(16<<20,1))"}, [](sbx::RunRequest& q) {
        q.limits.memoryBytes = 128ull << 20;
        q.limits.wall = 20000ms;
    });
    EXPECT_TRUE(r.memoryLimitHit) << r.stderrTail;
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_FALSE(r.wallLimitHit);
    EXPECT_GT(r.memoryPeakBytes, 64ull << 20);
    EXPECT_LE(r.memoryPeakBytes, 130ull << 20);
}

TEST_F(SandboxTest, OutputFloodIsCapped) {
    uint64_t forwarded = 0;
    sbx::RunObserver observer;
    observer.onOutput = [&](sbx::OutputStream, std::string_view data) { forwarded += data.size(); };
    const auto r = run({"yes", "flood"}, [](sbx::RunRequest& q) {
        q.limits.outputBytes = 100000;
        q.limits.wall = 10000ms;
    }, observer);
    EXPECT_TRUE(r.outputLimitHit);
    EXPECT_FALSE(r.wallLimitHit) << "the flood must end at the cap, not at the deadline";
    EXPECT_EQ(forwarded, 100000u);
    EXPECT_GE(r.stdoutBytes, 100000u);
}

TEST_F(SandboxTest, DiskFillStopsAtTheTmpfsCap) {
    const auto r = run({"sh", "-c", "head -c 50000000 /dev/zero > /tmp/fill; echo rc=$?; du -k /tmp/fill"},
                       [](sbx::RunRequest& q) { q.limits.tmpfsBytes = 8ull << 20; });
    EXPECT_NE(r.stdoutTail.find("rc=1"), std::string::npos) << r.stdoutTail << r.stderrTail;
    EXPECT_NE(r.stderrTail.find("No space left on device"), std::string::npos) << r.stderrTail;
}

TEST_F(SandboxTest, OrdinaryCommandReportsItsExitCodeAndTimings) {
    const auto r = run({"sh", "-c", "echo out; echo err >&2; exit 7"});
    EXPECT_EQ(r.exitCode, 7);
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(r.stdoutTail, "out\n");
    EXPECT_EQ(r.stderrTail, "err\n");
    EXPECT_FALSE(r.anyLimitHit());
    EXPECT_GT(r.setup.count(), 0);
    EXPECT_GT(r.run.count(), 0);
}

TEST_F(SandboxTest, MissingCommandIsAResultNotAnError) {
    const auto r = run({"vigil-no-such-command"});
    EXPECT_EQ(r.exitCode, 127);
    EXPECT_NE(r.stderrTail.find("vigil-no-such-command"), std::string::npos);
}

}  // namespace
}  // namespace vigil::test
