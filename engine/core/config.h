// @brief Config: engine settings from defaults, then the user's config file, then CLI overrides.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace vigil::engine {

/// Every setting the engine reads. Defaults are usable as they are.
struct Config {
    std::filesystem::path cacheDir;   ///< tarballs and packuments ($XDG_CACHE_HOME/vigil)
    std::filesystem::path storePath;  ///< the SQLite store ($XDG_DATA_HOME/vigil/vigil.db)
    /// Category overrides ("name or glob": category), used when analysing and by `query category`;
    /// a missing file means none ($XDG_CONFIG_HOME/vigil/categories.yaml).
    std::filesystem::path categoriesFile;
    std::string registry;             ///< overrides .npmrc's registry when not empty
    std::size_t jobs = 0;             ///< worker threads; 0 = one per core
    bool offline = false;             ///< never touch the network; serve from cache only
    bool preferOnline = false;        ///< revalidate cached packuments even within their max-age
    int networkRetries = 3;           ///< retries of a failed request (with backoff)
    int networkTimeoutSeconds = 60;   ///< per request, whole transfer
    std::size_t maxParallelDownloads = 8;
    std::string logLevel;             ///< "" = VIGIL_LOG or warn
    /// Rule ids switched off for verdicts (config key `disabled_rules`: a YAML list or "a,b";
    /// the CLI's --disable-rule, the GUI's Rules page). An id no rule has is an error when loading.
    std::vector<std::string> disabledRules;

    /// Defaults derived from the XDG variables of `env` (falls back to $HOME/.cache etc.).
    static Config defaults(const std::map<std::string, std::string>& env);

    /// Applies a YAML config file on top of this one. Unknown keys are an error naming
    /// file:line, so a typo never silently does nothing.
    [[nodiscard]] Status applyFile(const std::filesystem::path& file);

    /// Applies one "key=value" override (the CLI's --set and dedicated flags).
    [[nodiscard]] Status applyOverride(const std::string& key, const std::string& value);

    /// The user config file location: $XDG_CONFIG_HOME/vigil/config.yaml.
    static std::filesystem::path userConfigFile(const std::map<std::string, std::string>& env);
};

/// The process environment as a map (the engine never reads getenv directly elsewhere, so tests
/// can hand it any environment).
std::map<std::string, std::string> processEnvironment();

}  // namespace vigil::engine
