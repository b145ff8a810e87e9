// @brief Category inference: which kind of package this is (string, http-client, testing, ...), why, and how sure.
//
// Norms compare a package with others of its kind ("network calls are rare in date libraries"),
// so the category must come from what the package says it is, before any of its code ran: its
// name, npm keywords and description. The taxonomy and the signals are documented in
// rules/CATEGORIES.md. A user map (name or glob -> category) overrides the inference.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace vigil::engine::analysis {

struct CategoryInfo {
    std::string id;     ///< "http-client"
    std::string title;  ///< "HTTP client"
    std::string scope;  ///< what belongs here, one line
};
/// The taxonomy, in documentation order (rules/CATEGORIES.md has the same table).
const std::vector<CategoryInfo>& categoryTaxonomy();
/// True for the ids of categoryTaxonomy().
bool isKnownCategory(std::string_view id);

/// What the registry says about a package (the packument's version entry).
struct PackageMetadata {
    std::string name;
    std::vector<std::string> keywords;
    std::string description;
};

struct CategoryGuess {
    std::string category;  ///< a taxonomy id; "" = unknown (no signal)
    /// 0..1: 1 for an override, ~0.95 for a decisive name pattern (@types/*), lower when the
    /// signals are few or point at several categories.
    double confidence = 0;
    std::string signal;                ///< what decided it: `keyword "logger"`, `override cats.yaml:3 "@acme/*"`
    std::vector<std::string> votes;  ///< every signal that voted for the winner, strongest first (Qt reserves "signals")
};

/// User overrides: exact names and globs (fnmatch, `*` also crosses `/`) -> category.
class CategoryOverrides {
public:
    /// A YAML (or JSON) mapping `"name or glob": category`; an unknown category or a non-scalar
    /// entry is an Input error naming file:line.
    static Result<CategoryOverrides> load(const std::filesystem::path& file);
    /// The same from text; `origin` names it in errors and signals.
    static Result<CategoryOverrides> parse(std::string_view text, const std::string& origin);

    /// Later maps win over earlier ones (shipped, then user).
    void merge(const CategoryOverrides& later);
    /// Exact names first, then the first glob in file order that matches; null when none does.
    [[nodiscard]] const CategoryGuess* find(std::string_view name) const;
    [[nodiscard]] size_t size() const { return entries_.size(); }

private:
    struct Entry {
        std::string pattern;
        bool glob = false;
        CategoryGuess guess;
    };
    std::vector<Entry> entries_;  ///< later entries shadow earlier exact ones (see find)
};

/// The category of a package: an override when one matches, else the inference.
CategoryGuess inferCategory(const PackageMetadata& metadata, const CategoryOverrides* overrides = nullptr);

/// {"category", "confidence", "signal", "signals"}.
nlohmann::json toJson(const CategoryGuess& guess);

}  // namespace vigil::engine::analysis
