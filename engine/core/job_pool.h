// @brief JobPool: the engine's one bounded, cancellable pool of worker threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

namespace vigil::engine {

/// Progress of one job or of the pool, as reported to the progress callback.
struct JobProgress {
    std::string job;          ///< the job's name ("fetch lodash@4.17.21")
    double fraction = 0.0;    ///< 0..1 for this job
    std::string message;      ///< what it is doing now
    std::size_t done = 0;     ///< jobs finished so far in the pool
    std::size_t submitted = 0;///< jobs submitted so far
};

/// What a running job sees: its cancellation token and a way to report progress.
class JobContext {
public:
    JobContext(std::string name, std::stop_token stop, std::function<void(const JobProgress&)> report)
        : name_(std::move(name)), stop_(std::move(stop)), report_(std::move(report)) {}
    [[nodiscard]] bool cancelled() const noexcept { return stop_.stop_requested(); }
    [[nodiscard]] const std::stop_token& stopToken() const noexcept { return stop_; }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    void progress(double fraction, std::string message) const;

private:
    std::string name_;
    std::stop_token stop_;
    std::function<void(const JobProgress&)> report_;
};

/// A fixed set of worker threads (Boost.Asio's thread_pool) with a bounded queue: submit()
/// blocks while `maxQueued` jobs wait, so a producer of 10 000 jobs never holds them all.
/// cancel() makes queued jobs skip and running jobs see JobContext::cancelled().
class JobPool {
public:
    using Job = std::function<void(JobContext&)>;
    using ProgressCallback = std::function<void(const JobProgress&)>;

    /// threads == 0 means one per core; maxQueued == 0 means 4 × threads.
    explicit JobPool(std::size_t threads = 0, std::size_t maxQueued = 0);
    ~JobPool();
    JobPool(const JobPool&) = delete;
    JobPool& operator=(const JobPool&) = delete;

    /// Called from worker threads (serialised by the pool) for every progress report and
    /// every finished job. Set before submitting.
    void setProgressCallback(ProgressCallback callback);

    /// Queues a job; blocks while the queue is full. Returns false (and drops the job) once
    /// the pool is cancelled.
    bool submit(std::string name, Job job);
    /// Asks every queued and running job to stop. Idempotent; callable from any thread.
    void cancel();
    [[nodiscard]] bool cancelled() const noexcept { return stop_.stop_requested(); }
    /// Blocks until every submitted job has finished or been skipped.
    void wait();

    [[nodiscard]] std::size_t threadCount() const noexcept { return threads_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::size_t threads_;
    std::size_t maxQueued_;
    std::stop_source stop_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t pending_ = 0;   ///< submitted and not finished (queued + running)
    std::size_t done_ = 0;
    std::size_t submitted_ = 0;
    std::mutex reportMutex_;
    ProgressCallback progress_;

    void report(const JobProgress& p);
};

}  // namespace vigil::engine
