// Building a fingerprint from phase records, and its checksum.
#include "engine/analysis/fingerprint.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace vigil::engine::analysis {

Connection parseConnection(std::string_view key) {
    Connection c;
    if (key.substr(0, 5) == "unix:") {
        c.host = std::string(key.substr(5));
        c.protocol = "unix";
        return c;
    }
    const size_t slash = key.rfind('/');
    const std::string_view hostPort = key.substr(0, slash);
    if (slash != std::string_view::npos)
        c.protocol = std::string(key.substr(slash + 1));
    const size_t colon = hostPort.rfind(':');
    std::string_view host = hostPort.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    c.host = std::string(host);
    if (colon != std::string_view::npos) {
        try {
            c.port = std::stoi(std::string(hostPort.substr(colon + 1)));
        } catch (const std::exception&) {
            c.port = 0;
        }
    }
    return c;
}

HttpRequest parseHttpRequest(std::string_view key) {
    HttpRequest r;
    const size_t a = key.find(' ');
    const size_t b = a == std::string_view::npos ? a : key.find(' ', a + 1);
    r.method = std::string(key.substr(0, a));
    if (a != std::string_view::npos)
        r.host = std::string(key.substr(a + 1, b == std::string_view::npos ? b : b - a - 1));
    if (b != std::string_view::npos)
        r.path = std::string(key.substr(b + 1));
    return r;
}

std::vector<std::string> Fingerprint::keys(Section section, std::string_view phase) const {
    std::vector<std::string> out;
    const auto it = sections.find(section);
    if (it == sections.end())
        return out;
    for (const auto& [key, evidence] : it->second)
        if (phase.empty() || evidence.count(std::string(phase)) != 0)
            out.push_back(key);
    return out;
}

size_t Fingerprint::eventCount(Section section, std::string_view phase, std::string_view key) const {
    const auto it = sections.find(section);
    if (it == sections.end())
        return 0;
    std::set<std::pair<std::string, uint64_t>> seqs;  // one event can show several keys: count it once
    for (const auto& [k, evidence] : it->second) {
        if (!key.empty() && k != key)
            continue;
        for (const auto& [ph, list] : evidence)
            if (phase.empty() || ph == phase)
                for (uint64_t s : list)
                    seqs.emplace(ph, s);
    }
    return seqs.size();
}

Fingerprint buildFingerprint(const PackageIdentity& identity, const std::vector<PhaseRecord>& records,
                             const Baseline* baseline) {
    Fingerprint fp;
    fp.package = identity.name;
    fp.version = identity.version;
    const Normalizer norm(identity);
    for (const PhaseRecord& r : records) {
        if (fp.runtime.empty())
            fp.runtime = r.runtime;
        PhaseSummary& summary = fp.phases[r.phase];
        summary.outcome = r.outcome;
        std::vector<Observation> obs = norm.observe(r.events);
        if (baseline != nullptr) {
            summary.baselineApplied = baseline->has(r.runtime, r.phase);
            obs = baseline->subtract(r.runtime, r.phase, std::move(obs));
        } else {
            std::erase_if(obs, isRuntimeNoise);
        }
        for (const Observation& o : obs) {
            std::vector<uint64_t>& seqs = fp.sections[o.section][o.key][r.phase];
            if (seqs.empty() || seqs.back() != o.seq)
                seqs.push_back(o.seq);
        }
    }
    for (auto& [section, items] : fp.sections)
        for (auto& [key, evidence] : items)
            for (auto& [phase, seqs] : evidence) {
                std::sort(seqs.begin(), seqs.end());
                seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
            }
    fp.checksum = computeChecksum(fp);
    return fp;
}

std::string computeChecksum(const Fingerprint& fp) {
    std::vector<std::string> lines;
    for (const auto& [section, items] : fp.sections)
        for (const auto& [key, evidence] : items)
            for (const auto& [phase, seqs] : evidence)
                lines.push_back(fmt::format("{}\t{}\t{}", phase, sectionName(section), key));
    for (const auto& [phase, s] : fp.phases)
        lines.push_back(fmt::format("{}\toutcome\tfailed={} timed_out={} crashed={}", phase, s.outcome.failed(),
                                    s.outcome.timedOut(), s.outcome.crashed()));
    std::sort(lines.begin(), lines.end());
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    for (const std::string& line : lines) {
        // Length-prefixed: a shell script key may itself hold newlines or tabs.
        const std::string length_prefix = fmt::format("{}:", line.size());
        EVP_DigestUpdate(ctx, length_prefix.data(), length_prefix.size());
        EVP_DigestUpdate(ctx, line.data(), line.size());
    }
    EVP_DigestFinal_ex(ctx, digest, &length);
    EVP_MD_CTX_free(ctx);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i)
        hex += fmt::format("{:02x}", digest[i]);
    return hex;
}

}  // namespace vigil::engine::analysis
