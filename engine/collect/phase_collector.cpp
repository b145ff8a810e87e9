// The merge of a phase's sources and the converters of what the sandbox reports today.
#include "engine/collect/phase_collector.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/collect/kernel_decoder.h"
#include "engine/collect/runtime_decoder.h"

namespace vigil::engine::collect {
namespace {

int64_t monotonicNow() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool validUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t extra = 0;
        if (c < 0x80)
            extra = 0;
        else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
            extra = 1;
        else if ((c & 0xF0) == 0xE0)
            extra = 2;
        else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
            extra = 3;
        else
            return false;
        if (extra > 0 && i + extra >= s.size())
            return false;
        for (size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += extra + 1;
    }
    return true;
}

/// Captured bytes as an attr: text when it is UTF-8 (the common case: HTTP, DNS, JSON bodies),
/// else hex with data_encoding = "hex" — JSON strings cannot carry arbitrary bytes.
void putData(nlohmann::json& attrs, const std::string& data) {
    if (validUtf8(data)) {
        attrs["data"] = data;
        return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(data.size() * 2);
    for (unsigned char c : data) {
        hex.push_back(kHex[c >> 4]);
        hex.push_back(kHex[c & 15]);
    }
    attrs["data"] = std::move(hex);
    attrs["data_encoding"] = "hex";
}

std::string printable(const std::string& s) {
    if (validUtf8(s))
        return s;
    std::string out = s;
    for (char& c : out)
        if (static_cast<unsigned char>(c) >= 0x80)
            c = '?';
    return out;
}

/// "Name: value\r\n..." -> {"Name": "value"}; repeated names are joined with ", " as RFC 9110
/// allows for list-valued fields.
nlohmann::json parseHeaders(std::string_view text) {
    nlohmann::json headers = nlohmann::json::object();
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            continue;
        const std::string name = printable(std::string(line.substr(0, colon)));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        const std::string v = printable(std::string(value));
        if (headers.contains(name))
            headers[name] = headers[name].get<std::string>() + ", " + v;
        else
            headers[name] = v;
    }
    return headers;
}

Event sandboxEvent(std::string_view kind, int64_t tsNs, nlohmann::json attrs) {
    Event e;
    e.kind = std::string(kind);
    e.tsNs = tsNs;
    // The overlay diff and the limits are the sandbox's own observations, made outside the
    // package's reach: they rank with the kernel's, not with anything the package could forge.
    e.source = Source::Kernel;
    e.attrs = std::move(attrs);
    return e;
}

}  // namespace

PhaseClock PhaseClock::sampleNow() {
    PhaseClock c;
    c.readySystem = std::chrono::system_clock::now();
    c.readyMonoNs = monotonicNow();
    c.execMonoNs = c.readyMonoNs;
    return c;
}

void PhaseClock::useTracerExec(const sandbox::TraceStats& stats) {
    if (stats.execNs != 0)
        execMonoNs = static_cast<int64_t>(stats.execNs);
}

int64_t PhaseClock::monoFromSystem(std::chrono::system_clock::time_point t) const {
    return readyMonoNs + std::chrono::duration_cast<std::chrono::nanoseconds>(t - readySystem).count();
}

MergedEvents mergePhaseEvents(const std::string& phase, const PhaseClock& clock, std::vector<SourceEvents> sources) {
    struct Key {
        int64_t ts;
        size_t source;
        size_t index;
    };
    std::vector<Key> order;
    MergedEvents out;
    for (size_t s = 0; s < sources.size(); ++s) {
        if (sources[s].drops > 0)
            out.drops[sources[s].name] += sources[s].drops;
        for (size_t i = 0; i < sources[s].events.size(); ++i)
            order.push_back(Key{sources[s].events[i].tsNs, s, i});
    }
    std::sort(order.begin(), order.end(), [](const Key& a, const Key& b) {
        if (a.ts != b.ts)
            return a.ts < b.ts;
        if (a.source != b.source)
            return a.source < b.source;
        return a.index < b.index;
    });
    out.events.reserve(order.size());
    uint64_t seq = 0;
    for (const Key& k : order) {
        Event e = std::move(sources[k.source].events[k.index]);
        e.seq = seq++;
        e.tsNs = k.ts - clock.execMonoNs;
        e.phase = phase;
        out.events.push_back(std::move(e));
    }
    joinDnsNames(out.events);
    return out;
}

void joinDnsNames(std::vector<Event>& events) {
    std::set<std::string> resolvers;  // where the DNS queries went
    for (const Event& e : events)
        if (e.kind == kind::NetDns && e.source == Source::Honeypot && e.attrs.contains("address"))
            resolvers.insert(e.attrs["address"].get<std::string>());
    // Every name resolves to the same answer address, so "the last name resolved" must be the
    // last one the connecting process resolved: another process's lookup in between would lend
    // its name. The honeypot sees packets, not processes; a query is the process's whose DNS
    // traffic (kernel) last preceded it, or the Node process that asked for that very name
    // (runtime network.dns, exact). Traffic without a known pid keeps the run-wide last name.
    std::string lastName;
    std::map<int32_t, std::string> nameByPid;
    std::map<std::string, int32_t> askedBy;  // runtime lookups: name -> pid
    int32_t lastDnsPid = 0;
    for (Event& e : events) {
        if (e.kind == kind::NetDns) {
            if (!e.attrs.contains("name") || !e.attrs["name"].is_string())
                continue;
            const std::string name = e.attrs["name"].get<std::string>();
            if (e.source == Source::Runtime) {
                if (e.pid > 0)
                    askedBy[name] = e.pid;
                continue;  // a lookup asked for, not yet an answer
            }
            lastName = name;
            const auto asked = askedBy.find(name);
            const int32_t pid = asked != askedBy.end() ? asked->second : lastDnsPid;
            if (pid > 0)
                nameByPid[pid] = name;
            continue;
        }
        const bool carrier = e.kind == kind::NetConnect || e.kind == kind::NetSend || e.kind == kind::NetTcpData ||
                             e.kind == kind::NetTcpSyn || e.kind == kind::NetUdpData;
        if (!carrier || !e.attrs.contains("address") || !e.attrs["address"].is_string() || e.attrs.contains("host"))
            continue;
        const std::string address = e.attrs["address"].get<std::string>();
        const int port = e.attrs.value("port", 0);
        if (port == 53 && resolvers.count(address)) {
            e.attrs["dns_traffic"] = true;  // the query itself is its network.dns event
            if (e.pid > 0)
                lastDnsPid = e.pid;
        } else if (address == kHoneypotAnswerIpv4 || address == kHoneypotAnswerIpv6) {
            const auto own = e.pid > 0 ? nameByPid.find(e.pid) : nameByPid.end();
            const std::string& name = own != nameByPid.end() ? own->second : lastName;
            if (!name.empty())
                e.attrs["host"] = name;
        }
    }
}

SourceEvents honeypotEvents(const std::vector<sandbox::NetEvent>& records, const PhaseClock& clock) {
    using K = sandbox::NetEvent::Kind;
    SourceEvents out;
    out.name = sourceName(Source::Honeypot);
    for (const sandbox::NetEvent& r : records) {
        if (r.kind == K::Dropped) {
            uint64_t n = 0;
            const std::string count = r.text(0);
            const auto parsed = std::from_chars(count.data(), count.data() + count.size(), n);
            out.drops += parsed.ec == std::errc() ? n : 1;
            continue;
        }
        Event e;
        e.source = Source::Honeypot;
        e.tsNs = clock.monoFromSystem(r.time);
        nlohmann::json& a = e.attrs;
        switch (r.kind) {
        case K::Dns:
            e.kind = std::string(kind::NetDns);
            a["name"] = printable(r.text(0));
            a["type"] = printable(r.text(1));
            break;
        case K::Http:
            e.kind = std::string(kind::NetHttp);
            a["method"] = printable(r.text(0));
            a["host"] = printable(r.text(1));
            a["path"] = printable(r.text(2));
            a["headers"] = parseHeaders(r.text(3));
            // Decrypted by the honeypot's TLS interception: exfiltration over HTTPS, in clear.
            a["scheme"] = r.text(4) == "https" ? "https" : "http";
            if (validUtf8(r.data)) {
                a["body"] = r.data;
            } else {
                nlohmann::json tmp;
                putData(tmp, r.data);
                a["body"] = tmp["data"];
                a["body_encoding"] = "hex";
            }
            a["body_truncated"] = r.dataTruncated;
            // What the honeypot emulated for it (npm registry, GitHub API, geo-IP, download):
            // the name, and the flat record of what was asked. The honeypot handled hostile
            // bytes, so only a flat object of strings is taken.
            if (const std::string emulation = printable(r.text(5)); !emulation.empty()) {
                a["emulation"] = emulation;
                nlohmann::json detail = nlohmann::json::parse(r.text(6), nullptr, false);
                nlohmann::json emulated = nlohmann::json::object();
                if (detail.is_object())
                    for (const auto& [k, v] : detail.items())
                        if (v.is_string())
                            emulated[printable(k)] = printable(v.get<std::string>());
                a["emulated"] = std::move(emulated);
            }
            // The sha256 of a body a client may have saved (a download's stub, the generic page).
            if (const std::string served = r.text(7); served.size() > 64 && served[64] == ' ' &&
                                                      served.find_first_not_of("0123456789abcdef") == 64)
                a["served_sha256"] = served.substr(0, 64);
            break;
        case K::TlsSni:
            e.kind = std::string(kind::NetTlsSni);
            a["server_name"] = printable(r.text(0));
            break;
        case K::Tcp:
        case K::Udp:
            e.kind = std::string(r.kind == K::Tcp ? kind::NetTcpData : kind::NetUdpData);
            a["address"] = r.dstIp;
            a["port"] = r.dstPort;
            putData(a, r.data);
            a["truncated"] = r.dataTruncated;
            break;
        case K::TcpSyn:
            e.kind = std::string(kind::NetTcpSyn);
            a["address"] = r.dstIp;
            a["port"] = r.dstPort;
            break;
        case K::Dropped:
            break;
        }
        // Where the request went: the honeypot answers every address, so this is what the
        // package asked for, not where it really got.
        if (!a.contains("address"))
            a["address"] = r.dstIp;
        if (!a.contains("port"))
            a["port"] = r.dstPort;
        out.events.push_back(std::move(e));
    }
    return out;
}

SourceEvents overlayChangeEvents(const sandbox::RunResult& result, const PhaseClock& clock) {
    using F = sandbox::FileChange;
    SourceEvents out;
    out.name = "sandbox";
    const int64_t ts = clock.execEndMonoNs(result.run);
    for (const F& c : result.changes) {
        nlohmann::json a = {{"path", printable(c.path)},
                            {"created", (c.flags & F::Created) != 0},
                            {"modified", (c.flags & F::Modified) != 0},
                            {"deleted", (c.flags & F::Deleted) != 0},
                            {"mode_changed", (c.flags & F::ModeChanged) != 0}};
        if (c.flags & F::Replaced)
            a["replaced"] = true;
        if (c.flags & F::Served)
            a["downloaded"] = true;
        if (c.flags & F::Executable)
            a["executable"] = true;
        out.events.push_back(sandboxEvent(kind::FileChange, ts, std::move(a)));
    }
    if (result.changesTruncated)
        out.drops += 1;
    return out;
}

SourceEvents limitEvents(const sandbox::RunResult& result, const PhaseClock& clock) {
    SourceEvents out;
    out.name = "sandbox";
    const int64_t ts = clock.execEndMonoNs(result.run);
    auto add = [&](bool hit, const char* name) {
        if (hit)
            out.events.push_back(sandboxEvent(kind::SandboxLimit, ts, {{"limit", name}}));
    };
    add(result.wallLimitHit, "wall");
    add(result.memoryLimitHit, "memory");
    add(result.pidsLimitHit, "pids");
    add(result.outputLimitHit, "output");
    return out;
}

SourceEvents kernelEvents(const sandbox::RunResult& result, std::vector<std::string>* warnings) {
    constexpr size_t kMaxNamed = 5;
    SourceEvents out;
    out.name = sourceName(Source::Kernel);
    const sandbox::TraceStats& stats = result.traceStats;
    out.drops = stats.drops + stats.lost;
    if (warnings != nullptr) {
        if (stats.untraced)
            warnings->push_back("kernel tracer: run untraced on request (benchmark): no syscall events");
        else if (!stats.received || !stats.active)
            warnings->push_back("kernel tracer: not active for this run: no syscall events were collected");
        size_t start = 0;
        while (start < stats.warnings.size()) {
            size_t end = stats.warnings.find('\n', start);
            if (end == std::string::npos)
                end = stats.warnings.size();
            if (end > start)
                warnings->push_back("kernel tracer: " + stats.warnings.substr(start, end - start));
            start = end + 1;
        }
    }
    // Absolute timestamps (execNs 0): the merge rebases every source to the same zero.
    KernelDecoder decoder("", 0);
    out.events.reserve(result.trace.size());
    size_t refused = 0;
    for (const sandbox::TraceRecord& record : result.trace) {
        auto e = decoder.decode(record.bytes);
        if (e) {
            out.events.push_back(std::move(*e));
            continue;
        }
        ++out.drops;
        if (warnings != nullptr && refused++ < kMaxNamed)
            warnings->push_back("kernel tracer: " + e.error().primary);
    }
    return out;
}

SourceEvents runtimeEvents(const sandbox::RunResult& result, std::vector<std::string>* warnings) {
    SourceEvents out;
    out.name = sourceName(Source::Runtime);
    RuntimeDecoder decoder("", 0);
    out.events.reserve(result.runtimeLines.size());
    for (const std::string& line : result.runtimeLines)
        if (auto e = decoder.decode(line))
            out.events.push_back(std::move(*e));
    out.drops = result.runtimeDropped + decoder.rejected();
    if (warnings != nullptr) {
        if (result.runtimeDropped > 0)
            warnings->push_back(fmt::format("runtime hook: the helper discarded {} line(s)", result.runtimeDropped));
        for (const std::string& w : decoder.warnings())
            warnings->push_back("runtime hook: rejected " + w);
    }
    return out;
}

std::vector<SourceEvents> runSources(const sandbox::RunResult& result, const PhaseClock& clock,
                                     std::vector<std::string>* warnings) {
    std::vector<SourceEvents> sources;
    // Tie order at equal timestamps: the kernel's truth first, then what the hook explains.
    sources.push_back(kernelEvents(result, warnings));
    sources.push_back(runtimeEvents(result, warnings));
    for (SourceEvents& s : sandboxSources(result, clock))
        sources.push_back(std::move(s));
    return sources;
}

std::vector<SourceEvents> sandboxSources(const sandbox::RunResult& result, const PhaseClock& clock) {
    std::vector<SourceEvents> sources;
    sources.push_back(honeypotEvents(result.netEvents, clock));
    SourceEvents sandbox = overlayChangeEvents(result, clock);
    SourceEvents limits = limitEvents(result, clock);
    // Limits first at the shared end-of-run instant: the kill explains the state left behind.
    limits.events.insert(limits.events.end(), std::make_move_iterator(sandbox.events.begin()),
                         std::make_move_iterator(sandbox.events.end()));
    limits.drops += sandbox.drops;
    sources.push_back(std::move(limits));
    return sources;
}

}  // namespace vigil::engine::collect
