// Resolve + fetch of a 1,000-package lockfile from a warm cache (issue 2's target: under 1 s on
// two cores). The baseline in the same process is parsing the lockfile alone, so the report can
// give the ratio of the whole pipeline to its cheapest part.
//
//   build/bench/resolve_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <archive.h>
#include <archive_entry.h>
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "engine/core/config.h"
#include "engine/plan/project_resolver.h"
#include "engine/resolve/integrity.h"
#include "engine/resolve/lockfile.h"
#include "engine/resolve/tarball_cache.h"

namespace fs = std::filesystem;
using namespace vigil::engine;

namespace {

constexpr int kPackages = 1000;

std::string name(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "bench-pkg-%04d", i);
    return buf;
}

void writeTarball(const fs::path& file, const std::string& pkgName) {
    archive* a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    archive_write_open_filename(a, file.c_str());
    auto add = [&](const std::string& path, const std::string& body) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, path.c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(body.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        archive_write_data(a, body.data(), body.size());
        archive_entry_free(e);
    };
    add("package/package.json", nlohmann::json{{"name", pkgName}, {"version", "1.0.0"}, {"main", "index.js"}}.dump());
    add("package/index.js", "module.exports = '" + pkgName + "';\n");
    add("package/README.md", "# " + pkgName + "\n");
    archive_write_close(a);
    archive_write_free(a);
}

/// A project whose package-lock v3 lists 1,000 registry packages (URLs on a loopback port that
/// is never contacted: the cache is warm and the run is offline), 50 of them direct.
struct Fixture {
    fs::path root;
    fs::path project;
    Config config;

    Fixture() {
        root = fs::temp_directory_path() / ("vigil-resolve-bench-" + std::to_string(::getpid()));
        fs::remove_all(root);
        project = root / "project";
        fs::create_directories(project);
        fs::create_directories(root / "tarballs");
        config = Config::defaults({{"HOME", root.string()}});
        config.cacheDir = root / "cache";
        config.offline = true;
        resolve::TarballCache cache(config.cacheDir);

        nlohmann::json packages = nlohmann::json::object();
        nlohmann::json rootDeps = nlohmann::json::object();
        for (int i = 0; i < kPackages; ++i) {
            const std::string n = name(i);
            const fs::path tgz = root / "tarballs" / (n + ".tgz");
            writeTarball(tgz, n);
            auto stored = cache.store(tgz, "", n + "@1.0.0");
            if (!stored)
                throw std::runtime_error(stored.error().describe());
            if (!cache.extracted(stored->integrity, n + "@1.0.0"))
                throw std::runtime_error("extract failed");
            nlohmann::json deps = nlohmann::json::object();
            deps[name((i * 7 + 1) % kPackages)] = "^1.0.0";
            deps[name((i * 13 + 5) % kPackages)] = "^1.0.0";
            packages["node_modules/" + n] = {{"version", "1.0.0"},
                                             {"resolved", "http://127.0.0.1:9/" + n + "/-/" + n + "-1.0.0.tgz"},
                                             {"integrity", stored->integrity},
                                             {"dependencies", deps}};
            if (i % 20 == 0)
                rootDeps[n] = "^1.0.0";
        }
        packages[""] = {{"name", "bench"}, {"version", "1.0.0"}, {"dependencies", rootDeps}};
        nlohmann::json lock = {{"name", "bench"}, {"version", "1.0.0"}, {"lockfileVersion", 3},
                               {"requires", true}, {"packages", packages}};
        std::ofstream(project / "package-lock.json") << lock.dump(2);
        std::ofstream(project / "package.json")
            << nlohmann::json{{"name", "bench"}, {"version", "1.0.0"}, {"dependencies", rootDeps}}.dump(2);
    }
    ~Fixture() { fs::remove_all(root); }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_ParseLockfile1000(benchmark::State& state) {
    auto& f = fixture();
    for (auto _ : state) {
        auto graph = resolve::loadProject(f.project);
        if (!graph || graph->packageCount() != kPackages)
            state.SkipWithError("lockfile did not load");
        benchmark::DoNotOptimize(graph);
    }
}
BENCHMARK(BM_ParseLockfile1000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ResolveAndFetchWarm1000(benchmark::State& state) {
    auto& f = fixture();
    plan::ResolveRequest request;
    request.target = *plan::classifyTarget(f.project.string());
    request.metadata = false;
    request.record = false;
    for (auto _ : state) {
        plan::ProjectResolver resolver(f.config, nullptr, {{"HOME", f.root.string()}});
        auto r = resolver.run(request);
        if (!r || !r->fetch || r->fetch->cached != static_cast<std::size_t>(kPackages))
            state.SkipWithError(r ? "not served from the cache" : r.error().describe().c_str());
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_ResolveAndFetchWarm1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
