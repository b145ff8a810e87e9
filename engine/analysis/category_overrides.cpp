// User category overrides: a YAML/JSON map "name or glob" -> category, read with yaml-cpp.
#include <fnmatch.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/analysis/category.h"

namespace vigil::engine::analysis {

namespace {

bool isGlob(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

std::string where(const std::string& origin, const YAML::Node& node) {
    return fmt::format("{}:{}", origin, node.Mark().line + 1);
}

}  // namespace

Result<CategoryOverrides> CategoryOverrides::load(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::Io, fmt::format("cannot read category overrides {}", file.string()));
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), file.string());
}

Result<CategoryOverrides> CategoryOverrides::parse(std::string_view text, const std::string& origin) {
    YAML::Node doc;
    try {
        doc = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& ex) {
        return makeError(ErrorCode::Input, fmt::format("{}:{}: {}", origin, ex.mark.line + 1, ex.msg),
                         "category overrides are a YAML or JSON map: \"name or glob\": category");
    }
    CategoryOverrides out;
    if (!doc.IsDefined() || doc.IsNull())
        return out;  // an empty file overrides nothing
    if (!doc.IsMap())
        return makeError(ErrorCode::Input, fmt::format("{}: category overrides must be a map", where(origin, doc)),
                         "e.g.  \"@acme/*\": utility");
    for (const auto& item : doc) {
        const YAML::Node& key = item.first;
        const YAML::Node& value = item.second;
        if (!key.IsScalar() || key.Scalar().empty())
            return makeError(ErrorCode::Input, fmt::format("{}: a package name or glob is expected", where(origin, key)));
        if (!value.IsScalar())
            return makeError(ErrorCode::Input,
                             fmt::format("{}: the category of \"{}\" must be a single name", where(origin, value),
                                         key.Scalar()));
        const std::string& category = value.Scalar();
        // A typo ("stirng") would silently put the package in a category of one, whose norms are
        // never available; refuse it instead.
        if (!isKnownCategory(category)) {
            std::string known;
            for (const CategoryInfo& c : categoryTaxonomy())
                known += (known.empty() ? "" : ", ") + c.id;
            return makeError(ErrorCode::Input,
                             fmt::format("{}: unknown category \"{}\" for \"{}\"", where(origin, value), category,
                                         key.Scalar()),
                             "known categories: " + known);
        }
        Entry e;
        e.pattern = key.Scalar();
        e.glob = isGlob(e.pattern);
        e.guess.category = category;
        e.guess.confidence = 1.0;
        e.guess.signal = fmt::format("override {} \"{}\"", where(origin, key), e.pattern);
        e.guess.votes = {e.guess.signal};
        out.entries_.push_back(std::move(e));
    }
    return out;
}

void CategoryOverrides::merge(const CategoryOverrides& later) {
    // find() takes the first match, so the later map's entries go in front of ours.
    std::vector<Entry> merged = later.entries_;
    merged.insert(merged.end(), entries_.begin(), entries_.end());
    entries_ = std::move(merged);
}

const CategoryGuess* CategoryOverrides::find(std::string_view name) const {
    const std::string n(name);
    for (const Entry& e : entries_)
        if (!e.glob && e.pattern == n)
            return &e.guess;
    for (const Entry& e : entries_)
        if (e.glob && fnmatch(e.pattern.c_str(), n.c_str(), 0) == 0)
            return &e.guess;
    return nullptr;
}

}  // namespace vigil::engine::analysis
