// Package attribution of events: runtime stacks as they are, kernel events through the process tree.
#include "engine/analysis/event_attribution.h"

#include <set>

namespace vigil::engine::analysis {

namespace {
namespace kind = collect::kind;
}

SeqPackages attributeEvents(const std::vector<collect::Event>& events) {
    SeqPackages out;
    std::map<int32_t, std::string> processOwner;   // pid -> package whose code started the process
    std::map<int32_t, std::string> pendingSpawn;   // pid -> package of its last child_process call not yet forked
    for (const collect::Event& e : events) {
        if (e.source == collect::Source::Runtime) {
            if (!e.attribution.empty()) {
                out[e.seq] = e.attribution.package;
                // The hook writes the call before libuv forks in the same thread: the pid's next
                // fork is that call's child. A call the hook could not attribute clears it, so an
                // unattributed spawn never inherits an earlier package's.
                if (e.kind == kind::ProcessSpawn)
                    pendingSpawn[e.pid] = e.attribution.package;
            } else if (e.kind == kind::ProcessSpawn) {
                pendingSpawn.erase(e.pid);
            }
            continue;
        }
        if (e.source != collect::Source::Kernel || e.pid == 0)
            continue;  // honeypot events have no process: they stay with the package analysed
        std::string owner;
        if (const auto it = processOwner.find(e.pid); it != processOwner.end())
            owner = it->second;
        if (e.kind == kind::ProcessFork) {
            const int32_t child = e.attrs.value("child_pid", int32_t{0});
            std::string childOwner = owner;
            if (const auto s = pendingSpawn.find(e.pid); s != pendingSpawn.end()) {
                childOwner = s->second;
                pendingSpawn.erase(s);
            }
            if (child != 0) {
                if (childOwner.empty())
                    processOwner.erase(child);  // a reused pid starts clean
                else
                    processOwner[child] = childOwner;
            }
        }
        if (!owner.empty())
            out[e.seq] = owner;
    }
    return out;
}

EvidenceAttribution evidenceAttribution(const Fingerprint& fingerprint,
                                        const std::map<std::string, SeqPackages>& byPhase) {
    std::map<std::string, std::map<std::string, std::set<uint64_t>>> sets;
    for (const auto& [section, items] : fingerprint.sections)
        for (const auto& [key, seqsByPhase] : items)
            for (const auto& [phase, seqs] : seqsByPhase) {
                const auto p = byPhase.find(phase);
                if (p == byPhase.end())
                    continue;
                for (uint64_t seq : seqs)
                    if (const auto a = p->second.find(seq); a != p->second.end())
                        sets[a->second][phase].insert(seq);
            }
    EvidenceAttribution out;
    for (const auto& [package, phases] : sets)
        for (const auto& [phase, seqs] : phases)
            out[package][phase].assign(seqs.begin(), seqs.end());
    return out;
}

nlohmann::json toJson(const EvidenceAttribution& attribution) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [package, phases] : attribution)
        for (const auto& [phase, seqs] : phases)
            j[package][phase] = seqs;
    return j;
}

Result<EvidenceAttribution> evidenceAttributionFromJson(const nlohmann::json& json) {
    if (!json.is_object())
        return makeError(ErrorCode::Input, "event attribution is not a JSON object");
    EvidenceAttribution out;
    for (const auto& [package, phases] : json.items()) {
        if (!phases.is_object())
            return makeError(ErrorCode::Input, "event attribution of " + package + " is not an object of phases");
        for (const auto& [phase, seqs] : phases.items()) {
            if (!seqs.is_array())
                return makeError(ErrorCode::Input,
                                 "event attribution of " + package + " in " + phase + " is not an array");
            for (const auto& s : seqs) {
                if (!s.is_number_unsigned())
                    return makeError(ErrorCode::Input, "event attribution of " + package + " in " + phase +
                                                           " holds a seq that is not a non-negative integer");
                out[package][phase].push_back(s.get<uint64_t>());
            }
        }
    }
    return out;
}

}  // namespace vigil::engine::analysis
