// @brief The install lifecycle of a package as npm runs it: which scripts, in what order, with what env.
//
// Mirrors @npmcli/run-script (lib/run-script-pkg.js, make-spawn-args.js, set-path.js,
// package-envs.js) and npm's own additions (npm_config_*, npm_execpath, INIT_CWD, NODE): every
// variable a real `npm install` hands a script is there, because install-time malware checks
// for them (a script that sees no npm_lifecycle_event knows it is not being installed).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigil::engine::plan {

/// Where Node and npm live. The sandbox mirrors the host's /usr, so these host paths are also
/// the sandbox's.
struct NpmInstallation {
    std::string nodeExecPath = "/usr/bin/node";
    std::string npmCliJs = "/usr/lib/node_modules/npm/bin/npm-cli.js";
    std::string npmVersion = "10.8.2";
    std::string prefix = "/usr";  ///< npm's global prefix: <prefix>/lib/node_modules/npm

    /// Follows /usr/local/bin/npm or /usr/bin/npm to npm-cli.js and reads npm's package.json;
    /// keeps the defaults for whatever it cannot find.
    static NpmInstallation detect();
    [[nodiscard]] std::string npmRoot() const;       ///< <prefix>/lib/node_modules/npm
    [[nodiscard]] std::string nodeGypJs() const;     ///< npm's bundled node-gyp
    [[nodiscard]] std::string nodeGypBinDir() const; ///< run-script's node-gyp-bin shim folder
};

/// One script of the install lifecycle.
struct LifecycleScript {
    std::string event;   ///< "preinstall", "install", "postinstall"
    std::string script;  ///< the command line, run as `sh -c <script>` in the package dir
    bool implicitGyp = false;  ///< npm's default `node-gyp rebuild` for a binding.gyp package
    /// NAME=value entries set for this script on top of the sandbox's environment. PATH is not
    /// among them: see pathPrefix.
    std::vector<std::string> env;
    /// Folders put in front of the sandbox's PATH, in order (set-path.js: every
    /// <dir>/node_modules/.bin from the package dir up to /, then node-gyp-bin).
    std::vector<std::string> pathPrefix;
};

/// The install scripts npm would run for a package whose manifest is `manifest`, installed at
/// `packageDir` inside the project `projectDir` (sandbox paths). `hasBindingGyp`: binding.gyp
/// exists in the package, which makes npm run `node-gyp rebuild` as the install script when the
/// package has neither install nor preinstall and does not say "gypfile": false.
std::vector<LifecycleScript> installLifecycle(const nlohmann::json& manifest, bool hasBindingGyp,
                                              const std::string& packageDir, const std::string& projectDir,
                                              const NpmInstallation& npm);

/// package-envs.js: name, version, config, engines and bin flattened to npm_package_* (arrays as
/// _0, _1…, null/false as "", nested objects joined by '_').
std::vector<std::string> packageEnvs(const nlohmann::json& manifest);

}  // namespace vigil::engine::plan
