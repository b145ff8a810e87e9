#include "ui/package_event_loader.h"

namespace vigil::ui {

PackageEventLoader::PackageEventLoader(QObject* parent)
    : QObject(parent), worker_([this](std::stop_token stop) { work(stop); }) {}

PackageEventLoader::~PackageEventLoader() {
    worker_.request_stop();
    if (worker_.joinable())
        worker_.join();
}

void PackageEventLoader::setSource(std::shared_ptr<const engine::report::EventSource> source) {
    source_ = std::move(source);
    cancel();
}

bool PackageEventLoader::load(const std::string& name, const std::string& version, Done done) {
    if (!source_)
        return false;
    done_ = std::move(done);
    {
        std::lock_guard lock(mutex_);
        pending_ = Request{++generation_, name, version, source_};
    }
    wake_.notify_one();
    return true;
}

void PackageEventLoader::work(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (wake_.wait(lock, stop, [this] { return pending_.has_value(); })) {
        Request request = std::move(*pending_);
        pending_.reset();
        lock.unlock();
        auto events = std::make_shared<Events>(request.source->eventsOf(request.name, request.version));
        // Queued to this object's (the GUI) thread; the destructor joins this thread first.
        QMetaObject::invokeMethod(
            this,
            [this, generation = request.generation, events] {
                if (generation == generation_ && done_)
                    done_(std::move(*events));
            },
            Qt::QueuedConnection);
        lock.lock();
    }
}

}  // namespace vigil::ui
