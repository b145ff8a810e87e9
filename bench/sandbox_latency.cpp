// Sandbox start-to-exec latency and overhead (issue: sandbox, "Benchmark"). Needs root.
//   sandbox_latency [RUNS] [untraced]   (default 20 runs, traced)
// Prints p50/p95 of: the helper's own start (or, for later runs of a helper's session, the
// request's arrival) -> execve time (RunResult::setup), the client's whole round trip for
// /bin/true, and the sandboxed / unsandboxed ratio for `node -e 1`. `untraced` runs without the
// eBPF tracer (VIGIL_TEST_MODE_UNTRACED), to see what the tracer costs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

#include "engine/sandbox/sandbox_client.h"

namespace sbx = vigil::engine::sandbox;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

/// `node -e 1` started directly (no shell) with a minimal environment, as the baseline the
/// sandboxed run is compared with; returns false if it did not exit 0.
bool runBareNode() {
    const char* argv[] = {"node", "-e", "1", nullptr};
    const char* envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", nullptr};
    pid_t pid = 0;
    if (posix_spawnp(&pid, "node", nullptr, nullptr, const_cast<char* const*>(argv), const_cast<char* const*>(envp)) != 0)
        return false;
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void report(const char* what, const std::vector<double>& v) {
    std::printf("%-38s p50 %7.1f ms   p95 %7.1f ms   (n=%zu)\n", what, percentile(v, 0.5), percentile(v, 0.95), v.size());
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
    const bool untraced = argc > 2 && std::strcmp(argv[2], "untraced") == 0;
    if (runs < 1) {
        std::fprintf(stderr, "usage: sandbox_latency [RUNS] [untraced]\n");
        return 2;
    }
    auto client = sbx::SandboxClient::create();
    if (!client) {
        std::fprintf(stderr, "%s\n", client.error().describe().c_str());
        return 1;
    }
    std::vector<double> setup, roundTrip, nodeBox, nodeBare;
    for (int i = 0; i < runs; ++i) {
        sbx::RunRequest request;
        request.argv = {"/bin/true"};
        request.untracedForBenchmark = untraced;
        const auto start = Clock::now();
        auto r = client->run(request);
        roundTrip.push_back(ms(Clock::now() - start));
        if (!r || r->exitCode != 0) {
            std::fprintf(stderr, "run failed: %s\n", r ? "non-zero exit" : r.error().describe().c_str());
            return 1;
        }
        setup.push_back(ms(r->setup));
    }
    for (int i = 0; i < runs; ++i) {
        sbx::RunRequest request;
        request.argv = {"node", "-e", "1"};
        request.untracedForBenchmark = untraced;
        auto start = Clock::now();
        auto r = client->run(request);
        nodeBox.push_back(ms(Clock::now() - start));
        if (!r || r->exitCode != 0)
            return 1;
        start = Clock::now();
        if (!runBareNode())
            return 1;
        nodeBare.push_back(ms(Clock::now() - start));
    }
    report("helper start -> execve (/bin/true)", setup);
    report("client round trip (/bin/true)", roundTrip);
    report("node -e 1 sandboxed (round trip)", nodeBox);
    report("node -e 1 unsandboxed (posix_spawn)", nodeBare);
    std::printf("node -e 1 overhead ratio (p50)          %.2fx\n", percentile(nodeBox, 0.5) / percentile(nodeBare, 0.5));
    return 0;
}
