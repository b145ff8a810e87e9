// Category norms: behaviour shares per category, leave-one-out facts, and the "normal for C" table.
#include "engine/analysis/category_norms.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/analysis/version_diff.h"

namespace vigil::engine::analysis {

namespace {

bool any(const Fingerprint& fp, Section section) {
    const auto it = fp.sections.find(section);
    return it != fp.sections.end() && !it->second.empty();
}

bool anyNetwork(const Fingerprint& fp) {
    if (any(fp, Section::NetHttp))
        return true;
    const auto it = fp.sections.find(Section::NetConnections);
    if (it == fp.sections.end())
        return false;
    // A unix socket is local IPC (a pipe to a daemon), not the network.
    return std::any_of(it->second.begin(), it->second.end(),
                       [](const auto& item) { return parseConnection(item.first).protocol != "unix"; });
}

struct Behaviour {
    const char* key;
    const char* definition;
    bool (*shows)(const Fingerprint&);
};

const std::vector<Behaviour>& behaviours() {
    static const std::vector<Behaviour> k = {
        {"network", "a connection or datagram to a non-unix-socket address, or an HTTP request",
         [](const Fingerprint& fp) { return anyNetwork(fp); }},
        {"dns", "a DNS query", [](const Fingerprint& fp) { return any(fp, Section::NetDns); }},
        {"process", "a program run (any exec, including a lifecycle script's shell)",
         [](const Fingerprint& fp) { return any(fp, Section::ProcessPrograms); }},
        {"shell", "a script given to a shell (sh -c, shell: true)",
         [](const Fingerprint& fp) { return any(fp, Section::ShellCommands); }},
        {"file_write", "a file created, modified, chmod/chown'ed or a directory made",
         [](const Fingerprint& fp) { return any(fp, Section::FileWrites); }},
        {"file_delete", "a file or directory removed or renamed away",
         [](const Fingerprint& fp) { return any(fp, Section::FileDeletes); }},
        {"env_read", "an environment variable read by name",
         [](const Fingerprint& fp) { return any(fp, Section::EnvReads); }},
        {"env_enumerated", "the whole environment read (keys, entries, JSON.stringify, spread)",
         [](const Fingerprint& fp) { return any(fp, Section::EnvEnumerations); }},
        {"code_dynamic", "eval, Function, vm, WebAssembly, dynamic require/import or process.binding",
         [](const Fingerprint& fp) { return any(fp, Section::CodeDynamic); }},
        {"global_override", "a global or built-in prototype replaced",
         [](const Fingerprint& fp) { return any(fp, Section::CodeGlobalOverrides); }},
        {"install_script", "a shell script run in the install phase (npm runs lifecycle scripts with sh -c)",
         [](const Fingerprint& fp) { return !fp.keys(Section::ShellCommands, "install").empty(); }},
    };
    return k;
}

const Behaviour* findBehaviour(std::string_view key) {
    for (const Behaviour& b : behaviours())
        if (key == b.key)
            return &b;
    return nullptr;
}

}  // namespace

std::string behaviourDefinition(std::string_view behaviour) {
    const Behaviour* b = findBehaviour(behaviour);
    return b == nullptr ? std::string() : b->definition;
}

bool showsBehaviour(const Fingerprint& fingerprint, std::string_view behaviour) {
    const Behaviour* b = findBehaviour(behaviour);
    return b != nullptr && b->shows(fingerprint);
}

std::set<std::string> behavioursOf(const Fingerprint& fingerprint) {
    std::set<std::string> out;
    for (const std::string& key : normFactKeys())
        if (showsBehaviour(fingerprint, key))
            out.insert(key);
    return out;
}

CategoryNorms::CategoryNorms(const std::vector<NormSample>& samples, size_t minSample) : minSample_(minSample) {
    for (const NormSample& s : samples)
        if (!s.category.empty())
            add(s.category, s.fingerprint.package, s.fingerprint.version, behavioursOf(s.fingerprint));
    std::erase_if(members_, [](const auto& entry) { return entry.second.empty(); });
}

CategoryNorms::CategoryNorms(const std::vector<NormMemberSample>& samples, size_t minSample) : minSample_(minSample) {
    for (const NormMemberSample& s : samples)
        if (!s.category.empty())
            add(s.category, s.package, s.version, s.behaviours);
    std::erase_if(members_, [](const auto& entry) { return entry.second.empty(); });
}

void CategoryNorms::add(const std::string& category, const std::string& package, std::string version,
                        std::set<std::string> behaviours) {
    // One entry per name across categories: a package re-categorised by an override must not
    // count in both its old and its new category.
    for (auto& [c, members] : members_)
        members.erase(package);
    members_[category][package] = {std::move(version), std::move(behaviours)};
}

std::optional<NormFacts> CategoryNorms::factsFor(std::string_view category, std::string_view package) const {
    const auto it = members_.find(category);
    if (category.empty() || it == members_.end())
        return std::nullopt;
    const auto self = it->second.find(std::string(package));
    const size_t others = it->second.size() - (self == it->second.end() ? 0 : 1);
    if (others < minSample_)
        return std::nullopt;
    NormFacts facts;
    for (const std::string& key : normFactKeys()) {
        size_t count = 0;
        for (const auto& [name, member] : it->second)
            if (name != package && member.behaviours.count(key) != 0)
                ++count;
        facts.share[key] = static_cast<double>(count) / static_cast<double>(others);
    }
    return facts;
}

NormTable CategoryNorms::table(std::string_view category, size_t maxExamples) const {
    NormTable t;
    t.category = std::string(category);
    t.minSample = minSample_;
    const auto it = members_.find(category);
    t.packages = it == members_.end() ? 0 : it->second.size();
    t.available = t.packages >= minSample_ && t.packages > 0;
    for (const std::string& key : normFactKeys()) {
        NormRow row;
        row.behaviour = key;
        row.definition = behaviourDefinition(key);
        if (it != members_.end())
            for (const auto& [name, member] : it->second)  // by name: deterministic examples
                if (member.behaviours.count(key) != 0) {
                    ++row.count;
                    if (row.examples.size() < maxExamples)
                        row.examples.push_back(name + "@" + member.version);
                }
        if (t.available)
            row.share = static_cast<double>(row.count) / static_cast<double>(t.packages);
        t.rows.push_back(std::move(row));
    }
    return t;
}

std::vector<std::string> CategoryNorms::categories() const {
    std::vector<std::string> out;
    for (const auto& [category, members] : members_)
        out.push_back(category);
    return out;
}

size_t CategoryNorms::packages(std::string_view category) const {
    const auto it = members_.find(category);
    return it == members_.end() ? 0 : it->second.size();
}

size_t CategoryNorms::peers(std::string_view category, std::string_view package) const {
    const auto it = members_.find(category);
    if (it == members_.end())
        return 0;
    return it->second.size() - (it->second.count(std::string(package)) != 0 ? 1 : 0);
}

nlohmann::json toJson(const NormTable& t) {
    nlohmann::json rows = nlohmann::json::array();
    for (const NormRow& r : t.rows)
        rows.push_back({{"behaviour", r.behaviour},
                        {"definition", r.definition},
                        {"count", r.count},
                        {"share", r.share ? nlohmann::json(*r.share) : nlohmann::json(nullptr)},
                        {"examples", r.examples}});
    return {{"schema", "vigil.norms/1"}, {"category", t.category}, {"packages", t.packages},
            {"min_sample", t.minSample}, {"available", t.available}, {"behaviours", rows}};
}

std::string renderText(const NormTable& t) {
    std::string out = fmt::format("{}: {} analysed package{}", terminalSafe(t.category), t.packages,
                                  t.packages == 1 ? "" : "s");
    if (!t.available)
        out += fmt::format(" - norms unavailable (fewer than {}); counts only", t.minSample);
    out += "\n";
    size_t width = 0;
    for (const NormRow& r : t.rows)
        width = std::max(width, r.behaviour.size());
    for (const NormRow& r : t.rows) {
        const std::string share = r.share ? fmt::format("{:5.1f}%", *r.share * 100) : std::string("     -");
        out += fmt::format("  {:<{}}  {}  {:>3}/{}", r.behaviour, width, share, r.count, t.packages);
        if (!r.examples.empty()) {
            std::string examples;
            for (const std::string& e : r.examples)
                examples += (examples.empty() ? "" : ", ") + terminalSafe(e, 60);
            out += "  e.g. " + examples;
        }
        out += "\n";
    }
    return out;
}

}  // namespace vigil::engine::analysis
