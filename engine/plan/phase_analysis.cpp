// Resolve -> stage -> phases -> store, for one package version.
#include "engine/plan/phase_analysis.h"

#include "engine/store/store.h"

namespace vigil::engine::plan {

PhaseAnalyzer::PhaseAnalyzer(Config config, store::Store* store, std::map<std::string, std::string> environment,
                                 const sandbox::SandboxClient& client)
    : config_(std::move(config)), store_(store), env_(std::move(environment)), client_(client) {}

Result<PhaseAnalysis> PhaseAnalyzer::run(const AnalyzeRequest& request) {
    ResolveRequest resolveRequest;
    resolveRequest.target = request.target;
    resolveRequest.fetch = true;
    resolveRequest.metadata = false;
    resolveRequest.record = false;
    resolveRequest.includeDev = false;
    ProjectResolver resolver(config_, nullptr, env_);
    auto resolution = resolver.run(resolveRequest);
    if (!resolution)
        return std::move(resolution).error();

    StageRequest stage;
    stage.graph = &resolution->graph;
    stage.under = config_.cacheDir / "projects";
    if (resolution->fetch)
        for (const auto& p : resolution->fetch->packages)
            if (!p.directory.empty())
                stage.trees[p.node] = p.directory;
    if (request.target.kind == ResolveTarget::Kind::Package) {
        const auto edges = resolution->graph.edgesFrom(0);
        if (edges.empty())
            return makeError(ErrorCode::NotFound, request.target.display + " resolved to no package");
        stage.subject = edges.front()->to;
    } else {
        stage.subject = 0;
        stage.trees[0] = resolution->rootTree;
        // A project folder's own install state is not part of the package.
        if (request.target.kind == ResolveTarget::Kind::Project)
            stage.skipTopLevel = {"node_modules", ".git"};
    }
    auto project = stageConsumerProject(stage);
    if (!project)
        return std::move(project).error().withContext(request.target.display);

    PhaseAnalysis analysis;
    analysis.name = project->name;
    analysis.version = project->version;
    analysis.project = project->dir;
    analysis.warnings = resolution->warnings;
    analysis.warnings.insert(analysis.warnings.end(), project->warnings.begin(), project->warnings.end());

    PhaseOptions options = request.phases;
    options.cacheRoot = config_.cacheDir;
    PhaseRunner runner(client_, options);
    analysis.runs = runner.runAll(*project);
    if (!request.keepProject)
        removeConsumerProject(*project);

    if (store_ != nullptr)
        VIGIL_TRY(record(analysis, request, resolution->graph.nodes[stage.subject].integrity));
    return analysis;
}

Status PhaseAnalyzer::record(PhaseAnalysis& analysis, const AnalyzeRequest& request, const std::string& integrity) {
    auto existing = store_->findVersion("npm", analysis.name, analysis.version);
    if (!existing)
        return std::move(existing).error();
    store::VersionId versionId = 0;
    if (existing->has_value()) {
        versionId = (*existing)->id;
    } else {
        store::VersionRecord record;
        record.packageName = analysis.name;
        record.version = analysis.version;
        record.integrity = integrity;
        auto id = store_->upsertVersion(record);
        if (!id)
            return std::move(id).error();
        versionId = *id;
    }
    analysis.versionId = versionId;
    for (const collect::PhaseRun& run : analysis.runs) {
        store::Phase phase = run.phase == "install" ? store::Phase::Install
                             : run.phase == "import" ? store::Phase::Import
                                                     : store::Phase::Api;
        auto runId = store_->beginRun(versionId, phase, request.analyzerVersion);
        if (!runId)
            return std::move(runId).error();
        std::vector<store::EventRecord> batch;
        batch.reserve(run.events.size());
        for (const collect::Event& e : run.events) {
            // Captured bytes are UTF-8 or hex by now; replace guards what a future source forgets.
            batch.push_back(store::EventRecord{
                e.tsNs, e.kind, collect::toJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
        }
        // One transaction for the whole phase: a reader never sees half a phase.
        if (!batch.empty()) {
            auto appended = store_->appendEvents(*runId, batch);
            if (!appended)
                return std::move(appended).error();
        }
        VIGIL_TRY(store_->finishRun(*runId, run.outcome));
        analysis.runIds.push_back(*runId);
    }
    return {};
}

}  // namespace vigil::engine::plan
