// Cost of the eBPF tracer (issue: behaviour collection, "Benchmark"). Needs root.
//   tracing_overhead [RUNS]   (default 5)
// One file- and exec-heavy workload (~1,000 processes, ~30,000 opens: 10,000 files written by the
// shell, then read back ten at a time by 1,000 cat processes), run interleaved in a traced and an
// untraced sandbox (VIGIL_TEST_MODE_UNTRACED). Prints the medians of the command's run time
// (execve -> exit) and of the whole round trip, their traced/untraced ratios (target <= 1.10), the
// CPU time of everything involved, the events per second and the drops; then the same workload outside any sandbox, bare and under
// strace -f, for comparison.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "engine/sandbox/sandbox_client.h"

namespace sbx = vigil::engine::sandbox;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kWorkload = R"SH(
set -e
mkdir -p "$1" && cd "$1"
i=0
while [ $i -lt 10000 ]; do echo $i > f$i; i=$((i+1)); done
j=0
while [ $j -lt 1000 ]; do
  b=$((j*10))
  cat f$b f$((b+1)) f$((b+2)) f$((b+3)) f$((b+4)) f$((b+5)) f$((b+6)) f$((b+7)) f$((b+8)) f$((b+9)) > /dev/null
  j=$((j+1))
done
)SH";

/// CPU seconds (user + system) of every reaped descendant so far: the helper, the sandbox's pid 1,
/// the command and everything it spawned — each is waited for by its parent, so all add up here.
/// Unlike wall time it barely moves when other work competes for the CPUs, and BPF programs run
/// in the context of the task they trace, so their cost is inside it.
double childrenCpuMs() {
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

/// Runs the workload on the host (optionally under strace -f) and returns the wall time in ms.
double hostRun(bool strace, int index) {
    const std::string dir = "/tmp/vigil-tracing-bench-" + std::to_string(index);
    const std::string cmd = std::string(strace ? "strace -f -qq -o /dev/null " : "") + "sh -c '" + kWorkload +
                            "' sh " + dir + " && rm -rf " + dir;
    const auto start = Clock::now();
    const int rc = std::system(cmd.c_str());
    const double t = ms(Clock::now() - start);
    return rc == 0 ? t : -1;
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    auto client = sbx::SandboxClient::create();
    if (!client) {
        std::fprintf(stderr, "%s\n", client.error().describe().c_str());
        return 1;
    }
    std::vector<double> runTraced, runBare, tripTraced, tripBare, cpuTraced, cpuBare, rates;
    uint64_t events = 0, drops = 0, lost = 0;
    for (int i = 0; i < runs; ++i) {
        for (bool traced : {true, false}) {
            sbx::RunRequest request;
            request.argv = {"sh", "-c", kWorkload, "sh", "/tmp/w"};
            request.limits.wall = std::chrono::milliseconds(300000);
            request.untracedForBenchmark = !traced;
            const double cpu0 = childrenCpuMs();
            const auto start = Clock::now();
            auto r = client->run(request);
            const double trip = ms(Clock::now() - start);
            (traced ? cpuTraced : cpuBare).push_back(childrenCpuMs() - cpu0);
            if (!r || r->exitCode != 0) {
                std::fprintf(stderr, "workload failed: %s\n",
                             r ? r->stderrTail.c_str() : r.error().describe().c_str());
                return 1;
            }
            const double run = std::chrono::duration<double, std::milli>(r->run).count();
            (traced ? runTraced : runBare).push_back(run);
            (traced ? tripTraced : tripBare).push_back(trip);
            if (traced) {
                if (!r->traceStats.active) {
                    std::fprintf(stderr, "tracer inactive: %s\n", r->traceStats.warnings.c_str());
                    return 1;
                }
                events = r->traceStats.events;
                drops += r->traceStats.drops;
                lost += r->traceStats.lost;
                rates.push_back(static_cast<double>(r->traceStats.events) / (run / 1000.0));
            }
        }
    }
    std::vector<double> host, hostStrace;
    for (int i = 0; i < runs; ++i) {
        host.push_back(hostRun(false, i));
        hostStrace.push_back(hostRun(true, i));
    }
    const double rT = median(runTraced), rB = median(runBare), tT = median(tripTraced), tB = median(tripBare);
    std::printf("workload: 1,000 cat processes, 10,000 files written + read back (n=%d each, interleaved)\n", runs);
    std::printf("run (execve->exit)  traced %8.1f ms   untraced %8.1f ms   ratio %.3f (target <= 1.10)\n", rT, rB, rT / rB);
    std::printf("round trip          traced %8.1f ms   untraced %8.1f ms   ratio %.3f\n", tT, tB, tT / tB);
    const double cT = median(cpuTraced), cB = median(cpuBare);
    std::printf("CPU (all processes) traced %8.1f ms   untraced %8.1f ms   ratio %.3f\n", cT, cB, cT / cB);
    std::printf("events per run %llu, %.0f events/s (median), drops %llu, lost %llu over %d traced runs\n",
                static_cast<unsigned long long>(events), median(rates), static_cast<unsigned long long>(drops),
                static_cast<unsigned long long>(lost), runs);
    const double h = median(host), hs = median(hostStrace);
    std::printf("host, no sandbox    bare   %8.1f ms   strace -f %8.1f ms   ratio %.3f\n", h, hs, hs / h);
    return drops == 0 && lost == 0 ? 0 : 2;
}
