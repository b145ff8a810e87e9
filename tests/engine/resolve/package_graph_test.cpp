#include "engine/resolve/package_graph.h"

#include <gtest/gtest.h>

using namespace vigil::engine::resolve;

TEST(PackageGraph, DeduplicatesByIdentityAndMergesFlags) {
    PackageGraph g;
    auto a1 = g.addNode({.name = "a", .version = "1.0.0", .dev = true});
    auto a2 = g.addNode({.name = "a", .version = "1.0.0", .integrity = "sha512-x", .dev = false});
    EXPECT_EQ(a1, a2);
    EXPECT_FALSE(g.nodes[a1].dev);
    EXPECT_EQ(g.nodes[a1].integrity, "sha512-x");
    auto git = g.addNode({.name = "a", .version = "1.0.0", .source = SourceKind::Git, .resolved = "git+https://x/a#c0ffee"});
    EXPECT_NE(git, a1) << "a git checkout is not the registry tarball";
    EXPECT_EQ(g.packageCount(), 2u);
    EXPECT_EQ(g.find("a", "1.0.0"), a1);
}

TEST(PackageGraph, FlagsFollowReachability) {
    PackageGraph g;
    auto prod = g.addNode({.name = "p", .version = "1.0.0"});
    auto devOnly = g.addNode({.name = "d", .version = "1.0.0"});
    auto shared = g.addNode({.name = "s", .version = "1.0.0"});
    auto opt = g.addNode({.name = "o", .version = "1.0.0"});
    g.addEdge({0, prod, "p", "^1", DependencyType::Prod});
    g.addEdge({0, devOnly, "d", "^1", DependencyType::Dev});
    g.addEdge({devOnly, shared, "s", "^1", DependencyType::Prod});
    g.addEdge({prod, shared, "s", "^1", DependencyType::Prod});
    g.addEdge({prod, opt, "o", "^1", DependencyType::Optional});
    g.addEdge({prod, opt, "o", "^1", DependencyType::Optional});  // duplicate ignored
    EXPECT_EQ(g.edges.size(), 5u);
    g.recomputeFlags();
    EXPECT_FALSE(g.nodes[prod].dev);
    EXPECT_TRUE(g.nodes[devOnly].dev);
    EXPECT_FALSE(g.nodes[shared].dev) << "reachable from a prod dependency too";
    EXPECT_TRUE(g.nodes[opt].optional);
    EXPECT_FALSE(g.nodes[shared].optional);
}
