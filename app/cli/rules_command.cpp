#include "app/cli/rules_command.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli/exit_codes.h"
#include "engine/analysis/facts.h"
#include "engine/analysis/rule_set.h"
#include "engine/core/file_io.h"

namespace vigil::cli {
namespace {

namespace analysis = vigil::engine::analysis;

int failCheck(const engine::Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    // Any reason the rules cannot be used fails the check with 1, whatever its error code.
    return kFailure;
}

engine::Result<analysis::FieldSchema> schemaFrom(const std::string& file) {
    if (file.empty())
        return analysis::factFieldSchema();
    auto text = engine::readWholeFile(file);
    if (!text)
        return std::move(text).error();
    const auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded())
        return engine::makeError(engine::ErrorCode::Input, file + ": not valid JSON");
    return analysis::FieldSchema::fromJson(json, file);
}

}  // namespace

int runRulesCheck(const std::vector<std::string>& dirs, const std::string& schemaFile, bool listRules) {
    auto schema = schemaFrom(schemaFile);
    if (!schema)
        return failCheck(schema.error());
    std::vector<std::filesystem::path> paths(dirs.begin(), dirs.end());
    auto set = analysis::RuleSet::load(paths, *schema);
    if (!set)
        return failCheck(set.error());
    if (listRules) {
        for (const auto& r : set->rules())
            std::printf("%-9s %-40s %s%s\n", std::string(engine::severityName(r.severity)).c_str(), r.id.c_str(), r.source.c_str(),
                        r.enabled ? "" : "  (disabled)");
    }
    const auto s = set->stats();
    std::printf("ok: %zu files, %zu lists, %zu macros, %zu rules (%zu enabled)\n", s.files, s.lists, s.macros,
                s.rules, s.enabledRules);
    return kOk;
}

}  // namespace vigil::cli
