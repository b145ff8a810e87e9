// Reading rule fixture YAML and running a case through fingerprint -> proofs -> facts -> rules.
#include "tests/engine/analysis/rule_fixture.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/analysis/exfiltration.h"
#include "engine/analysis/fingerprint.h"

namespace vigil::engine::analysis::test {
namespace {

/// A YAML scalar as JSON: quoted scalars stay strings; plain ones become bool/integer/real when they parse.
nlohmann::json scalarJson(const YAML::Node& n) {
    const std::string s = n.Scalar();
    if (n.Tag() == "!")  // quoted: always a string ("80" stays "80")
        return s;
    if (s == "true" || s == "false")
        return s == "true";
    if (s == "null" || s == "~")
        return nullptr;
    try {
        size_t used = 0;
        const long long v = std::stoll(s, &used);
        if (used == s.size())
            return v;
    } catch (const std::exception&) {
    }
    return s;
}

/// A typo in a fixture (`event:` for `events:`, `file.opne`) would make a case empty, and an empty
/// negative case passes whatever the rule does: refuse unknown keys and kinds instead.
void checkKeys(const YAML::Node& n, std::initializer_list<std::string_view> allowed, const std::string& where) {
    if (!n.IsMap())
        throw std::invalid_argument(where + ": expected a map");
    for (const auto& kv : n) {
        const std::string key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            throw std::invalid_argument(fmt::format("{}: unknown key '{}' (line {})", where, key, kv.first.Mark().line + 1));
    }
}

void checkKind(const std::string& kind, const YAML::Node& at) {
    namespace k = collect::kind;
    static const std::set<std::string_view> kKinds = {
        k::ProcessFork, k::ProcessExec,  k::ProcessExit,  k::ProcessSpawn,   k::FileOpen,        k::FileUnlink,
        k::FileRename,  k::FileChmod,    k::FileChown,    k::FileMkdir,      k::FileSymlink,     k::FileLink,
        k::FileAccess,  k::FileChange,   k::NetConnect,   k::NetBind,        k::NetListen,       k::NetSend,
        k::NetCall,     k::NetDns,       k::NetHttp,      k::NetTlsSni,      k::NetTcpData,      k::NetTcpSyn,
        k::NetUdpData,  k::EnvRead,      k::EnvEnumerate, k::CodeEval,       k::CodeFunction,    k::CodeVm,
        k::CodeWasm,    k::CodeDynamicRequire, k::CodeBinding, k::CodeGlobalOverride, k::RuntimeTimer,
        k::RuntimeUncaught, k::SandboxDenied, k::SandboxLimit};
    if (!kKinds.count(kind))
        throw std::invalid_argument(fmt::format("unknown event kind '{}' (line {})", kind, at.Mark().line + 1));
}

nlohmann::json toJson(const YAML::Node& n) {
    if (n.IsScalar())
        return scalarJson(n);
    if (n.IsSequence()) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& item : n)
            a.push_back(toJson(item));
        return a;
    }
    if (n.IsMap()) {
        nlohmann::json o = nlohmann::json::object();
        for (const auto& kv : n)
            o[kv.first.Scalar()] = toJson(kv.second);
        return o;
    }
    return nullptr;
}

std::vector<collect::Event> events(const YAML::Node& list, const std::string& phase) {
    std::vector<collect::Event> out;
    if (!list || !list.IsSequence())
        return out;
    uint64_t seq = 0;
    for (const auto& item : list) {
        nlohmann::json attrs = toJson(item);
        collect::Event e;
        e.seq = ++seq;
        e.tsNs = static_cast<int64_t>(seq) * 10'000'000;
        e.phase = phase;
        e.pid = 100 + static_cast<int32_t>(seq);
        e.kind = attrs.value("kind", "");
        checkKind(e.kind, item);
        attrs.erase("kind");
        // Who did it, when it matters (a host program vs the package's node; the runtime hook vs
        // the kernel): the event's own fields, not attrs.
        if (attrs.contains("pid")) {
            e.pid = attrs["pid"].get<int32_t>();
            attrs.erase("pid");
        }
        if (attrs.contains("exe")) {
            e.exe = attrs["exe"].get<std::string>();
            attrs.erase("exe");
        }
        if (attrs.contains("source")) {
            auto source = collect::parseSource(attrs["source"].get<std::string>());
            if (source)
                e.source = *source;
            attrs.erase("source");
        }
        e.attrs = std::move(attrs);
        out.push_back(std::move(e));
    }
    return out;
}

PhaseOutcome outcome(const YAML::Node& n) {
    PhaseOutcome o;
    if (!n)
        return o;
    auto num = [&](const char* key) { return n[key] ? n[key].as<long long>() : 0LL; };
    auto flag = [&](const char* key) { return n[key] && n[key].as<bool>(); };
    o.exitCode = static_cast<int>(num("exit_code"));
    o.signal = static_cast<int>(num("signal"));
    o.wallLimitHit = flag("wall_limit");
    o.memoryLimitHit = flag("memory_limit");
    o.pidsLimitHit = flag("pids_limit");
    o.outputLimitHit = flag("output_limit");
    o.duration = std::chrono::milliseconds(num("duration_ms"));
    o.cpu = std::chrono::milliseconds(num("cpu_ms"));
    o.stdoutBytes = static_cast<uint64_t>(num("stdout_bytes"));
    o.memoryPeakBytes = static_cast<uint64_t>(num("memory_bytes"));
    return o;
}

std::vector<sandbox::BaitToken> bait(const YAML::Node& list) {
    std::vector<sandbox::BaitToken> out;
    if (!list || !list.IsSequence())
        return out;
    for (const auto& b : list) {
        sandbox::BaitToken t;
        t.name = b["name"].as<std::string>();
        t.value = b["value"].as<std::string>();
        if (b["env"]) {
            t.place = sandbox::BaitToken::Place::Env;
            t.location = b["env"].as<std::string>();
        } else {
            t.place = sandbox::BaitToken::Place::File;
            t.location = b["file"].as<std::string>();
        }
        out.push_back(std::move(t));
    }
    return out;
}

FixturePhase phaseOf(const YAML::Node& n, const std::string& phase, bool& hasPrevious) {
    if (n["outcome"])
        checkKeys(n["outcome"], {"exit_code", "signal", "wall_limit", "memory_limit", "pids_limit", "output_limit",
                                 "duration_ms", "cpu_ms", "stdout_bytes", "memory_bytes"},
                  "outcome");
    FixturePhase p;
    p.phase = phase;
    p.events = events(n["events"], phase);
    p.outcome = outcome(n["outcome"]);
    p.bait = bait(n["bait"]);
    if (n["previous"]) {
        hasPrevious = true;
        p.previous = events(n["previous"], phase);
    }
    return p;
}

FixtureCase caseOf(const YAML::Node& n, const std::string& file) {
    checkKeys(n, {"name", "package", "category", "phase", "phases", "events", "outcome", "bait", "previous", "norms",
                  "expect_excepted", "expect"},
              file + " case");
    FixtureCase c;
    c.file = file;
    c.name = n["name"] ? n["name"].as<std::string>() : std::string("(unnamed)");
    if (n["package"]) {
        const std::string spec = n["package"].as<std::string>();
        const size_t at = spec.rfind('@');
        if (at != std::string::npos && at > 0) {
            c.package = spec.substr(0, at);
            c.version = spec.substr(at + 1);
        } else {
            c.package = spec;
        }
    }
    if (n["category"])
        c.category = n["category"].as<std::string>();
    if (n["phases"]) {
        for (const auto& kv : n["phases"]) {
            checkKeys(kv.second, {"events", "outcome", "bait", "previous"}, file + " phase " + kv.first.Scalar());
            c.phases.push_back(phaseOf(kv.second, kv.first.as<std::string>(), c.hasPrevious));
        }
    } else {
        c.phases.push_back(phaseOf(n, n["phase"] ? n["phase"].as<std::string>() : std::string("install"), c.hasPrevious));
    }
    if (n["norms"]) {
        NormFacts norms;
        for (const auto& kv : n["norms"])
            norms.share[kv.first.as<std::string>()] = kv.second.as<double>();
        c.norms = norms;
    }
    if (n["expect_excepted"])
        c.expectExcepted = n["expect_excepted"].as<std::string>();
    if (n["expect"])
        for (const auto& id : n["expect"])
            c.expect.push_back(id.as<std::string>());
    return c;
}

std::vector<FixtureCase> casesOf(const YAML::Node& list, const std::string& file) {
    std::vector<FixtureCase> out;
    if (list && list.IsSequence())
        for (const auto& item : list)
            out.push_back(caseOf(item, file));
    return out;
}

template <typename F>
auto readYaml(const std::filesystem::path& file, F&& build) -> Result<decltype(build(YAML::Node()))> {
    try {
        return build(YAML::LoadFile(file.string()));
    } catch (const std::exception& e) {  // YAML::Exception, or a refused key or kind
        return makeError(ErrorCode::Input, fmt::format("{}: {}", file.string(), e.what()));
    }
}

std::vector<std::string> stringList(const nlohmann::json& facts, const std::string& key) {
    const auto it = facts.find(key);
    return it == facts.end() ? std::vector<std::string>() : it->get<std::vector<std::string>>();
}

/// What the version diff will report, computed here from the two versions' facts: the diff
/// engine is not written yet, and the rules only need added/removed sets per field.
DiffFacts diffOf(const nlohmann::json& now, const nlohmann::json& before) {
    DiffFacts d;
    for (const std::string& k : diffFactKeys()) {
        const auto a = stringList(now, "events." + k);
        const auto b = stringList(before, "events." + k);
        const std::set<std::string> as(a.begin(), a.end()), bs(b.begin(), b.end());
        for (const auto& v : as)
            if (!bs.count(v))
                d.added[k].push_back(v);
        for (const auto& v : bs)
            if (!as.count(v))
                d.removed[k].push_back(v);
    }
    return d;
}

}  // namespace

Result<RuleFixture> loadRuleFixture(const std::filesystem::path& file) {
    return readYaml(file, [&](const YAML::Node& root) {
        checkKeys(root, {"rule", "positive", "negative"}, file.filename().string());
        RuleFixture f;
        f.file = file.filename().string();
        f.ruleId = root["rule"] ? root["rule"].as<std::string>() : std::string();
        f.positive = casesOf(root["positive"], f.file);
        f.negative = casesOf(root["negative"], f.file);
        return f;
    });
}

Result<std::vector<FixtureCase>> loadProfiles(const std::filesystem::path& file) {
    return readYaml(file, [&](const YAML::Node& root) {
        checkKeys(root, {"profiles"}, file.filename().string());
        return casesOf(root["profiles"], file.filename().string());
    });
}

CaseRun runCase(const FixtureCase& c, const RuleSet& rules) {
    const PackageIdentity id = PackageIdentity::inConsumer(c.package, c.version);
    std::vector<PhaseRecord> now, before;
    std::vector<ExfiltrationProof> proofs;
    for (const FixturePhase& p : c.phases) {
        PhaseRecord r;
        r.phase = p.phase;
        r.runtime = "node-20.11.1";
        r.outcome = p.outcome;
        r.events = p.events;
        r.bait = p.bait;
        const auto found = findExfiltration(r, id);
        proofs.insert(proofs.end(), found.begin(), found.end());
        now.push_back(std::move(r));
        PhaseRecord prev;
        prev.phase = p.phase;
        prev.runtime = "node-20.11.1";
        prev.events = p.previous;
        before.push_back(std::move(prev));
    }
    const Fingerprint fp = buildFingerprint(id, now, nullptr);
    const Fingerprint previous = buildFingerprint(PackageIdentity::inConsumer(c.package, "0.9.0"), before, nullptr);
    const PackageFacts package{c.package, c.version, c.category};
    CaseRun run;
    for (const FixturePhase& p : c.phases) {
        std::optional<DiffFacts> diff;
        if (c.hasPrevious) {
            const auto a = buildFacts(fp, p.phase, package, std::nullopt, std::nullopt, {});
            const auto b = buildFacts(previous, p.phase, package, std::nullopt, std::nullopt, {});
            diff = diffOf(a, b);
        }
        nlohmann::json facts = buildFacts(fp, p.phase, package, diff, c.norms, proofs);
        for (RuleMatch& m : rules.evaluate(facts, true))
            run.matches.push_back(std::move(m));
        run.facts.push_back(std::move(facts));
    }
    return run;
}

std::string describeMatches(const std::vector<RuleMatch>& matches) {
    std::string out;
    for (const RuleMatch& m : matches) {
        if (!m.exceptedBy.empty())
            continue;
        out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", m.id, severityName(m.severity));
    }
    return out.empty() ? std::string("none") : out;
}

}  // namespace vigil::engine::analysis::test
