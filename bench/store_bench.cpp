// Store benchmark: the three key behaviour queries on a store of 100,000 analysed versions
// (20,000 packages × 5 versions, 20 categories). Each must stay well under 5 ms.
//   store_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include "engine/store/store.h"

using namespace vigil::engine;
using namespace vigil::engine::store;

namespace {

constexpr int kPackages = 20000;
constexpr int kVersionsPerPackage = 5;
constexpr int kCategories = 20;

std::string packageName(int p) { return "bench-pkg-" + std::to_string(p); }
std::string versionName(int v) { return "1." + std::to_string(v) + ".0"; }
std::string categoryName(int c) { return "category-" + std::to_string(c); }

[[noreturn]] void die(const char* what, const Error& error) {
    std::fprintf(stderr, "store_bench: %s: %s\n", what, error.describe().c_str());
    std::exit(1);
}

/// The store, built once per process in a temporary directory removed at exit.
class BenchStore {
public:
    static Store& get() {
        static BenchStore instance;
        return *instance.store_;
    }

private:
    BenchStore() {
        std::string pattern = (std::filesystem::temp_directory_path() / "vigil-store-bench-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("store_bench: mkdtemp");
            std::exit(1);
        }
        dir_ = pattern;
        auto opened = Store::open(dir_ / "vigil.db");
        if (!opened.ok())
            die("open", opened.error());
        store_.emplace(std::move(opened).value());
        populate();
    }
    ~BenchStore() {
        store_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    void populate() {
        const auto start = std::chrono::steady_clock::now();
        std::mt19937 random(42);
        std::uniform_int_distribution<int> percent(0, 99);
        // All versions in one scan graph: one transaction instead of 100,000.
        ScanGraph graph;
        graph.packages.reserve(kPackages * kVersionsPerPackage);
        for (int p = 0; p < kPackages; ++p)
            for (int v = 0; v < kVersionsPerPackage; ++v)
                graph.packages.push_back({"npm", packageName(p), versionName(v), "sha512-" + std::to_string(p)});
        auto scan = store_->beginScan("/bench", "package-lock.json");
        if (!scan.ok())
            die("begin scan", scan.error());
        if (auto s = store_->recordScanGraph(*scan, graph); !s.ok())
            die("record graph", s.error());

        for (int p = 0; p < kPackages; ++p) {
            auto id = store_->upsertPackage("npm", packageName(p));
            if (!id.ok())
                die("package", id.error());
            if (auto s = store_->setPackageCategory(*id, categoryName(p % kCategories)); !s.ok())
                die("category", s.error());
            // Behaviour varies by category, so norms differ; ~8% of versions touch the network.
            const int networkPercent = 2 + (p % kCategories) * 3 / 5;
            for (int v = 0; v < kVersionsPerPackage; ++v) {
                auto version = store_->findVersion("npm", packageName(p), versionName(v));
                if (!version.ok() || !version->has_value())
                    die("find version", version.ok() ? makeError(ErrorCode::Internal, "missing") : version.error());
                FingerprintRecord f;
                f.analyzerVersion = "bench";
                if (percent(random) < networkPercent)
                    f[Behavior::NetworkCalls] = R"([{"host":"h)" + std::to_string(p) + R"(.example","port":443}])";
                if (percent(random) < 40)
                    f[Behavior::EnvReads] = R"(["HOME","NODE_ENV"])";
                if (percent(random) < 70)
                    f[Behavior::FileReads] = R"(["$PKG/package.json"])";
                if (percent(random) < 5)
                    f[Behavior::ShellCommands] = R"(["node-gyp rebuild"])";
                if (auto id2 = store_->saveFingerprint((*version)->id, f); !id2.ok())
                    die("fingerprint", id2.error());
            }
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        auto stats = store_->stats();
        if (!stats.ok())
            die("stats", stats.error());
        std::fprintf(stderr, "store_bench: built %lld versions, %lld fingerprints, %.1f MiB in %.1f s\n",
                     static_cast<long long>(stats->rowsOf("versions")),
                     static_cast<long long>(stats->rowsOf("behavior_fingerprints")),
                     static_cast<double>(stats->dbBytes + stats->walBytes) / (1024.0 * 1024.0), seconds);
    }

    std::filesystem::path dir_;
    std::optional<Store> store_;
};

/// "What did X@a do vs X@b": the current fingerprints of two versions of one package.
void BM_FingerprintDiffPair(benchmark::State& state) {
    Store& store = BenchStore::get();
    std::mt19937 random(1);
    std::uniform_int_distribution<int> pkg(0, kPackages - 1);
    std::uniform_int_distribution<int> ver(0, kVersionsPerPackage - 2);
    for (auto _ : state) {
        const std::string name = packageName(pkg(random));
        const int v = ver(random);
        auto a = store.fingerprintOf("npm", name, versionName(v));
        auto b = store.fingerprintOf("npm", name, versionName(v + 1));
        if (!a.ok() || !b.ok() || !a->has_value() || !b->has_value()) {
            state.SkipWithError("fingerprint missing");
            break;
        }
        benchmark::DoNotOptimize((*a)->checksum == (*b)->checksum);
    }
}
BENCHMARK(BM_FingerprintDiffPair)->Unit(benchmark::kMicrosecond);

/// "Has any version of X ever made network calls?"
void BM_EverMadeNetworkCalls(benchmark::State& state) {
    Store& store = BenchStore::get();
    std::mt19937 random(2);
    std::uniform_int_distribution<int> pkg(0, kPackages - 1);
    for (auto _ : state) {
        auto yes = store.everMadeNetworkCalls("npm", packageName(pkg(random)));
        if (!yes.ok()) {
            state.SkipWithError(yes.error().describe().c_str());
            break;
        }
        benchmark::DoNotOptimize(*yes);
    }
}
BENCHMARK(BM_EverMadeNetworkCalls)->Unit(benchmark::kMicrosecond);

/// "What is normal for category C?" — 5,000 analysed versions per category.
void BM_CategoryNorm(benchmark::State& state) {
    Store& store = BenchStore::get();
    std::mt19937 random(3);
    std::uniform_int_distribution<int> category(0, kCategories - 1);
    for (auto _ : state) {
        auto norm = store.categoryNorm(categoryName(category(random)));
        if (!norm.ok() || norm->analysedVersions != kPackages / kCategories * kVersionsPerPackage) {
            state.SkipWithError("wrong norm");
            break;
        }
        benchmark::DoNotOptimize(norm->share(Behavior::NetworkCalls));
    }
}
BENCHMARK(BM_CategoryNorm)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
