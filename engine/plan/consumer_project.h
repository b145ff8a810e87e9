// @brief Stages a synthetic consumer project: the package and its resolved dependency closure in node_modules/.
//
// The install and import phases must see what a real `npm install <pkg>` leaves behind: a project
// whose package.json depends on the package, node_modules/<name> holding its tree and every
// dependency placed where Node's resolution finds it (hoisted to the top when free, nested under
// the dependent when another version already holds the name), and node_modules/.bin links for
// bins. The project is built under the cache root (the sandbox only accepts lower layers inside
// it) from hard links into the cache's extracted trees: the overlay keeps them read-only.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/resolve/package_graph.h"

namespace vigil::engine::plan {

/// Where the sandbox shows the project (the overlay's mount point).
inline constexpr const char* kSandboxProjectDir = "/home/dev/project";
/// The synthetic consumer's package.json name and version. The phase drivers run as its code
/// (they import the package, call its API, run its bins), so events attributed to it are the
/// package's own doing, never a dependency's.
inline constexpr const char* kConsumerName = "my-app";
inline constexpr const char* kConsumerVersion = "1.0.0";

struct ConsumerProject {
    std::filesystem::path dir;         ///< host path of the project root (the overlay's lower layer)
    std::string name;                  ///< the package under test
    std::string version;
    std::filesystem::path packageDir;  ///< host: <dir>/node_modules/<name>
    std::string sandboxPackageDir;     ///< /home/dev/project/node_modules/<name>
    nlohmann::json manifest;           ///< the package's package.json
    bool hasBindingGyp = false;
    /// "node_modules/a/node_modules/b" -> "b@1.0.0": every placement, the package's included.
    std::map<std::string, std::string> placements;
    std::vector<std::string> warnings;  ///< dependencies that could not be placed, bins skipped, ...
};

struct StageRequest {
    const resolve::PackageGraph* graph = nullptr;
    std::size_t subject = 0;  ///< node of the package under test
    /// Node -> its extracted tree. The subject's tree may be a user's folder outside the cache.
    std::map<std::size_t, std::filesystem::path> trees;
    /// Names skipped at the top of the subject's tree (a user's own node_modules, .git).
    std::vector<std::string> skipTopLevel;
    std::filesystem::path under;  ///< parent folder of the project (inside the cache root)
    std::size_t maxPlacements = 10000;
};

/// Builds the project in a fresh folder under `request.under`.
Result<ConsumerProject> stageConsumerProject(const StageRequest& request);

/// Deletes the project folder (the cache's trees stay: only links to them go).
void removeConsumerProject(const ConsumerProject& project);

}  // namespace vigil::engine::plan
