// Exfiltration proof: carriers (what left, per channel and destination) searched for bait values
// through a breadth-first tree of decodings, so the shortest explanation is found first.
#include "engine/analysis/exfiltration.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "engine/analysis/exfiltration_decode.h"
#include "engine/analysis/normalizer.h"

namespace vigil::engine::analysis {

namespace kind = collect::kind;

namespace {

/// Decoded nodes examined per carrier: bounds hostile input that decodes into ever more candidates.
constexpr size_t kNodeBudget = 512;
/// Pieces of a split secret are small (a DNS label, a query value, a short body); larger payloads
/// carry whole secrets and are searched on their own, so concatenating them only costs time.
constexpr size_t kMaxPieceBytes = 2048;
/// Bait shorter than this could match random data by chance; the sandbox plants none that short.
constexpr size_t kMinTokenChars = 8;

/// One secret value, however many places it was planted in.
struct TokenGroup {
    std::string value;
    std::string name;
    std::string variable;
    std::vector<std::string> planted;
    /// Besides the whole value, the parts that identify it on their own: for a PEM file every
    /// body line but the first (an OpenSSH key's first line only encodes the key type and is the
    /// same for every key, so it proves nothing).
    std::vector<std::string> lines;
};

struct Carrier {
    std::string channel, destination;
    int64_t tsNs = 0;
    uint64_t seq = 0;
    std::vector<uint64_t> seqs;
    std::string data;
};

struct Hit {
    size_t matched = 0;
    std::vector<std::string> chain;
};

std::vector<TokenGroup> groupTokens(const std::vector<sandbox::BaitToken>& bait, const Normalizer& norm) {
    std::vector<TokenGroup> groups;
    for (const sandbox::BaitToken& t : bait) {
        if (t.value.size() < kMinTokenChars)
            continue;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const TokenGroup& g) { return g.value == t.value; });
        if (it == groups.end()) {
            groups.push_back({t.value, t.name, {}, {}, {}});
            it = groups.end() - 1;
            if (t.value.find('\n') != std::string::npos) {
                bool firstBody = true;
                size_t pos = 0;
                while (pos < t.value.size()) {
                    size_t end = t.value.find('\n', pos);
                    if (end == std::string::npos)
                        end = t.value.size();
                    const std::string line = t.value.substr(pos, end - pos);
                    pos = end + 1;
                    if (line.size() < kMinPartialChars || line.rfind("-----", 0) == 0)
                        continue;
                    if (!firstBody)
                        it->lines.push_back(line);
                    firstBody = false;
                }
            }
        }
        if (t.place == sandbox::BaitToken::Place::Env) {
            it->variable = t.location;
            it->planted.push_back("env " + t.location);
        } else {
            it->planted.push_back(norm.path(t.location));
        }
    }
    return groups;
}

/// The longest proof of `needle` in `data`: all of it, or its longest prefix of at least kMinPartialChars.
size_t matchNeedle(std::string_view data, std::string_view needle) {
    if (data.find(needle) != std::string_view::npos)
        return needle.size();
    if (needle.size() <= kMinPartialChars)
        return 0;
    const std::string_view head = needle.substr(0, kMinPartialChars);
    size_t best = 0;
    for (size_t at = data.find(head); at != std::string_view::npos; at = data.find(head, at + 1)) {
        size_t n = kMinPartialChars;
        while (at + n < data.size() && n < needle.size() && data[at + n] == needle[n])
            ++n;
        best = std::max(best, n);
    }
    return best;
}

size_t matchGroup(std::string_view data, const TokenGroup& g) {
    size_t best = matchNeedle(data, g.value);
    for (const std::string& line : g.lines)
        best = std::max(best, std::min(matchNeedle(data, line), g.value.size() - 1));  // a line is never all of it
    return best;
}

/// Breadth-first over decodings: the first (shallowest) way to reach a token is the one reported.
std::vector<std::optional<Hit>> search(const std::string& data, const std::vector<TokenGroup>& groups) {
    std::vector<std::optional<Hit>> best(groups.size());
    struct Node {
        std::string data;
        std::vector<std::string> chain;
        bool reversed = false;
    };
    std::deque<Node> queue;
    queue.push_back({data, {}, false});
    std::unordered_set<std::string> seen;
    size_t examined = 0;
    auto consider = [&](std::string_view text, const std::vector<std::string>& chain) {
        for (size_t i = 0; i < groups.size(); ++i) {
            const size_t m = matchGroup(text, groups[i]);
            if (m > 0 && (!best[i] || m > best[i]->matched))
                best[i] = Hit{m, chain};
        }
    };
    while (!queue.empty() && examined < kNodeBudget) {
        Node node = std::move(queue.front());
        queue.pop_front();
        if (!seen.insert(node.data).second)
            continue;
        ++examined;
        consider(node.data, node.chain);
        std::string reversed(node.data.rbegin(), node.data.rend());
        if (!node.reversed) {
            std::vector<std::string> chain = node.chain;
            chain.push_back("reversed");
            consider(reversed, chain);
        }
        if (static_cast<int>(node.chain.size()) >= kMaxDecodeDepth)
            continue;
        for (Decoded& d : decodeOnce(node.data)) {
            std::vector<std::string> chain = node.chain;
            chain.push_back(d.step);
            queue.push_back({std::move(d.data), std::move(chain), node.reversed});
        }
        if (!node.reversed && node.chain.size() < 2) {  // reversed, then encoded: base64(reverse(token))
            std::vector<std::string> chain = node.chain;
            chain.push_back("reversed");
            queue.push_back({std::move(reversed), std::move(chain), true});
        }
    }
    return best;
}

std::vector<std::string_view> labels(std::string_view name) {
    std::vector<std::string_view> out;
    while (!name.empty()) {
        const size_t dot = name.find('.');
        out.push_back(name.substr(0, dot));
        name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    return out;
}

/// Without a public-suffix list the destination of a DNS name is its last two labels — the part
/// an attacker must own to receive the queries.
std::string dnsDestination(const std::string& name) {
    const auto l = labels(name);
    if (l.size() <= 2)
        return name;
    return std::string(l[l.size() - 2]) + "." + std::string(l.back());
}

std::string str(const nlohmann::json& attrs, const char* name) {
    const auto it = attrs.find(name);
    return it != attrs.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void strings(const nlohmann::json& j, std::vector<std::string>& out) {
    if (j.is_string())
        out.push_back(j.get<std::string>());
    else if (j.is_structured())
        for (const auto& v : j)
            strings(v, out);
}

std::string callChannel(const nlohmann::json& attrs) {
    const std::string proto = Normalizer::host(str(attrs, "protocol"));  // lower case
    const std::string api = str(attrs, "api");
    if (api.rfind("dns", 0) == 0 || proto == "dns")
        return "dns";
    if (proto.rfind("http", 0) == 0 || proto.rfind("ws", 0) == 0 || api.rfind("http", 0) == 0 || api == "fetch")
        return "http";
    if (proto == "udp" || proto == "udp4" || proto == "udp6" || api.rfind("dgram", 0) == 0)
        return "udp";
    if (proto == "tls")
        return "tls";
    return "tcp";
}

/// Builds the carriers: one per thing that left, plus per destination the in-order concatenation
/// of the pieces a split secret would be spread over.
std::vector<Carrier> carriers(const std::vector<collect::Event>& events) {
    std::vector<Carrier> out;
    // (channel, destination) -> piece variants -> pieces in stream order
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<const collect::Event*>>> pieceEvents;
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> pieceData;
    auto piece = [&](const std::string& channel, const std::string& dest, const std::string& variant,
                     const collect::Event& e, const std::string& data) {
        if (data.empty() || data.size() > kMaxPieceBytes)
            return;
        pieceEvents[{channel, dest}][variant].push_back(&e);
        pieceData[{channel, dest}][variant] += data;
    };
    auto add = [&](const std::string& channel, const std::string& dest, const collect::Event& e, std::string data) {
        if (!data.empty())
            out.push_back({channel, dest, e.tsNs, e.seq, {e.seq}, std::move(data)});
    };
    for (const collect::Event& e : events) {
        const nlohmann::json& a = e.attrs;
        const std::string_view k = e.kind;
        if (k == kind::NetDns || k == kind::NetTlsSni) {
            const std::string channel = k == kind::NetDns ? "dns" : "tls";
            // Case kept: base64 in a label is case-sensitive (only the destination is lower-cased).
            std::string name = str(a, k == kind::NetDns ? "name" : "server_name");
            while (!name.empty() && name.back() == '.')
                name.pop_back();
            const std::string dest = dnsDestination(Normalizer::host(name));
            add(channel, dest, e, name);
            const auto l = labels(name);
            std::string joined;
            std::string_view longest;
            for (size_t i = 0; i + 2 < l.size(); ++i) {
                joined += l[i];
                if (l[i].size() > longest.size())
                    longest = l[i];
            }
            if (l.size() > 3)
                add(channel, dest, e, joined);  // split across the labels of one name
            piece(channel, dest, "labels", e, joined);
            piece(channel, dest, "longest-label", e, std::string(longest));  // "<seq>.<chunk>.x.example"
        } else if (k == kind::NetHttp) {
            const std::string host = Normalizer::host(str(a, "host"));
            const std::string path = str(a, "path");
            add("http", host, e, host + path);
            std::string headers;
            if (const auto h = a.find("headers"); h != a.end() && h->is_object())
                for (const auto& [name, value] : h->items())
                    headers += name + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
            add("http", host, e, headers);
            add("http", host, e, str(a, "body"));
            piece("http", host, "body", e, str(a, "body"));
            // What a split upload carries per request: the query values, else the last path segment.
            std::string payload;
            if (const size_t q = path.find('?'); q != std::string::npos) {
                std::string_view query = std::string_view(path).substr(q + 1);
                while (!query.empty()) {
                    const size_t amp = query.find('&');
                    const std::string_view pair = query.substr(0, amp);
                    if (const size_t eq = pair.find('='); eq != std::string_view::npos)
                        payload += pair.substr(eq + 1);
                    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
                }
            } else {
                payload = path.substr(path.rfind('/') + 1);
            }
            piece("http", host, "payload", e, payload);
        } else if (k == kind::NetTcpData || k == kind::NetUdpData) {
            const std::string channel = k == kind::NetTcpData ? "tcp" : "udp";
            const std::string address = str(a, "address");
            // "[2001:db8::7]:4444": an IPv6 address's own colons would swallow the port.
            const std::string dest = address.find(':') == std::string::npos
                                         ? fmt::format("{}:{}", address, a.value("port", 0))
                                         : fmt::format("[{}]:{}", address, a.value("port", 0));
            add(channel, dest, e, str(a, "data"));
            piece(channel, dest, "data", e, str(a, "data"));
        } else if (k == kind::NetCall) {
            const std::string channel = callChannel(a);
            std::string dest = Normalizer::host(str(a, "host"));
            if (channel == "dns")
                dest = dnsDestination(dest);
            std::vector<std::string> values;
            strings(a, values);
            for (std::string& v : values)
                add(channel, dest, e, std::move(v));
        }
    }
    for (const auto& [key, variants] : pieceEvents) {
        for (const auto& [variant, evs] : variants) {
            if (evs.size() < 2)
                continue;
            Carrier c{key.first, key.second, evs.back()->tsNs, evs.back()->seq, {}, pieceData[key][variant]};
            for (const collect::Event* e : evs)
                c.seqs.push_back(e->seq);
            out.push_back(std::move(c));
        }
    }
    return out;
}

std::string joinChain(const std::vector<std::string>& steps) {
    std::string out;
    for (size_t i = 0; i < steps.size(); ++i)
        out += i == 0 ? steps[i] : "(" + steps[i];
    out.append(steps.empty() ? 0 : steps.size() - 1, ')');
    return out;
}

/// Better proof for the same token, channel and destination: more of the token, fewer pieces,
/// fewer layers, earlier.
bool better(const ExfiltrationProof& a, const ExfiltrationProof& b) {
    if (a.matchedChars != b.matchedChars)
        return a.matchedChars > b.matchedChars;
    if (a.pieces != b.pieces)
        return a.pieces < b.pieces;
    if (a.encoding.size() != b.encoding.size())
        return a.encoding.size() < b.encoding.size();
    return a.tsNs < b.tsNs;
}

}  // namespace

std::string ExfiltrationProof::encodingChain() const { return encoding.empty() ? "plain" : joinChain(encoding); }

std::string ExfiltrationProof::text() const {
    std::string who = variable.empty() ? fmt::format("{} (from {})", token, planted.empty() ? "?" : planted.front())
                                       : variable;
    if (partial())
        who += fmt::format(" (first {} of {} characters)", matchedChars, tokenChars);
    const std::string how = encoding.empty() ? "unencoded" : encodingChain() + "-encoded";
    struct Phrase {
        const char* one;
        const char* many;
    };
    static const std::map<std::string, Phrase> kPhrases = {{"dns", {"a DNS query", "DNS queries"}},
                                                           {"http", {"an HTTP request", "HTTP requests"}},
                                                           {"tcp", {"TCP data", "TCP sends"}},
                                                           {"udp", {"a UDP datagram", "UDP datagrams"}},
                                                           {"tls", {"a TLS server name", "TLS server names"}}};
    const auto it = kPhrases.find(channel);
    const Phrase p = it == kPhrases.end() ? Phrase{"network data", "network sends"} : it->second;
    const std::string where = pieces > 1 ? fmt::format("split across {} {}", pieces, p.many) : fmt::format("in {}", p.one);
    return fmt::format("{} left {} {} to {} at {:.1f} s", who, how, where, destination,
                       static_cast<double>(tsNs) / 1e9);
}

std::vector<ExfiltrationProof> findExfiltration(const PhaseRecord& record, const PackageIdentity& identity) {
    const Normalizer norm(identity);
    const std::vector<TokenGroup> groups = groupTokens(record.bait, norm);
    if (groups.empty())
        return {};
    std::map<std::tuple<size_t, std::string, std::string>, ExfiltrationProof> best;
    for (const Carrier& c : carriers(record.events)) {
        const auto hits = search(c.data, groups);
        for (size_t i = 0; i < groups.size(); ++i) {
            if (!hits[i])
                continue;
            const TokenGroup& g = groups[i];
            ExfiltrationProof p{g.name,      g.variable, g.planted, hits[i]->chain,    c.channel,
                                c.destination, record.phase, c.tsNs, c.seq,            c.seqs,
                                c.seqs.size(), hits[i]->matched, g.value.size()};
            const auto key = std::make_tuple(i, c.channel, c.destination);
            const auto it = best.find(key);
            if (it == best.end() || better(p, it->second))
                best[key] = std::move(p);
        }
    }
    std::vector<ExfiltrationProof> out;
    for (auto& [key, p] : best)
        out.push_back(std::move(p));
    std::stable_sort(out.begin(), out.end(),
                     [](const ExfiltrationProof& a, const ExfiltrationProof& b) { return a.tsNs < b.tsNs; });
    return out;
}

}  // namespace vigil::engine::analysis
