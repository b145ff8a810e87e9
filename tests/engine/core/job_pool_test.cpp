#include "engine/core/job_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

using namespace vigil::engine;
using namespace std::chrono_literals;

TEST(JobPool, RunsEveryJobOnItsThreads) {
    JobPool pool(2);
    std::atomic<int> sum{0};
    std::mutex m;
    std::set<std::thread::id> threads;
    for (int i = 1; i <= 100; ++i)
        ASSERT_TRUE(pool.submit("add", [&, i](JobContext&) {
            sum += i;
            std::lock_guard lock(m);
            threads.insert(std::this_thread::get_id());
        }));
    pool.wait();
    EXPECT_EQ(sum.load(), 5050);
    EXPECT_LE(threads.size(), 2u);
    EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(JobPool, SubmitBlocksWhenTheQueueIsFull) {
    JobPool pool(1, 2);  // one runner + two queued
    std::atomic<bool> release{false};
    std::atomic<int> started{0};
    auto blocker = [&](JobContext&) {
        ++started;
        while (!release)
            std::this_thread::sleep_for(1ms);
    };
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(pool.submit("block", blocker));
    std::atomic<bool> fourthSubmitted{false};
    std::thread producer([&] {
        EXPECT_TRUE(pool.submit("fourth", blocker));
        fourthSubmitted = true;
    });
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(fourthSubmitted) << "the fourth job should wait for room in the queue";
    release = true;
    producer.join();
    pool.wait();
    EXPECT_TRUE(fourthSubmitted);
    EXPECT_EQ(started.load(), 4);
}

TEST(JobPool, CancelStopsRunningAndSkipsQueuedJobs) {
    JobPool pool(1, 10);
    std::atomic<int> ran{0};
    std::atomic<bool> sawCancel{false};
    ASSERT_TRUE(pool.submit("long", [&](JobContext& ctx) {
        ++ran;
        while (!ctx.cancelled())
            std::this_thread::sleep_for(1ms);
        sawCancel = true;
    }));
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(pool.submit("queued", [&](JobContext&) { ++ran; }));
    std::this_thread::sleep_for(50ms);
    pool.cancel();
    pool.wait();
    EXPECT_TRUE(sawCancel);
    EXPECT_EQ(ran.load(), 1) << "queued jobs must be skipped after cancel";
    EXPECT_FALSE(pool.submit("late", [](JobContext&) {}));
}

TEST(JobPool, ReportsProgressAndCompletion) {
    JobPool pool(2);
    std::mutex m;
    std::vector<JobProgress> reports;
    pool.setProgressCallback([&](const JobProgress& p) {
        std::lock_guard lock(m);
        reports.push_back(p);
    });
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(pool.submit("job" + std::to_string(i), [](JobContext& ctx) { ctx.progress(0.5, "half way"); }));
    pool.wait();
    int halfWay = 0, finished = 0;
    std::size_t maxDone = 0;
    for (const auto& r : reports) {
        if (r.message == "half way") ++halfWay;
        if (r.message == "done") ++finished;
        maxDone = std::max(maxDone, r.done);
    }
    EXPECT_EQ(halfWay, 4);
    EXPECT_EQ(finished, 4);
    EXPECT_EQ(maxDone, 4u);
}

TEST(JobPool, AThrowingJobDoesNotKillThePool) {
    JobPool pool(1);
    std::atomic<int> ran{0};
    ASSERT_TRUE(pool.submit("throws", [](JobContext&) { throw std::runtime_error("boom"); }));
    ASSERT_TRUE(pool.submit("after", [&](JobContext&) { ++ran; }));
    pool.wait();
    EXPECT_EQ(ran.load(), 1);
}
