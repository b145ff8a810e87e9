// INTERIM analyzer: see the header for exactly what it runs and judges.
#include "engine/plan/interim_script_analyzer.h"

#include <set>

#include "engine/resolve/integrity.h"

namespace vigil::engine::plan {

namespace {

using nlohmann::json;
using sandbox::NetEvent;

/// The host a network record was about: the DNS name, HTTP Host, SNI, or the address.
std::string hostOf(const NetEvent& e) {
    switch (e.kind) {
    case NetEvent::Kind::Dns: return e.text(0);
    case NetEvent::Kind::Http: return e.text(1).empty() ? e.dstIp : e.text(1);
    case NetEvent::Kind::TlsSni: return e.text(0);
    default: return e.dstIp + ":" + std::to_string(e.dstPort);
    }
}

collect::Event toEvent(const NetEvent& n, const std::string& phase, std::uint64_t seq) {
    collect::Event e;
    e.seq = seq;
    e.phase = phase;
    e.source = collect::Source::Honeypot;
    switch (n.kind) {
    case NetEvent::Kind::Dns:
        e.kind = collect::kind::NetDns;
        e.attrs = {{"name", n.text(0)}, {"type", n.text(1)}};
        break;
    case NetEvent::Kind::Http:
        e.kind = collect::kind::NetHttp;
        e.attrs = {{"method", n.text(0)}, {"host", n.text(1)},          {"path", n.text(2)},
                   {"body", n.data},      {"body_truncated", n.dataTruncated}};
        break;
    case NetEvent::Kind::TlsSni:
        e.kind = collect::kind::NetTlsSni;
        e.attrs = {{"server_name", n.text(0)}};
        break;
    case NetEvent::Kind::Udp:
        e.kind = collect::kind::NetUdpData;
        e.attrs = {{"address", n.dstIp}, {"port", n.dstPort}, {"data", n.data}, {"truncated", n.dataTruncated}};
        break;
    case NetEvent::Kind::TcpSyn:
        e.kind = collect::kind::NetTcpSyn;
        e.attrs = {{"address", n.dstIp}, {"port", n.dstPort}};
        break;
    default:
        e.kind = collect::kind::NetTcpData;
        e.attrs = {{"address", n.dstIp}, {"port", n.dstPort}, {"data", n.data}, {"truncated", n.dataTruncated}};
        break;
    }
    return e;
}

/// Whether a honeytoken's value left in this record (plaintext only: TLS bodies are opaque here).
bool carries(const NetEvent& n, const std::string& value) {
    if (value.size() < 8)
        return false;  // too short to be a proof
    if (n.data.find(value) != std::string::npos)
        return true;
    for (const auto& t : n.texts)
        if (t.find(value) != std::string::npos)
            return true;
    return false;
}

struct PhaseOutput {
    std::vector<collect::Event> events;
    std::vector<report::Finding> findings;
    std::set<std::string> hosts, writes, commands;
};

/// Judges one sandbox run of `phase` (interim checks) and appends its events.
void judge(const sandbox::RunResult& run, const std::string& phase, const std::string& what, PhaseOutput& out) {
    std::set<std::string> reported;
    for (const auto& n : run.netEvents) {
        if (n.kind == NetEvent::Kind::Dropped)
            continue;
        const auto event = toEvent(n, phase, out.events.size());
        out.events.push_back(event);
        const std::string host = hostOf(n);
        out.hosts.insert(host);
        for (const auto& token : run.bait) {
            if (!carries(n, token.value) || !reported.insert("bait:" + token.name).second)
                continue;
            report::Finding f;
            f.ruleId = "interim-exfiltration";
            f.severity = Severity::Critical;
            f.title = "sends the planted " + token.name + " (from " + token.location + ") to " + host;
            f.description = "A honeytoken planted in the sandbox's fake home left in network traffic: the package "
                            "reads credentials and sends them out.";
            f.tags = {"exfiltration", "credentials"};
            f.phases = {phase};
            f.evidence = {{"token", token.name}, {"location", token.location}, {"host", host}};
            f.events = {report::EvidenceRef{phase, event.seq, event.kind + " " + host}};
            out.findings.push_back(std::move(f));
        }
        if (!reported.insert("host:" + host).second)
            continue;
        report::Finding f;
        f.ruleId = "interim-network";
        f.severity = Severity::High;
        f.title = "contacts " + host + " during " + what;
        f.description = "The " + phase + " phase reached for the network; packages rarely need to at " + phase + ".";
        f.tags = {"network"};
        f.phases = {phase};
        f.evidence = {{"host", host}, {"kind", event.kind}};
        f.events = {report::EvidenceRef{phase, event.seq, event.kind + " " + host}};
        out.findings.push_back(std::move(f));
    }
    for (const auto& c : run.changes) {
        collect::Event e;
        e.seq = out.events.size();
        e.phase = phase;
        e.kind = collect::kind::FileChange;
        e.attrs = {{"path", c.path},
                   {"created", (c.flags & sandbox::FileChange::Created) != 0},
                   {"modified", (c.flags & sandbox::FileChange::Modified) != 0},
                   {"deleted", (c.flags & sandbox::FileChange::Deleted) != 0},
                   {"mode_changed", (c.flags & sandbox::FileChange::ModeChanged) != 0}};
        out.events.push_back(std::move(e));
        out.writes.insert(c.path);
    }
    // The run's changes also cover the home and /tmp; this finding is about the package's own files.
    std::vector<std::string> inPackage;
    for (const auto& c : run.changes)
        if (c.path.rfind("/home/dev/project/", 0) == 0)
            inPackage.push_back(c.path);
    if (!inPackage.empty() && reported.insert("changes").second) {
        report::Finding f;
        f.ruleId = "interim-package-modified";
        f.severity = Severity::Low;
        f.title = what + " changed " + std::to_string(inPackage.size()) + " file(s) of the package, e.g. " +
                  inPackage.front();
        f.tags = {"filesystem"};
        f.phases = {phase};
        out.findings.push_back(std::move(f));
    }
}

report::PhaseSummary summaryOf(const std::string& phase, const std::vector<sandbox::RunResult>& runs,
                               std::chrono::nanoseconds total) {
    report::PhaseSummary s;
    s.phase = phase;
    s.outcome = runs.empty() ? "skipped" : "ok";
    for (const auto& r : runs) {
        if (r.wallLimitHit)
            s.outcome = "timed-out";
        else if (r.signal != 0 && s.outcome == "ok")
            s.outcome = "crashed";
        else if (r.exitCode != 0 && s.outcome == "ok")
            s.outcome = "failed";
        s.exitCode = r.exitCode;
        s.signal = r.signal;
        s.countsByCategory["network"] += r.netEvents.size();
        s.countsByCategory["file"] += r.changes.size();
    }
    s.duration = std::chrono::duration_cast<std::chrono::milliseconds>(total);
    return s;
}

}  // namespace

Result<InterimScriptAnalyzer> InterimScriptAnalyzer::create(sandbox::SandboxClient client,
                                                            std::filesystem::path cacheRoot) {
    auto digest = resolve::digestOfFile(resolve::HashAlgorithm::Sha256, client.helperPath());
    if (!digest)
        return std::move(digest).error().withContext("fingerprinting the sandbox helper");
    const std::string hex = resolve::toHex(*digest).substr(0, 16);
    // The helper insists on absolute paths; a relative --cache must still work.
    std::error_code ec;
    auto root = std::filesystem::absolute(cacheRoot, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot make " + cacheRoot.string() + " absolute: " + ec.message());
    return InterimScriptAnalyzer(std::move(client), std::move(root), "interim-sh/1+" + hex);
}

Result<PackageAnalysis> InterimScriptAnalyzer::analyse(const AnalysisTarget& target,
                                                       const std::vector<std::string>& phases, std::stop_token stop,
                                                       const AnalysisProgress& progress) {
    if (target.directory.empty())
        return makeError(ErrorCode::Input, target.key() + " was not fetched (git, link or directory source)",
                         "the interim analyzer only runs registry and tarball packages");
    std::error_code ec;
    const std::filesystem::path packageDir = std::filesystem::absolute(target.directory, ec);
    if (ec)
        return makeError(ErrorCode::Io, target.key() + ": cannot make " + target.directory.string() + " absolute");
    PackageAnalysis analysis;
    PhaseOutput out;
    for (const auto& phase : phases) {
        if (progress)
            progress(phase, "starting");
        std::vector<std::pair<std::string, std::vector<std::string>>> commands;  // label, argv
        if (phase == "install") {
            for (const char* script : {"preinstall", "install", "postinstall"})
                if (auto it = target.installScripts.find(script); it != target.installScripts.end())
                    commands.push_back({std::string(script) + " script", {"sh", "-c", it->second}});
        } else if (phase == "import") {
            if (std::filesystem::exists(packageDir / "package.json", ec))
                commands.push_back({"import", {"node", "-e", "require('./')"}});
        }
        std::vector<sandbox::RunResult> runs;
        std::chrono::nanoseconds total{0};
        for (const auto& [label, argv] : commands) {
            sandbox::RunRequest request;
            request.argv = argv;
            request.packageDir = packageDir;
            request.cacheRoot = cacheRoot_;
            request.phase = phase;
            request.limits.wall = std::chrono::seconds(30);
            sandbox::RunObserver observer;
            observer.stop = stop;
            auto run = client_.run(request, observer);
            if (!run)
                return std::move(run).error().withContext(target.key() + " " + label);
            judge(*run, phase, label, out);
            if (argv.front() == "sh")
                out.commands.insert(argv.back());
            total += run->setup + run->run;
            runs.push_back(std::move(run).value());
        }
        analysis.phases.push_back(summaryOf(phase, runs, total));
    }
    analysis.events = std::move(out.events);
    analysis.findings = std::move(out.findings);
    analysis.fingerprint = {{"network_calls", out.hosts},
                            {"file_writes", out.writes},
                            {"shell_commands", out.commands},
                            {"file_reads", json::array()},
                            {"env_reads", json::array()},
                            {"dynamic_code_exec", json::array()}};
    return analysis;
}

}  // namespace vigil::engine::plan
