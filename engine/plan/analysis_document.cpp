// AnalysisDocument <-> JSON, and the store's summary arrays derived from the fingerprint.
#include "engine/plan/analysis_document.h"

#include <set>
#include <initializer_list>

namespace vigil::engine::plan {

namespace {

using analysis::Section;
using nlohmann::json;

json keysOf(const analysis::Fingerprint& fp, std::initializer_list<Section> sections, const std::string& prefix = {}) {
    std::set<std::string> out;
    for (Section s : sections)
        for (const std::string& k : fp.keys(s))
            out.insert(prefix + k);
    return json(std::vector<std::string>(out.begin(), out.end()));
}

/// Hosts a version contacted, as the store's network_calls: names when known, else addresses.
json hostsOf(const analysis::Fingerprint& fp) {
    std::set<std::string> hosts;
    for (const std::string& k : fp.keys(Section::NetConnections)) {
        const analysis::Connection c = analysis::parseConnection(k);
        if (c.protocol != "unix")
            hosts.insert(c.host);
    }
    for (const std::string& k : fp.keys(Section::NetDns))
        hosts.insert(k);
    for (const std::string& k : fp.keys(Section::NetHttp))
        hosts.insert(analysis::parseHttpRequest(k).host);
    return json(std::vector<std::string>(hosts.begin(), hosts.end()));
}

}  // namespace

json toJson(const analysis::ExfiltrationProof& p) {
    return {{"token", p.token},       {"variable", p.variable}, {"planted", p.planted},
            {"encoding", p.encoding}, {"channel", p.channel},   {"destination", p.destination},
            {"phase", p.phase},       {"ts_ns", p.tsNs},        {"seq", p.seq},
            {"seqs", p.seqs},         {"pieces", p.pieces},     {"matched_chars", p.matchedChars},
            {"token_chars", p.tokenChars}, {"text", p.text()}};
}

Result<analysis::ExfiltrationProof> proofFromJson(const json& j) {
    analysis::ExfiltrationProof p;
    try {
        p.token = j.at("token").get<std::string>();
        p.variable = j.at("variable").get<std::string>();
        p.planted = j.at("planted").get<std::vector<std::string>>();
        p.encoding = j.at("encoding").get<std::vector<std::string>>();
        p.channel = j.at("channel").get<std::string>();
        p.destination = j.at("destination").get<std::string>();
        p.phase = j.at("phase").get<std::string>();
        p.tsNs = j.at("ts_ns").get<int64_t>();
        p.seq = j.at("seq").get<uint64_t>();
        p.seqs = j.at("seqs").get<std::vector<uint64_t>>();
        p.pieces = j.at("pieces").get<size_t>();
        p.matchedChars = j.at("matched_chars").get<size_t>();
        p.tokenChars = j.at("token_chars").get<size_t>();
    } catch (const json::exception& e) {
        return makeError(ErrorCode::Input, "exfiltration proof JSON is malformed", e.what());
    }
    return p;
}

json toJson(const AnalysisDocument& d) {
    const analysis::Fingerprint& fp = d.fingerprint;
    json j = analysis::toJson(fp);
    j["document_version"] = kAnalysisDocumentVersion;
    json proofs = json::array();
    for (const auto& p : d.proofs)
        proofs.push_back(toJson(p));
    j["exfiltration"] = std::move(proofs);
    j["warnings"] = d.warnings;
    if (d.attributionKnown)
        j["attribution"] = analysis::toJson(d.attribution);
    if (!d.category.category.empty())
        j["category"] = analysis::toJson(d.category);
    j["network_calls"] = hostsOf(fp);
    j["file_reads"] = keysOf(fp, {Section::FileReads});
    j["file_writes"] = keysOf(fp, {Section::FileWrites, Section::FileDeletes});
    j["env_reads"] = keysOf(fp, {Section::EnvReads});
    j["shell_commands"] = keysOf(fp, {Section::ProcessCommands});
    json code = keysOf(fp, {Section::CodeDynamic});
    for (const auto& g : keysOf(fp, {Section::CodeGlobalOverrides}, "override "))
        code.push_back(g);
    j["dynamic_code_exec"] = std::move(code);
    return j;
}

Result<AnalysisDocument> analysisDocumentFromJson(const json& j) {
    if (!j.is_object() || j.value("document_version", 0) != kAnalysisDocumentVersion)
        return makeError(ErrorCode::Input, "not an analysis document of this VIGIL version",
                         "the version was analysed by another analyzer: analyse it again");
    AnalysisDocument d;
    auto fp = analysis::fingerprintFromJson(j);
    if (!fp)
        return std::move(fp).error();
    d.fingerprint = std::move(fp).value();
    if (const auto it = j.find("exfiltration"); it != j.end() && it->is_array())
        for (const json& p : *it) {
            auto proof = proofFromJson(p);
            if (!proof)
                return std::move(proof).error().withContext(d.fingerprint.package + "@" + d.fingerprint.version);
            d.proofs.push_back(std::move(proof).value());
        }
    if (const auto it = j.find("warnings"); it != j.end() && it->is_array())
        for (const json& w : *it)
            if (w.is_string())
                d.warnings.push_back(w.get<std::string>());
    if (const auto it = j.find("attribution"); it != j.end()) {
        auto attribution = analysis::evidenceAttributionFromJson(*it);
        if (!attribution)
            return std::move(attribution).error().withContext(d.fingerprint.package + "@" + d.fingerprint.version);
        d.attribution = std::move(attribution).value();
        d.attributionKnown = true;
    }
    if (const auto it = j.find("category"); it != j.end() && it->is_object()) {
        d.category.category = it->value("category", "");
        d.category.confidence = it->value("confidence", 0.0);
        d.category.signal = it->value("signal", "");
        if (const auto s = it->find("signals"); s != it->end() && s->is_array())
            for (const json& v : *s)
                if (v.is_string())
                    d.category.votes.push_back(v.get<std::string>());
        if (!analysis::isKnownCategory(d.category.category))
            d.category = {};  // a category a later taxonomy dropped: unknown, not an error
    }
    return d;
}

}  // namespace vigil::engine::plan
