// Graph layout over graphviz's libgvc (cgraph + the dot and sfdp layout plugins).
#include "engine/report/graph_layout.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

namespace vigil::engine::report {
namespace {

// libgvc is not thread-safe (global attribute dictionaries, error handler, plugin registry, layout
// statics): every use goes through this lock.
std::mutex& gvcMutex() {
    static std::mutex mutex;
    return mutex;
}

// Graphviz reports errors through a global callback; collected here while the lock is held.
std::string& gvcErrors() {
    static std::string errors;
    return errors;
}

int collectGvcError(char* message) {
    gvcErrors() += message;
    return 0;
}

constexpr double kPointsPerInch = 72.0;
// Room reserved under a node in dot drawings for its label, and the width of one label character
// at the renderers' label size (about 11 px); dot then spaces siblings so labels do not collide.
constexpr double kLabelBandPoints = 16.0;
constexpr double kLabelCharPoints = 6.0;

std::string inches(double points) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", points / kPointsPerInch);
    return buffer;
}

struct GraphDeleter {
    void operator()(Agraph_t* graph) const { agclose(graph); }
};
// One graphviz context for the process, made on first use (under gvcMutex): gvContext() reads
// the plugin configuration each time and, in graphviz 2.43, leaks that buffer on every call.
GVC_t* sharedContext() {
    static GVC_t* context = gvContext();
    return context;
}

// cgraph's API takes char* for names and values it only reads.
char* cstr(const char* text) { return const_cast<char*>(text); }  // NOLINT(cppcoreguidelines-pro-type-const-cast)

}  // namespace

const char* layoutAlgorithmName(LayoutAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case LayoutAlgorithm::Auto: return "auto";
    case LayoutAlgorithm::Dot: return "dot";
    case LayoutAlgorithm::Sfdp: return "sfdp";
    }
    return "auto";
}

Result<GraphLayout> layoutGraph(const std::vector<LayoutNode>& nodes, const std::vector<LayoutEdge>& edges,
                                const LayoutOptions& options) {
    for (std::size_t i = 0; i < edges.size(); ++i)
        if (edges[i].from >= nodes.size() || edges[i].to >= nodes.size())
            return makeError(ErrorCode::Usage, "graph layout: edge " + std::to_string(i) + " names node " +
                                                   std::to_string(std::max(edges[i].from, edges[i].to)) +
                                                   " of a graph with " + std::to_string(nodes.size()) + " nodes");
    GraphLayout layout;
    layout.algorithm = options.algorithm;
    if (layout.algorithm == LayoutAlgorithm::Auto)
        layout.algorithm = nodes.size() <= options.dotMaxNodes ? LayoutAlgorithm::Dot : LayoutAlgorithm::Sfdp;
    if (nodes.empty())
        return layout;
    const bool dot = layout.algorithm == LayoutAlgorithm::Dot;

    const std::lock_guard lock(gvcMutex());
    gvcErrors().clear();
    agseterr(AGERR);
    agseterrf(collectGvcError);

    GVC_t* context = sharedContext();
    if (context == nullptr)
        return makeError(ErrorCode::Internal, "graph layout: graphviz could not start",
                         "is the graphviz plugin configuration (libgvc6) installed?");
    const std::unique_ptr<Agraph_t, GraphDeleter> graph(agopen(cstr("deps"), Agdirected, nullptr));

    // Graph-wide attributes: the defaults every node and edge shares.
    agattr(graph.get(), AGRAPH, cstr("splines"), cstr(dot ? "spline" : "line"));
    agattr(graph.get(), AGRAPH, cstr("outputorder"), cstr("edgesfirst"));
    if (dot) {
        agattr(graph.get(), AGRAPH, cstr("rankdir"), cstr("TB"));
        agattr(graph.get(), AGRAPH, cstr("nodesep"), cstr("0.25"));
        agattr(graph.get(), AGRAPH, cstr("ranksep"), cstr("0.6"));
    } else if (nodes.size() <= options.overlapRemovalMaxNodes) {
        // Keep nodes apart after the force layout; "prism" is graphviz's fast overlap removal.
        agattr(graph.get(), AGRAPH, cstr("overlap"), cstr("prism"));
    }
    agattr(graph.get(), AGNODE, cstr("shape"), cstr("box"));
    agattr(graph.get(), AGNODE, cstr("fixedsize"), cstr("true"));
    agattr(graph.get(), AGNODE, cstr("label"), cstr(""));  // sizes are ours; no font work for graphviz
    // Edges run centre to centre without arrow heads: renderers draw nodes over them, so a route
    // never ends at the invisible label box dot reserves around a node.
    agattr(graph.get(), AGEDGE, cstr("tailclip"), cstr("false"));
    agattr(graph.get(), AGEDGE, cstr("headclip"), cstr("false"));
    agattr(graph.get(), AGEDGE, cstr("arrowhead"), cstr("none"));
    Agsym_t* widthSym = agattr(graph.get(), AGNODE, cstr("width"), cstr("0.5"));
    Agsym_t* heightSym = agattr(graph.get(), AGNODE, cstr("height"), cstr("0.5"));

    std::vector<Agnode_t*> gvNodes(nodes.size());
    std::vector<double> diameters(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const double weight = std::clamp(nodes[i].weight, 0.0, 1.0);
        diameters[i] = options.minDiameter + (options.maxDiameter - options.minDiameter) * weight;
        const std::string name = "n" + std::to_string(i);
        gvNodes[i] = agnode(graph.get(), cstr(name.c_str()), 1);
        double boxWidth = diameters[i];
        double boxHeight = diameters[i];
        if (dot) {
            boxWidth = std::max(boxWidth, static_cast<double>(nodes[i].label.size()) * kLabelCharPoints);
            boxHeight += 2 * kLabelBandPoints;  // symmetric, so the circle stays at the box centre
        }
        agxset(gvNodes[i], widthSym, cstr(inches(boxWidth).c_str()));
        agxset(gvNodes[i], heightSym, cstr(inches(boxHeight).c_str()));
    }
    std::vector<Agedge_t*> gvEdges(edges.size());
    for (std::size_t i = 0; i < edges.size(); ++i)
        gvEdges[i] = agedge(graph.get(), gvNodes[edges[i].from], gvNodes[edges[i].to], nullptr, 1);

    if (gvLayout(context, graph.get(), layoutAlgorithmName(layout.algorithm)) != 0)
        return makeError(ErrorCode::Internal,
                         std::string("graph layout: graphviz ") + layoutAlgorithmName(layout.algorithm) + " failed on " +
                             std::to_string(nodes.size()) + " nodes",
                         gvcErrors());

    const boxf bb = GD_bb(graph.get());
    const auto place = [&bb](pointf p) { return LayoutPoint{p.x - bb.LL.x, bb.UR.y - p.y}; };
    layout.width = bb.UR.x - bb.LL.x;
    layout.height = bb.UR.y - bb.LL.y;
    layout.nodes.resize(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i)
        layout.nodes[i] = PlacedNode{place(ND_coord(gvNodes[i])), diameters[i], diameters[i]};
    layout.edges.resize(edges.size());
    for (std::size_t i = 0; i < edges.size(); ++i) {
        RoutedEdge& routed = layout.edges[i];
        routed.from = edges[i].from;
        routed.to = edges[i].to;
        const splines* spl = ED_spl(gvEdges[i]);
        if (spl != nullptr && spl->size > 0 && spl->list[0].size >= 4) {
            // Several beziers only for edges split around clusters, which we never make: take the first.
            const bezier& bz = spl->list[0];
            routed.points.reserve(static_cast<std::size_t>(bz.size));
            for (int k = 0; k < bz.size; ++k)
                routed.points.push_back(place(bz.list[k]));
        } else {
            // No route computed (sfdp may leave edges to the renderer): a straight cubic.
            const LayoutPoint a = layout.nodes[routed.from].center;
            const LayoutPoint b = layout.nodes[routed.to].center;
            routed.points = {a, {a.x + (b.x - a.x) / 3, a.y + (b.y - a.y) / 3},
                             {a.x + 2 * (b.x - a.x) / 3, a.y + 2 * (b.y - a.y) / 3}, b};
        }
    }
    gvFreeLayout(context, graph.get());
    return layout;
}

}  // namespace vigil::engine::report
