// @brief NetworkHistory: "has any version of X ever made network calls" — which versions, hosts, phases and evidence.
//
// Answered from the fingerprints of the analysed versions of one package. A network call is a
// connection or datagram (not to a unix socket), a DNS query or an HTTP request. Calls to loopback
// addresses stay inside the sandbox's own network namespace, so they are listed but do not make
// the answer "yes".
//
// JSON shape "vigil.network-history/1" (the CLI's `query network PACKAGE --json`):
//   {"schema": "vigil.network-history/1", "package", "analysed_versions": n,
//    "made_network_calls": bool, "versions_with_calls": ["1.0.1", ...], "hosts": [...],
//    "versions": [{"version", "checksum", "external": bool, "hosts": [...], "phases": [...],
//                  "calls": [{"section", "key", "host", "loopback": bool, "evidence": {phase: [seq...]}}]}]}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/fingerprint.h"

namespace vigil::engine::analysis {

struct NetworkCall {
    Section section = Section::NetConnections;  ///< NetConnections, NetDns or NetHttp
    std::string key;                            ///< the fingerprint key ("x.example:443/tcp")
    std::string host;
    bool loopback = false;
    EventSeqs evidence;
};

struct VersionNetwork {
    std::string version;
    std::string checksum;
    std::vector<NetworkCall> calls;  ///< in section, then key order
    std::vector<std::string> hosts;  ///< non-loopback hosts, sorted
    std::vector<std::string> phases; ///< phases with any call, sorted
    bool external = false;           ///< a call that is not to loopback
};

struct NetworkHistory {
    std::string package;
    std::vector<VersionNetwork> versions;  ///< every analysed version, in the order given
    bool madeNetworkCalls = false;         ///< some version made a non-loopback call
    std::vector<std::string> versionsWithCalls;  ///< those versions, in the order given
    std::vector<std::string> hosts;        ///< union of their hosts, sorted
};

/// The history of `package` over the fingerprints of its analysed versions (any order; the
/// answer keeps it, so pass them oldest first).
NetworkHistory networkHistory(std::string_view package, const std::vector<Fingerprint>& versions);

/// True for 127.0.0.0/8, ::1 and localhost.
bool isLoopbackHost(std::string_view host);

nlohmann::json toJson(const NetworkHistory& history);
/// "x: made network calls in 1 of 3 analysed versions (1.0.1)" then one line per call.
std::string renderText(const NetworkHistory& history);

}  // namespace vigil::engine::analysis
