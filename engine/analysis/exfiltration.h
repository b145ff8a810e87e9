// @brief Exfiltration proof: a planted honeytoken found in what left the sandbox, however it was encoded or split.
//
// Every bait value is unique to its run, so finding it (or a long prefix of it) in a DNS name,
// an HTTP request, raw TCP/UDP data, a TLS server name or the attrs of a runtime network call is
// proof, not suspicion. Outgoing data is peeled layer by layer (exfiltration_decode.h) up to
// kMaxDecodeDepth deep, and data split over several DNS labels or requests is concatenated in
// order per destination.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/analysis/phase_record.h"

namespace vigil::engine::analysis {

/// Decoding layers tried on top of each other ("base64(base64(base64(gzip)))" is 4).
inline constexpr int kMaxDecodeDepth = 6;
/// A prefix of a token at least this long counts as the token leaving (the rest may be truncated
/// by the capture or sent later). Tokens shorter than this must match whole.
inline constexpr size_t kMinPartialChars = 16;

struct ExfiltrationProof {
    std::string token;                  ///< the bait's name: "npm_token"
    std::string variable;               ///< env var it was planted in ("NPM_TOKEN"), "" if only in files
    std::vector<std::string> planted;   ///< every placement: "env NPM_TOKEN", "$HOME/.npmrc", ...
    std::vector<std::string> encoding;  ///< decoding steps, outermost first; empty = plain text
    std::string channel;                ///< "dns", "http", "tcp", "udp", "tls"
    std::string destination;            ///< DNS: the last two labels; HTTP: host; TCP/UDP: address:port
    std::string phase;
    int64_t tsNs = 0;                   ///< when the (last piece of the) token left
    uint64_t seq = 0;                   ///< the event that carried it (the last piece when split)
    std::vector<uint64_t> seqs;         ///< every event that carried a piece, in order
    size_t pieces = 1;                  ///< > 1: split across that many queries/requests/sends
    size_t matchedChars = 0;            ///< how much of the token was found
    size_t tokenChars = 0;
    [[nodiscard]] bool partial() const { return matchedChars < tokenChars; }

    /// "base64(gzip)", "hex", or "plain".
    [[nodiscard]] std::string encodingChain() const;
    /// "NPM_TOKEN left base64-encoded in a DNS query to x.example at 1.2 s"
    [[nodiscard]] std::string text() const;
    bool operator==(const ExfiltrationProof&) const = default;
};

/// All proofs in one phase: one per (token value, channel, destination) — the most complete,
/// then least split, then earliest — ordered by time.
std::vector<ExfiltrationProof> findExfiltration(const PhaseRecord& record, const PackageIdentity& identity);

}  // namespace vigil::engine::analysis
