// Cold analysis throughput (issue: scan, "Benchmark"): package versions analysed per minute through
// the real SandboxAnalyzer (all three phases in the sandbox, fingerprint, rules), against the same
// packages loaded by a bare, unsandboxed `node` twice (the import and api phases' floor). Needs root.
//   analyze_throughput [PACKAGES] [RUNS] [JOBS]   (defaults 12, 3, 2)
// Each run analyses PACKAGES fresh package versions (new names, so no cache can help) on JOBS
// threads; the runtime baseline is learnt once before the timed runs, as a scan does per process.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "engine/plan/default_analyzers.h"

namespace fs = std::filesystem;
namespace plan = vigil::engine::plan;
using Clock = std::chrono::steady_clock;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::trunc) << text;
}

/// Four shapes seen most in real trees: a CommonJS utility, an ESM-only module with subpath
/// exports, a CLI with a bin, and one with a postinstall script (the only shape that pays for
/// an install sandbox: npm runs nothing for the others).
fs::path makePackage(const fs::path& root, const std::string& name, int shape) {
    const fs::path dir = root / name;
    nlohmann::json m = {{"name", name}, {"version", "1.0.0"}};
    switch (shape % 4) {
    case 0:
        m["main"] = "index.js";
        write(dir / "index.js",
              "'use strict';\nconst path = require('path');\n"
              "exports.join = (...p) => path.join(...p.map(String));\n"
              "exports.camel = (s) => String(s).replace(/-([a-z])/g, (_, c) => c.toUpperCase());\n"
              "exports.Cache = class Cache { constructor() { this.m = new Map(); } get(k) { return this.m.get(k); }"
              " set(k, v) { this.m.set(k, v); return this; } };\n");
        break;
    case 1:
        m["type"] = "module";
        m["exports"] = {{".", "./index.js"}, {"./util", "./util.js"}};
        write(dir / "index.js", "export function parse(s) { return JSON.parse(String(s)); }\nexport const version = '1.0.0';\n");
        write(dir / "util.js", "export const clamp = (x, a = 0, b = 1) => Math.min(b, Math.max(a, Number(x)));\n");
        break;
    case 2:
        m["main"] = "lib.js";
        m["bin"] = {{name, "cli.js"}};
        write(dir / "lib.js", "module.exports = function greet(n) { return 'hello ' + n; };\n");
        write(dir / "cli.js", "#!/usr/bin/env node\nif (process.argv.includes('--help')) console.log('usage: cli [name]');\n");
        break;
    default:
        m["main"] = "index.js";
        m["scripts"] = {{"postinstall", "node build.js"}};
        write(dir / "build.js", "require('fs').writeFileSync(require('path').join(__dirname, 'built.json'), '{}');\n");
        write(dir / "index.js", "module.exports = { ready: () => true };\n");
        break;
    }
    write(dir / "package.json", m.dump(2));
    return dir;
}

/// `node -e "<load dir>"` unsandboxed; false unless it exits 0.
bool bareNode(const fs::path& dir, bool esm) {
    const std::string code = esm ? fmt::format("import('{}/index.js')", dir.string())
                                 : fmt::format("require('{}')", dir.string());
    const char* argv[] = {"node", "-e", code.c_str(), nullptr};
    const char* envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", nullptr};
    pid_t pid = 0;
    if (posix_spawnp(&pid, "node", nullptr, nullptr, const_cast<char* const*>(argv), const_cast<char* const*>(envp)) != 0)
        return false;
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const int packages = argc > 1 ? std::max(1, std::atoi(argv[1])) : 12;
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    const int jobs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
    if (geteuid() != 0) {
        std::fprintf(stderr, "analyze_throughput needs root (the sandbox helper)\n");
        return 2;
    }
    char tmpl[] = "/tmp/vigil-analyze-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr)
        return 1;
    const fs::path root = tmpl;

    vigil::engine::Config config;
    config.cacheDir = root / "cache";
    config.storePath = root / "store.db";
    fs::create_directories(config.cacheDir);
    auto analyzers = plan::makeSandboxAnalyzersWithRules(config, {fs::path(VIGIL_RULES_DIR)});
    if (!analyzers) {
        std::fprintf(stderr, "%s\n", analyzers.error().describe().c_str());
        return 1;
    }
    plan::SandboxAnalyzer& analyzer = *analyzers->analyzer;
    const auto b0 = Clock::now();
    if (auto base = analyzer.baseline({}); !base)
        std::fprintf(stderr, "warning: no baseline: %s\n", base.error().describe().c_str());
    std::printf("runtime baseline (once per process)     %7.0f ms\n",
                std::chrono::duration<double, std::milli>(Clock::now() - b0).count());

    std::vector<double> analysedPerMin, barePerMin;
    int failures = 0;
    for (int r = 0; r < runs; ++r) {
        std::vector<plan::AnalysisTarget> targets;
        for (int i = 0; i < packages; ++i) {
            plan::AnalysisTarget t;
            t.name = fmt::format("bench-r{}-p{}", r, i);
            t.version = "1.0.0";
            t.directory = makePackage(root / "trees", t.name, i);
            targets.push_back(std::move(t));
        }
        std::atomic<int> next{0};
        std::atomic<int> failed{0};
        const auto t0 = Clock::now();
        {
            std::vector<std::jthread> workers;
            for (int j = 0; j < jobs; ++j)
                workers.emplace_back([&] {
                    for (int i = next++; i < packages; i = next++) {
                        auto a = analyzer.analyse(targets[static_cast<size_t>(i)], plan::allPhases(), {}, {});
                        if (!a) {
                            ++failed;
                            std::fprintf(stderr, "%s: %s\n", targets[static_cast<size_t>(i)].key().c_str(),
                                         a.error().describe().c_str());
                        }
                    }
                });
        }
        const double analysedS = std::chrono::duration<double>(Clock::now() - t0).count();
        failures += failed;

        const auto n0 = Clock::now();
        for (int i = 0; i < packages; ++i)
            for (int phase = 0; phase < 2; ++phase)  // import and api each start node once
                bareNode(targets[static_cast<size_t>(i)].directory, i % 4 == 1);
        const double bareS = std::chrono::duration<double>(Clock::now() - n0).count();
        analysedPerMin.push_back(packages * 60.0 / analysedS);
        barePerMin.push_back(packages * 60.0 / bareS);
        std::printf("run %d: %d packages analysed in %.1f s on %d jobs (%.1f/min); bare node x2 serial %.1f s (%.1f/min)\n",
                    r + 1, packages, analysedS, jobs, analysedPerMin.back(), bareS, barePerMin.back());
    }
    const double a = median(analysedPerMin);
    const double b = median(barePerMin);
    std::printf("analysed, 3 phases, %d jobs (median)     %7.1f packages/min\n", jobs, a);
    std::printf("bare node x2, serial (median)           %7.1f packages/min\n", b);
    std::printf("analysed / bare ratio                   %7.2fx\n", a / b);
    if (failures > 0)
        std::printf("%d analyses failed\n", failures);
    std::error_code ec;
    fs::remove_all(root, ec);
    return failures > 0 ? 1 : 0;
}
