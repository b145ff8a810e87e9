// Sessions: a helper serves run after run (the tracer stays loaded), and nothing of one run
// reaches the next — no file, process, honeypot record, kernel event, change or bait token.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

/// The helper that ran the sandbox: pid 1's parent, read while the run is alive.
pid_t helperOf(pid_t initPid) {
    const std::string stat = readFile("/proc/" + std::to_string(initPid) + "/stat");
    int parent = 0;
    const size_t close = stat.rfind(')');
    if (close == std::string::npos || std::sscanf(stat.c_str() + close + 2, "%*c %d", &parent) != 1)
        return -1;
    return parent;
}

sbx::RunObserver rememberHelper(pid_t& helper) {
    sbx::RunObserver observer;
    observer.onReady = [&helper](const sbx::ReadyInfo& r) { helper = helperOf(r.initPid); };
    return observer;
}

bool traceMentions(const sbx::RunResult& r, const std::string& needle) {
    for (const sbx::TraceRecord& rec : r.trace)
        if (std::search(rec.bytes.begin(), rec.bytes.end(), needle.begin(), needle.end()) != rec.bytes.end())
            return true;
    return false;
}

bool netMentions(const sbx::RunResult& r, const std::string& needle) {
    for (const sbx::NetEvent& e : r.netEvents) {
        if (e.data.find(needle) != std::string::npos)
            return true;
        for (const std::string& t : e.texts)
            if (t.find(needle) != std::string::npos)
                return true;
    }
    return false;
}

bool changesMention(const sbx::RunResult& r, const std::string& needle) {
    return std::any_of(r.changes.begin(), r.changes.end(),
                       [&](const sbx::FileChange& c) { return c.path.find(needle) != std::string::npos; });
}

TEST_F(SandboxTest, ASessionsSecondRunSeesNothingOfTheFirst) {
    makePackage();
    const std::string marker = "left" + std::to_string(getpid());
    const std::string sleeper = "sleep 3" + std::to_string(getpid()) + ".5";
    // Run 1 leaves what it can: files in every writable place, a process in the background that
    // would outlive it, a DNS name and an HTTP request at the honeypot.
    pid_t helper1 = -1;
    const sbx::RunResult first =
        run({"/bin/sh", "-c",
             "for d in /tmp /home/dev /home/dev/project /dev/shm /var/tmp; do echo x > $d/" + marker +
                 " 2>/dev/null; done; (setsid " + sleeper + " >/dev/null 2>&1 &); curl -s -m 5 http://" + marker + ".example/" + marker + " >/dev/null; echo done1"},
            {}, rememberHelper(helper1));
    ASSERT_EQ(first.stdoutTail, "done1\n") << first.stderrTail;
    // Each kind of trace is there in run 1, so its absence in run 2 means something.
    ASSERT_TRUE(traceMentions(first, marker)) << "run 1's tracer did not see its own files";
    ASSERT_TRUE(netMentions(first, marker)) << "run 1's honeypot did not record its request";
    ASSERT_TRUE(changesMention(first, marker)) << "run 1's changes miss its files";
    ASSERT_GT(helper1, 0);

    // Run 2 looks around without naming the marker (naming it would put it in its own trace).
    pid_t helper2 = -1;
    const sbx::RunResult second =
        run({"/bin/sh", "-c",
             "ls -a /tmp /home/dev /home/dev/project /dev/shm /var/tmp 2>&1; "
             "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done; "
             "curl -s -m 5 http://second.example/ >/dev/null; echo done2"},
            {}, rememberHelper(helper2));
    ASSERT_EQ(helper2, helper1) << "the second run did not reuse the first run's helper: no session was tested";
    EXPECT_NE(second.stdoutTail.find("done2"), std::string::npos) << second.stderrTail;
    EXPECT_EQ(second.stdoutTail.find(marker), std::string::npos) << "run 2 sees a file of run 1:\n" << second.stdoutTail;
    EXPECT_EQ(second.stdoutTail.find(sleeper), std::string::npos) << "run 2 sees a process of run 1:\n" << second.stdoutTail;
    EXPECT_FALSE(traceMentions(second, marker)) << "run 2's kernel events hold run 1's";
    EXPECT_TRUE(traceMentions(second, "/home/dev/project")) << "run 2's tracer saw nothing of its own";
    EXPECT_FALSE(netMentions(second, marker)) << "run 2's honeypot records hold run 1's";
    EXPECT_TRUE(netMentions(second, "second.example")) << "run 2's honeypot recorded nothing of its own";
    EXPECT_FALSE(changesMention(second, marker)) << "run 2's changes hold run 1's files";
    EXPECT_EQ(second.traceStats.drops, 0u);
    // Fresh bait: no token of run 1 is planted again.
    for (const sbx::BaitToken& t : second.bait)
        for (const sbx::BaitToken& old : first.bait)
            EXPECT_NE(t.value, old.value) << t.name << " was reused";
}

TEST_F(SandboxTest, AnIdleHelperThatDiedIsReplaced) {
    pid_t helper = -1;
    run({"/bin/true"}, {}, rememberHelper(helper));
    ASSERT_GT(helper, 0);
    // Killed between runs (by an administrator, the OOM killer): the next run must not fail.
    ASSERT_EQ(kill(helper, SIGKILL), 0);
    pid_t next = -1;
    const sbx::RunResult r = run({"/bin/sh", "-c", "echo ok"}, {}, rememberHelper(next));
    EXPECT_EQ(r.stdoutTail, "ok\n");
    EXPECT_NE(next, helper);
}

}  // namespace
}  // namespace vigil::test
