#include "app/cli/query_command.h"

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/exit_codes.h"
#include "engine/analysis/category.h"
#include "engine/analysis/version_diff.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/store/store.h"

namespace vigil::cli {

namespace {

using nlohmann::json;

int fail(const engine::Error& e) {
    std::fprintf(stderr, "vigil-cli: %s\n", e.primary.c_str());
    if (!e.secondary.empty())
        std::fprintf(stderr, "  %s\n", e.secondary.c_str());
    return exitCodeFor(e);
}

/// The registry metadata the store kept for a version (description and keywords), as the
/// category inference wants it. Absent or malformed metadata leaves only the name to go by.
engine::analysis::PackageMetadata metadataOf(const engine::store::StoredVersion& v) {
    engine::analysis::PackageMetadata m;
    m.name = v.record.packageName;
    const json meta = json::parse(v.record.metadataJson, nullptr, false);
    if (!meta.is_object())
        return m;
    if (auto d = meta.find("description"); d != meta.end() && d->is_string())
        m.description = d->get<std::string>();
    if (auto k = meta.find("keywords"); k != meta.end() && k->is_array())
        for (const auto& word : *k)
            if (word.is_string())
                m.keywords.push_back(word.get<std::string>());
    return m;
}

}  // namespace

int runQueryNorms(const engine::Config& config, const QueryOptions& options) {
    if (!engine::analysis::isKnownCategory(options.subject)) {
        std::string known;
        for (const auto& c : engine::analysis::categoryTaxonomy())
            known += (known.empty() ? "" : ", ") + c.id;
        return fail(engine::makeError(engine::ErrorCode::Usage, "unknown category \"" + options.subject + "\"",
                                      "known categories: " + known));
    }
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    engine::plan::BehaviourQueries queries(*store);
    auto table = queries.normalFor(options.subject);
    if (!table)
        return fail(table.error());
    if (options.json)
        std::cout << engine::analysis::toJson(*table).dump(2) << "\n";
    else
        std::cout << engine::analysis::renderText(*table);
    return kOk;
}

int runQueryNetwork(const engine::Config& config, const QueryOptions& options) {
    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    engine::plan::BehaviourQueries queries(*store);
    auto history = queries.networkHistory(options.subject);
    if (!history)
        return fail(history.error());
    if (options.json)
        std::cout << engine::analysis::toJson(*history).dump(2) << "\n";
    else
        std::cout << engine::analysis::renderText(*history);
    return kOk;
}

int runQueryCategory(const engine::Config& config, const std::map<std::string, std::string>& env,
                     const QueryOptions& options) {
    std::string name = options.subject, version;
    if (const auto at = options.subject.rfind('@'); at != std::string::npos && at != 0) {
        auto ref = engine::plan::parsePackageVersion(options.subject);
        if (!ref)
            return fail(ref.error());
        name = ref->name;
        version = ref->version;
    }

    engine::analysis::CategoryOverrides overrides;
    std::filesystem::path file = options.categoriesFile;
    if (file.empty()) {
        std::error_code ec;
        auto fallback = engine::Config::userConfigFile(env).parent_path() / "categories.yaml";
        if (std::filesystem::exists(fallback, ec))
            file = fallback;
    }
    if (!file.empty()) {
        auto loaded = engine::analysis::CategoryOverrides::load(file);
        if (!loaded)
            return fail(loaded.error());
        overrides = std::move(loaded).value();
    }

    auto store = engine::store::Store::open(config.storePath);
    if (!store)
        return fail(store.error());
    std::optional<engine::store::StoredVersion> stored;
    if (!version.empty()) {
        auto found = store->findVersion("npm", name, version);
        if (!found)
            return fail(found.error());
        stored = std::move(found).value();
    } else {
        auto all = store->versionsOf("npm", name);
        if (!all)
            return fail(all.error());
        if (!all->empty())
            stored = all->back();  // the newest the store knows: its description is the current one
    }
    if (!stored)
        return fail(engine::makeError(engine::ErrorCode::NotFound,
                                      options.subject + " is not in the store " + config.storePath.string(),
                                      "resolve it first: `vigil-cli fetch " +
                                          (version.empty() ? name + "@latest" : options.subject) +
                                          "` (or scan it) using the same --store"));
    const auto metadata = metadataOf(*stored);
    const auto guess = engine::analysis::inferCategory(metadata, &overrides);
    auto recorded = store->categoryOf("npm", name);
    if (!recorded)
        return fail(recorded.error());
    const std::string recordedCategory = recorded->value_or("");
    const bool hasMetadata = !metadata.description.empty() || !metadata.keywords.empty();

    if (options.json) {
        json j = engine::analysis::toJson(guess);
        j["package"] = name;
        j["version"] = stored->record.version;
        j["recorded_category"] = recordedCategory;
        j["has_metadata"] = hasMetadata;
        std::cout << j.dump(2) << "\n";
        return kOk;
    }
    using engine::analysis::terminalSafe;
    const std::string subject = terminalSafe(name + "@" + stored->record.version);
    if (guess.category.empty()) {
        std::cout << subject << ": unknown category (no signal)\n";
    } else {
        char confidence[16];
        std::snprintf(confidence, sizeof confidence, "%.2f", guess.confidence);
        std::cout << subject << ": " << guess.category << " (confidence " << confidence << ")\n";
        std::cout << "  decided by: " << terminalSafe(guess.signal) << "\n";
        for (std::size_t i = 1; i < guess.signals.size(); ++i)
            std::cout << "  also:       " << terminalSafe(guess.signals[i]) << "\n";
        if (guess.confidence < 0.5)
            std::cout << "  unsure: check the guess or override it in categories.yaml (rules/CATEGORIES.md)\n";
    }
    if (!hasMetadata)
        std::cout << "  note: no registry description or keywords stored; inferred from the name alone\n";
    if (!recordedCategory.empty() && recordedCategory != guess.category)
        std::cout << "  recorded in the store: " << recordedCategory << "\n";
    return kOk;
}

}  // namespace vigil::cli
