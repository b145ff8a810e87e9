// "Has any version of X ever made network calls": network items of each analysed version.
#include "engine/analysis/network_history.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/analysis/version_diff.h"

namespace vigil::engine::analysis {

bool isLoopbackHost(std::string_view host) {
    if (host == "localhost")
        return true;
    // Only address literals: a DNS name such as "127.0.0.1.evil.example" is somewhere else, and
    // calling it loopback would hide exactly the call this query exists to show.
    const std::string text(host);
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

NetworkHistory networkHistory(std::string_view package, const std::vector<Fingerprint>& versions) {
    NetworkHistory h;
    h.package = std::string(package);
    std::set<std::string> allHosts;
    for (const Fingerprint& fp : versions) {
        VersionNetwork v;
        v.version = fp.version;
        v.checksum = fp.checksum;
        std::set<std::string> hosts, phases;
        for (Section section : {Section::NetConnections, Section::NetDns, Section::NetHttp}) {
            const auto it = fp.sections.find(section);
            if (it == fp.sections.end())
                continue;
            for (const auto& [key, evidence] : it->second) {
                NetworkCall call{section, key, {}, false, evidence};
                if (section == Section::NetConnections) {
                    const Connection c = parseConnection(key);
                    if (c.protocol == "unix")
                        continue;  // local IPC, not the network
                    call.host = c.host;
                } else if (section == Section::NetHttp) {
                    call.host = parseHttpRequest(key).host;
                } else {
                    call.host = key;
                }
                call.loopback = isLoopbackHost(call.host);
                if (!call.loopback) {
                    hosts.insert(call.host);
                    v.external = true;
                }
                for (const auto& [phase, seqs] : evidence)
                    phases.insert(phase);
                v.calls.push_back(std::move(call));
            }
        }
        v.hosts.assign(hosts.begin(), hosts.end());
        v.phases.assign(phases.begin(), phases.end());
        if (v.external) {
            h.madeNetworkCalls = true;
            h.versionsWithCalls.push_back(v.version);
            allHosts.insert(hosts.begin(), hosts.end());
        }
        h.versions.push_back(std::move(v));
    }
    h.hosts.assign(allHosts.begin(), allHosts.end());
    return h;
}

nlohmann::json toJson(const NetworkHistory& h) {
    nlohmann::json versions = nlohmann::json::array();
    for (const VersionNetwork& v : h.versions) {
        nlohmann::json calls = nlohmann::json::array();
        for (const NetworkCall& c : v.calls)
            calls.push_back({{"section", sectionName(c.section)},
                             {"key", c.key},
                             {"host", c.host},
                             {"loopback", c.loopback},
                             {"evidence", c.evidence}});
        versions.push_back({{"version", v.version},
                            {"checksum", v.checksum},
                            {"external", v.external},
                            {"hosts", v.hosts},
                            {"phases", v.phases},
                            {"calls", calls}});
    }
    return {{"schema", "vigil.network-history/1"},
            {"package", h.package},
            {"analysed_versions", h.versions.size()},
            {"made_network_calls", h.madeNetworkCalls},
            {"versions_with_calls", h.versionsWithCalls},
            {"hosts", h.hosts},
            {"versions", versions}};
}

std::string renderText(const NetworkHistory& h) {
    const std::string name = terminalSafe(h.package);
    std::string out;
    if (h.versions.empty())
        return fmt::format("{}: no analysed versions\n", name);
    if (h.madeNetworkCalls)
        out = fmt::format("{}: made network calls in {} of {} analysed version{} ({})\n", name,
                          h.versionsWithCalls.size(), h.versions.size(), h.versions.size() == 1 ? "" : "s",
                          terminalSafe(fmt::format("{}", fmt::join(h.versionsWithCalls, ", "))));
    else
        out = fmt::format("{}: no network calls{} in {} analysed version{}\n", name,
                          std::any_of(h.versions.begin(), h.versions.end(),
                                      [](const VersionNetwork& v) { return !v.calls.empty(); })
                              ? " beyond loopback"
                              : "",
                          h.versions.size(), h.versions.size() == 1 ? "" : "s");
    size_t versionWidth = 0, sectionWidth = 0, keyWidth = 0;
    for (const VersionNetwork& v : h.versions) {
        versionWidth = std::max(versionWidth, terminalSafe(v.version, 24).size());
        for (const NetworkCall& c : v.calls) {
            sectionWidth = std::max(sectionWidth, std::string_view(sectionName(c.section)).size());
            keyWidth = std::max(keyWidth, terminalSafe(c.key, 48).size());
        }
    }
    for (const VersionNetwork& v : h.versions) {
        const std::string version = terminalSafe(v.version, 24);
        if (v.calls.empty()) {
            out += fmt::format("  {:<{}}  no network calls\n", version, versionWidth);
            continue;
        }
        bool first = true;
        for (const NetworkCall& c : v.calls) {
            out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}{}\n", first ? version : "", versionWidth,
                               sectionName(c.section), sectionWidth, terminalSafe(c.key, 48), keyWidth,
                               evidenceText(c.evidence), c.loopback ? "  [loopback]" : "");
            first = false;
        }
    }
    return out;
}

}  // namespace vigil::engine::analysis
