#include "app/cli/diff_command.h"

#include <cstdio>
#include <iostream>

#include "app/cli/exit_codes.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/store/store.h"

namespace vigil::cli {

namespace {

int fail(const engine::Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
}

}  // namespace

int runDiff(const engine::Config& config, const DiffOptions& options) {
    // Usage errors before the store is touched: a typo must not create an empty store.
    auto from = engine::plan::parsePackageVersion(options.from);
    if (!from)
        return fail(from.error());
    auto to = engine::plan::parsePackageVersion(options.to);
    if (!to)
        return fail(to.error());
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    engine::plan::BehaviourQueries queries(*store);
    auto diff = queries.whatChanged(*from, *to);
    if (!diff)
        return fail(diff.error());
    if (options.json)
        std::cout << engine::analysis::toJson(*diff).dump(2) << "\n";
    else
        std::cout << engine::analysis::renderText(*diff);
    return kOk;
}

}  // namespace vigil::cli
