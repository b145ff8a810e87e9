// Event attribution of stored documents, from the stored events of their runs.
#include "engine/plan/stored_attribution.h"

#include <map>
#include <set>

#include "engine/analysis/event_attribution.h"
#include "engine/collect/event.h"
#include "engine/plan/analysis_document.h"

namespace vigil::engine::plan {

namespace kind = collect::kind;

Result<bool> addStoredAttribution(store::Store& store, store::VersionId version, const std::string& analyzerVersion,
                                  nlohmann::json& document) {
    if (!document.is_object() || document.contains("attribution"))
        return false;
    auto doc = analysisDocumentFromJson(document);
    if (!doc)
        return false;  // not a document this version judges: evaluate() says so itself
    const std::string subject = doc->fingerprint.package + "@" + doc->fingerprint.version;
    std::map<std::string, std::set<uint64_t>> evidence;  // phase -> seqs the fingerprint cites
    for (const auto& [section, items] : doc->fingerprint.sections)
        for (const auto& [key, seqsByPhase] : items)
            for (const auto& [phase, seqs] : seqsByPhase)
                evidence[phase].insert(seqs.begin(), seqs.end());

    auto runs = store.runsOf(version, analyzerVersion);
    if (!runs)
        return std::move(runs).error().withContext(subject);
    std::map<std::string, store::RunId> lastRun;  // oldest first: the last of a phase wins
    for (const auto& r : *runs)
        lastRun[store::phaseName(r.phase)] = r.id;

    std::map<std::string, analysis::SeqPackages> attributed;
    for (const auto& [phase, run] : lastRun) {
        auto stored = store.eventsOf(run);
        if (!stored)
            return std::move(stored).error().withContext(subject);
        const std::set<uint64_t>& cited = evidence[phase];
        // Only what attribution reads is parsed: the process tree and the cited events.
        std::vector<collect::Event> events;
        for (const auto& s : *stored) {
            const std::string& k = s.event.kind;
            if (k != kind::ProcessFork && k != kind::ProcessSpawn && !cited.count(static_cast<uint64_t>(s.seq)))
                continue;
            const auto json = nlohmann::json::parse(s.event.dataJson, nullptr, false);
            auto e = collect::eventFromJson(json);
            if (!e)
                return std::move(e).error().withContext(subject + " " + phase + " event " + std::to_string(s.seq));
            events.push_back(std::move(e).value());
        }
        attributed[phase] = analysis::attributeEvents(events);
    }
    document["attribution"] = analysis::toJson(analysis::evidenceAttribution(doc->fingerprint, attributed));
    return true;
}

}  // namespace vigil::engine::plan
