#include "engine/core/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>

extern char** environ;

namespace vigil::engine {
namespace {

std::string lookup(const std::map<std::string, std::string>& env, const std::string& key) {
    auto it = env.find(key);
    return it == env.end() ? std::string() : it->second;
}

std::filesystem::path xdgDir(const std::map<std::string, std::string>& env, const std::string& var,
                             const char* fallbackUnderHome) {
    std::string dir = lookup(env, var);
    if (!dir.empty() && std::filesystem::path(dir).is_absolute())
        return dir;
    std::string home = lookup(env, "HOME");
    if (home.empty())
        home = "/tmp";
    return std::filesystem::path(home) / fallbackUnderHome;
}

Result<bool> parseBool(const std::string& key, const std::string& value) {
    if (value == "true" || value == "1" || value == "yes" || value == "on")
        return true;
    if (value == "false" || value == "0" || value == "no" || value == "off")
        return false;
    return makeError(ErrorCode::Usage, "setting '" + key + "' wants true or false, got '" + value + "'");
}

Result<long> parseInt(const std::string& key, const std::string& value, long min, long max) {
    long out = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc() || end != value.data() + value.size() || out < min || out > max)
        return makeError(ErrorCode::Usage, "setting '" + key + "' wants a number from " + std::to_string(min) +
                                               " to " + std::to_string(max) + ", got '" + value + "'");
    return out;
}

}  // namespace

std::map<std::string, std::string> processEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos)
            env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
    return env;
}

Config Config::defaults(const std::map<std::string, std::string>& env) {
    Config c;
    c.cacheDir = xdgDir(env, "XDG_CACHE_HOME", ".cache") / "vigil";
    c.storePath = xdgDir(env, "XDG_DATA_HOME", ".local/share") / "vigil" / "vigil.db";
    c.categoriesFile = userConfigFile(env).parent_path() / "categories.yaml";
    return c;
}

std::filesystem::path Config::userConfigFile(const std::map<std::string, std::string>& env) {
    return xdgDir(env, "XDG_CONFIG_HOME", ".config") / "vigil" / "config.yaml";
}

Status Config::applyOverride(const std::string& key, const std::string& value) {
    if (key == "cache_dir") {
        cacheDir = value;
    } else if (key == "store") {
        storePath = value;
    } else if (key == "categories") {
        categoriesFile = value;
    } else if (key == "registry") {
        registry = value;
    } else if (key == "log_level") {
        logLevel = value;
    } else if (key == "disabled_rules") {
        disabledRules.clear();
        std::size_t start = 0;
        while (start <= value.size()) {
            const std::size_t comma = std::min(value.find(',', start), value.size());
            std::string id = value.substr(start, comma - start);
            id.erase(0, id.find_first_not_of(" \t"));
            id.erase(id.find_last_not_of(" \t") + 1);
            if (!id.empty())
                disabledRules.push_back(std::move(id));
            start = comma + 1;
        }
    } else if (key == "offline") {
        auto b = parseBool(key, value);
        if (!b) return std::move(b).error();
        offline = *b;
    } else if (key == "prefer_online") {
        auto b = parseBool(key, value);
        if (!b) return std::move(b).error();
        preferOnline = *b;
    } else if (key == "jobs") {
        auto n = parseInt(key, value, 0, 256);
        if (!n) return std::move(n).error();
        jobs = static_cast<std::size_t>(*n);
    } else if (key == "network_retries") {
        auto n = parseInt(key, value, 0, 20);
        if (!n) return std::move(n).error();
        networkRetries = static_cast<int>(*n);
    } else if (key == "network_timeout") {
        auto n = parseInt(key, value, 1, 3600);
        if (!n) return std::move(n).error();
        networkTimeoutSeconds = static_cast<int>(*n);
    } else if (key == "parallel_downloads") {
        auto n = parseInt(key, value, 1, 64);
        if (!n) return std::move(n).error();
        maxParallelDownloads = static_cast<std::size_t>(*n);
    } else {
        return makeError(ErrorCode::Usage, "unknown setting '" + key + "'",
                         "known settings: cache_dir, store, categories, registry, log_level, disabled_rules, offline, prefer_online, "
                         "jobs, network_retries, network_timeout, parallel_downloads");
    }
    return {};
}

Status Config::applyFile(const std::filesystem::path& file) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(file.string());
    } catch (const YAML::BadFile&) {
        return makeError(ErrorCode::Io, "cannot read config file " + file.string());
    } catch (const YAML::Exception& e) {
        return makeError(ErrorCode::Input, file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (root.IsNull())
        return {};
    if (!root.IsMap())
        return makeError(ErrorCode::Input, file.string() + ":1: the config file must be a mapping of settings");
    for (const auto& item : root) {
        const std::string where = file.string() + ":" + std::to_string(item.first.Mark().line + 1);
        if (item.first.Scalar() == "disabled_rules" && item.second.IsSequence()) {
            std::string joined;
            for (const auto& id : item.second) {
                if (!id.IsScalar())
                    return makeError(ErrorCode::Input, where + ": disabled_rules must list rule ids");
                joined += (joined.empty() ? "" : ",") + id.Scalar();
            }
            if (auto applied = applyOverride("disabled_rules", joined); !applied.ok())
                return Error{ErrorCode::Input, where + ": " + applied.error().primary, applied.error().secondary};
            continue;
        }
        if (!item.second.IsScalar())
            return makeError(ErrorCode::Input, where + ": setting '" + item.first.Scalar() + "' must be a scalar");
        auto applied = applyOverride(item.first.Scalar(), item.second.Scalar());
        if (!applied.ok())
            return Error{ErrorCode::Input, where + ": " + applied.error().primary, applied.error().secondary};
    }
    return {};
}

}  // namespace vigil::engine
