#include "engine/plan/project_resolver.h"

#include <mutex>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "engine/core/job_pool.h"
#include "engine/resolve/lockfile.h"
#include "engine/resolve/manifest.h"
#include "engine/resolve/npmrc.h"
#include "engine/resolve/package_spec.h"
#include "engine/resolve/registry_client.h"
#include "engine/resolve/registry_resolver.h"
#include "engine/resolve/tarball_cache.h"
#include "engine/resolve/version_metadata.h"
#include "engine/store/store.h"

namespace vigil::engine::plan {
namespace {

using resolve::PackageGraph;
using resolve::SourceKind;

bool isLockOrManifestName(const std::string& name) {
    return name == "package.json" || name == "package-lock.json" || name == "npm-shrinkwrap.json" ||
           name == "yarn.lock" || name == "pnpm-lock.yaml";
}

bool isTarballName(const std::string& name) {
    return name.ends_with(".tgz") || name.ends_with(".tar.gz");
}

}  // namespace

Result<ResolveTarget> classifyTarget(const std::string& argument) {
    ResolveTarget t;
    t.display = argument;
    std::error_code ec;
    const std::filesystem::path path(argument);
    if (std::filesystem::is_directory(path, ec)) {
        t.kind = ResolveTarget::Kind::Project;
        t.path = std::filesystem::absolute(path).lexically_normal();
        return t;
    }
    if (std::filesystem::is_regular_file(path, ec)) {
        const std::string name = path.filename().string();
        if (isTarballName(name)) {
            t.kind = ResolveTarget::Kind::Tarball;
            t.path = std::filesystem::absolute(path).lexically_normal();
            return t;
        }
        if (isLockOrManifestName(name)) {
            t.kind = ResolveTarget::Kind::Project;
            t.path = std::filesystem::absolute(path).lexically_normal().parent_path();
            return t;
        }
        return makeError(ErrorCode::Usage, argument + " is neither a project folder, a manifest or lockfile, nor a .tgz");
    }
    // Relative paths that do not exist are reported as such rather than sent to the registry.
    if (argument.starts_with("./") || argument.starts_with("../") || argument.starts_with("/") ||
        isTarballName(argument))
        return makeError(ErrorCode::Usage, "no such file or folder: " + argument);
    auto spec = resolve::parsePackageArg(argument);
    if (!spec)
        return makeError(ErrorCode::Usage, "'" + argument + "' is not a folder, a .tgz or a package spec",
                         "give a project folder, a package.json or lockfile, a .tgz, or name@version");
    t.kind = ResolveTarget::Kind::Package;
    t.spec = argument;
    return t;
}

ProjectResolver::ProjectResolver(Config config, store::Store* store, std::map<std::string, std::string> environment)
    : config_(std::move(config)), store_(store), env_(std::move(environment)) {}

Result<Resolution> ProjectResolver::run(const ResolveRequest& request, const Progress& progress) {
    auto report = [&](const std::string& phase, std::size_t done, std::size_t total, const std::string& item) {
        if (progress)
            progress(phase, done, total, item);
    };
    const ResolveTarget& target = request.target;
    // Whatever a stage reports once the user has cancelled (an aborted GET, a skipped job), the
    // scan was cancelled: one error that says so, not the transfer that happened to be cut.
    const auto cancelled = [&] {
        return makeError(ErrorCode::Cancelled, "resolution of " + target.display + " cancelled");
    };
    const auto failed = [&](Error e) { return request.stop.stop_requested() ? cancelled() : std::move(e); };
    const std::filesystem::path projectDir =
        target.kind == ResolveTarget::Kind::Project ? target.path : std::filesystem::current_path();

    auto registryConfig = resolve::loadRegistryConfig(projectDir, env_);
    if (!registryConfig)
        return std::move(registryConfig).error();
    if (!config_.registry.empty())
        registryConfig->registry = config_.registry.ends_with('/') ? config_.registry : config_.registry + "/";
    resolve::RegistryClient::Options clientOptions;
    clientOptions.offline = config_.offline;
    clientOptions.preferOnline = config_.preferOnline;
    clientOptions.retries = config_.networkRetries;
    clientOptions.timeoutSeconds = config_.networkTimeoutSeconds;
    clientOptions.maxParallel = config_.maxParallelDownloads;
    clientOptions.stop = request.stop;
    resolve::RegistryClient client(*registryConfig, config_.cacheDir, clientOptions);
    resolve::TarballCache cache(config_.cacheDir);
    JobPool pool(config_.jobs ? config_.jobs : config_.maxParallelDownloads);
    // Declared after the pool, so it is gone before the pool is destroyed.
    std::stop_callback cancelPool(request.stop, [&pool] { pool.cancel(); });

    resolve::ResolveOptions resolveOptions;
    resolveOptions.includeDev = request.includeDev;
    resolve::RegistryResolver registryResolver(client, resolveOptions);

    // 1. Resolve.
    report("resolve", 0, 1, target.display);
    Resolution out;
    std::filesystem::path anchor = projectDir;
    switch (target.kind) {
    case ResolveTarget::Kind::Project: {
        out.rootTree = target.path;
        auto locked = resolve::loadProject(target.path);
        if (locked) {
            out.graph = std::move(locked).value();
        } else if (locked.error().code == ErrorCode::NotFound) {
            auto manifest = resolve::readManifestFile(target.path / "package.json");
            if (!manifest)
                return std::move(manifest).error();
            auto graph = registryResolver.resolveManifest(*manifest, target.path);
            if (!graph)
                return failed(std::move(graph).error());
            out.graph = std::move(graph).value();
        } else {
            return std::move(locked).error();
        }
        break;
    }
    case ResolveTarget::Kind::Tarball: {
        // The tarball is the root: store and extract it like any package, then resolve its own
        // dependencies against the registry (a published package never brings its lockfile).
        const auto staging = config_.cacheDir / "tmp" / ("target-" + std::to_string(::getpid()) + ".tgz");
        VIGIL_TRY(resolve::copyIntoStaging(target.path, staging, target.display));
        auto stored = cache.store(staging, "", target.path.filename().string());
        if (!stored)
            return std::move(stored).error();
        auto dir = cache.extracted(stored->integrity, target.path.filename().string());
        if (!dir)
            return std::move(dir).error();
        auto manifest = resolve::readManifestFile(*dir / "package.json");
        if (!manifest)
            return std::move(manifest).error();
        resolve::ResolveOptions noDev = resolveOptions;
        noDev.includeDev = false;
        resolve::RegistryResolver tarballResolver(client, noDev);
        auto graph = tarballResolver.resolveManifest(*manifest, *dir);
        if (!graph)
            return failed(std::move(graph).error());
        out.graph = std::move(graph).value();
        out.rootTree = *dir;
        out.graph.sourceFile = target.path.string();
        out.graph.format = "tarball";
        anchor = *dir;
        break;
    }
    case ResolveTarget::Kind::Package: {
        auto spec = resolve::parsePackageArg(target.spec);
        if (!spec)
            return std::move(spec).error();
        auto graph = registryResolver.resolvePackage(*spec);
        if (!graph)
            return failed(std::move(graph).error());
        out.graph = std::move(graph).value();
        break;
    }
    }
    if (request.stop.stop_requested())
        return cancelled();
    report("resolve", 1, 1, target.display);
    out.warnings = registryConfig->warnings;
    out.warnings.insert(out.warnings.end(), out.graph.warnings.begin(), out.graph.warnings.end());

    // 2. Fetch, verify, extract.
    if (request.fetch) {
        resolve::FetchOptions fetchOptions;
        fetchOptions.offline = config_.offline;
        resolve::Fetcher fetcher(client, cache, pool, fetchOptions);
        auto fetched = fetcher.fetch(out.graph, anchor, [&](std::size_t done, std::size_t total, const std::string& id) {
            report("fetch", done, total, id);
        });
        if (!fetched)
            return failed(std::move(fetched).error());
        out.fetch = std::move(fetched).value();
    }
    if (request.stop.stop_requested())
        return cancelled();

    if (!request.record || !store_)
        return out;

    // 3. Record versions (with metadata for versions the store has not described yet) and the graph.
    std::map<std::size_t, const resolve::FetchedPackage*> fetchedByNode;
    if (out.fetch)
        for (const auto& p : out.fetch->packages)
            fetchedByNode[p.node] = &p;

    // Which versions the store has not described yet; only those get metadata.
    const std::size_t total = out.graph.nodes.size() - 1;
    std::vector<std::size_t> undescribed;
    for (std::size_t i = 1; i < out.graph.nodes.size(); ++i) {
        resolve::PackageNode& node = out.graph.nodes[i];
        auto existing = store_->findVersion("npm", node.name, node.version);
        if (!existing)
            return std::move(existing).error();
        if (existing->has_value() && (*existing)->record.metadataJson != "{}")
            node.hasInstallScript = node.hasInstallScript || (*existing)->record.hasInstallScript;
        else
            undescribed.push_back(i);
    }

    // Metadata means a full packument and the previous version's tarball per package: network
    // bound, so it runs on the pool; the store is written afterwards from this thread only.
    std::vector<std::optional<Result<resolve::VersionMetadata>>> metadata(out.graph.nodes.size());
    if (request.metadata) {
        std::mutex mutex;
        std::size_t done = 0;
        for (std::size_t i : undescribed) {
            auto fetched = fetchedByNode.find(i);
            if (fetched == fetchedByNode.end() || fetched->second->directory.empty())
                continue;
            const std::filesystem::path dir = fetched->second->directory;
            const bool queued = pool.submit("metadata " + out.graph.nodes[i].id(), [&, i, dir](JobContext&) {
                auto meta = resolve::collectVersionMetadata(out.graph.nodes[i], dir,
                                                            config_.offline ? nullptr : &client, cache);
                std::lock_guard lock(mutex);
                metadata[i] = std::move(meta);
                report("metadata", ++done, undescribed.size(), out.graph.nodes[i].id());
            });
            if (!queued)
                break;  // cancelled: the jobs already queued use this scope's locals, so wait for them
        }
        pool.wait();
        if (pool.cancelled())
            return cancelled();
    }

    for (std::size_t n = 0; n < undescribed.size(); ++n) {
        const std::size_t i = undescribed[n];
        resolve::PackageNode& node = out.graph.nodes[i];
        report("record", n, undescribed.size(), node.id());
        store::VersionRecord record;
        record.packageName = node.name;
        record.version = node.version;
        record.integrity = node.integrity;
        record.hasInstallScript = node.hasInstallScript;
        std::vector<store::FileEntry> files;
        if (metadata[i]) {
            if (!metadata[i]->ok())
                return metadata[i]->error();
            const resolve::VersionMetadata& meta = metadata[i]->value();
            for (const auto& w : meta.warnings)
                out.warnings.push_back(w);
            record.publishedAt = meta.publishedAt;
            record.metadataJson = meta.toJson();
            // The tarball's own package.json is the truth about install scripts.
            record.hasInstallScript = record.hasInstallScript || !meta.installScripts.empty();
            node.hasInstallScript = record.hasInstallScript;
            files.reserve(meta.files.size());
            for (const auto& f : meta.files)
                files.push_back(store::FileEntry{f.path, static_cast<std::int64_t>(f.size), f.mode, f.sha256});
        }
        auto id = store_->upsertVersion(record);
        if (!id)
            return std::move(id).error().withContext(node.id());
        if (!files.empty())
            VIGIL_TRY(store_->replaceVersionFiles(*id, files));
    }

    auto scan = store_->beginScan(target.display, out.graph.sourceFile);
    if (!scan)
        return std::move(scan).error();
    store::ScanGraph sg;
    std::vector<bool> direct(out.graph.nodes.size(), false);
    for (const auto& e : out.graph.edges)
        if (e.from == 0)
            direct[e.to] = true;
    for (std::size_t i = 1; i < out.graph.nodes.size(); ++i) {
        const auto& node = out.graph.nodes[i];
        store::ScanPackage p;
        p.name = node.name;
        p.version = node.version;
        p.integrity = node.integrity;
        p.direct = direct[i];
        p.dev = node.dev;
        p.optional = node.optional;
        sg.packages.push_back(std::move(p));
    }
    for (const auto& e : out.graph.edges) {
        store::ScanEdge edge;
        if (e.from != 0)
            edge.from = e.from - 1;
        edge.to = e.to - 1;
        edge.alias = e.alias;
        edge.spec = e.spec;
        edge.type = static_cast<store::DepType>(static_cast<int>(e.type));
        sg.edges.push_back(std::move(edge));
    }
    VIGIL_TRY(store_->recordScanGraph(*scan, sg));
    nlohmann::json totals = {{"packages", out.graph.packageCount()},
                             {"format", out.graph.format},
                             {"resolve_only", true}};
    if (!request.leaveScanRunning)
        VIGIL_TRY(store_->finishScan(*scan, store::ScanStatus::Complete, totals.dump()));
    out.scanId = *scan;
    report("record", total, total, "");
    return out;
}

}  // namespace vigil::engine::plan
