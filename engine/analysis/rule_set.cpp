#include "engine/analysis/rule_set.h"

#include <algorithm>
#include <set>

#include "engine/analysis/condition_compiler.h"
#include "engine/analysis/condition_parser.h"
#include "engine/core/file_io.h"

namespace vigil::engine::analysis {

namespace fs = std::filesystem;

struct CompiledRule {
    CompiledPtr condition;
    std::vector<std::pair<std::string, CompiledPtr>> exceptions;
};

struct RuleSet::Impl {
    FieldSchema schema;
    std::vector<RuleInfo> infos;
    std::vector<CompiledRule> compiled;  // parallel to infos
    RuleSetStats stats;
};

namespace {

/// Turns merged definitions into compiled objects: lists first (they may name other lists),
/// then macros on demand (so order does not matter and cycles are caught), then rules.
class RuleCompiler {
public:
    RuleCompiler(const RuleDefinitions& defs, const FieldSchema& schema) : defs_(defs), schema_(schema) {
        context_.schema = &schema_;
        context_.lists = &lists_;
        context_.macro = [this](const std::string& name, const ConditionSource& usedIn, std::size_t offset,
                                std::size_t length) { return macro(name, usedIn, offset, length); };
    }

    Status compileLists() {
        for (const auto& list : defs_.lists())
            VIGIL_TRY(checkName(list.name, list.place, "list"));
        for (const auto& list : defs_.lists()) {
            std::vector<const ListDef*> stack;
            auto items = listItems(list, stack);
            if (!items)
                return std::move(items).error();
            lists_[list.name] = std::move(items.value());
        }
        return {};
    }

    Status compileMacros() {
        for (const auto& m : defs_.macros()) {
            VIGIL_TRY(checkName(m.name, m.place, "macro"));
            if (lists_.count(m.name))
                return placeError(m.place, m.name.size(), "macro '" + m.name + "' has the name of a list");
        }
        for (const auto& m : defs_.macros()) {
            auto compiled = compileMacro(m);
            if (!compiled)
                return std::move(compiled).error();
        }
        return {};
    }

    Result<CompiledRule> compileRule(const RuleDef& rule) {
        CompiledRule out;
        auto condition = compileParts(rule.condition);
        if (!condition)
            return std::move(condition).error();
        out.condition = std::move(condition.value());
        for (const auto& x : rule.exceptions) {
            auto parsed = parseCondition(x.condition);
            if (!parsed)
                return std::move(parsed).error();
            auto compiled = compileCondition(**parsed, x.condition, context_);
            if (!compiled)
                return std::move(compiled).error();
            out.exceptions.emplace_back(x.name, std::move(compiled.value()));
        }
        return out;
    }

private:
    static Error placeError(const SourcePlace& place, std::size_t length, const std::string& message,
                            const std::string& hint = {}) {
        return sourceError(*place.file, place.line, place.column, length, message, hint);
    }

    Status checkName(const std::string& name, const SourcePlace& place, const char* kind) const {
        // A macro or list named like a field would make a condition mean something else silently.
        if (resolveField(schema_, name))
            return placeError(place, name.size(), std::string(kind) + " '" + name + "' has the name of a field",
                              "rename it");
        return {};
    }

    Result<std::vector<Pattern>> listItems(const ListDef& list, std::vector<const ListDef*>& stack) {
        if (std::find(stack.begin(), stack.end(), &list) != stack.end())
            return placeError(list.place, list.name.size(), "list '" + list.name + "' includes itself");
        stack.push_back(&list);
        std::vector<Pattern> out;
        for (const auto& item : list.items) {
            const auto it = std::find_if(defs_.lists().begin(), defs_.lists().end(),
                                         [&](const ListDef& l) { return l.name == item; });
            if (it == defs_.lists().end()) {
                out.push_back(Pattern::of(item));
                continue;
            }
            auto nested = listItems(*it, stack);  // an item naming a list splices that list in
            if (!nested)
                return nested;
            out.insert(out.end(), nested->begin(), nested->end());
        }
        stack.pop_back();
        return out;
    }

    Result<CompiledPtr> compileParts(const std::vector<ConditionSource>& parts) {
        auto base = parseCondition(parts.front());
        if (!base)
            return std::move(base).error();
        auto compiled = compileCondition(**base, parts.front(), context_);
        if (!compiled)
            return compiled;
        CompiledPtr result = std::move(compiled.value());
        for (std::size_t i = 1; i < parts.size(); ++i) {
            auto fragment = parseAppendedCondition(parts[i]);
            if (!fragment)
                return std::move(fragment).error();
            auto extra = compileCondition(*fragment->expr, parts[i], context_);
            if (!extra)
                return extra;
            // Grouped, unlike Falco's textual append: "a or b" + "and not c" is (a or b) and not c.
            auto joined = std::make_shared<CompiledNode>();
            joined->kind = fragment->joinAnd ? CompiledNode::Kind::And : CompiledNode::Kind::Or;
            joined->children = {std::move(result), std::move(extra.value())};
            result = std::move(joined);
        }
        return result;
    }

    Result<CompiledPtr> compileMacro(const MacroDef& m) {
        if (const auto it = macros_.find(m.name); it != macros_.end())
            return it->second;
        inProgress_.push_back(m.name);
        auto compiled = compileParts(m.condition);
        inProgress_.pop_back();
        if (compiled)
            macros_[m.name] = compiled.value();
        return compiled;
    }

    Result<CompiledPtr> macro(const std::string& name, const ConditionSource& usedIn, std::size_t offset,
                              std::size_t length) {
        const auto it = std::find_if(defs_.macros().begin(), defs_.macros().end(),
                                     [&](const MacroDef& m) { return m.name == name; });
        if (it == defs_.macros().end())
            return CompiledPtr();
        if (std::find(inProgress_.begin(), inProgress_.end(), name) != inProgress_.end()) {
            std::string chain;
            for (const auto& n : inProgress_)
                chain += n + " -> ";
            return usedIn.errorAt(offset, length, "macro '" + name + "' refers to itself: " + chain + name);
        }
        return compileMacro(*it);
    }

    const RuleDefinitions& defs_;
    const FieldSchema& schema_;
    CompileContext context_;
    std::map<std::string, std::vector<Pattern>> lists_;
    std::map<std::string, CompiledPtr> macros_;
    std::vector<std::string> inProgress_;
};

}  // namespace

Result<RuleSet> RuleSet::compile(const std::vector<RuleFileText>& filesInOrder, const FieldSchema& schema) {
    RuleDefinitions defs;
    for (const auto& file : filesInOrder)
        VIGIL_TRY(defs.addFile(file.name, file.text, file.layer));
    auto impl = std::make_shared<Impl>();
    impl->schema = schema;
    RuleCompiler compiler(defs, impl->schema);
    VIGIL_TRY(compiler.compileLists());
    VIGIL_TRY(compiler.compileMacros());
    for (const auto& rule : defs.rules()) {
        auto compiled = compiler.compileRule(rule);
        if (!compiled)
            return std::move(compiled).error();
        RuleInfo info{rule.id, rule.description, rule.severity, rule.tags, rule.enabled, rule.place.where(), {}};
        for (const auto& x : rule.exceptions)
            info.exceptions.push_back(x.name);
        impl->infos.push_back(std::move(info));
        impl->compiled.push_back(std::move(compiled.value()));
    }
    impl->stats = RuleSetStats{defs.fileCount(), defs.lists().size(), defs.macros().size(), defs.rules().size(),
                               static_cast<std::size_t>(std::count_if(impl->infos.begin(), impl->infos.end(),
                                                                      [](const RuleInfo& r) { return r.enabled; }))};
    return RuleSet(std::move(impl));
}

Result<std::vector<RuleFileText>> RuleSet::readFiles(const std::vector<fs::path>& dirsInOrder) {
    std::vector<RuleFileText> files;
    for (std::size_t layer = 0; layer < dirsInOrder.size(); ++layer) {
        const fs::path& dir = dirsInOrder[layer];
        std::error_code ec;
        std::vector<fs::path> paths;
        if (fs::is_regular_file(dir, ec)) {
            paths.push_back(dir);
        } else if (fs::is_directory(dir, ec)) {
            for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
                const auto ext = it->path().extension();
                if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec))
                    paths.push_back(it->path());
            }
            if (ec)
                return makeError(ErrorCode::Io, dir.string() + ": cannot list the rule directory: " + ec.message());
            std::sort(paths.begin(), paths.end());  // file names give the order within a directory
        } else {
            return makeError(ErrorCode::Input, dir.string() + ": no such rule directory or file");
        }
        for (const auto& path : paths) {
            auto text = readWholeFile(path);
            if (!text)
                return std::move(text).error();
            files.push_back(RuleFileText{path.string(), std::move(text.value()), static_cast<int>(layer)});
        }
    }
    return files;
}

Result<RuleSet> RuleSet::load(const std::vector<fs::path>& dirsInOrder, const FieldSchema& schema) {
    auto files = readFiles(dirsInOrder);
    if (!files)
        return std::move(files).error();
    return compile(*files, schema);
}

std::vector<RuleMatch> RuleSet::evaluate(const nlohmann::json& facts, bool includeExcepted) const {
    std::vector<RuleMatch> out;
    for (std::size_t i = 0; i < impl_->infos.size(); ++i) {
        const RuleInfo& info = impl_->infos[i];
        if (!info.enabled)
            continue;
        const CompiledRule& rule = impl_->compiled[i];
        Evidence evidence;
        if (!evaluateCondition(*rule.condition, facts, &evidence))
            continue;
        std::string exceptedBy;
        for (const auto& [name, condition] : rule.exceptions) {
            if (evaluateCondition(*condition, facts, nullptr)) {
                exceptedBy = name;
                break;
            }
        }
        if (!exceptedBy.empty() && !includeExcepted)
            continue;
        out.push_back(RuleMatch{info.id, info.severity, info.description, info.tags, std::move(evidence), info.source,
                                std::move(exceptedBy)});
    }
    return out;
}

const std::vector<RuleInfo>& RuleSet::rules() const { return impl_->infos; }
RuleSetStats RuleSet::stats() const { return impl_->stats; }
const FieldSchema& RuleSet::schema() const { return impl_->schema; }

}  // namespace vigil::engine::analysis
