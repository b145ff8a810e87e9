#include "engine/core/job_pool.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <thread>

namespace vigil::engine {

struct JobPool::Impl {
    explicit Impl(std::size_t threads) : pool(threads) {}
    boost::asio::thread_pool pool;
};

void JobContext::progress(double fraction, std::string message) const {
    if (report_)
        report_(JobProgress{name_, fraction, std::move(message), 0, 0});
}

JobPool::JobPool(std::size_t threads, std::size_t maxQueued)
    : threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())),
      maxQueued_(maxQueued ? maxQueued : 4 * threads_) {
    impl_ = std::make_unique<Impl>(threads_);
}

JobPool::~JobPool() {
    cancel();
    wait();
    impl_->pool.join();
}

void JobPool::setProgressCallback(ProgressCallback callback) {
    std::lock_guard lock(reportMutex_);
    progress_ = std::move(callback);
}

void JobPool::report(const JobProgress& p) {
    std::lock_guard lock(reportMutex_);
    if (progress_)
        progress_(p);
}

bool JobPool::submit(std::string name, Job job) {
    {
        std::unique_lock lock(mutex_);
        // Backpressure: the queue holds at most maxQueued_ waiting jobs beyond the running ones.
        changed_.wait(lock, [&] { return pending_ < maxQueued_ + threads_ || stop_.stop_requested(); });
        if (stop_.stop_requested())
            return false;
        ++pending_;
        ++submitted_;
    }
    boost::asio::post(impl_->pool, [this, name = std::move(name), job = std::move(job)]() mutable {
        if (!stop_.stop_requested()) {
            JobContext ctx(name, stop_.get_token(), [this](const JobProgress& p) {
                JobProgress full = p;
                {
                    std::lock_guard lock(mutex_);
                    full.done = done_;
                    full.submitted = submitted_;
                }
                report(full);
            });
            try {
                job(ctx);
            } catch (const std::exception& e) {
                // Jobs report failures as values; an exception escaping one is a bug, but it
                // must not take the worker thread (and the process) down with it.
                spdlog::error("job '{}' threw: {}", name, e.what());
            }
        }
        JobProgress finished{name, 1.0, "done", 0, 0};
        {
            std::lock_guard lock(mutex_);
            ++done_;
            finished.done = done_;
            finished.submitted = submitted_;
        }
        // Report before the job stops counting as pending, so wait() returns only after every
        // completion has been delivered.
        report(finished);
        {
            std::lock_guard lock(mutex_);
            --pending_;
        }
        changed_.notify_all();
    });
    return true;
}

void JobPool::cancel() {
    stop_.request_stop();
    changed_.notify_all();
}

void JobPool::wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pending_ == 0; });
}

}  // namespace vigil::engine
