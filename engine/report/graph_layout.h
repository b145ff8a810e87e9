// @brief layoutGraph: places a dependency graph with graphviz (dot for small graphs, sfdp for large
// ones) and returns plain positions, sizes, edge routes and the bounding box for any renderer.
//
// Used by the GUI's graph view (off its thread) and the HTML/PDF reports. Coordinates are in
// graphviz points (1/72 inch), origin at the top-left of the bounding box, y growing downwards —
// the convention of Qt, SVG and PDF pages — so renderers only scale and translate.
//
// Thread safety: callable from any thread. libgvc keeps global state (its graph attribute
// dictionaries, the plugin registry and the layout engines' statics), so calls are serialised by a
// process-wide mutex: two layouts never run at once, the second waits.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace vigil::engine::report {

struct LayoutNode {
    std::string id;      ///< unique ("name@version"); only used to name the node in errors
    std::string label;   ///< shown beside the node by renderers; does not change the layout
    double weight = 0;   ///< 0..1 (clamped): the node's diameter grows with it (e.g. score / 100)
};

/// A directed edge by index into the node list (parent -> dependency).
struct LayoutEdge {
    std::size_t from = 0;
    std::size_t to = 0;
};

enum class LayoutAlgorithm {
    Auto,  ///< dot up to LayoutOptions::dotMaxNodes nodes, sfdp above
    Dot,   ///< layered, for trees and small DAGs: readable parent-above-child drawings
    Sfdp,  ///< force-directed multilevel, for thousands of nodes
};

struct LayoutOptions {
    LayoutAlgorithm algorithm = LayoutAlgorithm::Auto;
    std::size_t dotMaxNodes = 150;  ///< dot's cost grows quickly past a few hundred nodes
    /// sfdp removes node overlaps ("prism") up to this many nodes; above, its spring model alone
    /// keeps nodes apart, because prism triples the time (5,000 nodes: ~3 s without, ~12 s with).
    std::size_t overlapRemovalMaxNodes = 1000;
    double minDiameter = 18;        ///< points, for weight 0
    double maxDiameter = 46;        ///< points, for weight 1
};

struct LayoutPoint {
    double x = 0;
    double y = 0;
};

struct PlacedNode {
    LayoutPoint center;
    double width = 0;   ///< points
    double height = 0;
};

struct RoutedEdge {
    std::size_t from = 0;
    std::size_t to = 0;
    /// Cubic Bézier control points: p0, then (c1, c2, p) per segment — 1 + 3n points. Straight
    /// edges come as one segment with the controls on the line, so one drawing path fits all.
    std::vector<LayoutPoint> points;
};

struct GraphLayout {
    std::vector<PlacedNode> nodes;  ///< same order as the input nodes
    std::vector<RoutedEdge> edges;  ///< same order as the input edges
    double width = 0;               ///< bounding box, points; (0,0) is its top-left corner
    double height = 0;
    LayoutAlgorithm algorithm = LayoutAlgorithm::Auto;  ///< the one actually used (never Auto)
};

/// Lays out the graph. Errors: Usage for an edge naming a node out of range; Internal when
/// graphviz fails (its message in the secondary text). An empty graph yields an empty layout.
[[nodiscard]] Result<GraphLayout> layoutGraph(const std::vector<LayoutNode>& nodes,
                                              const std::vector<LayoutEdge>& edges,
                                              const LayoutOptions& options = {});

/// "dot" or "sfdp" ("auto" for Auto).
const char* layoutAlgorithmName(LayoutAlgorithm algorithm) noexcept;

}  // namespace vigil::engine::report
