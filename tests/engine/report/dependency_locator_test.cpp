// SARIF locations: the lockfile line of a package version's entry, for every lockfile format,
// and the manifest line of the direct dependency when the lockfile has none.
#include <gtest/gtest.h>

#include "engine/report/dependency_locator.h"

namespace vigil::engine::report {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(VIGIL_FIXTURES_DIR) / "lockfiles";

DependencyLocator at(const std::string& dir, const std::string& lockfile) {
    return DependencyLocator::load(kFixtures / dir, lockfile.empty() ? std::filesystem::path() : kFixtures / dir / lockfile);
}

TEST(DependencyLocator, NpmLockfilesV1ToV3) {
    for (const char* dir : {"npm-v2", "npm-v3"}) {
        const auto l = at(dir, "package-lock.json");
        EXPECT_EQ(l.lockfileLine("chalk", "4.1.2"), 48) << dir;
        EXPECT_EQ(l.lockfileLine("ms", "2.1.3"), 159) << dir;
        EXPECT_EQ(l.lockfileLine("ms", "2.0.0"), 102) << dir << ": the nested copy";
        EXPECT_EQ(l.lockfileLine("chalk", "9.9.9"), 0) << dir;
    }
    const auto v1 = at("npm-v1", "package-lock.json");
    EXPECT_EQ(v1.lockfileLine("chalk", "4.1.2"), 15);
    EXPECT_EQ(v1.lockfileLine("ms", "2.1.3"), 95);
    EXPECT_EQ(v1.lockfileLine("ms", "2.0.0"), 50);
}

TEST(DependencyLocator, YarnClassicAndBerry) {
    const auto classic = at("yarn-v1", "yarn.lock");
    EXPECT_EQ(classic.lockfileLine("chalk", "4.1.2"), 12);
    EXPECT_EQ(classic.lockfileLine("ms", "2.0.0"), 75);
    EXPECT_EQ(classic.lockfileLine("ms", "2.1.3"), 80);
    const auto berry = at("yarn-berry", "yarn.lock");
    EXPECT_EQ(berry.lockfileLine("chalk", "4.1.2"), 17);
    EXPECT_EQ(berry.lockfileLine("ms", "2.1.3"), 112);
}

TEST(DependencyLocator, PnpmV5V6V9) {
    EXPECT_EQ(at("pnpm-v5", "pnpm-lock.yaml").lockfileLine("chalk", "4.1.2"), 40);
    EXPECT_EQ(at("pnpm-v5", "pnpm-lock.yaml").lockfileLine("ms", "2.0.0"), 100);
    EXPECT_EQ(at("pnpm-v6", "pnpm-lock.yaml").lockfileLine("chalk", "4.1.2"), 52);
    EXPECT_EQ(at("pnpm-v6", "pnpm-lock.yaml").lockfileLine("ms", "2.1.3"), 121);
    EXPECT_EQ(at("pnpm-v9", "pnpm-lock.yaml").lockfileLine("chalk", "4.1.2"), 50) << "packages, not snapshots";
    EXPECT_EQ(at("pnpm-v9", "pnpm-lock.yaml").lockfileLine("ms", "2.1.2"), 98);
}

TEST(DependencyLocator, FallsBackToTheManifestLineOfTheDirectDependency) {
    const auto l = at("npm-v3", "package-lock.json");
    // Not in the lockfile (say, resolved from the registry): point at what the project declared.
    const auto where = l.locate("supports-color", "99.0.0", "chalk");
    EXPECT_EQ(where.file.filename(), "package.json");
    EXPECT_EQ(where.line, 6);
    const auto none = at("no-lockfile", "");
    EXPECT_EQ(none.locate("anything", "1.0.0", "nothing-declared").line, 0);
    EXPECT_EQ(none.locate("anything", "1.0.0", "nothing-declared").file.filename(), "package.json");
}

}  // namespace
}  // namespace vigil::engine::report
