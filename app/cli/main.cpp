// vigil-cli: the headless front end. Each subcommand parses its flags, calls the engine and maps
// the engine's Error to an exit code (app/cli/exit_codes.h).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>

#include "app/cli/analyze_command.h"
#include "app/cli/diff_command.h"
#include "app/cli/query_command.h"
#include "app/cli/exit_codes.h"
#include "app/cli/rules_command.h"
#include "app/cli/report_command.h"
#include "app/cli/sandbox_command.h"
#include "app/cli/scan_command.h"
#include "engine/core/config.h"
#include "engine/core/log.h"
#include "engine/plan/project_resolver.h"
#include "engine/report/resolution_report.h"
#include "engine/store/store.h"
#include "vigil_version.h"

namespace {

using namespace vigil;
using engine::Error;

int fail(const Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return cli::exitCodeFor(e);
}

/// Flags every command takes, applied over defaults and the user's config file.
struct CommonOptions {
    std::string configFile;
    std::string store;
    std::string cacheDir;
    std::string registry;
    std::string logLevel;
    bool offline = false;
    bool preferOnline = false;
    int jobs = -1;
};

void addCommonOptions(CLI::App& app, CommonOptions& o) {
    app.add_option("--config", o.configFile, "Config file (default: $XDG_CONFIG_HOME/vigil/config.yaml)");
    app.add_option("--store", o.store, "SQLite store (default: $XDG_DATA_HOME/vigil/vigil.db)");
    app.add_option("--cache", o.cacheDir, "Tarball and packument cache folder");
    app.add_option("--registry", o.registry, "Registry URL, overriding .npmrc");
    app.add_option("--log-level", o.logLevel, "trace, debug, info, warn, error or off");
    app.add_flag("--offline", o.offline, "Never use the network; serve everything from the cache");
    app.add_flag("--prefer-online", o.preferOnline,
                 "Revalidate cached registry metadata even when the registry said it is still fresh");
    app.add_option("--jobs,-j", o.jobs, "Parallel jobs (default: one per core)")->check(CLI::Range(0, 256));
}

engine::Result<engine::Config> buildConfig(const CommonOptions& o, const std::map<std::string, std::string>& env) {
    auto config = engine::Config::defaults(env);
    std::filesystem::path file = o.configFile.empty() ? engine::Config::userConfigFile(env) : std::filesystem::path(o.configFile);
    std::error_code ec;
    if (!o.configFile.empty() || std::filesystem::exists(file, ec)) {
        auto applied = config.applyFile(file);
        if (!applied.ok())
            return std::move(applied).error();
    }
    if (!o.store.empty()) config.storePath = o.store;
    if (!o.cacheDir.empty()) config.cacheDir = o.cacheDir;
    if (!o.registry.empty()) config.registry = o.registry;
    if (!o.logLevel.empty()) config.logLevel = o.logLevel;
    if (o.offline) config.offline = true;
    if (o.preferOnline) config.preferOnline = true;
    if (o.jobs >= 0) config.jobs = static_cast<std::size_t>(o.jobs);
    return config;
}

/// A one-line progress display on a terminal; silent otherwise (CI logs stay clean).
class ProgressLine {
public:
    ProgressLine() : tty_(::isatty(STDERR_FILENO) && !std::getenv("CI")) {}
    ~ProgressLine() { clear(); }
    void update(const std::string& phase, std::size_t done, std::size_t total, const std::string& item) {
        if (!tty_)
            return;
        std::string line = phase + " " + std::to_string(done) + "/" + std::to_string(total) + " " + item;
        if (line.size() > 78)
            line.resize(78);
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
        std::fflush(stderr);
        shown_ = true;
    }
    void clear() {
        if (shown_)
            std::fprintf(stderr, "\r\033[K");
        shown_ = false;
    }

private:
    bool tty_;
    bool shown_ = false;
};

int runResolve(const CommonOptions& common, const std::string& target, bool json, bool fetch, bool metadata,
               bool production, bool printTree) {
    const auto env = engine::processEnvironment();
    auto config = buildConfig(common, env);
    if (!config)
        return fail(config.error());
    engine::initLogging(config->logLevel);

    auto classified = engine::plan::classifyTarget(target);
    if (!classified)
        return fail(classified.error());
    auto store = engine::store::Store::open(config->storePath);
    if (!store)
        return fail(store.error());

    engine::plan::ResolveRequest request;
    request.target = *classified;
    request.fetch = fetch;
    request.metadata = metadata && fetch;
    request.includeDev = !production;
    engine::plan::ProjectResolver resolver(*config, &store.value(), env);
    ProgressLine progress;
    auto resolution = resolver.run(request, [&](const std::string& phase, std::size_t done, std::size_t total,
                                                const std::string& item) { progress.update(phase, done, total, item); });
    progress.clear();
    if (!resolution)
        return fail(resolution.error());
    if (json) {
        std::cout << engine::report::resolutionJson(*resolution, target);
    } else if (printTree) {
        std::cout << engine::report::resolutionText(*resolution, target);
    } else {
        const auto& f = resolution->fetch;
        std::cout << resolution->graph.packageCount() << " packages resolved";
        if (f)
            std::cout << "; " << f->packages.size() << " verified and extracted (" << f->downloaded << " downloaded, "
                      << f->cached << " from cache)";
        std::cout << "\ncache: " << config->cacheDir.string() << "\n";
        for (const auto& w : resolution->warnings)
            std::cout << "warning: " << w << "\n";
    }
    return cli::kOk;
}

int runDbInfo(const CommonOptions& common, bool json) {
    const auto env = engine::processEnvironment();
    auto config = buildConfig(common, env);
    if (!config)
        return fail(config.error());
    engine::initLogging(config->logLevel);
    auto store = engine::store::Store::open(config->storePath);
    if (!store)
        return fail(store.error());
    auto stats = store->stats();
    if (!stats)
        return fail(stats.error());
    if (json) {
        nlohmann::json j;
        j["path"] = config->storePath.string();
        j["schema_version"] = stats->schemaVersion;
        j["db_bytes"] = stats->dbBytes;
        j["wal_bytes"] = stats->walBytes;
        nlohmann::json tables = nlohmann::json::object();
        for (const auto& t : stats->tables)
            tables[t.table] = t.rows;
        j["tables"] = std::move(tables);
        std::cout << j.dump(2) << "\n";
        return cli::kOk;
    }
    std::cout << "store:          " << config->storePath.string() << "\n"
              << "schema version: " << stats->schemaVersion << "\n"
              << "size:           " << stats->dbBytes << " bytes (+ " << stats->walBytes << " in the WAL)\n";
    for (const auto& t : stats->tables)
        std::cout << "  " << t.table << ": " << t.rows << "\n";
    return cli::kOk;
}

}  // namespace

int main(int argc, char** argv) {
    // `sandbox exec` takes a command line after `--` that CLI11 must not interpret: hand it over whole.
    if (argc >= 2 && std::string(argv[1]) == "sandbox")
        return cli::runSandboxExec(std::vector<std::string>(argv + 2, argv + argc));

    CLI::App app{"VIGIL — what do your dependencies actually do?", "vigil-cli"};
    app.set_version_flag("--version", std::string("vigil-cli ") + VIGIL_VERSION);
    app.require_subcommand(1);
    CommonOptions common;

    std::string target;
    bool json = false, noFetch = false, noMetadata = false, production = false;
    auto* resolve = app.add_subcommand("resolve", "Resolve, fetch and verify a project's dependency tree and print it");
    resolve->add_option("target", target, "Project folder, package.json/lockfile, .tgz, or name@version")->required();
    resolve->add_flag("--json", json, "Print the vigil.resolve/1 JSON instead of the tree");
    resolve->add_flag("--no-fetch", noFetch, "Only resolve: no download, verification or extraction");
    resolve->add_flag("--no-metadata", noMetadata, "Skip registry metadata and file diffs of new versions");
    resolve->add_flag("--production", production, "Leave out the project's devDependencies");
    addCommonOptions(*resolve, common);

    auto* fetch = app.add_subcommand("fetch", "Fill the cache: resolve, download, verify and extract without printing the tree");
    fetch->add_option("target", target, "Project folder, package.json/lockfile, .tgz, or name@version")->required();
    fetch->add_flag("--production", production, "Leave out the project's devDependencies");
    addCommonOptions(*fetch, common);

    cli::AnalyzeOptions analyzeOptions;
    auto* analyze = app.add_subcommand("analyze", "Run a package's install, import and api phases in the sandbox and show what it did");
    analyze->add_option("target", analyzeOptions.target, "Package folder, .tgz, or name@version")->required();
    analyze->add_flag("--json", analyzeOptions.json, "Print the phase summaries and their events as JSON");
    analyze->add_option("--phases", analyzeOptions.phases, "Phases to run, comma-separated (default: install,import,api)");
    analyze->add_flag("--keep-project", analyzeOptions.keepProject, "Keep the staged consumer project under the cache");
    addCommonOptions(*analyze, common);
    cli::ScanCommandOptions scanOptions;
    auto addOutputOptions = [](CLI::App& cmd, cli::ReportOutputOptions& o) {
        cmd.add_option("--format,-f", o.format, "text, json, sarif, html or pdf (default: text)")
            ->check(CLI::IsMember({"text", "json", "sarif", "html", "pdf"}));
        cmd.add_option("--page-size", o.pageSize, "PDF paper: a4 or letter (default: a4)")
            ->check(CLI::IsMember({"a4", "letter"}));
        cmd.add_option("--out,-o", o.out, "Write the report in --format to FILE (a summary still goes to the terminal)");
        cmd.add_option("--fail-on", o.failOn, "Exit 1 when a finding at or above this severity exists")
            ->check(CLI::IsMember({"critical", "high", "medium", "low", "info"}));
        cmd.add_option("--color", o.colour, "auto, always or never (auto: on a terminal without NO_COLOR)")
            ->check(CLI::IsMember({"auto", "always", "never"}));
    };
    auto* scan = app.add_subcommand("scan", "Analyse every dependency of a project in the sandbox and report verdicts");
    scan->add_option("target", scanOptions.target, "Project folder, package.json/lockfile, .tgz, or name@version")
        ->required();
    scan->add_option("--phases", scanOptions.phases, "Phases to run: install,import,api (default: all three)");
    scan->add_option("--rules", scanOptions.ruleDirs,
                     "Folder of extra rule files, loaded after the shipped rules (repeatable; later ones override)");
    scan->add_option("--disable-rule", scanOptions.disabledRules,
                     "Switch a rule off for this scan's verdicts (repeatable; rule ids as in `vigil-cli rules check --list`)");
    scan->add_flag("--production", scanOptions.production, "Leave out the project's devDependencies");
    addOutputOptions(*scan, scanOptions.output);
    addCommonOptions(*scan, common);

    std::string reportScan;
    cli::ReportOutputOptions reportOptions;
    auto* report = app.add_subcommand("report", "Render a stored scan (by id) or a vigil.scan/1 JSON file");
    report->add_option("scan", reportScan, "The scan's id (in the scan's header) or a file written by scan --format json")
        ->required();
    report->add_option("--package,-p", reportOptions.package,
                       "Only this name@version of the scan (a one-package report, with its changes since the previous version)");
    addOutputOptions(*report, reportOptions);
    addCommonOptions(*report, common);

    app.add_subcommand("sandbox", "Run a command in a sandbox: sandbox exec [--phase NAME] [--pkg DIR] [--json] -- CMD...");


    cli::DiffOptions diffOptions;
    cli::QueryOptions queryOptions;
    auto* diff = app.add_subcommand("diff", "What one analysed version does that another did not (from the store)");
    auto* query = app.add_subcommand("query", "Ask the store: what changed, what is normal, did it ever network");
    query->require_subcommand(1);
    auto* whatChanged = query->add_subcommand("what-changed", "Same as diff: what did X@a do vs X@b");
    for (auto* cmd : {diff, whatChanged}) {
        cmd->add_option("from", diffOptions.from, "name@version (usually the older)")->required();
        cmd->add_option("to", diffOptions.to, "name@version (usually the newer)")->required();
        cmd->add_flag("--json", diffOptions.json, "Print the vigil.diff/1 JSON (same as --format json)");
        cmd->add_option("--format,-f", diffOptions.format,
                        "text, json (vigil.diff/1), html or pdf (the newer version's report with the diff; default: text)")
            ->check(CLI::IsMember({"text", "json", "html", "pdf"}));
        cmd->add_option("--out,-o", diffOptions.out, "Write the diff in --format to FILE (pdf needs it)");
        cmd->add_option("--page-size", diffOptions.pageSize, "PDF paper: a4 or letter (default: a4)")
            ->check(CLI::IsMember({"a4", "letter"}));
        cmd->add_option("--file", diffOptions.file,
                        "A file of the package (as the file list names it, e.g. lib/index.js): print its content diff "
                        "between the two versions' tarballs (text: unified diff; json: vigil.file-diff/1)");
        addCommonOptions(*cmd, common);
    }
    auto* queryNorms = query->add_subcommand("norms", "What is normal for a category: share of packages per behaviour");
    queryNorms->add_option("category", queryOptions.subject, "A category id (string, http-client, ...)")->required();
    auto* queryNetwork = query->add_subcommand("network", "Has any analysed version of a package made network calls");
    queryNetwork->add_option("package", queryOptions.subject, "Package name")->required();
    auto* queryCategory = query->add_subcommand("category", "The category inferred for a package, and why");
    queryCategory->add_option("package", queryOptions.subject, "name or name@version")->required();
    queryCategory->add_option("--categories", queryOptions.categoriesFile,
                              "Category overrides (default: $XDG_CONFIG_HOME/vigil/categories.yaml)");
    for (auto* cmd : {queryNorms, queryNetwork, queryCategory}) {
        cmd->add_flag("--json", queryOptions.json, "Print JSON");
        addCommonOptions(*cmd, common);
    }

    auto* db = app.add_subcommand("db", "Inspect the store");
    db->require_subcommand(1);
    auto* dbInfo = db->add_subcommand("info", "Show the store's location, schema version and row counts");
    dbInfo->add_flag("--json", json, "Print JSON");
    addCommonOptions(*dbInfo, common);

    auto* rules = app.add_subcommand("rules", "Work with rule files");
    rules->require_subcommand(1);
    std::vector<std::string> ruleDirs;
    std::string schemaFile;
    bool listRules = false;
    auto* rulesCheck = rules->add_subcommand(
        "check", "Compile rule directories (later ones append to / override earlier ones); exit 1 on any error");
    rulesCheck->add_option("dirs", ruleDirs, "Rule directories or files, in load order")->required();
    rulesCheck->add_option("--schema", schemaFile, "JSON object of facts field -> type (default: the analysis's fields)");
    rulesCheck->add_flag("--list", listRules, "Also print each rule: severity, id, where it is defined");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? cli::kOk : cli::kUsage;
    }
    std::signal(SIGPIPE, SIG_IGN);

    if (*resolve)
        return runResolve(common, target, json, !noFetch, !noMetadata, production, true);
    if (*fetch)
        return runResolve(common, target, false, true, false, production, false);
    if (*dbInfo)
        return runDbInfo(common, json);
    if (*rulesCheck)
        return cli::runRulesCheck(ruleDirs, schemaFile, listRules);
    if (*analyze) {
        auto config = buildConfig(common, engine::processEnvironment());
        if (!config)
            return fail(config.error());
        engine::initLogging(config->logLevel);
        return cli::runAnalyze(*config, analyzeOptions);
    }
    if (*diff || *query) {
        const auto env = engine::processEnvironment();
        auto config = buildConfig(common, env);
        if (!config)
            return fail(config.error());
        engine::initLogging(config->logLevel);
        if (*diff || *whatChanged)
            return cli::runDiff(*config, diffOptions);
        if (*queryNorms)
            return cli::runQueryNorms(*config, queryOptions);
        if (*queryNetwork)
            return cli::runQueryNetwork(*config, queryOptions);
        return cli::runQueryCategory(*config, queryOptions);
    }
    if (*scan || *report) {
        const auto env = engine::processEnvironment();
        auto config = buildConfig(common, env);
        if (!config)
            return fail(config.error());
        engine::initLogging(config->logLevel);
        if (*scan)
            return cli::runScan(*config, env, scanOptions);
        return cli::runReport(*config, reportScan, reportOptions);
    }
    return cli::kUsage;
}
