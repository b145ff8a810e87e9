#include "engine/resolve/fetcher.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <unistd.h>

namespace vigil::engine::resolve {
namespace {

bool fetchable(SourceKind kind) {
    return kind == SourceKind::Registry || kind == SourceKind::RemoteTarball || kind == SourceKind::LocalTarball;
}

std::filesystem::path localTarballPath(const std::string& resolved, const std::filesystem::path& projectDir) {
    std::string path = resolved;
    if (path.starts_with("file:"))
        path = path.substr(5);
    std::filesystem::path p(path);
    return p.is_absolute() ? p : (projectDir / p).lexically_normal();
}

}  // namespace

Status copyIntoStaging(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& what) {
    std::error_code ec;
    std::filesystem::create_directories(to.parent_path(), ec);
    if (!std::filesystem::is_regular_file(from, ec))
        return makeError(ErrorCode::Input, what + ": tarball " + from.string() + " does not exist");
    if (!std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec))
        return makeError(ErrorCode::Io, what + ": cannot copy " + from.string() + " into the cache: " + ec.message());
    return {};
}

Fetcher::Fetcher(RegistryClient& client, TarballCache& cache, JobPool& pool, FetchOptions options)
    : client_(client), cache_(cache), pool_(pool), options_(std::move(options)) {}

std::string Fetcher::tarballUrl(const std::string& name, const std::string& version) const {
    // npm's layout: <registry><name>/-/<unscoped name>-<version>.tgz
    const auto slash = name.find('/');
    const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
    return client_.config().registryFor(name) + name + "/-/" + base + "-" + version + ".tgz";
}

Result<FetchedPackage> Fetcher::fetchOne(PackageNode& node, std::size_t index, const std::filesystem::path& projectDir) {
    FetchedPackage out;
    out.node = index;
    const std::string id = node.id();

    std::optional<std::filesystem::path> cached;
    if (!node.integrity.empty())
        cached = cache_.find(node.integrity);

    if (cached) {
        out.tarball = *cached;
        out.fromCache = true;
    } else {
        std::filesystem::path source;
        std::filesystem::path download;
        if (node.source == SourceKind::LocalTarball) {
            // store() moves its input into the cache: hand it a copy, never the user's file.
            download = cache_.root() / "tmp" / ("local-" + std::to_string(::getpid()) + "-" + std::to_string(index) + ".tgz");
            auto copied = copyIntoStaging(localTarballPath(node.resolved, projectDir), download, id);
            if (!copied)
                return std::move(copied).error();
            source = download;
            out.fromProject = true;
        } else {
            if (options_.offline)
                return makeError(ErrorCode::NotFound, id + " is not in the offline cache",
                                 "run once without --offline to fill the cache");
            if (node.resolved.empty())
                node.resolved = tarballUrl(node.name, node.version);
            download = cache_.root() / "tmp" / ("download-" + std::to_string(::getpid()) + "-" + std::to_string(index) + ".tgz");
            auto got = client_.downloadTarball(node.resolved, download);
            if (!got) {
                std::error_code ec;
                std::filesystem::remove(download, ec);
                return got.error().withContext(id);
            }
            source = download;
        }
        auto stored = cache_.store(source, node.integrity, id);
        if (!download.empty()) {
            std::error_code ec;
            std::filesystem::remove(download, ec);
        }
        if (!stored)
            return std::move(stored).error();
        if (node.integrity.empty()) {
            node.integrity = stored->integrity;
            out.integrityTrustedOnFirstUse = true;
        }
        out.tarball = stored->path;
    }
    if (options_.extract) {
        auto dir = cache_.extracted(node.integrity, id, options_.limits);
        if (!dir)
            return std::move(dir).error();
        out.directory = *dir;
    }
    return out;
}

Result<FetchSummary> Fetcher::fetch(PackageGraph& graph, const std::filesystem::path& projectDir,
                                    const ProgressCallback& progress) {
    FetchSummary summary;
    std::vector<std::size_t> work;
    for (std::size_t i = 1; i < graph.nodes.size(); ++i) {
        if (fetchable(graph.nodes[i].source))
            work.push_back(i);
        else
            summary.notFetched.push_back(graph.nodes[i].id() + " (" + sourceKindName(graph.nodes[i].source) + ")");
    }

    // The stage starts now, not when the first download ends: a slow first tarball must not leave
    // the display on the previous stage.
    if (progress && !work.empty())
        progress(0, work.size(), graph.nodes[work.front()].id());
    std::mutex mutex;
    std::vector<std::optional<Result<FetchedPackage>>> results(graph.nodes.size());
    std::atomic<std::size_t> done{0};
    for (std::size_t index : work) {
        // Each job touches only its own node; the graph's vector is not resized while jobs run.
        const bool queued = pool_.submit("fetch " + graph.nodes[index].id(), [&, index](JobContext& ctx) {
            if (ctx.cancelled())
                return;
            auto r = fetchOne(graph.nodes[index], index, projectDir);
            std::lock_guard lock(mutex);
            results[index] = std::move(r);
            ++done;
            if (progress)
                progress(done, work.size(), graph.nodes[index].id());
        });
        if (!queued)
            break;
    }
    pool_.wait();
    if (pool_.cancelled())
        return makeError(ErrorCode::Cancelled, "fetch cancelled");

    std::vector<Error> failures;
    for (std::size_t index : work) {
        auto& r = results[index];
        if (!r)
            continue;
        if (!r->ok()) {
            failures.push_back(r->error());
            continue;
        }
        FetchedPackage p = std::move(*r).value();
        (p.fromCache ? summary.cached : p.fromProject ? summary.local : summary.downloaded)++;
        summary.packages.push_back(std::move(p));
    }
    if (!failures.empty()) {
        // An integrity failure outranks everything else: it is the one a user must see first.
        std::size_t first = 0;
        for (std::size_t i = 0; i < failures.size(); ++i)
            if (failures[i].code == ErrorCode::Integrity || failures[i].code == ErrorCode::Unsafe) {
                first = i;
                break;
            }
        Error e = failures[first];
        if (failures.size() > 1) {
            std::string more;
            for (std::size_t i = 0; i < failures.size() && i < 10; ++i)
                if (i != first)
                    more += (more.empty() ? "" : "\n  ") + failures[i].primary;
            e.secondary = (e.secondary.empty() ? "" : e.secondary + "\n  ") + std::to_string(failures.size() - 1) +
                          " more package(s) failed:\n  " + more;
        }
        return e;
    }
    return summary;
}

}  // namespace vigil::engine::resolve
