// Graph layout: every node placed inside the box without overlaps, trees drawn parent above child,
// edges starting and ending at their nodes, 1,000 nodes in time, concurrent callers serialised.
#include "engine/report/graph_layout.h"

#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "engine/report/palette.h"

namespace vigil::engine::report {
namespace {

double distance(LayoutPoint a, LayoutPoint b) { return std::hypot(a.x - b.x, a.y - b.y); }

// A project root with a few direct dependencies sharing transitive ones, like examples/demo.
void demoTree(std::vector<LayoutNode>& nodes, std::vector<LayoutEdge>& edges) {
    nodes = {{"root", "vigil-demo-shop", 0}, {"a", "fast-setup@3.1.0", 0.8}, {"b", "date-stamp@0.4.2", 0},
             {"c", "tiny-pad@1.2.0", 0},     {"d", "fetch-guard@0.9.0", 0.5}, {"e", "tiny-colors@2.0.1", 0},
             {"f", "env-inspector@1.0.3", 1}};
    edges = {{0, 1}, {1, 2}, {2, 3}, {0, 4}, {4, 5}, {5, 3}, {0, 6}, {0, 3}, {0, 2}, {0, 5}};
}

// n nodes, a random tree plus 30% extra edges, as a resolved npm tree with shared dependencies.
void randomGraph(std::size_t n, std::vector<LayoutNode>& nodes, std::vector<LayoutEdge>& edges) {
    std::mt19937 rng(42);
    nodes.clear();
    edges.clear();
    for (std::size_t i = 0; i < n; ++i)
        nodes.push_back({"p" + std::to_string(i), "package-" + std::to_string(i), (i % 10) / 10.0});
    for (std::size_t i = 1; i < n; ++i)
        edges.push_back({std::uniform_int_distribution<std::size_t>(0, i - 1)(rng), i});
    for (std::size_t k = 0; k < n * 3 / 10; ++k) {
        const std::size_t a = std::uniform_int_distribution<std::size_t>(0, n - 2)(rng);
        edges.push_back({a, std::uniform_int_distribution<std::size_t>(a + 1, n - 1)(rng)});
    }
}

void expectWellFormed(const GraphLayout& layout, const std::vector<LayoutNode>& nodes,
                      const std::vector<LayoutEdge>& edges) {
    ASSERT_EQ(layout.nodes.size(), nodes.size());
    ASSERT_EQ(layout.edges.size(), edges.size());
    EXPECT_GT(layout.width, 0);
    EXPECT_GT(layout.height, 0);
    for (const PlacedNode& node : layout.nodes) {
        EXPECT_GE(node.center.x, -0.5);
        EXPECT_GE(node.center.y, -0.5);
        EXPECT_LE(node.center.x, layout.width + 0.5);
        EXPECT_LE(node.center.y, layout.height + 0.5);
    }
    for (std::size_t i = 0; i < edges.size(); ++i) {
        const RoutedEdge& edge = layout.edges[i];
        EXPECT_EQ(edge.from, edges[i].from);
        EXPECT_EQ(edge.to, edges[i].to);
        ASSERT_GE(edge.points.size(), 4U);
        EXPECT_EQ((edge.points.size() - 1) % 3, 0U) << "edge " << i << " is not a cubic Bezier chain";
        // A route runs from its tail node's centre to its head node's centre.
        EXPECT_LE(distance(edge.points.front(), layout.nodes[edge.from].center), 1.0) << "edge " << i;
        EXPECT_LE(distance(edge.points.back(), layout.nodes[edge.to].center), 1.0) << "edge " << i;
    }
}

TEST(GraphLayout, SmallTreeUsesDotWithParentsAboveChildren) {
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;
    demoTree(nodes, edges);
    const auto layout = layoutGraph(nodes, edges);
    ASSERT_TRUE(layout.ok()) << layout.error().describe();
    EXPECT_EQ(layout->algorithm, LayoutAlgorithm::Dot);
    expectWellFormed(*layout, nodes, edges);
    for (const LayoutEdge& edge : edges)
        EXPECT_LT(layout->nodes[edge.from].center.y, layout->nodes[edge.to].center.y)
            << nodes[edge.from].label << " should be drawn above " << nodes[edge.to].label;
    // Sized by weight: the critical package is drawn larger than a clean one.
    EXPECT_GT(layout->nodes[6].width, layout->nodes[3].width);
    EXPECT_DOUBLE_EQ(layout->nodes[6].width, LayoutOptions{}.maxDiameter);
}

TEST(GraphLayout, NodesDoNotOverlap) {
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;
    randomGraph(200, nodes, edges);
    const auto layout = layoutGraph(nodes, edges, {.algorithm = LayoutAlgorithm::Sfdp});
    ASSERT_TRUE(layout.ok()) << layout.error().describe();
    EXPECT_EQ(layout->algorithm, LayoutAlgorithm::Sfdp);
    expectWellFormed(*layout, nodes, edges);
    int overlapping = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i)
        for (std::size_t j = i + 1; j < nodes.size(); ++j)
            if (distance(layout->nodes[i].center, layout->nodes[j].center) <
                (layout->nodes[i].width + layout->nodes[j].width) / 2 - 1)
                ++overlapping;
    EXPECT_EQ(overlapping, 0);
}

TEST(GraphLayout, ThousandNodesWithSfdpInSeconds) {
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;
    randomGraph(1000, nodes, edges);
    const auto start = std::chrono::steady_clock::now();
    const auto layout = layoutGraph(nodes, edges);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(layout.ok()) << layout.error().describe();
    EXPECT_EQ(layout->algorithm, LayoutAlgorithm::Sfdp);
    expectWellFormed(*layout, nodes, edges);
    // ARCHITECTURE §5 measured ~0.4 s; generous bound for a loaded CI machine and sanitizers.
    EXPECT_LT(std::chrono::duration<double>(elapsed).count(), 8.0);
}

TEST(GraphLayout, LargeGraphsWithoutOverlapRemovalStillLayOut) {
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;
    randomGraph(400, nodes, edges);
    LayoutOptions fast;
    fast.overlapRemovalMaxNodes = 100;  // as if 400 were "large"
    const auto layout = layoutGraph(nodes, edges, fast);
    ASSERT_TRUE(layout.ok()) << layout.error().describe();
    expectWellFormed(*layout, nodes, edges);
}

TEST(GraphLayout, ConcurrentCallersEachGetTheirOwnLayout) {
    std::vector<LayoutNode> small;
    std::vector<LayoutEdge> smallEdges;
    demoTree(small, smallEdges);
    std::vector<LayoutNode> big;
    std::vector<LayoutEdge> bigEdges;
    randomGraph(300, big, bigEdges);
    Result<GraphLayout> a = makeError(ErrorCode::Internal, "not run");
    Result<GraphLayout> b = makeError(ErrorCode::Internal, "not run");
    std::thread t1([&] { a = layoutGraph(big, bigEdges); });
    std::thread t2([&] { b = layoutGraph(small, smallEdges); });
    t1.join();
    t2.join();
    ASSERT_TRUE(a.ok()) << a.error().describe();
    ASSERT_TRUE(b.ok()) << b.error().describe();
    expectWellFormed(*a, big, bigEdges);
    expectWellFormed(*b, small, smallEdges);
}

TEST(GraphLayout, EdgeOutOfRangeIsAUsageError) {
    const auto layout = layoutGraph({{"a", "a", 0}}, {{0, 3}});
    ASSERT_FALSE(layout.ok());
    EXPECT_EQ(layout.error().code, ErrorCode::Usage);
    EXPECT_NE(layout.error().primary.find("edge 0"), std::string::npos);
}

TEST(GraphLayout, EmptyGraphIsAnEmptyLayout) {
    const auto layout = layoutGraph({}, {});
    ASSERT_TRUE(layout.ok());
    EXPECT_TRUE(layout->nodes.empty());
    EXPECT_EQ(layout->width, 0);
}

TEST(Palette, EverySeverityHasADistinctHexColour) {
    std::vector<std::string_view> seen;
    for (Severity s : {Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical}) {
        const std::string_view colour = palette::severityColor(s);
        ASSERT_EQ(colour.size(), 7U);
        EXPECT_EQ(colour[0], '#');
        EXPECT_EQ(std::find(seen.begin(), seen.end(), colour), seen.end()) << severityName(s);
        seen.push_back(colour);
    }
    EXPECT_EQ(palette::heatSeverity(90), Severity::Critical);
    EXPECT_EQ(palette::heatSeverity(0), Severity::Info);
}

}  // namespace
}  // namespace vigil::engine::report
