// Facts from a fingerprint: one flat map per phase, and the schema the rule compiler checks against.
#include "engine/analysis/facts.h"

#include <algorithm>
#include <set>

namespace vigil::engine::analysis {

namespace {

using T = FactType;

std::vector<FactField> makeSchema() {
    std::vector<FactField> base = {
        {"package.name", T::String, "package name, e.g. `left-pad` or `@scope/name`"},
        {"package.version", T::String, "version analysed"},
        {"category", T::String, "inferred (or overridden) category, e.g. `string`, `http-client`; empty when unknown"},
        {"phase", T::String, "`install`, `import` or `api`; empty when the facts cover all phases"},
        {"events.network.count", T::Number,
         "events of the phase that touched the network (connections, DNS, HTTP, listens), after baseline subtraction"},
        {"events.network.hosts", T::StringList,
         "every host contacted: connection hosts (DNS name when known, else address), DNS names, HTTP hosts, TLS server "
         "names; lower case"},
        {"events.network.dns_names", T::StringList, "names queried"},
        {"events.network.connections", T::StringList, "`host:port` of connections and datagrams"},
        {"events.network.http_requests", T::StringList, "`METHOD host path`, query values dropped (`/c?k&v`)"},
        {"events.network.listens", T::StringList, "`address:port` bound or listened on"},
        {"events.network.emulations", T::StringList,
         "what the honeypot emulated for the package: `npm.whoami`, `npm.publish`, `npm.search`, `npm.metadata`, "
         "`npm.tarball`, `github.user`, `github.repo_create`, `github.contents_put`, `geoip`, `download` (a file name "
         "that looks like a binary or script was asked for); and, known by the bytes on disk, `download.saved` (a "
         "file holds exactly what the honeypot served as a download or page) and `download.executable` (such a "
         "file is executable: x bit, ELF or `#!`)"},
        {"events.network.emulated", T::StringList,
         "each emulated request with what it asked for: `npm.publish <name>@<version>`, `github.contents_put <path>`, "
         "`github.repo_create <name>`, `geoip <service host>`, `download <file name>`, `npm.metadata <name>`, "
         "`npm.tarball <name>@<version>`, `download.saved <path>`, `download.executable <path>`, or the "
         "emulation alone"},
        {"events.env_read", T::StringList, "environment variable names read"},
        {"events.env_enumerated", T::Bool,
         "the whole environment was enumerated: its names listed (`Object.keys`) or its values read"},
        {"events.env_serialised", T::Bool,
         "the values of the whole environment were read (JSON.stringify, entries, spread, or a value read for most "
         "listed names), not only their names"},
        {"events.file.reads", T::StringList,
         "canonical paths read (`$HOME/.npmrc`, `$PKG/lib/x.js`, `/etc/passwd`) by the package, its interpreters or "
         "programs told to (see `events.file.tool_reads`)"},
        {"events.file.tool_reads", T::StringList,
         "`<program> <path>`: files under `$HOME` a host program (`/usr/bin/docker`) read on its own initiative, the "
         "path not among its arguments (docker reading `$HOME/.docker/config.json` for `docker --version`)"},
        {"events.file.writes", T::StringList, "canonical paths created, modified, chmod/chown'ed, mkdir'ed"},
        {"events.file.deletes", T::StringList, "canonical paths unlinked, removed or renamed away"},
        {"events.process.commands", T::StringList,
         "every command run, as one shell-quoted line with canonical paths; shells and wrappers unwrapped"},
        {"events.process.programs", T::StringList,
         "program names run (`curl`), or the canonical path of a program in `$PKG`/`$TMP`/`$HOME`"},
        {"events.process.shell_commands", T::StringList,
         "scripts given to a shell (`sh -c`, `shell: true` spawns), including a lifecycle script's own"},
        {"events.code.eval.count", T::Number, "`eval` calls"},
        {"events.code.function.count", T::Number, "`new Function` / `Function()` calls"},
        {"events.code.dynamic.count", T::Number,
         "all dynamic code events: eval, Function, vm, WebAssembly, dynamic require/import, process.binding"},
        {"events.code.dynamic.kinds", T::StringList,
         "which of `eval`, `function`, `vm`, `wasm`, `dynamic_require`, `binding` happened"},
        {"events.code.global_overrides", T::StringList, "globals replaced: `fetch`, `Array.prototype.map`, ..."},
        {"events.sandbox.denied", T::StringList, "syscalls the sandbox refused (`ptrace`, `mount`, ...)"},
        {"outcome.failed", T::Bool, "anything but a clean exit 0 (non-zero exit, signal, any limit hit)"},
        {"outcome.timed_out", T::Bool, "the wall-clock limit killed the phase"},
        {"outcome.crashed", T::Bool, "killed by a signal, the memory or the pids limit (not by the wall clock)"},
        {"outcome.exit_code", T::Number, "exit status; -1 when killed by a signal"},
        {"outcome.signal", T::Number, "signal that ended it, 0 if none"},
        {"resources.cpu_ms", T::Number, "CPU time in ms (0 when not measured)"},
        {"resources.duration_ms", T::Number, "wall-clock time of the phase's command in ms"},
        {"resources.memory_peak_bytes", T::Number, "peak memory of the run"},
        {"resources.output_bytes", T::Number, "stdout + stderr bytes produced"},
        {"exfil.count", T::Number, "exfiltration proofs: planted honeytokens seen leaving (one per token and destination)"},
        {"exfil.tokens", T::StringList, "bait names that left: `npm_token`, `aws_secret_access_key`, ..."},
        {"exfil.channels", T::StringList, "`dns`, `http`, `tcp`, `udp`, `tls`"},
        {"exfil.destinations", T::StringList, "where they went: DNS domain, HTTP host or `address:port`"},
        {"exfil.encodings", T::StringList, "encoding chains: `plain`, `base64`, `base64(gzip)`, ..."},
        {"diff.available", T::Bool, "a previous version was analysed and diffed"},
    };
    for (const std::string& k : diffFactKeys())
        base.push_back({"diff.added." + k, T::StringList, "values of `events." + k + "` new in this version"});
    for (const std::string& k : diffFactKeys())
        base.push_back({"diff.removed." + k, T::StringList, "values of `events." + k + "` the previous version had"});
    base.push_back({"norm.available", T::Bool, "category norms were available"});
    for (const std::string& k : normFactKeys())
        base.push_back({"norm." + k + ".share", T::Number,
                        "share (0..1) of analysed packages of the category showing " + k + " behaviour; 1 when unknown"});
    std::vector<FactField> out;
    for (FactField& f : base) {
        const bool list = f.type == T::StringList;
        const std::string path = f.path;
        out.push_back(std::move(f));
        if (list)
            out.push_back({path + ".count", T::Number, "number of entries of `" + path + "`"});
    }
    return out;
}

std::vector<std::string> sorted(std::set<std::string> s) { return {s.begin(), s.end()}; }

}  // namespace

const char* factTypeName(FactType type) {
    switch (type) {
    case FactType::Number: return "number";
    case FactType::String: return "string";
    case FactType::Bool: return "bool";
    case FactType::StringList: return "string-list";
    }
    return "string";
}

const std::vector<std::string>& diffFactKeys() {
    static const std::vector<std::string> kKeys = {
        "network.hosts",   "network.dns_names", "network.connections", "network.http_requests", "env_read",
        "file.reads",      "file.writes",       "file.deletes",        "process.programs",      "process.commands",
        "process.shell_commands", "code.dynamic.kinds", "code.global_overrides"};
    return kKeys;
}

const std::vector<std::string>& normFactKeys() {
    static const std::vector<std::string> kKeys = {"network",    "dns",         "process",        "shell",
                                                   "file_write", "file_delete", "env_read",       "env_enumerated",
                                                   "code_dynamic", "global_override", "install_script"};
    return kKeys;
}

const std::vector<FactField>& factSchema() {
    static const std::vector<FactField> kSchema = makeSchema();
    return kSchema;
}

const FactField* findFact(std::string_view path) {
    const auto& s = factSchema();
    const auto it = std::find_if(s.begin(), s.end(), [&](const FactField& f) { return f.path == path; });
    return it == s.end() ? nullptr : &*it;
}

FieldSchema factFieldSchema() {
    FieldSchema schema;
    for (const FactField& f : factSchema()) {
        FieldType type = FieldType::String;
        switch (f.type) {
        case FactType::Number: type = FieldType::Number; break;
        case FactType::String: type = FieldType::String; break;
        case FactType::Bool: type = FieldType::Bool; break;
        case FactType::StringList: type = FieldType::StringList; break;
        }
        schema.fields.emplace(f.path, type);
    }
    return schema;
}

nlohmann::json buildFacts(const Fingerprint& fp, std::string_view phase, const PackageFacts& package,
                          const std::optional<DiffFacts>& diff, const std::optional<NormFacts>& norms,
                          const std::vector<ExfiltrationProof>& proofs) {
    nlohmann::json f = nlohmann::json::object();
    auto list = [&](const std::string& path, std::vector<std::string> values) {
        f[path + ".count"] = values.size();
        f[path] = std::move(values);
    };
    auto keys = [&](Section s) { return fp.keys(s, phase); };

    f["package.name"] = package.name;
    f["package.version"] = package.version;
    f["category"] = package.category;
    f["phase"] = std::string(phase);

    // Network: one event can show a connection and an HTTP request; count it once.
    std::set<std::pair<std::string, uint64_t>> netEvents;
    for (Section s : {Section::NetConnections, Section::NetDns, Section::NetHttp, Section::NetListens}) {
        const auto it = fp.sections.find(s);
        if (it == fp.sections.end())
            continue;
        for (const auto& [key, evidence] : it->second)
            for (const auto& [ph, seqs] : evidence)
                if (phase.empty() || ph == phase)
                    for (uint64_t seq : seqs)
                        netEvents.emplace(ph, seq);
    }
    f["events.network.count"] = netEvents.size();
    std::set<std::string> hosts, connections;
    for (const std::string& k : keys(Section::NetConnections)) {
        const Connection c = parseConnection(k);
        if (c.protocol == "unix")
            continue;
        hosts.insert(c.host);
        connections.insert(c.host.find(':') != std::string::npos ? "[" + c.host + "]:" + std::to_string(c.port)
                                                                 : c.host + ":" + std::to_string(c.port));
    }
    for (const std::string& k : keys(Section::NetDns))
        hosts.insert(k);
    for (const std::string& k : keys(Section::NetHttp))
        hosts.insert(parseHttpRequest(k).host);
    list("events.network.hosts", sorted(hosts));
    list("events.network.dns_names", keys(Section::NetDns));
    list("events.network.connections", sorted(connections));
    list("events.network.http_requests", keys(Section::NetHttp));
    list("events.network.listens", keys(Section::NetListens));
    std::set<std::string> emulations;
    for (const std::string& k : keys(Section::NetEmulations))
        emulations.insert(k.substr(0, k.find(' ')));
    list("events.network.emulations", sorted(emulations));
    list("events.network.emulated", keys(Section::NetEmulations));
    list("events.env_read", keys(Section::EnvReads));
    const std::vector<std::string> enumerations = keys(Section::EnvEnumerations);
    f["events.env_enumerated"] = !enumerations.empty();
    f["events.env_serialised"] = std::any_of(enumerations.begin(), enumerations.end(),
                                             [](const std::string& k) { return k.starts_with("values:"); });
    list("events.file.reads", keys(Section::FileReads));
    list("events.file.tool_reads", keys(Section::FileToolReads));
    list("events.file.writes", keys(Section::FileWrites));
    list("events.file.deletes", keys(Section::FileDeletes));
    list("events.process.commands", keys(Section::ProcessCommands));
    list("events.process.programs", keys(Section::ProcessPrograms));
    list("events.process.shell_commands", keys(Section::ShellCommands));
    f["events.code.eval.count"] = fp.eventCount(Section::CodeDynamic, phase, "eval");
    f["events.code.function.count"] = fp.eventCount(Section::CodeDynamic, phase, "function");
    f["events.code.dynamic.count"] = fp.eventCount(Section::CodeDynamic, phase);
    list("events.code.dynamic.kinds", keys(Section::CodeDynamic));
    list("events.code.global_overrides", keys(Section::CodeGlobalOverrides));
    list("events.sandbox.denied", keys(Section::SandboxDenied));

    // Outcome and resources: of the phase, or over all phases (any failure, summed time).
    bool failed = false, timedOut = false, crashed = false;
    int exitCode = 0, signal = 0;
    int64_t cpuMs = 0, durationMs = 0;
    uint64_t memory = 0, output = 0;
    for (const auto& [ph, s] : fp.phases) {
        if (!phase.empty() && ph != phase)
            continue;
        const PhaseOutcome& o = s.outcome;
        failed = failed || o.failed();
        timedOut = timedOut || o.timedOut();
        crashed = crashed || o.crashed();
        if (exitCode == 0)
            exitCode = o.exitCode;
        if (signal == 0)
            signal = o.signal;
        cpuMs += std::chrono::duration_cast<std::chrono::milliseconds>(o.cpu).count();
        durationMs += std::chrono::duration_cast<std::chrono::milliseconds>(o.duration).count();
        memory = std::max(memory, o.memoryPeakBytes);
        output += o.stdoutBytes + o.stderrBytes;
    }
    f["outcome.failed"] = failed;
    f["outcome.timed_out"] = timedOut;
    f["outcome.crashed"] = crashed;
    f["outcome.exit_code"] = exitCode;
    f["outcome.signal"] = signal;
    f["resources.cpu_ms"] = cpuMs;
    f["resources.duration_ms"] = durationMs;
    f["resources.memory_peak_bytes"] = memory;
    f["resources.output_bytes"] = output;

    std::set<std::string> tokens, channels, destinations, encodings;
    size_t exfilCount = 0;
    for (const ExfiltrationProof& p : proofs) {
        if (!phase.empty() && p.phase != phase)
            continue;
        ++exfilCount;
        tokens.insert(p.token);
        channels.insert(p.channel);
        destinations.insert(p.destination);
        encodings.insert(p.encodingChain());
    }
    f["exfil.count"] = exfilCount;
    list("exfil.tokens", sorted(tokens));
    list("exfil.channels", sorted(channels));
    list("exfil.destinations", sorted(destinations));
    list("exfil.encodings", sorted(encodings));

    f["diff.available"] = diff.has_value();
    for (const std::string& k : diffFactKeys()) {
        auto pick = [&](const std::map<std::string, std::vector<std::string>>& m) {
            const auto it = m.find(k);
            return it == m.end() ? std::vector<std::string>() : it->second;
        };
        list("diff.added." + k, diff ? pick(diff->added) : std::vector<std::string>());
        list("diff.removed." + k, diff ? pick(diff->removed) : std::vector<std::string>());
    }
    f["norm.available"] = norms.has_value();
    for (const std::string& k : normFactKeys()) {
        double share = 1.0;
        if (norms)
            if (const auto it = norms->share.find(k); it != norms->share.end())
                share = it->second;
        f["norm." + k + ".share"] = share;
    }
    return f;
}

}  // namespace vigil::engine::analysis
