// @brief EventSource: where renderers and the GUI get one package's events, on demand — a ScanReport holds none.
//
// A scan of a thousand packages collects millions of events; they are stored per package version
// as the analyses finish (store::Store runs). Whatever shows events (timelines, event tables, the
// GUI's details page) asks for one package at a time and drops them when done, so memory follows
// the largest package, not the scan.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/collect/event.h"
#include "engine/core/result.h"
#include "engine/report/scan_report.h"

namespace vigil::engine::report {

class EventSource {
public:
    virtual ~EventSource() = default;
    /// The events of name@version — of `phase` ("install", "import", "api"), or of every phase in
    /// that order when `phase` is empty — each phase in seq order. A version that ran and did
    /// nothing yields an empty list; NotFound naming the package (and phase) when there is no
    /// recorded run to read.
    [[nodiscard]] virtual Result<std::vector<collect::Event>> eventsOf(const std::string& name, const std::string& version,
                                                                       const std::string& phase = {}) const = 0;
};

/// Events held in memory by "name@version": what a vigil.scan/1 file carries, a demo, a test.
class MemoryEventSource : public EventSource {
public:
    MemoryEventSource() = default;
    explicit MemoryEventSource(std::map<std::string, std::vector<collect::Event>> byPackage)
        : byPackage_(std::move(byPackage)) {}

    void add(const std::string& key, std::vector<collect::Event> events) { byPackage_[key] = std::move(events); }
    [[nodiscard]] bool empty() const { return byPackage_.empty(); }

    [[nodiscard]] Result<std::vector<collect::Event>> eventsOf(const std::string& name, const std::string& version,
                                                               const std::string& phase = {}) const override;

private:
    std::map<std::string, std::vector<collect::Event>> byPackage_;
};

/// One package's events as a renderer shows them: the list, or why there is none.
struct PackageEvents {
    std::vector<collect::Event> events;
    std::string note;  ///< "" when the list was read (it may be empty); else why there is no list
    [[nodiscard]] bool loaded() const { return note.empty(); }
};

/// `package`'s events from `source` (null: the caller has none to give). Never fails: a missing
/// list or a source error becomes the note a report prints in its place.
PackageEvents loadPackageEvents(const EventSource* source, const PackageReport& package);

}  // namespace vigil::engine::report
