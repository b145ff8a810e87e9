// Category norms on a store of 1,200 analysed packages (the samples a warm rescan's first
// re-judged package asks for): from the behaviours each fingerprint keeps in the store, against
// parsing every stored document as the norms did before (the same samples, the same result).
//   norms_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/analysis/category_norms.h"
#include "engine/plan/analysis_document.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/plan/scan_aggregation.h"
#include "engine/store/store.h"

using namespace vigil::engine;

namespace {

constexpr int kPackages = 1200;
constexpr int kCategories = 12;
constexpr int kFileReads = 60;  // a stored document of a few kB, like a real package's

[[noreturn]] void die(const char* what, const Error& error) {
    std::fprintf(stderr, "norms_bench: %s: %s\n", what, error.describe().c_str());
    std::exit(1);
}

const char* categoryOf(int p) {
    static const char* const k[kCategories] = {"string", "date", "color", "http-client", "cli",    "logging",
                                               "test",   "build", "parser", "crypto",     "config", "database"};
    return k[p % kCategories];
}

/// One package's analysis document: file reads, and every few packages a host and an env read.
nlohmann::json documentOf(int p) {
    plan::AnalysisDocument d;
    analysis::Fingerprint& fp = d.fingerprint;
    fp.package = "bench-pkg-" + std::to_string(p);
    fp.version = "1.0.0";
    fp.phases["import"] = {};
    for (int i = 0; i < kFileReads; ++i)
        fp.sections[analysis::Section::FileReads]["/node_modules/" + fp.package + "/lib/file" + std::to_string(i) +
                                                  ".js"] = {{"import", {static_cast<uint64_t>(i)}}};
    if (p % 3 == 0)
        fp.sections[analysis::Section::NetDns]["registry.example"] = {{"import", {100}}};
    if (p % 5 == 0)
        fp.sections[analysis::Section::EnvReads]["HOME"] = {{"import", {101}}};
    fp.checksum = analysis::computeChecksum(fp);
    return plan::toJson(d);
}

class BenchStore {
public:
    static store::Store& get() {
        static BenchStore instance;
        return *instance.store_;
    }

private:
    BenchStore() {
        char pattern[] = "/tmp/vigil-norms-bench-XXXXXX";
        if (mkdtemp(pattern) == nullptr)
            std::exit(1);
        dir_ = pattern;
        auto opened = store::Store::open(dir_ / "vigil.db");
        if (!opened)
            die("open", opened.error());
        store_.emplace(std::move(opened).value());
        for (int p = 0; p < kPackages; ++p) {
            store::VersionRecord v;
            v.packageName = "bench-pkg-" + std::to_string(p);
            v.version = "1.0.0";
            auto id = store_->upsertVersion(v);
            if (!id)
                die("version", id.error());
            store::AnalysisRecord record;
            record.version = *id;
            record.category = categoryOf(p);
            record.fingerprint = plan::fingerprintRecordOf(documentOf(p), "bench-analyzer");
            if (auto ok = store_->recordAnalysis(record); !ok.ok())
                die("analysis", ok.error());
        }
    }
    ~BenchStore() {
        store_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::filesystem::path dir_;
    std::optional<store::Store> store_;
};

/// The norms as computed before the store kept behaviours: every sample's document parsed.
void BM_NormsParsingEveryDocument(benchmark::State& state) {
    store::Store& store = BenchStore::get();
    for (auto _ : state) {
        auto latest = store.latestAnalysedPackages("npm");
        if (!latest)
            die("latest", latest.error());
        std::vector<analysis::NormSample> samples;
        for (const auto& p : *latest) {
            auto fp = analysis::fingerprintFromJson(nlohmann::json::parse(p.documentJson, nullptr, false));
            if (!fp)
                die("parse", fp.error());
            samples.push_back({p.category, std::move(fp).value()});
        }
        analysis::CategoryNorms norms(samples);
        benchmark::DoNotOptimize(norms);
    }
}
BENCHMARK(BM_NormsParsingEveryDocument)->Unit(benchmark::kMillisecond);

/// BehaviourQueries::norms(): after its first call, the kept behaviours only.
void BM_NormsFromKeptBehaviours(benchmark::State& state) {
    store::Store& store = BenchStore::get();
    plan::BehaviourQueries queries(store);
    if (auto first = queries.norms(); !first)
        die("norms", first.error());
    for (auto _ : state) {
        auto norms = queries.norms();
        if (!norms)
            die("norms", norms.error());
        benchmark::DoNotOptimize(norms);
    }
}
BENCHMARK(BM_NormsFromKeptBehaviours)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
