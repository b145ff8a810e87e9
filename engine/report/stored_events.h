// @brief StoreEventSource and storedEvents: one package version's events read back from the store's runs.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/report/event_source.h"

namespace vigil::engine::store {
class Store;
}

namespace vigil::engine::report {

/// name@version's events from the newest run of each phase of its current analysis (the runs
/// its fingerprint and findings come from). `phase` "" = install, import and api in that order.
/// NotFound, naming the package and how to analyse it, when the store does not know the version,
/// has no current analysis of it, or (with `phase`) has no run of that phase; a row this build
/// cannot parse is an Input error naming the package, phase and seq.
Result<std::vector<collect::Event>> storedEvents(store::Store& store, const std::string& name,
                                                 const std::string& version, const std::string& phase = {});

/// storedEvents over one open store. The store is used under a mutex: the GUI may load a
/// package's events on a worker while an export reads another's.
class StoreEventSource : public EventSource {
public:
    explicit StoreEventSource(store::Store& store) : store_(store) {}
    /// Opens the store at `path` and keeps it open for as long as the source lives.
    static Result<std::shared_ptr<StoreEventSource>> open(const std::filesystem::path& path);

    [[nodiscard]] Result<std::vector<collect::Event>> eventsOf(const std::string& name, const std::string& version,
                                                               const std::string& phase = {}) const override;

private:
    explicit StoreEventSource(std::shared_ptr<store::Store> owned);
    std::shared_ptr<store::Store> owned_;
    store::Store& store_;
    mutable std::mutex mutex_;
};

}  // namespace vigil::engine::report
