#include "engine/analysis/rule_loader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include <yaml-cpp/yaml.h>

namespace vigil::engine::analysis {

std::string SourcePlace::where() const {
    return (file ? file->name : std::string("?")) + ":" + std::to_string(line);
}

namespace {

/// Rule files may spell a severity in any case ("HIGH", "High").
std::optional<Severity> parseSeverityAnyCase(const std::string& name) {
    std::string lower = name;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return parseSeverity(lower);
}

constexpr std::array<const char*, 13> kKeywords{"and",      "or",         "not",      "in",   "intersects", "outside", "contains",
                                                "startswith", "endswith", "glob",     "exists", "true",     "false"};

bool isConditionName(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
        return false;
    if (!std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
        return false;
    std::string lower = s;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::none_of(kKeywords.begin(), kKeywords.end(), [&](const char* k) { return lower == k; });
}

bool isRuleId(const std::string& s) {
    return !s.empty() && std::isalnum(static_cast<unsigned char>(s[0])) &&
           std::all_of(s.begin(), s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
           });
}

struct Entry {
    std::string key;
    YAML::Node keyNode;
    YAML::Node value;
};

enum class Kind { List, Macro, Rule };
const char* kindName(Kind k) { return k == Kind::List ? "list" : k == Kind::Macro ? "macro" : "rule"; }

/// The keys each item kind takes; which of them may be appended to (the rest can only be replaced).
const std::set<std::string>& keysOf(Kind k) {
    static const std::set<std::string> list{"items"};
    static const std::set<std::string> macro{"condition"};
    static const std::set<std::string> rule{"description", "condition", "severity", "tags", "enabled", "exceptions"};
    return k == Kind::List ? list : k == Kind::Macro ? macro : rule;
}
bool appendable(const std::string& key) {
    return key == "items" || key == "condition" || key == "tags" || key == "exceptions";
}

std::string keyHint(const std::string& key) {
    if (key == "desc") return "did you mean 'description'?";
    if (key == "priority") return "VIGIL calls it 'severity': info, low, medium, high or critical";
    if (key == "output") return "not used: a finding carries the matched values as its evidence";
    if (key == "id" || key == "name") return "a rule's id is the value of its 'rule:' key";
    return {};
}

}  // namespace

class RuleFileReader {
public:
    RuleFileReader(RuleDefinitions& defs, std::shared_ptr<const SourceFile> file, int layer)
        : defs_(defs), file_(std::move(file)), layer_(layer) {}

    Status read(const YAML::Node& doc) {
        if (!doc.IsDefined() || doc.IsNull())
            return {};  // an empty file defines nothing
        if (!doc.IsSequence())
            return errorAt(doc, 1, "a rule file is a YAML list of items", "each item starts with '- list:', '- macro:' or '- rule:'");
        // The version gate is checked before any item, so a newer file fails on its version
        // rather than on whatever new syntax it uses.
        for (const auto& item : doc) {
            if (!item.IsMap() || !item["required_engine_version"])
                continue;
            const YAML::Node v = item["required_engine_version"];
            int wanted = -1;
            try {
                wanted = v.as<int>();
            } catch (const YAML::Exception&) {
            }
            if (wanted < 0)
                return errorAt(v, v.Scalar().size(), "required_engine_version is a whole number, like 1");
            if (wanted > kRulesEngineVersion)
                return errorAt(v, v.Scalar().size(),
                               "this file needs rules engine version " + std::to_string(wanted) + "; this VIGIL reads version " +
                                   std::to_string(kRulesEngineVersion),
                               "update VIGIL, or leave this file out");
        }
        for (const auto& item : doc)
            VIGIL_TRY(readItem(item));
        return {};
    }

private:
    Error errorAt(const YAML::Node& node, std::size_t length, const std::string& message, const std::string& hint = {}) const {
        const YAML::Mark m = node.Mark();
        return sourceError(*file_, m.line + 1, m.column + 1, length, message, hint);
    }

    SourcePlace placeOf(const YAML::Node& node) const {
        return SourcePlace{file_, node.Mark().line + 1, node.Mark().column + 1};
    }

    ConditionSource conditionOf(const YAML::Node& node) const {
        return ConditionSource::fromYamlScalar(file_, node.Scalar(), node.Mark().line, node.Mark().column);
    }

    Result<std::string> scalar(const Entry& e, bool nonEmpty = true) const {
        if (!e.value.IsScalar() || (nonEmpty && e.value.Scalar().empty()))
            return errorAt(e.value.IsDefined() && !e.value.IsNull() ? e.value : e.keyNode, e.key.size(),
                           "'" + e.key + "' needs a text value");
        return e.value.Scalar();
    }

    Result<std::vector<std::string>> scalarList(const Entry& e) const {
        if (!e.value.IsSequence())
            return errorAt(e.keyNode, e.key.size(), "'" + e.key + "' is a YAML list: [a, b] or one '- a' per line");
        std::vector<std::string> out;
        for (const auto& v : e.value) {
            if (!v.IsScalar())
                return errorAt(v, 1, "items of '" + e.key + "' are plain values");
            out.push_back(v.Scalar());
        }
        return out;
    }

    Result<bool> boolean(const Entry& e) const {
        const std::string s = e.value.IsScalar() ? e.value.Scalar() : std::string();
        if (s == "true" || s == "True" || s == "TRUE")
            return true;
        if (s == "false" || s == "False" || s == "FALSE")
            return false;
        return errorAt(e.value.IsDefined() ? e.value : e.keyNode, std::max<std::size_t>(1, s.size()),
                       "'" + e.key + "' is true or false");
    }

    Status readItem(const YAML::Node& item) {
        if (!item.IsMap())
            return errorAt(item, 1, "each item is a map starting with 'list:', 'macro:' or 'rule:'");
        std::vector<Entry> entries;
        for (const auto& kv : item)
            entries.push_back(Entry{kv.first.Scalar(), kv.first, kv.second});
        std::optional<Kind> kind;
        const Entry* head = nullptr;
        for (const auto& e : entries) {
            std::optional<Kind> k;
            if (e.key == "list") k = Kind::List;
            if (e.key == "macro") k = Kind::Macro;
            if (e.key == "rule") k = Kind::Rule;
            if (e.key == "required_engine_version") {
                if (entries.size() != 1)
                    return errorAt(e.keyNode, e.key.size(), "required_engine_version is an item of its own");
                return {};
            }
            if (!k)
                continue;
            if (kind)
                return errorAt(e.keyNode, e.key.size(), "an item is one list, macro or rule; this one has two");
            kind = k;
            head = &e;
        }
        if (!kind)
            return errorAt(item, 1, "each item starts with 'list:', 'macro:' or 'rule:'");
        auto name = scalar(*head);
        if (!name)
            return std::move(name).error();
        if (*kind == Kind::Rule ? !isRuleId(*name) : !isConditionName(*name))
            return errorAt(head->value, name->size(), "'" + *name + "' is not a valid " + kindName(*kind) + " name",
                           *kind == Kind::Rule ? "rule ids use letters, digits, '-', '_' and '.'"
                                               : "names use letters, digits and '_', and are not keywords like 'in'");
        // Sort the other keys into: known content keys, and the modification keys.
        std::vector<const Entry*> content;
        const Entry* appendKey = nullptr;
        const Entry* overrideKey = nullptr;
        for (const auto& e : entries) {
            if (&e == head)
                continue;
            if (e.key == "append")
                appendKey = &e;
            else if (e.key == "override")
                overrideKey = &e;
            else if (keysOf(*kind).count(e.key))
                content.push_back(&e);
            else
                return errorAt(e.keyNode, e.key.size(), "unknown key '" + e.key + "' in a " + kindName(*kind), keyHint(e.key));
        }
        if (appendKey && overrideKey)
            return errorAt(overrideKey->keyNode, 8, "use either 'append' or 'override', not both");
        // mode: key -> true to append, false to replace; nullopt for a fresh definition.
        std::optional<std::map<std::string, bool>> mode;
        if (appendKey) {
            auto on = boolean(*appendKey);
            if (!on)
                return std::move(on).error();
            if (*on) {
                mode.emplace();
                for (const Entry* e : content) {
                    if (!appendable(e->key))
                        return errorAt(e->keyNode, e->key.size(), "'" + e->key + "' cannot be appended to",
                                       "use 'override: {" + e->key + ": replace}'");
                    (*mode)[e->key] = true;
                }
            }
        } else if (overrideKey) {
            if (!overrideKey->value.IsMap())
                return errorAt(overrideKey->keyNode, 8, "'override' maps keys to append or replace",
                               "override: {condition: append, enabled: replace}");
            mode.emplace();
            for (const auto& kv : overrideKey->value) {
                const std::string key = kv.first.Scalar();
                const std::string how = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
                if (!keysOf(*kind).count(key))
                    return errorAt(kv.first, key.size(), "a " + std::string(kindName(*kind)) + " has no key '" + key + "' to override");
                if (how != "append" && how != "replace")
                    return errorAt(kv.second, 1, "override '" + key + "' with append or replace");
                if (how == "append" && !appendable(key))
                    return errorAt(kv.second, how.size(), "'" + key + "' cannot be appended to, only replaced");
                (*mode)[key] = how == "append";
            }
            for (const Entry* e : content)
                if (!mode->count(e->key))
                    return errorAt(e->keyNode, e->key.size(), "'" + e->key + "' is given but not listed under 'override'",
                                   "add '" + e->key + ": replace' (or append) to 'override'");
            for (const auto& [key, how] : *mode)
                if (std::none_of(content.begin(), content.end(), [&](const Entry* e) { return e->key == key; }))
                    return errorAt(overrideKey->keyNode, 8, "'override' lists '" + key + "' but the item does not give it");
        } else if (*kind == Kind::Rule && content.size() == 1 && content[0]->key == "enabled") {
            mode = std::map<std::string, bool>{{"enabled", false}};  // Falco's short form to enable/disable
        }
        if (mode && mode->empty())
            return errorAt(head->keyNode, head->key.size(), "this " + std::string(kindName(*kind)) + " item changes nothing");
        switch (*kind) {
        case Kind::List: return readList(*head, *name, content, mode);
        case Kind::Macro: return readMacro(*head, *name, content, mode);
        case Kind::Rule: return readRule(*head, *name, content, mode);
        }
        return {};
    }

    /// The existing definition a modification applies to, or the error for a missing one.
    template <typename Def>
    Result<Def*> existing(std::vector<Def>& defs, const std::string& name, const Entry& head, const char* kind) {
        for (auto& d : defs)
            if (defName(d) == name)
                return &d;
        return errorAt(head.value, name.size(), std::string("cannot change unknown ") + kind + " '" + name + "'",
                       "append and override apply to a " + std::string(kind) + " defined in an earlier file or directory");
    }

    /// Where a fresh definition goes: a new slot, or in place of one from an earlier layer.
    template <typename Def>
    Result<Def*> slotFor(std::vector<Def>& defs, const std::string& name, const Entry& head, const char* kind) {
        for (auto& d : defs) {
            if (defName(d) != name)
                continue;
            if (d.layer == layer_)
                return errorAt(head.value, name.size(), std::string("duplicate ") + kind + " '" + name + "'",
                               "first defined at " + d.place.where() +
                                   "; to change it here use 'append: true' or 'override:'");
            d = Def{};
            return &d;
        }
        defs.emplace_back();
        return &defs.back();
    }
    static const std::string& defName(const ListDef& d) { return d.name; }
    static const std::string& defName(const MacroDef& d) { return d.name; }
    static const std::string& defName(const RuleDef& d) { return d.id; }

    Status readList(const Entry& head, const std::string& name, const std::vector<const Entry*>& content,
                    const std::optional<std::map<std::string, bool>>& mode) {
        std::vector<std::string> items;
        for (const Entry* e : content) {
            auto v = scalarList(*e);
            if (!v)
                return std::move(v).error();
            items = std::move(v.value());
        }
        if (mode) {
            auto def = existing(defs_.lists_, name, head, "list");
            if (!def)
                return std::move(def).error();
            if (!mode->at("items"))
                (*def)->items.clear();
            (*def)->items.insert((*def)->items.end(), items.begin(), items.end());
            return {};
        }
        if (content.empty())
            return errorAt(head.keyNode, head.key.size(), "list '" + name + "' has no 'items'");
        auto slot = slotFor(defs_.lists_, name, head, "list");
        if (!slot)
            return std::move(slot).error();
        **slot = ListDef{name, placeOf(head.keyNode), layer_, std::move(items)};
        return {};
    }

    Status readMacro(const Entry& head, const std::string& name, const std::vector<const Entry*>& content,
                     const std::optional<std::map<std::string, bool>>& mode) {
        if (content.empty())
            return errorAt(head.keyNode, head.key.size(), "macro '" + name + "' has no 'condition'");
        auto text = scalar(*content[0]);
        if (!text)
            return std::move(text).error();
        ConditionSource condition = conditionOf(content[0]->value);
        if (mode) {
            auto def = existing(defs_.macros_, name, head, "macro");
            if (!def)
                return std::move(def).error();
            if (!mode->at("condition"))
                (*def)->condition.clear();
            (*def)->condition.push_back(std::move(condition));
            return {};
        }
        auto slot = slotFor(defs_.macros_, name, head, "macro");
        if (!slot)
            return std::move(slot).error();
        **slot = MacroDef{name, placeOf(head.keyNode), layer_, {std::move(condition)}};
        return {};
    }

    Result<std::vector<ExceptionDef>> exceptionsOf(const Entry& e) const {
        if (!e.value.IsSequence())
            return errorAt(e.keyNode, e.key.size(), "'exceptions' is a list of {name, condition} maps");
        std::vector<ExceptionDef> out;
        for (const auto& x : e.value) {
            const YAML::Node name = x.IsMap() ? x["name"] : YAML::Node();
            const YAML::Node condition = x.IsMap() ? x["condition"] : YAML::Node();
            if (!x.IsMap() || x.size() != 2 || !name.IsScalar() || !condition.IsScalar() || condition.Scalar().empty())
                return errorAt(x, 1, "an exception is a map with a 'name' and a 'condition'",
                               "- name: native_build\n  condition: package.name in ['node-gyp']");
            out.push_back(ExceptionDef{name.Scalar(), placeOf(name), conditionOf(condition)});
        }
        return out;
    }

    Status readRule(const Entry& head, const std::string& id, const std::vector<const Entry*>& content,
                    const std::optional<std::map<std::string, bool>>& mode) {
        RuleDef given;
        std::set<std::string> keys;
        for (const Entry* e : content) {
            keys.insert(e->key);
            if (e->key == "description" || e->key == "severity") {
                auto v = scalar(*e);
                if (!v)
                    return std::move(v).error();
                if (e->key == "description") {
                    given.description = *v;
                } else if (auto s = parseSeverityAnyCase(*v)) {
                    given.severity = *s;
                } else {
                    return errorAt(e->value, v->size(), "unknown severity '" + *v + "'",
                                   "severities are info, low, medium, high and critical");
                }
            } else if (e->key == "condition") {
                auto v = scalar(*e);
                if (!v)
                    return std::move(v).error();
                given.condition.push_back(conditionOf(e->value));
            } else if (e->key == "tags") {
                auto v = scalarList(*e);
                if (!v)
                    return std::move(v).error();
                given.tags = std::move(v.value());
            } else if (e->key == "enabled") {
                auto v = boolean(*e);
                if (!v)
                    return std::move(v).error();
                given.enabled = *v;
            } else if (e->key == "exceptions") {
                auto v = exceptionsOf(*e);
                if (!v)
                    return std::move(v).error();
                given.exceptions = std::move(v.value());
            }
        }
        RuleDef* def = nullptr;
        if (mode) {
            auto found = existing(defs_.rules_, id, head, "rule");
            if (!found)
                return std::move(found).error();
            def = *found;
            for (const auto& [key, append] : *mode) {
                if (key == "description") def->description = given.description;
                if (key == "severity") def->severity = given.severity;
                if (key == "enabled") def->enabled = given.enabled;
                if (key == "condition") {
                    if (!append)
                        def->condition.clear();
                    def->condition.push_back(given.condition.front());
                }
                if (key == "tags") {
                    if (!append)
                        def->tags.clear();
                    def->tags.insert(def->tags.end(), given.tags.begin(), given.tags.end());
                }
                if (key == "exceptions") {
                    if (!append)
                        def->exceptions.clear();
                    def->exceptions.insert(def->exceptions.end(), given.exceptions.begin(), given.exceptions.end());
                }
            }
        } else {
            for (const char* required : {"condition", "description", "severity"})
                if (!keys.count(required))
                    return errorAt(head.keyNode, head.key.size(), "rule '" + id + "' has no '" + required + "'");
            auto slot = slotFor(defs_.rules_, id, head, "rule");
            if (!slot)
                return std::move(slot).error();
            def = *slot;
            *def = std::move(given);
            def->id = id;
            def->place = placeOf(head.keyNode);
            def->layer = layer_;
        }
        std::set<std::string> names;
        for (const auto& x : def->exceptions)
            if (!names.insert(x.name).second)
                return sourceError(*x.place.file, x.place.line, x.place.column, x.name.size(),
                                   "rule '" + id + "' has two exceptions named '" + x.name + "'");
        return {};
    }

    RuleDefinitions& defs_;
    std::shared_ptr<const SourceFile> file_;
    int layer_;
};

Status RuleDefinitions::addFile(const std::string& fileName, const std::string& text, int layer) {
    auto file = SourceFile::fromText(fileName, text);
    ++files_;
    try {
        YAML::Node doc;
        try {
            doc = YAML::Load(text);
        } catch (const YAML::ParserException& e) {
            return sourceError(*file, e.mark.line + 1, e.mark.column + 1, 1, e.msg, "the file is not valid YAML");
        }
        RuleFileReader reader(*this, file, layer);
        return reader.read(doc);
    } catch (const YAML::Exception& e) {
        // yaml-cpp throws on shapes we did not foresee; it is still the file's fault.
        return sourceError(*file, e.mark.line + 1, e.mark.column + 1, 1, e.msg, "unexpected YAML shape");
    }
}

}  // namespace vigil::engine::analysis
