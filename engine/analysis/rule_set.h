// @brief RuleSet: rule files compiled once into immutable rules, evaluated against a package's facts.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/condition_evaluator.h"
#include "engine/analysis/field_schema.h"
#include "engine/analysis/rule_loader.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// A rule that held for a facts document: a finding, with the values that made it hold.
struct RuleMatch {
    std::string id;
    Severity severity = Severity::Info;
    std::string description;
    std::vector<std::string> tags;
    Evidence evidence;
    std::string source;      ///< "FILE:LINE" of the rule's definition
    std::string exceptedBy;  ///< name of the exception that suppressed it; empty for a finding
};

/// A compiled rule as `rules check` and the GUI list it.
struct RuleInfo {
    std::string id;
    std::string description;
    Severity severity = Severity::Info;
    std::vector<std::string> tags;
    bool enabled = true;
    std::string source;
    std::vector<std::string> exceptions;
};

/// One rule file's text; `layer` is the index of the directory it came from (0 = shipped).
struct RuleFileText {
    std::string name;
    std::string text;
    int layer = 0;
};

struct RuleSetStats {
    std::size_t files = 0;
    std::size_t lists = 0;
    std::size_t macros = 0;
    std::size_t rules = 0;
    std::size_t enabledRules = 0;
};

class RuleSet {
public:
    /// Reads every *.yaml / *.yml file of each directory (by file name), directory by directory:
    /// later directories append to, override or disable what earlier ones define. A path that
    /// is a file is read as a one-file directory. Every rule, macro and exception (also of
    /// disabled rules) is compiled; the first error is returned, naming FILE:LINE:COLUMN.
    static Result<RuleSet> load(const std::vector<std::filesystem::path>& dirsInOrder, const FieldSchema& schema);
    /// The rule files load() compiles, read in load order: each argument is a file or a directory
    /// (its *.yaml/*.yml, sorted by name), its index the file's layer. Io/Input errors name the path.
    static Result<std::vector<RuleFileText>> readFiles(const std::vector<std::filesystem::path>& dirsInOrder);
    /// The same from texts already in memory, in load order.
    static Result<RuleSet> compile(const std::vector<RuleFileText>& filesInOrder, const FieldSchema& schema);

    /// The enabled rules whose condition holds and no exception does, in definition order. With
    /// `includeExcepted`, also those an exception suppressed (`exceptedBy` set), so a report can
    /// say "expected: native build" instead of staying silent.
    std::vector<RuleMatch> evaluate(const nlohmann::json& facts, bool includeExcepted = false) const;

    const std::vector<RuleInfo>& rules() const;
    RuleSetStats stats() const;
    const FieldSchema& schema() const;

private:
    struct Impl;
    explicit RuleSet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;  // immutable once built: copies share it across threads
};

}  // namespace vigil::engine::analysis
