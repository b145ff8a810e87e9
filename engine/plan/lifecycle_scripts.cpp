// npm's install lifecycle: scripts and their environment, as @npmcli/run-script builds them.
#include "engine/plan/lifecycle_scripts.h"

#include <filesystem>

#include "engine/core/file_io.h"

namespace vigil::engine::plan {
namespace {

namespace fs = std::filesystem;

void flatten(const nlohmann::json& value, const std::string& name, std::vector<std::string>& out) {
    if (value.is_null() || (value.is_boolean() && !value.get<bool>())) {
        out.push_back(name + "=");
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
            flatten(value[i], name + "_" + std::to_string(i), out);
    } else if (value.is_object()) {
        for (const auto& [key, item] : value.items())
            flatten(item, name + "_" + key, out);
    } else if (value.is_string()) {
        out.push_back(name + "=" + value.get<std::string>());
    } else {
        out.push_back(name + "=" + value.dump());  // numbers and true print as JS String() does
    }
}

}  // namespace

NpmInstallation NpmInstallation::detect() {
    NpmInstallation npm;
    for (const char* candidate : {"/usr/local/bin/npm", "/usr/bin/npm"}) {
        std::error_code ec;
        const fs::path cli = fs::canonical(candidate, ec);
        if (ec || cli.filename() != "npm-cli.js")
            continue;
        // <prefix>/lib/node_modules/npm/bin/npm-cli.js
        const fs::path root = cli.parent_path().parent_path();
        npm.npmCliJs = cli.string();
        npm.prefix = root.parent_path().parent_path().parent_path().string();
        auto text = readWholeFile(root / "package.json");
        if (text) {
            const auto manifest = nlohmann::json::parse(*text, nullptr, false);
            if (manifest.is_object() && manifest.contains("version") && manifest["version"].is_string())
                npm.npmVersion = manifest["version"].get<std::string>();
        }
        const fs::path node = cli.parent_path().parent_path().parent_path().parent_path().parent_path() / "bin" / "node";
        if (fs::exists(node, ec))
            npm.nodeExecPath = node.string();
        break;
    }
    return npm;
}

std::string NpmInstallation::npmRoot() const { return prefix + "/lib/node_modules/npm"; }
std::string NpmInstallation::nodeGypJs() const { return npmRoot() + "/node_modules/node-gyp/bin/node-gyp.js"; }
std::string NpmInstallation::nodeGypBinDir() const {
    return npmRoot() + "/node_modules/@npmcli/run-script/lib/node-gyp-bin";
}

std::vector<std::string> packageEnvs(const nlohmann::json& manifest) {
    std::vector<std::string> env;
    if (!manifest.is_object())
        return env;
    for (const char* key : {"name", "version", "config", "engines", "bin"}) {
        const auto it = manifest.find(key);
        if (it != manifest.end())
            flatten(*it, std::string("npm_package_") + key, env);
    }
    return env;
}

std::vector<LifecycleScript> installLifecycle(const nlohmann::json& manifest, bool hasBindingGyp,
                                              const std::string& packageDir, const std::string& projectDir,
                                              const NpmInstallation& npm) {
    nlohmann::json scripts = nlohmann::json::object();
    if (manifest.is_object() && manifest.contains("scripts") && manifest["scripts"].is_object())
        scripts = manifest["scripts"];
    auto scriptOf = [&](const char* event) {
        const auto it = scripts.find(event);
        return it != scripts.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const bool gypfileOff = manifest.is_object() && manifest.contains("gypfile") && manifest["gypfile"] == false;

    // set-path.js: <dir>/node_modules/.bin for the package dir and every parent up to /, then
    // run-script's node-gyp-bin shim; the inherited PATH goes last.
    std::vector<std::string> pathPrefix;
    for (fs::path p = packageDir;; p = p.parent_path()) {
        pathPrefix.push_back((p / "node_modules" / ".bin").string());
        if (p == p.parent_path())
            break;
    }
    pathPrefix.push_back(npm.nodeGypBinDir());

    std::vector<std::string> common = {
        "npm_command=install",
        "npm_config_cache=/home/dev/.npm",
        "npm_config_global_prefix=" + npm.prefix,
        "npm_config_globalconfig=" + npm.prefix + "/etc/npmrc",
        "npm_config_init_module=/home/dev/.npm-init.js",
        "npm_config_local_prefix=" + projectDir,
        "npm_config_node_gyp=" + npm.nodeGypJs(),
        "npm_config_noproxy=",
        "npm_config_npm_version=" + npm.npmVersion,
        "npm_config_prefix=" + npm.prefix,
        "npm_config_userconfig=/home/dev/.npmrc",
        // The node version is the sandbox's: the install driver fills in "node/v…" at run time.
        "npm_config_user_agent=npm/" + npm.npmVersion + " node/%NODE_VERSION% linux x64 workspaces/false",
        "npm_execpath=" + npm.npmCliJs,
        "npm_node_execpath=" + npm.nodeExecPath,
        "NODE=" + npm.nodeExecPath,
        "INIT_CWD=" + projectDir,
        "COLOR=0",
        "npm_package_json=" + packageDir + "/package.json",
    };
    const std::vector<std::string> pkgEnv = packageEnvs(manifest);
    common.insert(common.end(), pkgEnv.begin(), pkgEnv.end());

    std::vector<LifecycleScript> out;
    for (const char* event : {"preinstall", "install", "postinstall"}) {
        LifecycleScript s;
        s.event = event;
        s.script = scriptOf(event);
        // run-script-pkg.js: no install and no preinstall script, a binding.gyp and no
        // "gypfile": false -> the default `node-gyp rebuild` as the install script.
        if (s.script.empty() && s.event == "install" && scriptOf("preinstall").empty() && !gypfileOff && hasBindingGyp) {
            s.script = "node-gyp rebuild";
            s.implicitGyp = true;
        }
        if (s.script.empty())
            continue;
        s.env = common;
        s.env.push_back("npm_lifecycle_event=" + s.event);
        s.env.push_back("npm_lifecycle_script=" + s.script);
        s.pathPrefix = pathPrefix;
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace vigil::engine::plan
