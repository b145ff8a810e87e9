#include "engine/analysis/condition_compiler.h"

#include <algorithm>
#include <fnmatch.h>

namespace vigil::engine::analysis {

Pattern Pattern::of(std::string text) {
    Pattern p;
    p.glob = text.find_first_of("*?[") != std::string::npos;
    p.text = std::move(text);
    return p;
}

bool Pattern::matches(const std::string& value) const {
    if (!glob)
        return value == text;
    // No FNM_PATHNAME: '*' crosses '/', so '$HOME/.ssh/*' also covers deeper files.
    return ::fnmatch(text.c_str(), value.c_str(), 0) == 0;
}

std::optional<FieldRef> resolveField(const FieldSchema& schema, const std::string& name) {
    if (const auto it = schema.fields.find(name); it != schema.fields.end())
        return FieldRef{name, it->second, false};
    static constexpr std::string_view kCount = ".count";
    if (name.size() > kCount.size() && name.ends_with(kCount)) {
        const std::string list = name.substr(0, name.size() - kCount.size());
        if (const auto it = schema.fields.find(list); it != schema.fields.end() && it->second == FieldType::StringList)
            return FieldRef{list, FieldType::Number, true};
    }
    return std::nullopt;
}

std::string closestName(const std::string& name, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t bestDistance = std::max<std::size_t>(2, name.size() / 4) + 1;
    for (const auto& candidate : candidates) {
        // Levenshtein distance, two rows.
        std::vector<std::size_t> prev(candidate.size() + 1), cur(candidate.size() + 1);
        for (std::size_t j = 0; j <= candidate.size(); ++j)
            prev[j] = j;
        for (std::size_t i = 1; i <= name.size(); ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= candidate.size(); ++j)
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (name[i - 1] == candidate[j - 1] ? 0 : 1)});
            std::swap(prev, cur);
        }
        if (prev[candidate.size()] < bestDistance) {
            bestDistance = prev[candidate.size()];
            best = candidate;
        }
    }
    return best;
}

namespace {

const char* valueKindName(const SyntaxValue& v) {
    switch (v.kind) {
    case SyntaxValue::Kind::Name: return "a list name";
    case SyntaxValue::Kind::String: return "a string";
    case SyntaxValue::Kind::Number: return "a number";
    case SyntaxValue::Kind::Bool: return "true/false";
    case SyntaxValue::Kind::List: return "a list";
    }
    return "?";
}

/// Which operators each field type takes, for the hint when one does not apply.
const char* operatorsFor(FieldType type) {
    switch (type) {
    case FieldType::Number: return "a number takes == != < <= > >= and exists";
    case FieldType::String: return "a string takes == != in contains startswith endswith glob and exists";
    case FieldType::Bool: return "a bool is a condition by itself, or takes == != true/false and exists";
    case FieldType::StringList:
        return "a string list takes intersects outside contains startswith endswith glob exists, and .count";
    }
    return "";
}

bool opApplies(FieldType type, CompareOp op) {
    switch (type) {
    case FieldType::Number:
        return op == CompareOp::Eq || op == CompareOp::Ne || op == CompareOp::Lt || op == CompareOp::Le ||
               op == CompareOp::Gt || op == CompareOp::Ge;
    case FieldType::String:
        return op == CompareOp::Eq || op == CompareOp::Ne || op == CompareOp::In || op == CompareOp::Contains ||
               op == CompareOp::StartsWith || op == CompareOp::EndsWith || op == CompareOp::Glob;
    case FieldType::Bool: return op == CompareOp::Eq || op == CompareOp::Ne;
    case FieldType::StringList:
        return op == CompareOp::Intersects || op == CompareOp::Outside || op == CompareOp::Contains || op == CompareOp::StartsWith ||
               op == CompareOp::EndsWith || op == CompareOp::Glob;
    }
    return false;
}

class Compiler {
public:
    Compiler(const ConditionSource& source, const CompileContext& context) : source_(source), ctx_(context) {}

    Result<CompiledPtr> compile(const SyntaxNode& node) {
        auto out = std::make_shared<CompiledNode>();
        switch (node.kind) {
        case SyntaxNode::Kind::And:
        case SyntaxNode::Kind::Or:
        case SyntaxNode::Kind::Not:
            out->kind = node.kind == SyntaxNode::Kind::And  ? CompiledNode::Kind::And
                        : node.kind == SyntaxNode::Kind::Or ? CompiledNode::Kind::Or
                                                            : CompiledNode::Kind::Not;
            for (const auto& child : node.children) {
                auto compiled = compile(*child);
                if (!compiled)
                    return compiled;
                out->children.push_back(std::move(compiled.value()));
            }
            return CompiledPtr(std::move(out));
        case SyntaxNode::Kind::Name: return compileName(node);
        case SyntaxNode::Kind::Exists: {
            auto field = field_(node);
            if (!field)
                return std::move(field).error();
            out->kind = CompiledNode::Kind::Exists;
            out->field = *field;
            return CompiledPtr(std::move(out));
        }
        case SyntaxNode::Kind::Compare: return compileCompare(node);
        }
        return source_.errorAt(node.nameOffset, node.nameLength, "internal: unknown condition node");
    }

private:
    std::vector<std::string> knownNames(bool withMacrosAndLists) const {
        std::vector<std::string> names;
        for (const auto& [path, type] : ctx_.schema->fields) {
            names.push_back(path);
            if (type == FieldType::StringList)
                names.push_back(path + ".count");
        }
        if (withMacrosAndLists)
            for (const auto& [name, items] : *ctx_.lists)
                names.push_back(name);
        return names;
    }

    std::string didYouMean(const std::string& name) const {
        const std::string close = closestName(name, knownNames(false));
        return close.empty() ? std::string() : "did you mean '" + close + "'?";
    }

    Result<FieldRef> field_(const SyntaxNode& node) const {
        if (auto f = resolveField(*ctx_.schema, node.name))
            return *f;
        std::string hint = didYouMean(node.name);
        if (ctx_.lists->count(node.name))
            hint = "'" + node.name + "' is a list: use it after 'in' or 'intersects'";
        return source_.errorAt(node.nameOffset, node.nameLength, "unknown field '" + node.name + "'", hint);
    }

    Result<CompiledPtr> compileName(const SyntaxNode& node) {
        if (node.name.find('.') == std::string::npos && ctx_.macro) {
            auto macro = ctx_.macro(node.name, source_, node.nameOffset, node.nameLength);
            if (!macro || macro.value())
                return macro;
        }
        if (auto f = resolveField(*ctx_.schema, node.name)) {
            if (f->type != FieldType::Bool)
                return source_.errorAt(node.nameOffset, node.nameLength,
                                       "'" + node.name + "' is a " + fieldTypeName(f->type) + " field, not a condition",
                                       operatorsFor(f->type));
            auto out = std::make_shared<CompiledNode>();
            out->kind = CompiledNode::Kind::IsTrue;
            out->field = *f;
            return CompiledPtr(std::move(out));
        }
        if (ctx_.lists->count(node.name))
            return source_.errorAt(node.nameOffset, node.nameLength,
                                   "'" + node.name + "' is a list, not a condition",
                                   "use it after 'in' or 'intersects'");
        return source_.errorAt(node.nameOffset, node.nameLength, "unknown macro or field '" + node.name + "'",
                               didYouMean(node.name));
    }

    Result<std::vector<Pattern>> listOf(const SyntaxValue& v, const std::string& fieldName) const {
        std::vector<Pattern> out;
        auto splice = [&](const SyntaxValue& name) -> Status {
            const auto it = ctx_.lists->find(name.text);
            if (it == ctx_.lists->end()) {
                std::vector<std::string> listNames;
                for (const auto& [n, items] : *ctx_.lists)
                    listNames.push_back(n);
                const std::string close = closestName(name.text, listNames);
                return source_.errorAt(name.offset, name.length, "unknown list '" + name.text + "'",
                                       close.empty() ? "lists are defined by '- list:' items" : "did you mean '" + close + "'?");
            }
            out.insert(out.end(), it->second.begin(), it->second.end());
            return {};
        };
        if (v.kind == SyntaxValue::Kind::Name) {
            VIGIL_TRY(splice(v));
            return out;
        }
        if (v.kind != SyntaxValue::Kind::List)
            return source_.errorAt(v.offset, v.length,
                                   "'" + fieldName + "' is compared with a list here, not " + valueKindName(v),
                                   "write ['a', 'b'] or the name of a list");
        for (const auto& item : v.items) {
            if (item.kind == SyntaxValue::Kind::Name) {
                VIGIL_TRY(splice(item));
            } else if (item.kind == SyntaxValue::Kind::String) {
                out.push_back(Pattern::of(item.text));
            } else {
                return source_.errorAt(item.offset, item.length, "'" + fieldName + "' holds strings; this item is " +
                                                                     valueKindName(item),
                                       "quote it: '" + source_.text().substr(item.offset, item.length) + "'");
            }
        }
        return out;
    }

    Result<CompiledPtr> compileCompare(const SyntaxNode& node) {
        auto field = field_(node);
        if (!field)
            return std::move(field).error();
        auto out = std::make_shared<CompiledNode>();
        out->kind = CompiledNode::Kind::Compare;
        out->field = *field;
        out->op = node.op;
        const std::string typeName = fieldTypeName(field->type);
        if (!opApplies(field->type, node.op)) {
            std::string hint = operatorsFor(field->type);
            if (field->type == FieldType::StringList && node.op == CompareOp::In)
                hint = "a string list is matched against a list with 'intersects'";
            else if (field->type == FieldType::StringList &&
                     (node.op == CompareOp::Lt || node.op == CompareOp::Le || node.op == CompareOp::Gt ||
                      node.op == CompareOp::Ge || node.op == CompareOp::Eq || node.op == CompareOp::Ne))
                hint = "to compare its length write '" + node.name + ".count'";
            return source_.errorAt(node.opOffset, node.opLength,
                                   std::string("'") + compareOpName(node.op) + "' does not apply to '" + node.name +
                                       "', a " + typeName + " field",
                                   hint);
        }
        const SyntaxValue& v = node.value;
        auto mismatch = [&](const char* wanted) {
            return source_.errorAt(v.offset, v.length,
                                   "type mismatch: '" + node.name + "' is a " + typeName + " field, compared with " +
                                       valueKindName(v),
                                   std::string("'") + compareOpName(node.op) + "' here takes " + wanted);
        };
        if (node.op == CompareOp::In || node.op == CompareOp::Intersects || node.op == CompareOp::Outside) {
            auto patterns = listOf(v, node.name);
            if (!patterns)
                return std::move(patterns).error();
            out->patterns = std::move(patterns.value());
            return CompiledPtr(std::move(out));
        }
        switch (field->type) {
        case FieldType::Number:
            if (v.kind != SyntaxValue::Kind::Number)
                return mismatch("a number");
            out->number = v.number;
            break;
        case FieldType::Bool:
            if (v.kind != SyntaxValue::Kind::Bool)
                return mismatch("true or false");
            out->boolean = v.boolean;
            break;
        case FieldType::String:
        case FieldType::StringList:
            if (v.kind != SyntaxValue::Kind::String)
                return mismatch("a string");
            out->text = v.text;
            break;
        }
        return CompiledPtr(std::move(out));
    }

    const ConditionSource& source_;
    const CompileContext& ctx_;
};

}  // namespace

Result<CompiledPtr> compileCondition(const SyntaxNode& node, const ConditionSource& source,
                                     const CompileContext& context) {
    return Compiler(source, context).compile(node);
}

}  // namespace vigil::engine::analysis
