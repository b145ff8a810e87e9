// The merge of a phase's sources: order, seq, rebasing, clock conversion, drops; the converters.
#include <cstring>

#include <gtest/gtest.h>

#include "bpf/vigil_trace.h"
#include "engine/collect/phase_collector.h"
#include "engine/collect/phase_run.h"

namespace vigil::engine::collect {
namespace {

using namespace std::chrono_literals;

Event at(int64_t ts, const char* kind, Source source = Source::Kernel) {
    Event e;
    e.tsNs = ts;
    e.kind = kind;
    e.source = source;
    return e;
}

TEST(PhaseCollector, MergesSourcesByTimeNumbersFromZeroAndRebasesToExec) {
    PhaseClock clock;
    clock.execMonoNs = 1'000'000;
    SourceEvents kernel{"kernel", {at(1'000'500, "process.exec"), at(1'003'000, "file.open")}, 0};
    SourceEvents runtime{"runtime", {at(1'002'000, "env.read", Source::Runtime), at(1'003'000, "code.eval", Source::Runtime)}, 4};
    const MergedEvents m = mergePhaseEvents("import", clock, {kernel, runtime});
    ASSERT_EQ(m.events.size(), 4u);
    EXPECT_EQ(m.events[0].kind, "process.exec");
    EXPECT_EQ(m.events[1].kind, "env.read");
    // Same instant: the earlier source in the list first.
    EXPECT_EQ(m.events[2].kind, "file.open");
    EXPECT_EQ(m.events[3].kind, "code.eval");
    for (size_t i = 0; i < m.events.size(); ++i) {
        EXPECT_EQ(m.events[i].seq, i);
        EXPECT_EQ(m.events[i].phase, "import");
    }
    EXPECT_EQ(m.events[0].tsNs, 500);
    EXPECT_EQ(m.events[3].tsNs, 3000);
    EXPECT_EQ(m.drops.at("runtime"), 4u);
    EXPECT_EQ(m.drops.count("kernel"), 0u);
}

Event net(int64_t ts, const char* kind, Source source, nlohmann::json attrs) {
    Event e = at(ts, kind, source);
    e.attrs = std::move(attrs);
    return e;
}

TEST(PhaseCollector, ConnectionsToTheAnswerAddressCarryTheNameResolvedBeforeThem) {
    PhaseClock clock;
    const std::string answer = kHoneypotAnswerIpv4;
    SourceEvents kernel{"kernel",
                        {net(10, "network.connect", Source::Kernel, {{"address", "192.168.1.1"}, {"port", 53}}),
                         net(30, "network.connect", Source::Kernel, {{"address", answer}, {"port", 443}}),
                         net(60, "network.connect", Source::Kernel, {{"address", answer}, {"port", 80}}),
                         net(70, "network.connect", Source::Kernel, {{"address", "203.0.113.9"}, {"port", 4444}})},
                        0};
    SourceEvents honeypot{"honeypot",
                          {net(20, "network.dns", Source::Honeypot,
                               {{"name", "cdn.example"}, {"address", "192.168.1.1"}, {"port", 53}}),
                           net(50, "network.dns", Source::Honeypot,
                               {{"name", "beacon.example"}, {"address", "192.168.1.1"}, {"port", 53}}),
                           net(65, "network.tcp_data", Source::Honeypot, {{"address", answer}, {"port", 80}})},
                          0};
    const MergedEvents m = mergePhaseEvents("install", clock, {kernel, honeypot});
    ASSERT_EQ(m.events.size(), 7u);
    // The query's own packets are DNS traffic, not a contacted host.
    EXPECT_EQ(m.events[0].attrs.value("dns_traffic", false), true);
    EXPECT_FALSE(m.events[0].attrs.contains("host"));
    // Each connection to the answer address reads as the last name resolved before it.
    EXPECT_EQ(m.events[2].attrs.value("host", ""), "cdn.example");
    EXPECT_EQ(m.events[4].attrs.value("host", ""), "beacon.example");
    EXPECT_EQ(m.events[5].attrs.value("host", ""), "beacon.example");
    // A literal address nobody resolved stays what it is: a bare IP.
    EXPECT_FALSE(m.events[6].attrs.contains("host"));
    EXPECT_FALSE(m.events[6].attrs.contains("dns_traffic"));
}

Event by(int32_t pid, Event e) {
    e.pid = pid;
    return e;
}

TEST(PhaseCollector, AConnectionCarriesTheNameItsOwnProcessResolved) {
    // Two processes resolve different names to the one answer address, interleaved: each
    // connection reads as its own process's name, not the run's last one.
    PhaseClock clock;
    const std::string answer = kHoneypotAnswerIpv4;
    const nlohmann::json resolver = {{"address", "192.168.1.1"}, {"port", 53}};
    SourceEvents kernel{"kernel",
                        {by(11, net(10, "network.connect", Source::Kernel, resolver)),
                         by(22, net(30, "network.connect", Source::Kernel, resolver)),
                         by(11, net(50, "network.connect", Source::Kernel, {{"address", answer}, {"port", 443}})),
                         by(22, net(60, "network.send", Source::Kernel, {{"address", answer}, {"port", 8080}})),
                         // A process that resolved nothing itself: the run's last name, as before.
                         by(33, net(70, "network.connect", Source::Kernel, {{"address", answer}, {"port", 80}}))},
                        0};
    SourceEvents honeypot{"honeypot",
                          {net(20, "network.dns", Source::Honeypot, {{"name", "pkg-a.example"}, {"address", "192.168.1.1"}, {"port", 53}}),
                           net(40, "network.dns", Source::Honeypot, {{"name", "c2-b.example"}, {"address", "192.168.1.1"}, {"port", 53}})},
                          0};
    const MergedEvents m = mergePhaseEvents("install", clock, {kernel, honeypot});
    ASSERT_EQ(m.events.size(), 7u);
    EXPECT_EQ(m.events[4].pid, 11);
    EXPECT_EQ(m.events[4].attrs.value("host", ""), "pkg-a.example");
    EXPECT_EQ(m.events[5].attrs.value("host", ""), "c2-b.example");
    EXPECT_EQ(m.events[6].attrs.value("host", ""), "c2-b.example");
}

TEST(PhaseCollector, ANodeLookupNamesItsProcessEvenWhenQueriesInterleave) {
    // Both processes' DNS packets leave before either answer is logged; the Node process said
    // which name it asked for (runtime network.dns), which settles whose query each was.
    PhaseClock clock;
    const std::string answer = kHoneypotAnswerIpv4;
    const nlohmann::json resolver = {{"address", "192.168.1.1"}, {"port", 53}};
    SourceEvents kernel{"kernel",
                        {by(7, net(10, "network.connect", Source::Kernel, resolver)),
                         by(9, net(12, "network.connect", Source::Kernel, resolver)),
                         by(7, net(50, "network.connect", Source::Kernel, {{"address", answer}, {"port", 443}})),
                         by(9, net(60, "network.connect", Source::Kernel, {{"address", answer}, {"port", 443}}))},
                        0};
    SourceEvents runtime{"runtime", {by(7, net(5, "network.dns", Source::Runtime, {{"api", "dns.lookup"}, {"name", "exfil.example"}}))}, 0};
    SourceEvents honeypot{"honeypot",
                          {net(20, "network.dns", Source::Honeypot, {{"name", "exfil.example"}, {"address", "192.168.1.1"}, {"port", 53}}),
                           net(21, "network.dns", Source::Honeypot, {{"name", "registry.example"}, {"address", "192.168.1.1"}, {"port", 53}})},
                          0};
    const MergedEvents m = mergePhaseEvents("import", clock, {kernel, runtime, honeypot});
    ASSERT_EQ(m.events.size(), 7u);
    EXPECT_EQ(m.events[5].pid, 7);
    EXPECT_EQ(m.events[5].attrs.value("host", ""), "exfil.example");
    EXPECT_EQ(m.events[6].pid, 9);
    EXPECT_EQ(m.events[6].attrs.value("host", ""), "registry.example");
}

TEST(PhaseCollector, ConnectionsToTheIpv6AnswerAddressCarryTheNameResolvedByAaaa) {
    PhaseClock clock;
    SourceEvents kernel{"kernel",
                        {net(30, "network.connect", Source::Kernel,
                             {{"family", "inet6"}, {"address", kHoneypotAnswerIpv6}, {"port", 443}}),
                         net(40, "network.connect", Source::Kernel,
                             {{"family", "inet6"}, {"address", "2001:db8::7"}, {"port", 443}})},
                        0};
    SourceEvents honeypot{"honeypot",
                          {net(20, "network.dns", Source::Honeypot,
                               {{"name", "v6.example"}, {"type", "AAAA"}, {"address", "192.168.1.1"}, {"port", 53}})},
                          0};
    const MergedEvents m = mergePhaseEvents("import", clock, {kernel, honeypot});
    ASSERT_EQ(m.events.size(), 3u);
    EXPECT_EQ(m.events[1].attrs.value("host", ""), "v6.example");
    EXPECT_FALSE(m.events[2].attrs.contains("host"));  // a literal stays a bare address
}

TEST(PhaseCollector, HoneypotWallClockTimesLandOnTheMonotonicAxis) {
    PhaseClock clock;
    clock.readySystem = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    clock.readyMonoNs = 5'000'000'000;
    clock.execMonoNs = 5'000'100'000;
    sandbox::NetEvent dns;
    dns.kind = sandbox::NetEvent::Kind::Dns;
    dns.time = clock.readySystem + 20ms;
    dns.dstIp = "192.168.1.1";
    dns.dstPort = 53;
    dns.texts = {"collector.example.invalid", "A"};
    sandbox::NetEvent http;
    http.kind = sandbox::NetEvent::Kind::Http;
    http.time = clock.readySystem + 30ms;
    http.texts = {"POST", "collector.example.invalid", "/c", "Host: collector.example.invalid\r\nX-A: 1\r\nX-A: 2\r\n"};
    http.data = std::string("\xff\x00\x01", 3);
    sandbox::NetEvent dropped;
    dropped.kind = sandbox::NetEvent::Kind::Dropped;
    dropped.texts = {"17"};
    const SourceEvents hp = honeypotEvents({http, dns, dropped}, clock);
    EXPECT_EQ(hp.drops, 17u);
    const MergedEvents m = mergePhaseEvents("install", clock, {hp});
    ASSERT_EQ(m.events.size(), 2u);
    EXPECT_EQ(m.events[0].kind, "network.dns");
    EXPECT_EQ(m.events[0].source, Source::Honeypot);
    EXPECT_EQ(m.events[0].attrs["name"], "collector.example.invalid");
    EXPECT_EQ(m.events[0].tsNs, 20'000'000 - 100'000);
    EXPECT_EQ(m.events[1].kind, "network.http");
    EXPECT_EQ(m.events[1].attrs["headers"]["X-A"], "1, 2");
    EXPECT_EQ(m.events[1].attrs["body"], "ff0001");
    EXPECT_EQ(m.events[1].attrs["body_encoding"], "hex");
    EXPECT_EQ(m.drops.at("honeypot"), 17u);
    // Every event must serialise: the store and --json print them.
    EXPECT_NO_THROW((void)toJson(m.events[1]).dump());
}

TEST(PhaseCollector, HoneypotEmulationBecomesAttrsAndOnlyAFlatStringObjectIsTaken) {
    PhaseClock clock;
    auto http = [](std::string emulation, std::string detail) {
        sandbox::NetEvent e;
        e.kind = sandbox::NetEvent::Kind::Http;
        e.texts = {"PUT", "registry.npmjs.org", "/w", "Host: registry.npmjs.org\r\n", "https", std::move(emulation),
                   std::move(detail)};
        return e;
    };
    sandbox::NetEvent plain = http("", "");
    plain.texts.resize(4);  // a record without the emulation texts (the generic page)
    const SourceEvents hp = honeypotEvents(
        {http("npm.publish", R"({"package":"w","version":"1.0.1","tarball":"w-1.0.1.tgz"})"),
         http("npm.publish", R"({"package":{"nested":1},"version":2,"ok":"yes"})"), http("geoip", "{not json"), plain},
        clock);
    ASSERT_EQ(hp.events.size(), 4u);
    EXPECT_EQ(hp.events[0].attrs["scheme"], "https");
    EXPECT_EQ(hp.events[0].attrs["emulation"], "npm.publish");
    EXPECT_EQ(hp.events[0].attrs["emulated"],
              nlohmann::json({{"package", "w"}, {"version", "1.0.1"}, {"tarball", "w-1.0.1.tgz"}}));
    EXPECT_EQ(hp.events[1].attrs["emulated"], nlohmann::json({{"ok", "yes"}}));
    EXPECT_EQ(hp.events[2].attrs["emulation"], "geoip");
    EXPECT_EQ(hp.events[2].attrs["emulated"], nlohmann::json::object());
    EXPECT_FALSE(hp.events[3].attrs.contains("emulation"));
    EXPECT_EQ(hp.events[3].attrs["scheme"], "http");
}

TEST(PhaseCollector, OverlayChangesAndLimitsAreEventsAtTheEndOfTheRun) {
    PhaseClock clock;
    clock.execMonoNs = 100;
    sandbox::RunResult r;
    r.run = 2s;
    r.wallLimitHit = true;
    r.changes = {{sandbox::FileChange::Created, "/home/dev/project/x"},
                 {sandbox::FileChange::Modified | sandbox::FileChange::ModeChanged, "/home/dev/.bashrc"}};
    r.changesTruncated = true;
    const MergedEvents m = mergePhaseEvents("install", clock, sandboxSources(r, clock));
    ASSERT_EQ(m.events.size(), 3u);
    EXPECT_EQ(m.events[0].kind, "sandbox.limit");
    EXPECT_EQ(m.events[0].attrs["limit"], "wall");
    EXPECT_EQ(m.events[1].kind, "file.change");
    EXPECT_EQ(m.events[1].attrs["path"], "/home/dev/project/x");
    EXPECT_TRUE(m.events[1].attrs["created"].get<bool>());
    EXPECT_TRUE(m.events[2].attrs["mode_changed"].get<bool>());
    EXPECT_EQ(m.events[2].tsNs, 2'000'000'000);
    EXPECT_EQ(m.drops.at("sandbox"), 1u);

    PhaseRun run;
    run.phase = "install";
    run.events = m.events;
    run.drops = m.drops;
    run.countEvents();
    const auto j = phaseSummaryJson(run);
    EXPECT_EQ(j["counts"]["file"], 2);
    EXPECT_EQ(j["counts"]["sandbox"], 1);
    EXPECT_EQ(run.totalDrops(), 1u);
}

// A run's raw sources (tracer records, hook lines) through runSources and the merge: the hook's
// absolute CLOCK_MONOTONIC stamps and the tracer's interleave, rebased to the tracer's execve.
std::vector<uint8_t> execRecord(uint64_t tsNs, const std::string& path) {
    vigil_trace_record r{};
    r.kind = VIGIL_TRACE_EXEC;
    r.ts_ns = tsNs;
    r.pid = 7;
    r.tid = 7;
    r.ppid = 1;
    std::strcpy(r.comm, "node");
    r.str_len[0] = 0;
    r.str_len[1] = static_cast<uint16_t>(path.size());
    r.size = static_cast<uint32_t>((sizeof r + path.size() + 7) & ~size_t{7});
    std::vector<uint8_t> bytes(r.size, 0);
    std::memcpy(bytes.data(), &r, sizeof r);
    std::memcpy(bytes.data() + sizeof r, path.data(), path.size());
    return bytes;
}

std::string hookLine(uint64_t tsNs, const std::string& name) {
    return R"({"ts_ns":)" + std::to_string(tsNs) + R"(,"pid":7,"ppid":1,"kind":"env.read","attrs":{"name":")" + name +
           R"(","via":"process.env"}})";
}

TEST(PhaseCollector, KernelAndHookEventsInterleaveRebasedToTheTracersExec) {
    sandbox::RunResult r;
    const uint64_t exec = 5'000'000'000;
    r.traceStats.received = true;
    r.traceStats.active = true;
    r.traceStats.execNs = exec;
    r.traceStats.drops = 2;
    r.trace.push_back({execRecord(exec, "/usr/bin/node")});
    r.trace.push_back({execRecord(exec + 3'000'000, "/bin/sh")});
    r.trace.push_back({{1, 2, 3}});  // malformed: a counted drop, never an event
    r.runtimeLines = {hookLine(exec + 1'000'000, "HOME"), hookLine(exec + 4'000'000, "NPM_TOKEN"), "not json"};
    r.runtimeDropped = 1;
    // READY's sample is the engine's, 2 ms before the tracer saw the exec: the tracer's wins.
    PhaseClock clock;
    clock.execMonoNs = static_cast<int64_t>(exec) - 2'000'000;
    clock.readyMonoNs = clock.execMonoNs;
    clock.useTracerExec(r.traceStats);
    EXPECT_EQ(clock.execMonoNs, static_cast<int64_t>(exec));

    std::vector<std::string> warnings;
    const MergedEvents m = mergePhaseEvents("install", clock, runSources(r, clock, &warnings));
    ASSERT_EQ(m.events.size(), 4u);
    EXPECT_EQ(m.events[0].kind, "process.exec");
    EXPECT_EQ(m.events[0].tsNs, 0);
    EXPECT_EQ(m.events[1].kind, "env.read");
    EXPECT_EQ(m.events[1].tsNs, 1'000'000);
    EXPECT_EQ(m.events[1].source, Source::Runtime);
    EXPECT_EQ(m.events[2].attrs["path"], "/bin/sh");
    EXPECT_EQ(m.events[2].tsNs, 3'000'000);
    EXPECT_EQ(m.events[3].attrs["name"], "NPM_TOKEN");
    EXPECT_EQ(m.events[3].tsNs, 4'000'000);
    EXPECT_EQ(m.drops.at("kernel"), 3u) << "2 ring-buffer drops + 1 refused record";
    EXPECT_EQ(m.drops.at("runtime"), 2u) << "1 discarded by the helper + 1 malformed line";
    EXPECT_FALSE(warnings.empty());
}

TEST(PhaseCollector, AnUntracedRunSaysSo) {
    sandbox::RunResult r;  // no TraceStats received: an old helper or a failed tracer
    std::vector<std::string> warnings;
    const SourceEvents k = kernelEvents(r, &warnings);
    EXPECT_TRUE(k.events.empty());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("not active"), std::string::npos);
}

}  // namespace
}  // namespace vigil::engine::collect
