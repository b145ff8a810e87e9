#include "app/cli/sandbox_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

#include "engine/collect/kernel_decoder.h"
#include "engine/collect/runtime_decoder.h"
#include "engine/core/config.h"
#include "engine/sandbox/sandbox_client.h"

namespace vigil::cli {
namespace {

namespace fs = std::filesystem;
namespace sbx = vigil::engine::sandbox;
using nlohmann::json;

constexpr int kUsage = 2;
constexpr int kSandboxFailed = 125;  // as `env` and container runners do: the runner, not the command

int usage(const std::string& why) {
    std::fprintf(stderr,
                 "vigil-cli sandbox exec: %s\n"
                 "usage: vigil-cli sandbox exec [--phase NAME] [--pkg DIR] [--json] [--wall-ms N] [--memory-mb N]\n"
                 "                             [--geo-country CC] -- CMD...\n",
                 why.c_str());
    return kUsage;
}

std::string dumpLine(const json& j) {
    // Command output is arbitrary bytes: invalid UTF-8 is replaced rather than refused.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string changeLetters(uint32_t flags) {
    std::string s;
    if (flags & sbx::FileChange::Created) s += "created ";
    if (flags & sbx::FileChange::Modified) s += "modified ";
    if (flags & sbx::FileChange::Deleted) s += "deleted ";
    if (flags & sbx::FileChange::ModeChanged) s += "chmod ";
    if (flags & sbx::FileChange::Replaced) s += "replaced ";
    if (!s.empty())
        s.pop_back();
    return s;
}

std::vector<std::string> limitNames(const sbx::RunResult& r) {
    std::vector<std::string> v;
    if (r.wallLimitHit) v.emplace_back("wall");
    if (r.memoryLimitHit) v.emplace_back("memory");
    if (r.pidsLimitHit) v.emplace_back("pids");
    if (r.outputLimitHit) v.emplace_back("output");
    return v;
}

/// "1.2.3.4:80" or "[2001:db8::7]:80": an IPv6 address's own colons would swallow the port.
std::string endpointText(const std::string& ip, uint16_t port) {
    return ip.find(':') == std::string::npos ? ip + ":" + std::to_string(port) : "[" + ip + "]:" + std::to_string(port);
}

json netEventJson(const sbx::NetEvent& e) {
    json j = {{"type", "net"}, {"kind", sbx::netEventKindName(e.kind)},
              {"time_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(e.time.time_since_epoch()).count()},
              {"src", endpointText(e.srcIp, e.srcPort)}, {"dst", endpointText(e.dstIp, e.dstPort)}};
    switch (e.kind) {
    case sbx::NetEvent::Kind::Dns:
        j["name"] = e.text(0);
        j["qtype"] = e.text(1);
        break;
    case sbx::NetEvent::Kind::Http:
        j["method"] = e.text(0);
        j["host"] = e.text(1);
        j["path"] = e.text(2);
        j["headers"] = e.text(3);
        j["body"] = e.data;
        break;
    case sbx::NetEvent::Kind::TlsSni:
        j["sni"] = e.text(0);
        break;
    case sbx::NetEvent::Kind::Dropped:
        j["count"] = e.text(0);
        break;
    default:
        break;
    }
    if (e.kind == sbx::NetEvent::Kind::Tcp || e.kind == sbx::NetEvent::Kind::Udp)
        j["data"] = e.data;
    j["truncated"] = e.dataTruncated;
    return j;
}

/// One line per record for people: what was asked, and the telling part of what was sent.
std::string netEventLine(const sbx::NetEvent& e) {
    const std::string dst = endpointText(e.dstIp, e.dstPort);
    auto printable = [](std::string s) {
        if (s.size() > 120)
            s = s.substr(0, 120) + "...";
        for (char& c : s)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                c = '.';
        return s;
    };
    switch (e.kind) {
    case sbx::NetEvent::Kind::Dns:
        return "dns      " + e.text(1) + " " + e.text(0) + " (asked " + e.dstIp + ")";
    case sbx::NetEvent::Kind::Http:
        return "http     " + e.text(0) + " http://" + e.text(1) + e.text(2) + " -> " + dst +
               (e.data.empty() ? "" : " body: " + printable(e.data));
    case sbx::NetEvent::Kind::TlsSni:
        return "tls      " + (e.text(0).empty() ? std::string("(no SNI)") : e.text(0)) + " -> " + dst;
    case sbx::NetEvent::Kind::TcpSyn:
        return "tcp-syn  " + dst + " (no listener: refused)";
    case sbx::NetEvent::Kind::Dropped:
        return "dropped  " + e.text(0) + " more records over the honeypot's cap";
    case sbx::NetEvent::Kind::Tcp:
    case sbx::NetEvent::Kind::Udp:
        break;
    }
    return std::string(e.kind == sbx::NetEvent::Kind::Tcp ? "tcp      " : "udp      ") + dst + " " +
           std::to_string(e.data.size()) + " bytes" + (e.data.empty() ? "" : ": " + printable(e.data));
}

/// The run's kernel records as events; a record the decoder refuses is counted, never fatal.
std::vector<engine::collect::Event> decodeTrace(const sbx::RunResult& r, size_t& undecodable) {
    engine::collect::KernelDecoder decoder("debug", r.traceStats.execNs);
    std::vector<engine::collect::Event> events;
    events.reserve(r.trace.size());
    undecodable = 0;
    for (const sbx::TraceRecord& record : r.trace) {
        auto e = decoder.decode(record.bytes);
        if (e)
            events.push_back(std::move(*e));
        else
            ++undecodable;
    }
    return events;
}

json traceStatsJson(const sbx::TraceStats& s, size_t decoded, size_t undecodable) {
    return {{"type", "trace_stats"}, {"received", s.received}, {"active", s.active}, {"untraced", s.untraced},
            {"families", s.families}, {"events", s.events}, {"decoded", decoded}, {"undecodable", undecodable},
            {"drops", s.drops}, {"lost", s.lost}, {"exec_ns", s.execNs}, {"warnings", s.warnings}};
}

/// The cache root the helper checks the package against: the configured cache when DIR is in
/// it, otherwise DIR's parent — the developer named DIR on the command line themselves.
fs::path cacheRootFor(const fs::path& pkg) {
    const fs::path cache = engine::Config::defaults(engine::processEnvironment()).cacheDir;
    std::error_code ec;
    const fs::path canonicalCache = fs::weakly_canonical(cache, ec);
    if (!ec) {
        const std::string c = canonicalCache.string() + "/";
        if (pkg.string().compare(0, c.size(), c) == 0)
            return canonicalCache;
    }
    return pkg.parent_path();
}

}  // namespace

int runSandboxExec(const std::vector<std::string>& args) {
    size_t i = 0;
    if (i < args.size() && args[i] == "exec")
        ++i;
    else
        return usage("expected 'exec'");
    sbx::RunRequest request;
    request.phase = "debug";
    bool asJson = false;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* flag) -> const std::string* {
            if (i + 1 >= args.size())
                return nullptr;
            (void)flag;
            return &args[++i];
        };
        if (a == "--") {
            ++i;
            break;
        }
        if (a == "--json") {
            asJson = true;
        } else if (a == "--phase" || a == "--pkg" || a == "--wall-ms" || a == "--memory-mb" || a == "--geo-country") {
            const std::string* v = value(a.c_str());
            if (v == nullptr)
                return usage(a + " needs a value");
            try {
                if (a == "--phase")
                    request.phase = *v;
                else if (a == "--pkg")
                    request.packageDir = *v;
                else if (a == "--geo-country")
                    request.geoCountry = *v;  // checked when the request is encoded
                else if (a == "--wall-ms")
                    request.limits.wall = std::chrono::milliseconds(std::stoull(*v));
                else
                    request.limits.memoryBytes = std::stoull(*v) << 20;
            } catch (const std::exception&) {
                return usage(a + " needs a number, got '" + *v + "'");
            }
        } else {
            return usage("unknown option '" + a + "' (put the command after --)");
        }
    }
    request.argv.assign(args.begin() + static_cast<std::ptrdiff_t>(std::min(i, args.size())), args.end());
    if (request.argv.empty())
        return usage("no command given after --");
    if (!request.packageDir.empty()) {
        std::error_code ec;
        const fs::path pkg = fs::canonical(request.packageDir, ec);
        if (ec || !fs::is_directory(pkg))
            return usage("--pkg " + request.packageDir.string() + ": not a directory");
        request.packageDir = pkg;
        request.cacheRoot = cacheRootFor(pkg);
    }

    auto client = sbx::SandboxClient::create();
    if (!client) {
        std::fprintf(stderr, "vigil-cli: %s\n", client.error().describe().c_str());
        return kSandboxFailed;
    }
    sbx::RunObserver observer;
    observer.onReady = [&](const sbx::ReadyInfo& ready) {
        if (asJson)
            std::printf("%s\n", dumpLine({{"type", "ready"}, {"run", ready.runName}, {"cgroup_id", ready.cgroupId},
                                          {"init_pid", ready.initPid}}).c_str());
    };
    observer.onOutput = [&](sbx::OutputStream stream, std::string_view data) {
        const bool out = stream == sbx::OutputStream::Stdout;
        if (asJson) {
            std::printf("%s\n", dumpLine({{"type", "output"}, {"stream", out ? "stdout" : "stderr"},
                                          {"data", std::string(data)}}).c_str());
        } else {
            std::fwrite(data.data(), 1, data.size(), out ? stdout : stderr);
            std::fflush(out ? stdout : stderr);
        }
    };
    // Runtime hook lines become events; malformed ones are counted and named. The hook stamps
    // absolute CLOCK_MONOTONIC: they are rebased to the command's execve once the tracer has
    // said when that was, so they interleave with the kernel's events.
    engine::collect::RuntimeDecoder decoder(request.phase);
    std::vector<engine::collect::Event> runtimeEvents;
    observer.onRuntimeLine = [&](std::string_view line) {
        if (auto event = decoder.decode(line))
            runtimeEvents.push_back(std::move(*event));
    };
    auto result = client->run(request, observer);
    for (const std::string& warning : decoder.warnings())
        std::fprintf(stderr, "vigil-cli: warning: rejected %s\n", warning.c_str());
    if (!result) {
        if (asJson)
            std::printf("%s\n", dumpLine({{"type", "error"}, {"code", engine::errorCodeName(result.error().code)},
                                          {"primary", result.error().primary}, {"secondary", result.error().secondary}}).c_str());
        else
            std::fprintf(stderr, "vigil-cli: %s\n", result.error().describe().c_str());
        return kSandboxFailed;
    }
    const sbx::RunResult& r = *result;
    for (engine::collect::Event& e : runtimeEvents)
        e.tsNs -= static_cast<int64_t>(r.traceStats.execNs);
    size_t undecodable = 0;
    std::vector<engine::collect::Event> events = decodeTrace(r, undecodable);
    for (engine::collect::Event& e : events)
        e.phase = request.phase;
    const double setupMs = static_cast<double>(r.setup.count()) / 1e6;
    const double runMs = static_cast<double>(r.run.count()) / 1e6;
    if (asJson) {
        for (const sbx::BaitToken& t : r.bait)
            std::printf("%s\n", dumpLine({{"type", "bait"}, {"name", t.name},
                                          {"place", t.place == sbx::BaitToken::Place::Env ? "env" : "file"},
                                          {"location", t.location}, {"value", t.value}}).c_str());
        for (const sbx::NetEvent& e : r.netEvents)
            std::printf("%s\n", dumpLine(netEventJson(e)).c_str());
        // One stream in time order, kernel first at equal times (as the phase merge orders them).
        std::vector<const engine::collect::Event*> ordered;
        for (const auto& e : events)
            ordered.push_back(&e);
        for (const auto& e : runtimeEvents)
            ordered.push_back(&e);
        std::stable_sort(ordered.begin(), ordered.end(),
                         [](const auto* a, const auto* b) { return a->tsNs < b->tsNs; });
        for (const engine::collect::Event* e : ordered) {
            json j = engine::collect::toJson(*e);
            j["type"] = "event";
            std::printf("%s\n", dumpLine(j).c_str());
        }
        std::printf("%s\n", dumpLine(traceStatsJson(r.traceStats, events.size(), undecodable)).c_str());
        for (const sbx::FileChange& c : r.changes)
            std::printf("%s\n", dumpLine({{"type", "change"}, {"path", c.path}, {"kinds", changeLetters(c.flags)}}).c_str());
        std::printf("%s\n", dumpLine({{"type", "result"}, {"exit_code", r.exitCode}, {"signal", r.signal},
                                      {"limits_hit", limitNames(r)}, {"setup_ms", setupMs}, {"run_ms", runMs},
                                      {"stdout_bytes", r.stdoutBytes}, {"stderr_bytes", r.stderrBytes},
                                      {"memory_peak_bytes", r.memoryPeakBytes},
                                      {"cpu_ms", std::chrono::duration_cast<std::chrono::milliseconds>(r.cpu).count()},
                                      {"changes", r.changes.size()},
                                      {"changes_truncated", r.changesTruncated}, {"bait", r.bait.size()},
                                      {"runtime_events", runtimeEvents.size()}, {"runtime_rejected", decoder.rejected()},
                                      {"runtime_dropped", r.runtimeDropped}}).c_str());
    } else {
        std::string limits;
        for (const std::string& l : limitNames(r))
            limits += (limits.empty() ? "" : ", ") + l;
        std::string ending = r.signal != 0 ? "killed by signal " + std::to_string(r.signal) : "exit " + std::to_string(r.exitCode);
        std::fprintf(stderr, "-- sandbox %s: %s after %.1f ms (setup %.1f ms), limits hit: %s, %zu change%s%s\n",
                     r.ready.runName.c_str(), ending.c_str(), runMs, setupMs, limits.empty() ? "none" : limits.c_str(),
                     r.changes.size(), r.changes.size() == 1 ? "" : "s", r.changesTruncated ? " (truncated)" : "");
        for (const sbx::FileChange& c : r.changes)
            std::fprintf(stderr, "   %-9s %s\n", changeLetters(c.flags).c_str(), c.path.c_str());
        if (!r.netEvents.empty())
            std::fprintf(stderr, "-- network (%zu record%s, all answered by the honeypot):\n", r.netEvents.size(),
                         r.netEvents.size() == 1 ? "" : "s");
        for (const sbx::NetEvent& e : r.netEvents)
            std::fprintf(stderr, "   %s\n", netEventLine(e).c_str());
        std::map<std::string, size_t> perCategory;
        for (const engine::collect::Event& e : events)
            ++perCategory[std::string(e.category())];
        std::string counts;
        for (const auto& [category, n] : perCategory)
            counts += (counts.empty() ? "" : ", ") + category + " " + std::to_string(n);
        const sbx::TraceStats& ts = r.traceStats;
        std::fprintf(stderr, "-- trace: %zu kernel events (%s), %llu dropped, %llu lost%s\n", events.size(),
                     counts.empty() ? "none" : counts.c_str(), static_cast<unsigned long long>(ts.drops),
                     static_cast<unsigned long long>(ts.lost), ts.active ? "" : " — TRACER INACTIVE");
        if (!ts.warnings.empty())
            std::fprintf(stderr, "   tracer warnings:\n%s", ts.warnings.c_str());
        if (!runtimeEvents.empty())
            std::fprintf(stderr, "-- node runtime hook: %zu event%s (--json lists them)\n", runtimeEvents.size(),
                         runtimeEvents.size() == 1 ? "" : "s");
        for (const engine::collect::Event& e : runtimeEvents)
            if (e.kind != engine::collect::kind::RuntimeStimulus)
                std::fprintf(stderr, "   %-22s %s %s\n", e.kind.c_str(), e.attrs.dump(-1, ' ', false, json::error_handler_t::replace).c_str(),
                             e.attribution.text().c_str());
    }
    std::fflush(stdout);
    return r.signal != 0 ? 128 + r.signal : r.exitCode;
}

}  // namespace vigil::cli
