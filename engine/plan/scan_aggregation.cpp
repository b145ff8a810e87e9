#include "engine/plan/scan_aggregation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "engine/plan/rule_evaluator.h"
#include "engine/store/store.h"

namespace vigil::engine::plan {

namespace {

using nlohmann::json;

std::string keyOf(const store::ScanPackage& p) {
    return p.name + "@" + p.version;
}

json stringArray(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : json::array();
}

}  // namespace

std::string findingEvidenceJson(const report::Finding& f) {
    json events = json::array();
    for (const auto& e : f.events)
        events.push_back({{"phase", e.phase}, {"seq", e.seq}, {"summary", e.summary}});
    json j = {{"description", f.description}, {"tags", f.tags},   {"phases", f.phases},
              {"evidence", f.evidence},       {"events", events}, {"expected", f.expected}};
    return j.dump();
}

report::Finding findingFromStored(const store::StoredFinding& stored) {
    report::Finding f;
    f.ruleId = stored.record.ruleId;
    f.severity = stored.record.severity;
    f.title = stored.record.title;
    const json j = json::parse(stored.record.evidenceJson, nullptr, false);
    if (!j.is_object())
        return f;  // the store only holds valid JSON; another writer may not use our object form
    f.description = j.value("description", "");
    for (const auto& t : stringArray(j, "tags"))
        if (t.is_string())
            f.tags.push_back(t.get<std::string>());
    for (const auto& p : stringArray(j, "phases"))
        if (p.is_string())
            f.phases.push_back(p.get<std::string>());
    if (auto it = j.find("evidence"); it != j.end())
        f.evidence = *it;
    for (const auto& e : stringArray(j, "events"))
        if (e.is_object())
            f.events.push_back(report::EvidenceRef{e.value("phase", ""), e.value("seq", uint64_t{0}),
                                                   e.value("summary", "")});
    f.expected = j.value("expected", false);
    return f;
}

namespace {

/// The keys of the analysis document's sections that feed one legacy array. The legacy arrays keep
/// answering categoryNorm / everMadeNetworkCalls / the heat map; network follows the norms'
/// definition (rules/CATEGORIES.md): a non-unix connection, a DNS query or an HTTP request.
json legacyArrayOf(const json& sections, store::Behavior behaviour) {
    auto keysOf = [&](const char* section, json& out, bool skipUnix = false) {
        auto it = sections.find(section);
        if (it == sections.end() || !it->is_array())
            return;
        for (const auto& item : *it) {
            if (!item.is_object() || !item.contains("key") || !item["key"].is_string())
                continue;
            const std::string key = item["key"].get<std::string>();
            if (skipUnix && key.rfind("unix:", 0) == 0)
                continue;
            out.push_back(key);
        }
    };
    json out = json::array();
    switch (behaviour) {
    case store::Behavior::NetworkCalls:
        keysOf("network.connections", out, /*skipUnix=*/true);
        keysOf("network.dns", out);
        keysOf("network.http", out);
        break;
    case store::Behavior::FileReads: keysOf("file.reads", out); break;
    case store::Behavior::FileWrites: keysOf("file.writes", out); break;
    case store::Behavior::EnvReads: keysOf("env.reads", out); break;
    case store::Behavior::ShellCommands: keysOf("process.shell_commands", out); break;
    case store::Behavior::DynamicCodeExec: keysOf("code.dynamic", out); break;
    }
    return out;
}

}  // namespace

store::FingerprintRecord fingerprintRecordOf(const json& fingerprint, const std::string& analyzerVersion) {
    store::FingerprintRecord r;
    r.analyzerVersion = analyzerVersion;
    const json* sections = nullptr;
    if (fingerprint.is_object())
        if (auto it = fingerprint.find("sections"); it != fingerprint.end() && it->is_object())
            sections = &*it;
    if (sections) {
        // analysis::toJson(Fingerprint): keep the whole document (diff, norms, network history
        // read it back) and derive the legacy arrays from its sections.
        r.documentJson = fingerprint.dump();
        for (std::size_t i = 0; i < store::kBehaviorCount; ++i)
            r.arraysJson[i] = legacyArrayOf(*sections, static_cast<store::Behavior>(i)).dump();
        return r;
    }
    for (std::size_t i = 0; i < store::kBehaviorCount; ++i) {
        const char* name = store::behaviorName(static_cast<store::Behavior>(i));
        r.arraysJson[i] = fingerprint.is_object() ? stringArray(fingerprint, name).dump() : "[]";
    }
    // Everything else is the analysis's own document (sections with evidence, outcomes, proofs):
    // kept beside the arrays so rules can judge it again without re-running the package.
    if (fingerprint.is_object()) {
        json document = fingerprint;
        for (std::size_t i = 0; i < store::kBehaviorCount; ++i)
            document.erase(store::behaviorName(static_cast<store::Behavior>(i)));
        r.documentJson = document.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return r;
}

json fingerprintJsonOf(const store::StoredFingerprint& stored) {
    json j = json::parse(stored.record.documentJson, nullptr, false);
    if (!j.is_object())
        j = json::object();
    for (std::size_t i = 0; i < store::kBehaviorCount; ++i)
        j[store::behaviorName(static_cast<store::Behavior>(i))] =
            json::parse(stored.record.arraysJson[i], nullptr, false);
    return j;
}

ScoreBreakdown scoreFindings(const std::vector<report::Finding>& findings) {
    static constexpr double kWeight[] = {0.0, 0.10, 0.30, 0.60, 0.90};  // by Severity
    ScoreBreakdown out;
    out.contributions.assign(findings.size(), 0);
    // The heaviest finding of each rule, heaviest rules first.
    std::map<std::string, std::size_t> heaviest;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (findings[i].expected)
            continue;
        auto [it, fresh] = heaviest.try_emplace(findings[i].ruleId, i);
        if (!fresh && findings[i].severity > findings[it->second].severity)
            it->second = i;
    }
    std::vector<std::size_t> order;
    for (const auto& [rule, i] : heaviest)
        order.push_back(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return findings[a].severity > findings[b].severity; });
    double clean = 1.0;  // Π(1 − w) so far
    int before = 0;
    for (std::size_t i : order) {
        clean *= 1.0 - kWeight[static_cast<int>(findings[i].severity)];
        const int now = static_cast<int>(std::lround(100.0 * (1.0 - clean)));
        out.contributions[i] = now - before;
        before = now;
    }
    out.score = std::clamp(before, 0, 100);
    return out;
}

int packageScore(const std::vector<report::Finding>& findings) { return scoreFindings(findings).score; }

Severity packageSeverity(const std::vector<report::Finding>& findings) {
    Severity s = Severity::Info;
    for (const auto& f : findings)
        if (!f.expected && f.severity > s)
            s = f.severity;
    return s;
}

std::map<std::string, int> heatOf(const json& fingerprint, bool hasInstallScripts) {
    auto size = [&](const char* key) -> int {
        return fingerprint.is_object() ? static_cast<int>(stringArray(fingerprint, key).size()) : 0;
    };
    auto heat = [](int n) { return std::min(100, n * 10); };
    return {
        {"install", hasInstallScripts ? 100 : 0},
        {"process", heat(size("shell_commands"))},
        {"network", heat(size("network_calls"))},
        {"filesystem", heat(size("file_reads") + size("file_writes"))},
        {"env", heat(size("env_reads"))},
        {"code", heat(size("dynamic_code_exec"))},
    };
}

std::vector<std::vector<std::vector<std::string>>> dependencyPaths(const store::ScanGraph& graph,
                                                                   std::size_t maxPaths) {
    const std::size_t n = graph.packages.size();
    // BFS from the root: depth of each package and its parents at depth - 1 (SIZE_MAX = the root).
    constexpr std::size_t kRoot = SIZE_MAX;
    std::vector<std::size_t> depth(n, SIZE_MAX);
    std::vector<std::vector<std::size_t>> parents(n);
    std::vector<std::vector<std::size_t>> children(n);
    std::deque<std::size_t> queue;
    for (const auto& e : graph.edges) {
        if (e.from) {
            children[*e.from].push_back(e.to);
        } else if (depth[e.to] != 0) {
            depth[e.to] = 0;
            parents[e.to] = {kRoot};
            queue.push_back(e.to);
        }
    }
    while (!queue.empty()) {
        const std::size_t at = queue.front();
        queue.pop_front();
        for (std::size_t child : children[at]) {
            if (depth[child] == SIZE_MAX) {
                depth[child] = depth[at] + 1;
                queue.push_back(child);
            }
            if (depth[child] == depth[at] + 1 &&
                std::find(parents[child].begin(), parents[child].end(), at) == parents[child].end())
                parents[child].push_back(at);
        }
    }

    std::vector<std::vector<std::vector<std::string>>> out(n);
    for (std::size_t target = 0; target < n; ++target) {
        if (depth[target] == SIZE_MAX)
            continue;  // unreachable from the root (a lockfile leftover): no path to show
        std::vector<std::string> reversed;
        std::function<void(std::size_t)> walk = [&](std::size_t at) {
            if (out[target].size() >= maxPaths)
                return;
            reversed.push_back(keyOf(graph.packages[at]));
            for (std::size_t p : parents[at]) {
                if (out[target].size() >= maxPaths)
                    break;
                if (p == kRoot)
                    out[target].emplace_back(reversed.rbegin(), reversed.rend());
                else
                    walk(p);
            }
            reversed.pop_back();
        };
        walk(target);
    }
    return out;
}

namespace {

/// Whether a finding's rule held on what was done alone (events, exfiltration proofs, the phase),
/// not on who the dependent is (its name, category, norms, previous version): only then does the
/// same verdict fit the dependency whose code did it.
bool onlyBehaviourEvidence(const report::Finding& f) {
    for (const auto& [field, values] : f.evidence.items()) {
        if (field == kViaDependencyKey || field == kSeverityAsOwnKey || field == "exfiltration" || field == "phase")
            continue;
        if (!field.starts_with("events.") && !field.starts_with("exfil."))
            return false;
    }
    return true;
}

/// Whether `own` matched every value `reached` did (counts aside: any count is the same behaviour).
bool sameValues(const report::Finding& own, const report::Finding& reached) {
    for (const auto& [field, values] : reached.evidence.items()) {
        if (!(field.starts_with("events.") || field.starts_with("exfil.")) || field.ends_with(".count") ||
            !values.is_array())
            continue;
        const auto mine = own.evidence.find(field);
        for (const json& v : values)
            if (mine == own.evidence.end() || !mine->is_array() ||
                std::find(mine->begin(), mine->end(), v) == mine->end())
                return false;
    }
    return true;
}

}  // namespace

void creditDependencies(report::ScanReport& report) {
    const std::string viaKey(kViaDependencyKey), asOwnKey(kSeverityAsOwnKey);
    std::map<std::string, std::size_t> indexOf;
    for (std::size_t i = 0; i < report.packages.size(); ++i)
        indexOf[report.packages[i].key()] = i;
    // (dependency index, rule) -> the finding it gets, merged over every package that reached it.
    std::map<std::pair<std::size_t, std::string>, report::Finding> credited;
    for (const auto& p : report.packages)
        for (const auto& f : p.findings) {
            const auto via = f.evidence.find(viaKey);
            const auto asOwn = f.evidence.find(asOwnKey);
            if (via == f.evidence.end() || !via->is_array() || asOwn == f.evidence.end() || !asOwn->is_string())
                continue;
            const std::optional<Severity> severity = parseSeverity(asOwn->get<std::string>());
            if (!severity || !onlyBehaviourEvidence(f))
                continue;
            for (const json& d : *via) {
                const auto at = d.is_string() ? indexOf.find(d.get<std::string>()) : indexOf.end();
                if (at == indexOf.end())
                    continue;  // not in this scan: the information on the dependent is all there is
                auto [it, fresh] = credited.try_emplace({at->second, f.ruleId});
                report::Finding& c = it->second;
                if (fresh) {
                    c.ruleId = f.ruleId;
                    c.title = f.title.substr(0, f.title.rfind(" (through its "));
                    c.description = f.description.substr(0, f.description.find("; every event behind it is code of"));
                    c.tags = f.tags;
                    c.evidence = json::object();
                    c.evidence["reached_from"] = json::array();
                    c.evidence["events_in"] = json::array();
                    c.severity = *severity;
                    c.expected = f.expected;
                }
                c.severity = std::max(c.severity, *severity);
                c.expected = c.expected && f.expected;
                for (const std::string& ph : f.phases)
                    if (std::find(c.phases.begin(), c.phases.end(), ph) == c.phases.end())
                        c.phases.push_back(ph);
                for (const auto& [field, values] : f.evidence.items())
                    if (field != viaKey && field != asOwnKey && values.is_array())
                        for (const json& v : values)
                            if (json& to = c.evidence[field]; std::find(to.begin(), to.end(), v) == to.end())
                                to.push_back(v);
                c.evidence["reached_from"].push_back(p.key());
                // The seqs are of the dependent's runs, not of the dependency's own timeline.
                for (const auto& e : f.events)
                    c.evidence["events_in"].push_back(
                        fmt::format("{} {}#{}: {}", p.key(), e.phase, e.seq, e.summary));
            }
        }
    for (auto& [where, c] : credited) {
        auto& findings = report.packages[where.first].findings;
        // Its own run's verdict on that rule wins, alarmed or expected (judged with its own name,
        // category and exceptions) when it saw the same values; values only the dependents' runs
        // showed (a command line they handed it) are news about its code and are charged to it.
        const bool has = std::any_of(findings.begin(), findings.end(), [&](const report::Finding& f) {
            return f.ruleId == c.ruleId && !f.evidence.contains(viaKey) && sameValues(f, c);
        });
        if (has)
            continue;
        std::string from;
        for (const json& k : c.evidence["reached_from"])
            from += (from.empty() ? "" : ", ") + k.get<std::string>();
        c.title += fmt::format(" (when {} ran it)", from);
        c.description += fmt::format("; its code did this while the scan ran {}, which depend on it", from);
        findings.push_back(std::move(c));
    }
}

void finalizeReport(report::ScanReport& report, const store::ScanGraph& graph) {
    creditDependencies(report);
    const auto paths = dependencyPaths(graph);
    std::map<std::string, std::size_t> indexOf;
    for (std::size_t i = 0; i < graph.packages.size(); ++i)
        indexOf[keyOf(graph.packages[i])] = i;

    report.edges.clear();
    for (const auto& e : graph.edges) {
        report::DependencyEdge edge;
        edge.from = e.from ? keyOf(graph.packages[*e.from]) : "";
        edge.to = keyOf(graph.packages[e.to]);
        edge.dev = e.type == store::DepType::Dev;
        edge.optional = e.type == store::DepType::Optional;
        report.edges.push_back(std::move(edge));
    }

    report.findingsBySeverity.clear();
    report.totalPackages = report.packages.size();
    report.analysed = report.cached = report.failed = 0;
    for (auto& p : report.packages) {
        if (auto it = indexOf.find(p.key()); it != indexOf.end())
            p.paths = paths[it->second];
        std::stable_sort(p.findings.begin(), p.findings.end(), [](const auto& a, const auto& b) {
            return a.severity > b.severity;
        });
        const ScoreBreakdown score = scoreFindings(p.findings);
        p.score = score.score;
        for (std::size_t i = 0; i < p.findings.size(); ++i)
            p.findings[i].scoreContribution = score.contributions[i];
        p.severity = packageSeverity(p.findings);
        p.heat = heatOf(p.fingerprint, !p.installScripts.empty());
        if (const auto it = p.fingerprint.find("category"); p.category.empty() && it != p.fingerprint.end() &&
                                                             it->is_object())
            p.category = it->value("category", "");  // the analysis document's inferred category
        for (const auto& f : p.findings)
            if (!f.expected)
                ++report.findingsBySeverity[f.severity];
        if (p.analysisFailed)
            ++report.failed;
        else if (p.cached)
            ++report.cached;
        else
            ++report.analysed;
    }
    std::sort(report.packages.begin(), report.packages.end(), [](const auto& a, const auto& b) {
        if (a.severity != b.severity)
            return a.severity > b.severity;
        if (a.score != b.score)
            return a.score > b.score;
        if (a.name != b.name)
            return a.name < b.name;
        return a.version < b.version;
    });
}

std::vector<std::string> findingKeys(const report::ScanReport& report) {
    std::set<std::string> keys;
    for (const auto& p : report.packages)
        for (const auto& f : p.findings)
            if (!f.expected)
                keys.insert(p.key() + ": " + f.ruleId);
    return {keys.begin(), keys.end()};
}

json scanTotalsJson(const report::ScanReport& report) {
    json bySeverity = json::object();
    for (const auto& [s, n] : report.findingsBySeverity)
        bySeverity[std::string(severityName(s))] = n;
    json analysed = json::array(), cached = json::array(), failed = json::object();
    for (const auto& p : report.packages) {
        if (p.analysisFailed)
            failed[p.key()] = p.analysisError;
        else if (p.cached)
            cached.push_back(p.key());
        else
            analysed.push_back(p.key());
    }
    return {{"scan", 1},
            {"project_name", report.projectName},
            {"packages", report.totalPackages},
            {"analysed", report.analysed},
            {"cached", report.cached},
            {"failed", report.failed},
            {"by_severity", bySeverity},
            {"finding_keys", findingKeys(report)},
            {"analysed_packages", analysed},
            {"cached_packages", cached},
            {"failed_packages", failed},
            {"analyzer_version", report.analyzerVersion},
            {"rules_version", report.rulesVersion}};
}

Result<std::optional<report::ScanComparison>> compareWithPrevious(store::Store& store,
                                                                  const report::ScanReport& report) {
    auto scans = store.scansOf(report.projectPath);
    if (!scans)
        return std::move(scans).error();
    const store::ScanRecord* previous = nullptr;
    for (const auto& s : *scans) {
        if (s.id >= report.scanId || s.status != store::ScanStatus::Complete)
            continue;
        // Resolve-only records (vigil-cli resolve) have no findings to compare with.
        const json totals = json::parse(s.totalsJson, nullptr, false);
        if (totals.is_object() && totals.contains("scan")) {
            previous = &s;
            break;  // newest first
        }
    }
    if (!previous)
        return std::optional<report::ScanComparison>{};

    auto graph = store.scanGraph(previous->id);
    if (!graph)
        return std::move(graph).error();
    std::set<std::string> before, now;
    for (const auto& p : graph->packages)
        before.insert(keyOf(p));
    for (const auto& p : report.packages)
        now.insert(p.key());
    std::set<std::string> beforeFindings, nowFindings;
    const json totals = json::parse(previous->totalsJson, nullptr, false);
    for (const auto& k : stringArray(totals, "finding_keys"))
        if (k.is_string())
            beforeFindings.insert(k.get<std::string>());
    for (auto& k : findingKeys(report))
        nowFindings.insert(std::move(k));

    report::ScanComparison c;
    c.previousScanId = previous->id;
    std::set_difference(now.begin(), now.end(), before.begin(), before.end(), std::back_inserter(c.addedPackages));
    std::set_difference(before.begin(), before.end(), now.begin(), now.end(), std::back_inserter(c.removedPackages));
    std::set_difference(nowFindings.begin(), nowFindings.end(), beforeFindings.begin(), beforeFindings.end(),
                        std::back_inserter(c.newFindings));
    std::set_difference(beforeFindings.begin(), beforeFindings.end(), nowFindings.begin(), nowFindings.end(),
                        std::back_inserter(c.resolvedFindings));
    return std::optional<report::ScanComparison>{std::move(c)};
}

}  // namespace vigil::engine::plan
