// @brief Reads rule files (YAML lists, macros, rules) and merges later layers' appends and overrides.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/analysis/condition_source.h"
#include "engine/core/result.h"
#include "engine/core/severity.h"

namespace vigil::engine::analysis {

/// The rule-file format version this engine reads. A file whose `required_engine_version` is
/// higher is refused: it may use keys or operators this engine would misread.
inline constexpr int kRulesEngineVersion = 1;


/// Where a definition starts: "FILE:LINE".
struct SourcePlace {
    std::shared_ptr<const SourceFile> file;
    int line = 0;
    int column = 0;
    std::string where() const;
};

struct ListDef {
    std::string name;
    SourcePlace place;
    int layer = 0;
    std::vector<std::string> items;
};

struct MacroDef {
    std::string name;
    SourcePlace place;
    int layer = 0;
    std::vector<ConditionSource> condition;  ///< [0] the definition, then appended fragments in order
};

struct ExceptionDef {
    std::string name;
    SourcePlace place;
    ConditionSource condition;
};

struct RuleDef {
    std::string id;
    SourcePlace place;
    int layer = 0;
    std::string description;
    Severity severity = Severity::Info;
    std::vector<std::string> tags;
    bool enabled = true;
    std::vector<ConditionSource> condition;  ///< [0] the definition, then appended fragments in order
    std::vector<ExceptionDef> exceptions;
};

/// Everything read so far, with appends and overrides applied, in definition order.
class RuleDefinitions {
public:
    /// Adds one file's items. `layer` is the index of the directory the file came from: a later
    /// layer may redefine, append to, override or disable what an earlier one defined; within one
    /// layer, defining a name twice is an error.
    Status addFile(const std::string& fileName, const std::string& text, int layer);

    const std::vector<ListDef>& lists() const { return lists_; }
    const std::vector<MacroDef>& macros() const { return macros_; }
    const std::vector<RuleDef>& rules() const { return rules_; }
    std::size_t fileCount() const { return files_; }

private:
    friend class RuleFileReader;
    std::vector<ListDef> lists_;
    std::vector<MacroDef> macros_;
    std::vector<RuleDef> rules_;
    std::size_t files_ = 0;
};

}  // namespace vigil::engine::analysis
