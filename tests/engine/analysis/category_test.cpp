#include "engine/analysis/category.h"

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "engine/analysis/facts.h"
#include "tests/engine/analysis/category_corpus.h"

namespace vigil::engine::analysis {
namespace {

using test::blindSet;
using test::heldOutSet;
using test::Labelled;
using test::tuningSet;

/// Share of a set classified as labelled; prints every miss so a regression is easy to read.
double accuracy(const std::vector<Labelled>& set, const char* name) {
    size_t right = 0;
    for (const Labelled& l : set) {
        const CategoryGuess g = inferCategory(l.meta);
        if (g.category == l.expected)
            ++right;
        else
            std::cout << "  [" << name << "] " << l.meta.name << ": expected " << l.expected << ", got "
                      << (g.category.empty() ? "(unknown)" : g.category) << " via " << g.signal << " ("
                      << g.confidence << ")\n";
    }
    const double share = static_cast<double>(right) / static_cast<double>(set.size());
    std::cout << "category accuracy [" << name << "]: " << right << "/" << set.size() << " = " << share * 100
              << "%\n";
    return share;
}

TEST(CategoryInference, AccuracyOnWellKnownPackages) {
    EXPECT_GE(tuningSet().size(), 40u);
    const double tuned = accuracy(tuningSet(), "tuning");
    const double held = accuracy(heldOutSet(), "held-out");
    const double blind = accuracy(blindSet(), "blind");
    std::vector<Labelled> all = tuningSet();
    all.insert(all.end(), heldOutSet().begin(), heldOutSet().end());
    all.insert(all.end(), blindSet().begin(), blindSet().end());
    const double overall = accuracy(all, "all");
    RecordProperty("accuracy_tuning", std::to_string(tuned));
    RecordProperty("accuracy_held_out", std::to_string(held));
    RecordProperty("accuracy_blind", std::to_string(blind));
    EXPECT_GE(tuned, 0.85);
    EXPECT_GE(held, 0.80);
    EXPECT_GE(blind, 0.75);
    EXPECT_GE(overall, 0.85);
}

TEST(CategoryInference, EveryLabelIsInTheTaxonomy) {
    for (const auto* set : {&tuningSet(), &heldOutSet(), &blindSet()})
        for (const Labelled& l : *set)
            EXPECT_TRUE(isKnownCategory(l.expected)) << l.meta.name << ": " << l.expected;
}

TEST(CategoryInference, SaysWhichSignalDecidedAndHowSure) {
    const CategoryGuess types = inferCategory({"@types/express", {}, "TypeScript definitions for express"});
    EXPECT_EQ(types.category, "types");
    EXPECT_EQ(types.signal, "name \"@types/*\"");
    EXPECT_GE(types.confidence, 0.9);

    const CategoryGuess axios = inferCategory(tuningSet()[3].meta);
    EXPECT_EQ(axios.category, "http-client");
    EXPECT_EQ(axios.signal, "description \"http client\"");

    // A bare name with nothing else: unknown, not a guess.
    const CategoryGuess none = inferCategory({"qwzx", {}, ""});
    EXPECT_EQ(none.category, "");
    EXPECT_EQ(none.confidence, 0);

    // One weak hint, or signals split between two categories, are unsure; a clear description
    // with agreeing keywords is sure.
    const CategoryGuess weak = inferCategory({"thing", {"console"}, ""});
    EXPECT_EQ(weak.category, "color-terminal");
    EXPECT_LE(weak.confidence, 0.4);
    const CategoryGuess split = inferCategory({"thing", {"logger", "terminal"}, ""});
    EXPECT_LE(split.confidence, 0.5);
    EXPECT_GE(axios.confidence, 0.7);
    EXPECT_EQ(toJson(axios)["signals"][0], "description \"http client\"");
}

TEST(CategoryOverrides, OverrideBeatsInferenceExactBeforeGlobLaterFileWins) {
    auto shipped = CategoryOverrides::parse("\"@acme/*\": utility\nleft-pad: utility\n", "shipped.yaml");
    ASSERT_TRUE(shipped.ok()) << shipped.error().describe();
    auto user = CategoryOverrides::parse("# mine\n\"@acme/*\": cli\n\"@acme/db\": database\n", "user.yaml");
    ASSERT_TRUE(user.ok()) << user.error().describe();
    CategoryOverrides o = *shipped;
    o.merge(*user);

    const CategoryGuess db = inferCategory({"@acme/db", {"cli"}, "A command line tool"}, &o);
    EXPECT_EQ(db.category, "database");
    EXPECT_EQ(db.confidence, 1.0);
    EXPECT_EQ(db.signal, "override user.yaml:3 \"@acme/db\"");
    EXPECT_EQ(inferCategory({"@acme/tool", {}, ""}, &o).category, "cli");  // the user's glob beats the shipped one
    EXPECT_EQ(inferCategory({"left-pad", {}, ""}, &o).category, "utility");
    EXPECT_EQ(inferCategory({"chalk", {"ansi", "terminal"}, ""}, &o).category, "color-terminal");  // no override

    // JSON is YAML too.
    auto json = CategoryOverrides::parse(R"({"lodash": "string"})", "cats.json");
    ASSERT_TRUE(json.ok()) << json.error().describe();
    EXPECT_EQ(inferCategory(tuningSet()[0].meta, &*json).category, "string");
}

TEST(CategoryOverrides, ErrorsNameFileAndLine) {
    auto typo = CategoryOverrides::parse("lodash: utility\nleft-pad: stirng\n", "cats.yaml");
    ASSERT_FALSE(typo.ok());
    EXPECT_EQ(typo.error().code, ErrorCode::Input);
    EXPECT_NE(typo.error().primary.find("cats.yaml:2"), std::string::npos) << typo.error().primary;
    EXPECT_NE(typo.error().primary.find("stirng"), std::string::npos);
    EXPECT_NE(typo.error().secondary.find("http-client"), std::string::npos);  // lists what is known

    auto list = CategoryOverrides::parse("lodash: utility\nchalk: [a, b]\n", "cats.yaml");
    ASSERT_FALSE(list.ok());
    EXPECT_NE(list.error().primary.find("cats.yaml:2"), std::string::npos) << list.error().primary;

    auto broken = CategoryOverrides::parse("a: b\n  c: : d\n", "bad.yaml");
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.error().primary.find("bad.yaml:2"), std::string::npos) << broken.error().primary;

    EXPECT_FALSE(CategoryOverrides::parse("- lodash\n", "seq.yaml").ok());
    EXPECT_TRUE(CategoryOverrides::parse("", "empty.yaml").ok());
    EXPECT_FALSE(CategoryOverrides::load("/nonexistent/cats.yaml").ok());
}

TEST(CategoryDoc, TaxonomyMatchesCategoriesMd) {
    std::ifstream in(std::string(VIGIL_SOURCE_DIR) + "/rules/CATEGORIES.md");
    ASSERT_TRUE(in) << "rules/CATEGORIES.md is missing";
    std::stringstream text;
    text << in.rdbuf();
    std::set<std::string> documented;
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) {
        // Taxonomy rows: | `id` | Title | scope |
        if (line.rfind("| `", 0) != 0)
            continue;
        const size_t close = line.find('`', 3);
        if (close != std::string::npos)
            documented.insert(line.substr(3, close - 3));
    }
    for (const CategoryInfo& c : categoryTaxonomy())
        EXPECT_TRUE(documented.count(c.id)) << c.id << " is not in rules/CATEGORIES.md";
    for (const std::string& behaviour : normFactKeys())
        EXPECT_TRUE(documented.count(behaviour)) << "norm behaviour " << behaviour << " is not in rules/CATEGORIES.md";
}

}  // namespace
}  // namespace vigil::engine::analysis
