// Rules over analysis documents: facts per phase, matches merged per rule, matched values traced
// back to the events (fingerprint evidence, exfiltration proofs) they came from.
#include "engine/plan/rule_evaluator.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include <openssl/evp.h>

#include <fmt/format.h>

#include "engine/plan/consumer_project.h"


namespace vigil::engine::plan {

namespace {

namespace fs = std::filesystem;
using analysis::Section;
using nlohmann::json;

/// Which fingerprint section a facts list field draws its values from (events.* and, after the
/// prefix, diff.added.*), and how a section key shows as that field's value.
struct FieldSections {
    std::string_view field;
    std::vector<Section> sections;
};

const std::vector<FieldSections>& fieldSections() {
    static const std::vector<FieldSections> k = {
        {"network.hosts", {Section::NetConnections, Section::NetDns, Section::NetHttp}},
        {"network.dns_names", {Section::NetDns}},
        {"network.connections", {Section::NetConnections}},
        {"network.http_requests", {Section::NetHttp}},
        {"network.listens", {Section::NetListens}},
        {"network.emulations", {Section::NetEmulations}},
        {"network.emulated", {Section::NetEmulations}},
        {"network", {Section::NetConnections, Section::NetDns, Section::NetHttp, Section::NetListens}},
        {"env_read", {Section::EnvReads}},
        {"env_enumerated", {Section::EnvEnumerations}},
        {"env_serialised", {Section::EnvEnumerations}},
        {"file.reads", {Section::FileReads}},
        {"file.tool_reads", {Section::FileToolReads}},
        {"file.writes", {Section::FileWrites}},
        {"file.deletes", {Section::FileDeletes}},
        {"process.commands", {Section::ProcessCommands}},
        {"process.programs", {Section::ProcessPrograms}},
        {"process.shell_commands", {Section::ShellCommands}},
        {"code.dynamic.kinds", {Section::CodeDynamic}},
        {"code.dynamic", {Section::CodeDynamic}},
        {"code.eval", {Section::CodeDynamic}},
        {"code.function", {Section::CodeDynamic}},
        {"code.global_overrides", {Section::CodeGlobalOverrides}},
        {"sandbox.denied", {Section::SandboxDenied}},
    };
    return k;
}

/// The value a section key contributes to a facts field (hosts and connections are derived).
std::string valueOf(std::string_view field, Section section, const std::string& key) {
    if (field == "network.hosts") {
        if (section == Section::NetConnections)
            return analysis::parseConnection(key).host;
        if (section == Section::NetHttp)
            return analysis::parseHttpRequest(key).host;
    }
    if (field == "network.emulations")
        return key.substr(0, key.find(' '));
    if (field == "network.connections") {
        const analysis::Connection c = analysis::parseConnection(key);
        return c.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", c.host, c.port)
                                                     : fmt::format("{}:{}", c.host, c.port);
    }
    return key;
}

struct Ref {
    std::string phase;
    uint64_t seq = 0;
    std::string summary;
    bool operator<(const Ref& o) const { return std::tie(phase, seq) < std::tie(o.phase, o.seq); }
};

int phaseRank(const std::string& phase) {
    for (int i = 0; i < 3; ++i)
        if (phase == kAllPhases[i])
            return i;
    return 3;
}

/// The events behind one matched (field, value) pair in `phase` ("" = any phase).
void collectRefs(const AnalysisDocument& doc, const std::optional<analysis::DiffFacts>& diff,
                 const std::string& rawField, const std::string& value, const std::string& phase, std::set<Ref>& out) {
    std::string field = rawField;
    bool wholeField = false;  // a count or a flag: every item of the field is evidence
    if (field.ends_with(".count")) {
        field.resize(field.size() - 6);
        wholeField = true;
    }
    if (field == "exfil" || field.starts_with("exfil.")) {
        const std::string which = field == "exfil" ? std::string() : field.substr(6);
        for (const auto& p : doc.proofs) {
            if (!phase.empty() && p.phase != phase)
                continue;
            const bool hit = wholeField || (which == "tokens" && p.token == value) ||
                             (which == "channels" && p.channel == value) ||
                             (which == "destinations" && p.destination == value) ||
                             (which == "encodings" && p.encodingChain() == value);
            if (hit)
                for (uint64_t seq : p.seqs.empty() ? std::vector<uint64_t>{p.seq} : p.seqs)
                    out.insert(Ref{p.phase, seq, p.text()});
        }
        return;
    }
    const std::vector<std::string>* addedOnly = nullptr;  // a diff count: only the new values
    if (field.starts_with("events.")) {
        field = field.substr(7);
    } else if (field.starts_with("diff.added.")) {
        field = field.substr(11);
        if (wholeField && diff) {
            const auto it = diff->added.find(field);
            if (it == diff->added.end())
                return;
            addedOnly = &it->second;
        }
    } else {
        return;
    }  // outcome, resources, package, norm, diff.removed: no events of this version
    const auto spec = std::find_if(fieldSections().begin(), fieldSections().end(),
                                   [&](const FieldSections& f) { return f.field == field; });
    if (spec == fieldSections().end())
        return;
    if (field == "env_enumerated" || field == "env_serialised" || field == "network" || field == "code.dynamic")
        wholeField = true;
    std::string onlyKey;  // eval / function counts: that kind only
    if (field == "code.eval" || field == "code.function") {
        onlyKey = field.substr(5);
        wholeField = true;
    }
    for (Section section : spec->sections) {
        const auto items = doc.fingerprint.sections.find(section);
        if (items == doc.fingerprint.sections.end())
            continue;
        for (const auto& [key, seqsByPhase] : items->second) {
            if (!onlyKey.empty() && key != onlyKey)
                continue;
            if (field == "env_serialised" && !key.starts_with("values:"))
                continue;  // names listed only: not what the field says
            const std::string shown = valueOf(field, section, key);
            if (!wholeField && shown != value)
                continue;
            if (addedOnly != nullptr && std::find(addedOnly->begin(), addedOnly->end(), shown) == addedOnly->end())
                continue;
            for (const auto& [ph, seqs] : seqsByPhase) {
                if (!phase.empty() && ph != phase)
                    continue;
                for (uint64_t seq : seqs)
                    out.insert(Ref{ph, seq, fmt::format("{} {}", analysis::sectionName(section), key)});
            }
        }
    }
}

struct Merged {
    analysis::RuleMatch match;
    std::set<std::string> phases;
    std::map<std::string, std::set<std::string>> values;
    std::set<Ref> refs;
    bool alarmed = false;  ///< at least one match no exception suppressed
    std::set<std::string> exceptions;
};

/// The other packages whose code did every one of a finding's events, sorted; empty when any of
/// them is the package's own, the phase driver's (the consumer project's code calling its API and
/// bins), or unattributable (npm, a shell, the honeypot), is of the install
/// phase, or when it has none (outcome, resource and norm matches): such a finding stays the
/// package's.
std::vector<std::string> viaDependencies(const AnalysisDocument& doc, const std::set<Ref>& refs) {
    if (refs.empty() || doc.attribution.empty())
        return {};
    const std::string self = doc.fingerprint.package + "@" + doc.fingerprint.version;
    const std::string driver = fmt::format("{}@{}", kConsumerName, kConsumerVersion);
    std::map<std::string, std::map<uint64_t, const std::string*>> owner;  // phase -> seq -> package
    for (const auto& [package, phases] : doc.attribution)
        for (const auto& [phase, seqs] : phases)
            for (uint64_t seq : seqs)
                owner[phase][seq] = &package;
    std::set<std::string> via;
    for (const Ref& r : refs) {
        if (r.phase == "install")
            return {};  // only the package's own lifecycle scripts run: whatever they load is its doing
        const auto phase = owner.find(r.phase);
        if (phase == owner.end())
            return {};
        const auto it = phase->second.find(r.seq);
        if (it == phase->second.end() || *it->second == self || *it->second == driver)
            return {};  // its own, nobody's, or the phase driver's calls of its API and bins
        via.insert(*it->second);
    }
    return {via.begin(), via.end()};
}

/// A finding only other packages' code accounts for becomes information on this package, naming
/// them; the dependency itself carries it at full severity (scan_aggregation: creditDependencies).
void demoteToDependencies(report::Finding& f, const std::vector<std::string>& via, const analysis::Fingerprint& fp) {
    std::string names;
    for (const std::string& v : via)
        names += (names.empty() ? "" : ", ") + v;
    const char* noun = via.size() == 1 ? "dependency" : "dependencies";
    f.evidence[std::string(kViaDependencyKey)] = via;
    f.evidence[std::string(kSeverityAsOwnKey)] = std::string(severityName(f.severity));
    f.description += fmt::format(
        "; every event behind it is code of its {} {}, which {}@{} loaded: information here, not {}'s own behaviour",
        noun, names, fp.package, fp.version, fp.package);
    f.title += fmt::format(" (through its {} {})", noun, names);
    f.severity = Severity::Info;
}

std::string hex(const unsigned char* data, unsigned int n) {
    std::string out;
    for (unsigned int i = 0; i < n; ++i)
        out += fmt::format("{:02x}", data[i]);
    return out;
}

}  // namespace

Result<RuleEvaluator> RuleEvaluator::load(const std::vector<fs::path>& dirsInOrder, PriorFactsSource prior,
                                          const std::vector<std::string>& disabledRules) {
    auto read = analysis::RuleSet::readFiles(dirsInOrder);
    if (!read)
        return std::move(read).error();
    std::vector<analysis::RuleFileText>& files = *read;
    if (!disabledRules.empty()) {
        // Named in the user's words, not as a compile error of a file they never wrote.
        auto plain = analysis::RuleSet::compile(files, analysis::factFieldSchema());
        if (!plain)
            return std::move(plain).error();
        for (const std::string& id : disabledRules)
            if (std::none_of(plain->rules().begin(), plain->rules().end(), [&](const auto& r) { return r.id == id; }))
                return makeError(ErrorCode::Usage, "cannot disable rule '" + id + "': no loaded rule has that id",
                                 "It comes from --disable-rule, the config's disabled_rules or the GUI's Rules page; "
                                 "`vigil-cli rules check --list DIR` lists the ids.");
        analysis::RuleFileText off{"disabled-rules (settings)", "", files.empty() ? 0 : files.back().layer + 1};
        for (const std::string& id : disabledRules)
            off.text += fmt::format("- rule: {}\n  enabled: false\n", nlohmann::json(id).dump());
        files.push_back(std::move(off));
    }
    // The digest covers exactly what is compiled: the layer, the file's name (not its folder,
    // so a moved checkout keeps its verdicts) and its text.
    std::string input;
    for (const auto& f : files)
        input += fmt::format("{}\n{}\n{}\n{}\n", f.layer, fs::path(f.name).filename().string(), f.text.size(), f.text);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        return makeError(ErrorCode::Internal, "sha256 of the rule files failed");
    auto rules = analysis::RuleSet::compile(files, analysis::factFieldSchema());
    if (!rules)
        return std::move(rules).error();
    return RuleEvaluator(std::move(rules).value(), "rules:" + hex(digest, length).substr(0, 16), std::move(prior));
}

std::vector<report::Finding> RuleEvaluator::judge(const AnalysisDocument& doc) const {
    const analysis::Fingerprint& fp = doc.fingerprint;
    const analysis::PackageFacts package{fp.package, fp.version, doc.category.category};
    std::optional<PriorFacts> prior;
    if (prior_)
        prior = prior_(fp, doc.category.category);
    const std::optional<analysis::NormFacts> norms = prior ? prior->norms : std::nullopt;

    std::vector<std::string> scopes;
    for (const auto& [phase, summary] : fp.phases)
        scopes.push_back(phase);
    scopes.emplace_back();  // all phases together

    std::vector<Merged> merged;  // in first-match order, which follows definition order per scope
    for (const std::string& scope : scopes) {
        // A phase's facts are diffed against the same phase of the previous version, so a host
        // that moved from api into install counts as new at install time.
        const std::optional<analysis::DiffFacts> diff = prior ? prior->diffFor(fp, scope) : std::nullopt;
        const json facts = analysis::buildFacts(fp, scope, package, diff, norms, doc.proofs);
        for (analysis::RuleMatch& m : rules_.evaluate(facts, /*includeExcepted=*/true)) {
            auto it = std::find_if(merged.begin(), merged.end(), [&](const Merged& x) { return x.match.id == m.id; });
            if (it == merged.end()) {
                merged.push_back(Merged{m, {}, {}, {}, false, {}});
                it = std::prev(merged.end());
            }
            if (m.exceptedBy.empty())
                it->alarmed = true;
            else
                it->exceptions.insert(m.exceptedBy);
            if (!scope.empty())
                it->phases.insert(scope);
            for (const auto& [field, values] : m.evidence)
                for (const std::string& v : values) {
                    it->values[field].insert(v);
                    collectRefs(doc, diff, field, v, scope, it->refs);
                }
        }
    }

    std::vector<report::Finding> out;
    for (Merged& m : merged) {
        report::Finding f;
        f.ruleId = m.match.id;
        f.severity = m.match.severity;
        f.title = m.match.description;
        f.description = fmt::format("{} (rule {} at {})", m.match.description, m.match.id, m.match.source);
        f.tags = m.match.tags;
        f.expected = !m.alarmed;
        if (f.expected) {
            std::string names;
            for (const auto& e : m.exceptions)
                names += (names.empty() ? "" : ", ") + e;
            f.description += "; expected: " + names;
        }
        std::set<std::string> phases = m.phases;
        if (phases.empty())  // matched only on all phases together: where its evidence lies
            for (const Ref& r : m.refs)
                phases.insert(r.phase);
        std::vector<std::string> ordered(phases.begin(), phases.end());
        std::sort(ordered.begin(), ordered.end(),
                  [](const std::string& a, const std::string& b) { return phaseRank(a) < phaseRank(b); });
        f.phases = std::move(ordered);
        json evidence = json::object();
        for (const auto& [field, values] : m.values)
            evidence[field] = std::vector<std::string>(values.begin(), values.end());
        json proofs = json::array();
        const bool aboutExfiltration =
            std::any_of(m.values.begin(), m.values.end(), [](const auto& v) { return v.first.starts_with("exfil."); });
        for (const auto& p : doc.proofs)
            if (aboutExfiltration && std::find(f.phases.begin(), f.phases.end(), p.phase) != f.phases.end())
                proofs.push_back(p.text());
        if (!proofs.empty())
            evidence["exfiltration"] = std::move(proofs);
        f.evidence = std::move(evidence);
        std::vector<Ref> refs(m.refs.begin(), m.refs.end());
        std::stable_sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
            return phaseRank(a.phase) != phaseRank(b.phase) ? phaseRank(a.phase) < phaseRank(b.phase) : a.seq < b.seq;
        });
        for (const Ref& r : refs) {
            if (f.events.size() >= kMaxEvidenceEvents)
                break;
            f.events.push_back(report::EvidenceRef{r.phase, r.seq, r.summary});
        }
        if (const auto via = viaDependencies(doc, m.refs); !via.empty())
            demoteToDependencies(f, via, fp);
        out.push_back(std::move(f));
    }
    return out;
}

Result<std::vector<report::Finding>> RuleEvaluator::evaluate(const AnalysisTarget& target, const json& fingerprint) {
    auto doc = analysisDocumentFromJson(fingerprint);
    if (!doc)
        return std::move(doc).error().withContext(target.key());
    return judge(*doc);
}

}  // namespace vigil::engine::plan
