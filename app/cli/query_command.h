// @brief `vigil-cli query ...`: the key behaviour questions answered from the store (norms, network history, category).
#pragma once

#include <string>

#include "engine/core/config.h"

namespace vigil::cli {

struct QueryOptions {
    std::string subject;         ///< norms: a category; network: a name; category: name or name@version
    bool json = false;
    std::string categoriesFile;  ///< category: overrides (default $XDG_CONFIG_HOME/vigil/categories.yaml if present)
};

/// `query norms CATEGORY`: the share of analysed packages of the category showing each behaviour.
int runQueryNorms(const engine::Config& config, const QueryOptions& options);
/// `query network NAME`: whether any analysed version of NAME made network calls, with evidence.
int runQueryNetwork(const engine::Config& config, const QueryOptions& options);
/// `query category NAME[@VERSION]`: the inferred category from the stored registry metadata (the
/// newest stored version for a bare name), its signal and confidence, and the category recorded
/// for the package when it differs.
int runQueryCategory(const engine::Config& config, const std::map<std::string, std::string>& env,
                     const QueryOptions& options);

}  // namespace vigil::cli
