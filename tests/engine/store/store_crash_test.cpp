// Store crash consistency: a writer process is SIGKILLed at random moments while it records
// scans; after every kill the store must open, pass integrity and foreign-key checks, keep its
// schema, and hold every scan's graph whole or not at all.
#include "engine/store/store.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "tests/engine/store/store_test_support.h"

using namespace vigil::engine;
using namespace vigil::engine::store;
using vigil::engine::store::testing::TempDir;

namespace {

constexpr const char* kProject = "/home/dev/crash-project";
constexpr int kRounds = 10;

// Scan k has packagesFor(k) packages (distinct names, so none merge) and a tree of edges plus
// ten edges from the root: the counts a complete graph must have.
std::size_t packagesFor(long k) { return 150 + static_cast<std::size_t>((k * 37) % 200); }
std::size_t edgesFor(long k) { return packagesFor(k) - 1 + 10; }

ScanGraph graphFor(long k) {
    ScanGraph g;
    const std::size_t n = packagesFor(k);
    for (std::size_t i = 0; i < n; ++i)
        // Names repeat across scans and versions vary, so the writer both reuses and adds rows.
        g.packages.push_back({"npm", "dep-" + std::to_string(i), "1." + std::to_string(k % 5) + ".0",
                              "sha512-" + std::to_string(i) + "-" + std::to_string(k % 5), i < 10, false, false});
    for (std::size_t i = 0; i < 10; ++i)
        g.edges.push_back({std::nullopt, i, "dep-" + std::to_string(i), "^1.0.0", DepType::Prod});
    for (std::size_t i = 1; i < n; ++i)
        g.edges.push_back({(i - 1) / 2, i, "dep-" + std::to_string(i), "^1.0.0", DepType::Prod});
    return g;
}

/// The child: writes complete scans until killed. Reports on `readyFd` after its first commit.
[[noreturn]] void writeScansForever(const std::filesystem::path& db, long firstK, int readyFd) {
    auto store = Store::open(db);
    if (!store.ok())
        ::_exit(2);
    bool reported = false;
    for (long k = firstK;; ++k) {
        auto scan = store->beginScan(kProject, "lock-" + std::to_string(k));
        if (!scan.ok() || !store->recordScanGraph(*scan, graphFor(k)).ok())
            ::_exit(3);
        std::string totals = R"({"packages":)" + std::to_string(packagesFor(k)) + "}";
        if (!store->finishScan(*scan, ScanStatus::Complete, totals).ok())
            ::_exit(4);
        if (!reported) {
            (void)!::write(readyFd, "r", 1);
            reported = true;
        }
    }
}

struct Tally {
    int complete = 0;
    int runningEmpty = 0;  // killed between beginScan and the graph's commit
};

/// Opens the store after a kill and checks every invariant; counts what it found.
void verifyAfterKill(const std::filesystem::path& db, int round, Tally& tally) {
    auto store = Store::open(db);
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.error().describe();
    auto integrity = store->checkIntegrity();
    ASSERT_TRUE(integrity.ok()) << "round " << round << ": " << integrity.error().describe();
    auto stats = store->stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->schemaVersion, schemaVersion()) << "round " << round;

    auto scans = store->scansOf(kProject);
    ASSERT_TRUE(scans.ok()) << scans.error().describe();
    tally = {};
    for (const auto& scan : *scans) {
        ASSERT_EQ(scan.lockfile.rfind("lock-", 0), 0u) << scan.lockfile;
        const long k = std::stol(scan.lockfile.substr(5));
        auto graph = store->scanGraph(scan.id);
        ASSERT_TRUE(graph.ok()) << graph.error().describe();
        const auto packages = graph->packages.size();
        const auto edges = graph->edges.size();
        if (scan.status == ScanStatus::Complete) {
            ++tally.complete;
            EXPECT_EQ(packages, packagesFor(k)) << "round " << round << ", scan " << scan.id;
            EXPECT_EQ(edges, edgesFor(k)) << "round " << round << ", scan " << scan.id;
            EXPECT_EQ(scan.totalsJson, R"({"packages":)" + std::to_string(packagesFor(k)) + "}");
        } else {
            ASSERT_EQ(scan.status, ScanStatus::Running) << "round " << round;
            const bool nothing = packages == 0 && edges == 0;
            const bool all = packages == packagesFor(k) && edges == edgesFor(k);
            EXPECT_TRUE(nothing || all) << "round " << round << ", scan " << scan.id << " is partial: " << packages
                                        << " packages, " << edges << " edges";
            if (nothing)
                ++tally.runningEmpty;
        }
    }
}

}  // namespace

TEST(StoreCrash, SigkillDuringWritesLeavesEveryScanWholeOrAbsent) {
    TempDir dir;
    const auto db = dir / "vigil.db";
    std::mt19937 random(20240601);  // fixed seed: the same kill delays every run
    Tally tally;
    int previousComplete = 0;

    for (int round = 0; round < kRounds; ++round) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(fds[0]);
            writeScansForever(db, 100000L * round, fds[1]);
        }
        ::close(fds[1]);
        // Round 0 kills during open and migration; the others once a scan has committed, so
        // the kill lands among the scan transactions.
        if (round > 0) {
            pollfd ready{fds[0], POLLIN, 0};
            ASSERT_EQ(::poll(&ready, 1, 60000), 1) << "round " << round << ": the writer never committed a scan";
        }
        std::uniform_int_distribution<int> delayMs(round == 0 ? 0 : 1, round == 0 ? 5 : 60);
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(random)));
        ASSERT_EQ(::kill(pid, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ::close(fds[0]);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "round " << round << ": the writer failed on its own (exit " << WEXITSTATUS(status) << ")";

        verifyAfterKill(db, round, tally);
        if (::testing::Test::HasFatalFailure())
            return;
        EXPECT_GE(tally.complete, previousComplete) << "a committed scan vanished in round " << round;
        previousComplete = tally.complete;
    }
    // Guard against a vacuous pass: scans were really being written when the kills came.
    EXPECT_GE(tally.complete, kRounds - 1);
    RecordProperty("complete_scans", tally.complete);
    RecordProperty("interrupted_scans", tally.runningEmpty);
}
