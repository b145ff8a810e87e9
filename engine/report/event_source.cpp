#include "engine/report/event_source.h"

namespace vigil::engine::report {

Result<std::vector<collect::Event>> MemoryEventSource::eventsOf(const std::string& name, const std::string& version,
                                                                const std::string& phase) const {
    const std::string key = name + "@" + version;
    const auto it = byPackage_.find(key);
    if (it == byPackage_.end())
        return makeError(ErrorCode::NotFound, "no events of " + key + " in this report");
    if (phase.empty())
        return it->second;
    std::vector<collect::Event> out;
    for (const auto& e : it->second)
        if (e.phase == phase)
            out.push_back(e);
    return out;
}

PackageEvents loadPackageEvents(const EventSource* source, const PackageReport& package) {
    PackageEvents out;
    if (source == nullptr) {
        out.note = "The events of this package are not part of this report.";
        return out;
    }
    auto events = source->eventsOf(package.name, package.version);
    if (events) {
        out.events = std::move(events).value();
    } else if (package.analysisFailed) {
        out.note = "No events: the analysis did not complete.";
    } else if (events.error().code == ErrorCode::NotFound) {
        out.note = "No events recorded: " + events.error().primary + ".";
    } else {
        out.note = "The events could not be read: " + events.error().primary +
                   (events.error().secondary.empty() ? "" : " (" + events.error().secondary + ")");
    }
    return out;
}

}  // namespace vigil::engine::report
