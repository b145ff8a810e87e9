#include "engine/report/stored_events.h"

#include <map>

#include <nlohmann/json.hpp>

#include "engine/store/store.h"

namespace vigil::engine::report {

namespace {

constexpr const char* kPhaseOrder[] = {"install", "import", "api"};

Error notFound(const std::string& what, const std::string& key) {
    return makeError(ErrorCode::NotFound, what, "Analyse it to record its events: vigil-cli scan " + key);
}

}  // namespace

Result<std::vector<collect::Event>> storedEvents(store::Store& store, const std::string& name,
                                                 const std::string& version, const std::string& phase) {
    const std::string key = name + "@" + version;
    auto stored = store.findVersion("npm", name, version);
    if (!stored)
        return std::move(stored).error().withContext(key);
    if (!*stored)
        return notFound(key + " is not in the store", key);
    if ((*stored)->analyzerVersion.empty())
        return notFound(key + " has no recorded analysis in the store", key);
    auto runs = store.runsOf((*stored)->id, (*stored)->analyzerVersion);
    if (!runs)
        return std::move(runs).error().withContext(key);
    // Re-analyses by the same analyzer append runs; the current fingerprint is the newest one's.
    std::map<std::string, store::RunId> newest;
    for (const auto& run : *runs)
        newest[store::phaseName(run.phase)] = run.id;
    if (!phase.empty() && !newest.count(phase))
        return notFound(key + " has no recorded " + phase + " phase in the store", key);
    if (newest.empty())
        return notFound(key + " has no recorded runs in the store", key);

    std::vector<collect::Event> out;
    for (const char* p : kPhaseOrder) {
        if (!phase.empty() && phase != p)
            continue;
        const auto run = newest.find(p);
        if (run == newest.end())
            continue;
        auto rows = store.eventsOf(run->second);
        if (!rows)
            return std::move(rows).error().withContext(key);
        out.reserve(out.size() + rows->size());
        for (const auto& row : *rows) {
            const auto parsed = nlohmann::json::parse(row.event.dataJson, nullptr, /*allow_exceptions=*/false);
            auto event = parsed.is_discarded() ? Result<collect::Event>(makeError(ErrorCode::Input, "not JSON"))
                                               : collect::eventFromJson(parsed);
            if (!event)
                return makeError(ErrorCode::Input,
                                 key + ": stored " + p + " event #" + std::to_string(row.seq) + " cannot be read",
                                 event.error().primary);
            out.push_back(std::move(event).value());
        }
    }
    return out;
}

StoreEventSource::StoreEventSource(std::shared_ptr<store::Store> owned) : owned_(std::move(owned)), store_(*owned_) {}

Result<std::shared_ptr<StoreEventSource>> StoreEventSource::open(const std::filesystem::path& path) {
    auto store = store::Store::open(path);
    if (!store)
        return std::move(store).error();
    return std::shared_ptr<StoreEventSource>(
        new StoreEventSource(std::make_shared<store::Store>(std::move(store).value())));
}

Result<std::vector<collect::Event>> StoreEventSource::eventsOf(const std::string& name, const std::string& version,
                                                               const std::string& phase) const {
    std::lock_guard lock(mutex_);
    return storedEvents(store_, name, version, phase);
}

}  // namespace vigil::engine::report
