#include "engine/analysis/condition_evaluator.h"

#include <algorithm>

namespace vigil::engine::analysis {

const nlohmann::json* lookupFact(const nlohmann::json& facts, std::string_view path) {
    if (!facts.is_object())
        return nullptr;
    if (const auto it = facts.find(std::string(path)); it != facts.end())
        return it->is_null() ? nullptr : &*it;
    for (std::size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
        const auto it = facts.find(std::string(path.substr(0, dot)));
        if (it == facts.end() || !it->is_object())
            continue;
        if (const nlohmann::json* found = lookupFact(*it, path.substr(dot + 1)))
            return found;
    }
    return nullptr;
}

namespace {

void addEvidence(Evidence* evidence, const std::string& field, const std::string& value) {
    if (!evidence)
        return;
    auto& values = (*evidence)[field];
    if (std::find(values.begin(), values.end(), value) == values.end())
        values.push_back(value);
}

void mergeEvidence(Evidence* into, const Evidence& from) {
    if (!into)
        return;
    for (const auto& [field, values] : from)
        for (const auto& v : values)
            addEvidence(into, field, v);
}

std::vector<std::string> stringList(const nlohmann::json* value) {
    std::vector<std::string> out;
    if (!value || !value->is_array())
        return out;
    for (const auto& item : *value)
        if (item.is_string())
            out.push_back(item.get<std::string>());
    return out;
}

bool compareNumbers(CompareOp op, double a, double b) {
    switch (op) {
    case CompareOp::Eq: return a == b;
    case CompareOp::Ne: return a != b;
    case CompareOp::Lt: return a < b;
    case CompareOp::Le: return a <= b;
    case CompareOp::Gt: return a > b;
    case CompareOp::Ge: return a >= b;
    default: return false;
    }
}

bool anyPattern(const std::vector<Pattern>& patterns, const std::string& value) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const Pattern& p) { return p.matches(value); });
}

/// The string operators shared by string fields and each element of a string list.
bool stringHolds(const CompiledNode& n, const std::string& value) {
    switch (n.op) {
    case CompareOp::Eq: return value == n.text;
    case CompareOp::Ne: return value != n.text;
    case CompareOp::In:
    case CompareOp::Intersects: return anyPattern(n.patterns, value);
    // An element no item matches: "contacts a host not on the list" cannot be written with
    // intersects (any element matching), and `not intersects` would let one benign host hide the rest.
    case CompareOp::Outside: return !anyPattern(n.patterns, value);
    case CompareOp::Contains: return value.find(n.text) != std::string::npos;
    case CompareOp::StartsWith: return value.starts_with(n.text);
    case CompareOp::EndsWith: return value.ends_with(n.text);
    case CompareOp::Glob: return Pattern{n.text, true}.matches(value);
    default: return false;
    }
}

bool evaluateCompare(const CompiledNode& n, const nlohmann::json& facts, Evidence* evidence) {
    const std::string& path = n.field.path;
    const nlohmann::json* value = lookupFact(facts, path);
    if (n.field.countOf) {
        const auto items = stringList(value);
        if (!compareNumbers(n.op, static_cast<double>(items.size()), n.number))
            return false;
        // The list's items say more than its length; an empty list can only show its count.
        if (items.empty())
            addEvidence(evidence, path + ".count", "0");
        for (const auto& item : items)
            addEvidence(evidence, path, item);
        return true;
    }
    switch (n.field.type) {
    case FieldType::Number:
        if (!value || !value->is_number() || !compareNumbers(n.op, value->get<double>(), n.number))
            return false;
        addEvidence(evidence, path, value->dump());  // as the facts wrote it: 2, not 2.0
        return true;
    case FieldType::Bool:
        if (!value || !value->is_boolean() || ((value->get<bool>() == n.boolean) != (n.op == CompareOp::Eq)))
            return false;
        addEvidence(evidence, path, value->get<bool>() ? "true" : "false");
        return true;
    case FieldType::String:
        if (!value || !value->is_string() || !stringHolds(n, value->get_ref<const std::string&>()))
            return false;
        addEvidence(evidence, path, value->get<std::string>());
        return true;
    case FieldType::StringList: {
        bool any = false;
        for (const auto& item : stringList(value)) {
            if (stringHolds(n, item)) {
                any = true;
                addEvidence(evidence, path, item);
                if (!evidence)
                    break;
            }
        }
        return any;
    }
    }
    return false;
}

}  // namespace

bool evaluateCondition(const CompiledNode& node, const nlohmann::json& facts, Evidence* evidence) {
    switch (node.kind) {
    case CompiledNode::Kind::And: {
        Evidence local;
        for (const auto& child : node.children)
            if (!evaluateCondition(*child, facts, evidence ? &local : nullptr))
                return false;
        mergeEvidence(evidence, local);
        return true;
    }
    case CompiledNode::Kind::Or: {
        // Every true branch contributes evidence, so no short cut when evidence is wanted.
        bool any = false;
        for (const auto& child : node.children) {
            if (evaluateCondition(*child, facts, evidence)) {
                any = true;
                if (!evidence)
                    return true;
            }
        }
        return any;
    }
    case CompiledNode::Kind::Not: return !evaluateCondition(*node.children.front(), facts, nullptr);
    case CompiledNode::Kind::Exists: {
        const nlohmann::json* value = lookupFact(facts, node.field.path);
        if (!value)
            return false;
        if (value->is_array()) {
            for (const auto& item : stringList(value))
                addEvidence(evidence, node.field.path, item);
        } else {
            addEvidence(evidence, node.field.path, value->is_string() ? value->get<std::string>() : value->dump());
        }
        return true;
    }
    case CompiledNode::Kind::IsTrue: {
        const nlohmann::json* value = lookupFact(facts, node.field.path);
        if (!value || !value->is_boolean() || !value->get<bool>())
            return false;
        addEvidence(evidence, node.field.path, "true");
        return true;
    }
    case CompiledNode::Kind::Compare: return evaluateCompare(node, facts, evidence);
    }
    return false;
}

std::vector<std::string> factsTypeProblems(const FieldSchema& schema, const nlohmann::json& facts) {
    std::vector<std::string> problems;
    for (const auto& [path, type] : schema.fields) {
        const nlohmann::json* value = lookupFact(facts, path);
        if (!value)
            continue;
        bool fits = false;
        switch (type) {
        case FieldType::Number: fits = value->is_number(); break;
        case FieldType::String: fits = value->is_string(); break;
        case FieldType::Bool: fits = value->is_boolean(); break;
        case FieldType::StringList:
            fits = value->is_array() &&
                   std::all_of(value->begin(), value->end(), [](const nlohmann::json& v) { return v.is_string(); });
            break;
        }
        if (!fits)
            problems.push_back(path + ": expected a " + fieldTypeName(type) + ", found " + value->type_name());
    }
    return problems;
}

}  // namespace vigil::engine::analysis
