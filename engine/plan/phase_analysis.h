// @brief PhaseAnalyzer: a folder, tarball or name@version -> resolved, staged, run through its phases, stored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/collect/phase_run.h"
#include "engine/core/config.h"
#include "engine/core/result.h"
#include "engine/plan/phase_runner.h"
#include "engine/plan/project_resolver.h"

namespace vigil::engine::store {
class Store;
}

namespace vigil::engine::plan {

struct AnalyzeRequest {
    ResolveTarget target;
    PhaseOptions phases;  ///< cacheRoot is filled in from the config
    std::string analyzerVersion = "dev";
    bool keepProject = false;  ///< leave the staged project for inspection
};

struct PhaseAnalysis {
    std::string name;
    std::string version;
    std::vector<collect::PhaseRun> runs;
    std::vector<std::string> warnings;
    std::optional<std::int64_t> versionId;  ///< in the store, when one was given
    std::vector<std::int64_t> runIds;        ///< one per run, same order
    std::filesystem::path project;           ///< the staged project (removed unless kept)
};

class PhaseAnalyzer {
public:
    PhaseAnalyzer(Config config, store::Store* store, std::map<std::string, std::string> environment,
                    const sandbox::SandboxClient& client);

    /// Resolves and fetches the target (no dev dependencies: a consumer never gets them), stages
    /// it as a dependency of a synthetic project, runs the phases and stores each phase's events
    /// in one transaction. A phase that fails is a result, not an error; errors are for what
    /// prevents the analysis (resolution, fetch, staging, the store).
    Result<PhaseAnalysis> run(const AnalyzeRequest& request);

private:
    Status record(PhaseAnalysis& analysis, const AnalyzeRequest& request, const std::string& integrity);

    Config config_;
    store::Store* store_;
    std::map<std::string, std::string> env_;
    const sandbox::SandboxClient& client_;
};

}  // namespace vigil::engine::plan
