// Fingerprint <-> JSON (the store's fingerprint column and `vigil-cli analyze --json`).
#include <fmt/format.h>

#include "engine/analysis/fingerprint.h"

namespace vigil::engine::analysis {

namespace {

nlohmann::json outcomeJson(const PhaseSummary& s) {
    const PhaseOutcome& o = s.outcome;
    return {{"exit_code", o.exitCode},
            {"signal", o.signal},
            {"wall_limit_hit", o.wallLimitHit},
            {"memory_limit_hit", o.memoryLimitHit},
            {"pids_limit_hit", o.pidsLimitHit},
            {"output_limit_hit", o.outputLimitHit},
            {"failed", o.failed()},
            {"timed_out", o.timedOut()},
            {"crashed", o.crashed()},
            {"duration_ns", o.duration.count()},
            {"cpu_ns", o.cpu.count()},
            {"stdout_bytes", o.stdoutBytes},
            {"stderr_bytes", o.stderrBytes},
            {"memory_peak_bytes", o.memoryPeakBytes},
            {"baseline_applied", s.baselineApplied}};
}

/// Derived, human-readable fields next to the authoritative "key" (ignored when reading).
void addParts(Section section, const std::string& key, nlohmann::json& item) {
    if (section == Section::NetConnections) {
        const Connection c = parseConnection(key);
        item["host"] = c.host;
        item["port"] = c.port;
        item["protocol"] = c.protocol;
    } else if (section == Section::NetHttp) {
        const HttpRequest r = parseHttpRequest(key);
        item["method"] = r.method;
        item["host"] = r.host;
        item["path"] = r.path;
    }
}

}  // namespace

nlohmann::json toJson(const Fingerprint& fp) {
    nlohmann::json phases = nlohmann::json::object();
    for (const auto& [phase, s] : fp.phases)
        phases[phase] = outcomeJson(s);
    nlohmann::json sections = nlohmann::json::object();
    for (const auto& [section, items] : fp.sections) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& [key, evidence] : items) {
            nlohmann::json item = {{"key", key}, {"evidence", evidence}};
            addParts(section, key, item);
            if (section == Section::CodeDynamic)
                item["count"] = fp.eventCount(section, {}, key);
            list.push_back(std::move(item));
        }
        sections[sectionName(section)] = std::move(list);
    }
    return {{"package", fp.package}, {"version", fp.version}, {"runtime", fp.runtime},
            {"checksum", fp.checksum}, {"phases", phases},    {"sections", sections}};
}

Result<Fingerprint> fingerprintFromJson(const nlohmann::json& j) {
    if (!j.is_object())
        return makeError(ErrorCode::Input, "fingerprint is not a JSON object");
    Fingerprint fp;
    try {
        fp.package = j.at("package").get<std::string>();
        fp.version = j.at("version").get<std::string>();
        fp.runtime = j.value("runtime", std::string());
        for (const auto& [phase, o] : j.at("phases").items()) {
            PhaseSummary& s = fp.phases[phase];
            s.outcome.exitCode = o.at("exit_code").get<int>();
            s.outcome.signal = o.at("signal").get<int>();
            s.outcome.wallLimitHit = o.at("wall_limit_hit").get<bool>();
            s.outcome.memoryLimitHit = o.at("memory_limit_hit").get<bool>();
            s.outcome.pidsLimitHit = o.at("pids_limit_hit").get<bool>();
            s.outcome.outputLimitHit = o.at("output_limit_hit").get<bool>();
            s.outcome.duration = std::chrono::nanoseconds(o.at("duration_ns").get<int64_t>());
            s.outcome.cpu = std::chrono::nanoseconds(o.value("cpu_ns", int64_t{0}));
            s.outcome.stdoutBytes = o.at("stdout_bytes").get<uint64_t>();
            s.outcome.stderrBytes = o.at("stderr_bytes").get<uint64_t>();
            s.outcome.memoryPeakBytes = o.at("memory_peak_bytes").get<uint64_t>();
            s.baselineApplied = o.value("baseline_applied", false);
        }
        for (const auto& [name, list] : j.at("sections").items()) {
            Result<Section> section = parseSection(name);
            if (!section.ok())
                return section.error().withContext(fmt::format("fingerprint of {}@{}", fp.package, fp.version));
            auto& items = fp.sections[*section];
            for (const auto& item : list)
                items[item.at("key").get<std::string>()] = item.at("evidence").get<EventSeqs>();
        }
    } catch (const nlohmann::json::exception& ex) {
        return makeError(ErrorCode::Input, "fingerprint JSON is malformed", ex.what());
    }
    fp.checksum = computeChecksum(fp);
    if (const std::string stored = j.value("checksum", std::string()); stored != fp.checksum)
        return makeError(ErrorCode::Integrity,
                         fmt::format("fingerprint of {}@{} does not match its checksum", fp.package, fp.version),
                         fmt::format("stored {}, computed {}", stored, fp.checksum));
    return fp;
}

}  // namespace vigil::engine::analysis
