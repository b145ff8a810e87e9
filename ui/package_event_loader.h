// @brief PackageEventLoader: reads one package's events from an EventSource off the GUI thread,
// latest request wins — what the details page shows for the selected package.
#pragma once

#include <QObject>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/report/event_source.h"

namespace vigil::ui {

/// One worker thread; a new request replaces a pending one, and the result of any request but
/// the latest is dropped, so clicking through packages never queues up store reads. `done`
/// runs on the GUI thread. The destructor stops and joins the worker before the QObject goes,
/// so a result is never posted to a dead object.
class PackageEventLoader : public QObject {
    Q_OBJECT
public:
    using Events = engine::Result<std::vector<engine::collect::Event>>;
    using Done = std::function<void(Events)>;

    explicit PackageEventLoader(QObject* parent = nullptr);
    ~PackageEventLoader() override;

    void setSource(std::shared_ptr<const engine::report::EventSource> source);
    [[nodiscard]] std::shared_ptr<const engine::report::EventSource> source() const { return source_; }
    /// False (and `done` never called) without a source.
    bool load(const std::string& name, const std::string& version, Done done);
    /// Drops the result of the request in flight, if any.
    void cancel() { ++generation_; }

private:
    struct Request {
        quint64 generation = 0;
        std::string name, version;
        std::shared_ptr<const engine::report::EventSource> source;
    };
    void work(std::stop_token stop);

    std::shared_ptr<const engine::report::EventSource> source_;
    quint64 generation_ = 0;  ///< GUI thread only
    Done done_;               ///< GUI thread only
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::optional<Request> pending_;  ///< guarded by mutex_
    std::jthread worker_;
};

}  // namespace vigil::ui
