// Baseline learning, subtraction and its stored JSON form.
#include "engine/analysis/normalizer_baseline.h"

#include <array>

#include <fmt/format.h>

namespace vigil::engine::analysis {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

bool isRuntimeNoise(const Observation& o) {
    if (o.section != Section::FileReads && o.section != Section::FileWrites)
        return false;
    const std::string_view p = o.key;
    static constexpr std::array<std::string_view, 5> kExact = {"/dev/null", "/dev/urandom", "/dev/random", "/dev/tty",
                                                               "/etc/ld.so.cache"};
    for (std::string_view e : kExact)
        if (p == e)
            return true;
    if (o.section == Section::FileWrites)
        return startsWith(p, "/dev/pts/");
    static constexpr std::array<std::string_view, 10> kPrefixes = {
        "/lib/",           "/lib64/",           "/usr/lib/",        "/usr/lib64/",        "/etc/ld.so.conf",
        "/usr/share/locale/", "/usr/share/zoneinfo/", "/proc/self/maps", "/proc/self/stat", "/proc/self/fd"};
    for (std::string_view prefix : kPrefixes)
        if (startsWith(p, prefix))
            return true;
    return startsWith(p, "/dev/pts/");
}

std::string Baseline::keyOf(const Observation& o) { return std::string(sectionName(o.section)) + "\t" + o.key; }

Baseline Baseline::learn(const std::vector<PhaseRecord>& records, const PackageIdentity& emptyPackage) {
    Baseline b;
    const Normalizer norm(emptyPackage);
    for (const PhaseRecord& r : records)
        b.add(r.runtime, r.phase, norm.observe(r.events));
    return b;
}

void Baseline::add(const std::string& runtime, const std::string& phase, const std::vector<Observation>& observations) {
    auto& keys = keys_[runtime][phase];
    for (const Observation& o : observations)
        keys.insert(keyOf(o));
}

bool Baseline::has(const std::string& runtime, const std::string& phase) const {
    const auto r = keys_.find(runtime);
    return r != keys_.end() && r->second.count(phase) != 0;
}

bool Baseline::covers(const std::string& runtime, const std::string& phase, const Observation& o) const {
    const auto r = keys_.find(runtime);
    if (r == keys_.end())
        return false;
    const auto p = r->second.find(phase);
    return p != r->second.end() && p->second.count(keyOf(o)) != 0;
}

std::vector<Observation> Baseline::subtract(const std::string& runtime, const std::string& phase,
                                            std::vector<Observation> observations) const {
    std::erase_if(observations, [&](const Observation& o) { return isRuntimeNoise(o) || covers(runtime, phase, o); });
    return observations;
}

nlohmann::json Baseline::toJson() const {
    nlohmann::json runtimes = nlohmann::json::object();
    for (const auto& [runtime, phases] : keys_) {
        nlohmann::json& pj = runtimes[runtime] = nlohmann::json::object();
        for (const auto& [phase, keys] : phases)
            pj[phase] = keys;  // std::set: sorted, so the stored file diffs cleanly
    }
    return {{"version", 1}, {"runtimes", runtimes}};
}

Result<Baseline> Baseline::fromJson(const nlohmann::json& j) {
    if (!j.is_object() || j.value("version", 0) != 1)
        return makeError(ErrorCode::Input, "baseline is not a version 1 baseline object");
    const auto rt = j.find("runtimes");
    if (rt == j.end() || !rt->is_object())
        return makeError(ErrorCode::Input, "baseline lacks the \"runtimes\" object");
    Baseline b;
    for (const auto& [runtime, phases] : rt->items()) {
        if (!phases.is_object())
            return makeError(ErrorCode::Input, fmt::format("baseline runtime \"{}\" is not an object", runtime));
        for (const auto& [phase, keys] : phases.items()) {
            if (!keys.is_array())
                return makeError(ErrorCode::Input,
                                 fmt::format("baseline \"{}\" phase \"{}\" is not a list", runtime, phase));
            auto& set = b.keys_[runtime][phase];
            for (const auto& k : keys) {
                if (!k.is_string())
                    return makeError(ErrorCode::Input,
                                     fmt::format("baseline \"{}\" phase \"{}\" holds a non-string", runtime, phase));
                const std::string key = k.get<std::string>();
                const size_t tab = key.find('\t');
                if (tab == std::string::npos || !parseSection(key.substr(0, tab)).ok())
                    return makeError(ErrorCode::Input, fmt::format("baseline key \"{}\" is not \"section<TAB>key\"", key));
                set.insert(key);
            }
        }
    }
    return b;
}

}  // namespace vigil::engine::analysis
