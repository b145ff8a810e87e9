// The dependency graph figure: layoutGraph (graphviz) positions, drawn as SVG in severity colours.
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/report/graph_layout.h"
#include "engine/report/palette.h"
#include "engine/report/report_figures.h"
#include "engine/report/svg_writer.h"

namespace vigil::engine::report {

namespace {
constexpr double kMargin = 16;
constexpr double kLabelOffset = 12;

bool isRisky(const PackageReport& p) { return p.severity >= Severity::Medium; }

/// Keys to draw: all packages, or for large graphs those on a path from the root to a risky package
/// (the packages that can reach a risky one, walking edges backwards).
std::set<std::string> keptKeys(const ScanReport& report, std::size_t maxNodes, bool& reduced) {
    std::set<std::string> keep;
    reduced = report.packages.size() > maxNodes;
    if (!reduced) {
        for (const auto& p : report.packages)
            keep.insert(p.key());
        return keep;
    }
    std::multimap<std::string, std::string> parents;
    for (const auto& e : report.edges)
        parents.emplace(e.to, e.from);
    std::vector<std::string> stack;
    for (const auto& p : report.packages)
        if (isRisky(p) && keep.insert(p.key()).second)
            stack.push_back(p.key());
    while (!stack.empty()) {
        const std::string key = stack.back();
        stack.pop_back();
        const auto [begin, end] = parents.equal_range(key);
        for (auto it = begin; it != end; ++it)
            if (!it->second.empty() && keep.insert(it->second).second)
                stack.push_back(it->second);
    }
    return keep;
}

/// The point at distance `back` before the end of the segment c -> p (where an arrow meets a node).
LayoutPoint pullBack(LayoutPoint c, LayoutPoint p, double back) {
    const double dx = p.x - c.x, dy = p.y - c.y;
    const double len = std::hypot(dx, dy);
    if (len < 1e-6)
        return p;
    return {p.x - dx / len * back, p.y - dy / len * back};
}
}  // namespace

Figure dependencyGraphFigure(const ScanReport& report, const GraphFigureOptions& options) {
    Figure fig;
    if (report.packages.empty()) {
        fig.note = "No packages in this scan.";
        return fig;
    }
    bool reduced = false;
    const auto keep = keptKeys(report, options.maxNodes, reduced);

    std::vector<LayoutNode> nodes;
    std::vector<const PackageReport*> packageOf;  // nullptr = the project root
    std::map<std::string, std::size_t> index;
    nodes.push_back({"", report.projectName.empty() ? "project" : report.projectName, 0.55});
    packageOf.push_back(nullptr);
    for (const auto& p : report.packages) {
        if (!keep.count(p.key()))
            continue;
        index[p.key()] = nodes.size();
        nodes.push_back({p.key(), p.key(), p.score / 100.0});
        packageOf.push_back(&p);
    }
    std::vector<LayoutEdge> edges;
    std::vector<const DependencyEdge*> edgeOf;
    for (const auto& e : report.edges) {
        const auto to = index.find(e.to);
        const auto from = e.from.empty() ? std::optional<std::size_t>(0)
                                         : (index.count(e.from) ? std::optional<std::size_t>(index[e.from]) : std::nullopt);
        if (to == index.end() || !from)
            continue;
        edges.push_back({*from, to->second});
        edgeOf.push_back(&e);
    }
    auto layout = layoutGraph(nodes, edges);
    if (!layout) {
        fig.note = "The dependency graph could not be laid out: " + layout.error().primary;
        return fig;
    }

    fig.width = layout->width + 2 * kMargin;
    fig.height = layout->height + 2 * kMargin + kLabelOffset;
    SvgWriter svg(fig.width, fig.height, "Dependency graph");
    const auto at = [](LayoutPoint p) { return LayoutPoint{p.x + kMargin, p.y + kMargin}; };

    for (std::size_t i = 0; i < layout->edges.size(); ++i) {
        const auto& route = layout->edges[i];
        if (route.points.size() < 4)
            continue;
        const auto& target = layout->nodes[route.to];
        const double radius = target.width / 2 + 2;
        std::vector<LayoutPoint> pts;
        for (const auto& p : route.points)
            pts.push_back(at(p));
        // End the curve at the target's rim and put the arrowhead there, pointing along the last
        // distinct control point (graphviz often repeats the end point as the last control).
        LayoutPoint from = pts[pts.size() - 2];
        for (std::size_t k = pts.size() - 1; k-- > 0;) {
            from = pts[k];
            if (std::hypot(pts.back().x - from.x, pts.back().y - from.y) > radius + 10)
                break;
        }
        const LayoutPoint tip = pullBack(from, pts.back(), radius);
        const LayoutPoint base = pullBack(from, pts.back(), radius + 9);
        pts[pts.size() - 2] = pullBack(from, pts.back(), radius + 9);
        pts.back() = base;
        std::string d = fmt::format("M{},{}", SvgWriter::num(pts[0].x), SvgWriter::num(pts[0].y));
        for (std::size_t k = 1; k + 2 < pts.size(); k += 3)
            d += fmt::format(" C{},{} {},{} {},{}", SvgWriter::num(pts[k].x), SvgWriter::num(pts[k].y),
                             SvgWriter::num(pts[k + 1].x), SvgWriter::num(pts[k + 1].y), SvgWriter::num(pts[k + 2].x),
                             SvgWriter::num(pts[k + 2].y));
        const bool dev = edgeOf[i]->dev;
        svg.path(d, "none", palette::kEdge, dev ? 1 : 1.4);
        const double dx = tip.x - base.x, dy = tip.y - base.y;
        svg.path(fmt::format("M{},{} L{},{} L{},{} Z", SvgWriter::num(tip.x), SvgWriter::num(tip.y),
                             SvgWriter::num(base.x - dy * 0.45), SvgWriter::num(base.y + dx * 0.45),
                             SvgWriter::num(base.x + dy * 0.45), SvgWriter::num(base.y - dx * 0.45)),
                 palette::kEdge, palette::kEdge, 1);
    }
    for (std::size_t i = 0; i < layout->nodes.size(); ++i) {
        const auto& n = layout->nodes[i];
        const LayoutPoint c = at(n.center);
        const PackageReport* p = packageOf[i];
        std::string fill(palette::kSidebar);
        std::string tip = nodes[i].label + " (project)";
        if (p) {
            const bool alarming = p->severity > Severity::Info;
            fill = alarming ? palette::severityColor(p->severity) : palette::kNeutral;
            tip = fmt::format("{} — {}, score {}{}", p->key(), severityName(p->severity), p->score, p->cached ? ", cached" : "");
        }
        svg.circle(c.x, c.y, n.width / 2, fill, "#ffffff", tip);
        const bool bold = !p || p->severity >= Severity::Medium;
        svg.text(c.x, c.y + n.height / 2 + kLabelOffset, nodes[i].label, 10.5, palette::kText, "middle", bold);
    }
    fig.svg = svg.finish(options.standalone);
    if (reduced)
        fig.note = fmt::format("The tree has {} packages; this graph shows the {} on paths from the project to packages of "
                               "medium severity or above.",
                               report.packages.size(), nodes.size() - 1);
    return fig;
}

}  // namespace vigil::engine::report
