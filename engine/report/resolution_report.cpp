#include "engine/report/resolution_report.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <set>
#include <sstream>

namespace vigil::engine::report {
namespace {

using resolve::DependencyEdge;
using resolve::PackageGraph;
using resolve::PackageNode;
using resolve::SourceKind;

struct Counts {
    std::size_t total = 0, direct = 0, dev = 0, optional = 0;
    std::vector<std::size_t> withScripts;
};

Counts countGraph(const PackageGraph& g, std::vector<bool>& direct) {
    Counts c;
    direct.assign(g.nodes.size(), false);
    for (const auto& e : g.edges)
        if (e.from == 0)
            direct[e.to] = true;
    for (std::size_t i = 1; i < g.nodes.size(); ++i) {
        ++c.total;
        if (direct[i]) ++c.direct;
        if (g.nodes[i].dev) ++c.dev;
        if (g.nodes[i].optional) ++c.optional;
        if (g.nodes[i].hasInstallScript) c.withScripts.push_back(i);
    }
    return c;
}

std::string label(const PackageNode& n, const DependencyEdge& e) {
    std::string s = e.alias != n.name && !e.alias.empty() ? e.alias + "@npm:" + n.id() : n.id();
    if (n.source != SourceKind::Registry)
        s += std::string(" [") + resolve::sourceKindName(n.source) + "]";
    if (n.hasInstallScript)
        s += " [install script]";
    if (e.type == resolve::DependencyType::Dev)
        s += " (dev)";
    else if (e.type == resolve::DependencyType::Optional)
        s += " (optional)";
    else if (e.type == resolve::DependencyType::Peer)
        s += " (peer)";
    return s;
}

}  // namespace

std::string resolutionText(const plan::Resolution& r, const std::string& target) {
    const PackageGraph& g = r.graph;
    std::ostringstream out;
    std::string rootName = g.root().name.empty() ? target : g.root().id();
    out << rootName;
    if (!g.format.empty())
        out << "  (" << g.format << (g.sourceFile.empty() ? "" : ": " + g.sourceFile) << ")";
    out << "\n";

    std::vector<std::vector<const DependencyEdge*>> children(g.nodes.size());
    for (const auto& e : g.edges)
        children[e.from].push_back(&e);
    std::vector<bool> expanded(g.nodes.size(), false);
    expanded[0] = true;
    std::function<void(std::size_t, const std::string&)> walk = [&](std::size_t node, const std::string& prefix) {
        const auto& kids = children[node];
        for (std::size_t k = 0; k < kids.size(); ++k) {
            const bool last = k + 1 == kids.size();
            const DependencyEdge& e = *kids[k];
            out << prefix << (last ? "└── " : "├── ") << label(g.nodes[e.to], e);
            if (expanded[e.to]) {
                out << " (deduped)\n";
                continue;
            }
            out << "\n";
            expanded[e.to] = true;
            walk(e.to, prefix + (last ? "    " : "│   "));
        }
    };
    walk(0, "");

    std::vector<bool> direct;
    Counts c = countGraph(g, direct);
    out << "\n" << c.total << " packages (" << c.direct << " direct, " << (c.total - c.direct) << " transitive";
    if (c.dev) out << ", " << c.dev << " dev only";
    if (c.optional) out << ", " << c.optional << " optional";
    out << ")\n";
    if (c.withScripts.empty()) {
        out << "No package has install scripts.\n";
    } else {
        out << c.withScripts.size() << " with install scripts:";
        for (std::size_t i : c.withScripts)
            out << " " << g.nodes[i].id();
        out << "\n";
    }
    if (r.fetch) {
        out << "Fetched and verified " << r.fetch->packages.size() << ": " << r.fetch->downloaded << " downloaded, ";
        if (r.fetch->local)
            out << r.fetch->local << " from project tarballs, ";
        out << r.fetch->cached << " from cache";
        std::size_t tofu = 0;
        for (const auto& p : r.fetch->packages)
            tofu += p.integrityTrustedOnFirstUse ? 1 : 0;
        if (tofu)
            out << ", " << tofu << " without a recorded integrity (trusted on first use)";
        out << "\n";
        if (!r.fetch->notFetched.empty()) {
            out << "Not fetched (source recorded only):";
            for (const auto& s : r.fetch->notFetched)
                out << " " << s;
            out << "\n";
        }
    }
    if (r.scanId)
        out << "Recorded in the store as scan #" << *r.scanId << "\n";
    for (const auto& w : r.warnings)
        out << "warning: " << w << "\n";
    return out.str();
}

std::string resolutionJson(const plan::Resolution& r, const std::string& target) {
    const PackageGraph& g = r.graph;
    std::vector<bool> direct;
    Counts c = countGraph(g, direct);
    nlohmann::json j;
    j["schema"] = kResolveSchema;
    j["target"] = target;
    j["format"] = g.format;
    j["source_file"] = g.sourceFile;
    j["root"] = {{"name", g.root().name}, {"version", g.root().version}};
    nlohmann::json packages = nlohmann::json::array();
    for (std::size_t i = 1; i < g.nodes.size(); ++i) {
        const auto& n = g.nodes[i];
        packages.push_back({{"id", n.id()},
                            {"name", n.name},
                            {"version", n.version},
                            {"source", resolve::sourceKindName(n.source)},
                            {"resolved", n.resolved},
                            {"integrity", n.integrity},
                            {"direct", static_cast<bool>(direct[i])},
                            {"dev", n.dev},
                            {"optional", n.optional},
                            {"has_install_script", n.hasInstallScript},
                            {"install_paths", n.installPaths}});
    }
    j["packages"] = std::move(packages);
    nlohmann::json edges = nlohmann::json::array();
    for (const auto& e : g.edges)
        edges.push_back({{"from", e.from == 0 ? std::string("") : g.nodes[e.from].id()},
                         {"to", g.nodes[e.to].id()},
                         {"alias", e.alias},
                         {"spec", e.spec},
                         {"type", resolve::dependencyTypeName(e.type)}});
    j["edges"] = std::move(edges);
    j["summary"] = {{"packages", c.total},
                    {"direct", c.direct},
                    {"transitive", c.total - c.direct},
                    {"dev", c.dev},
                    {"optional", c.optional},
                    {"with_install_scripts", c.withScripts.size()}};
    if (r.fetch) {
        j["fetch"] = {{"verified", r.fetch->packages.size()},
                      {"downloaded", r.fetch->downloaded},
                      {"cached", r.fetch->cached},
                      {"local", r.fetch->local},
                      {"not_fetched", r.fetch->notFetched}};
    } else {
        j["fetch"] = nullptr;
    }
    j["scan_id"] = r.scanId ? nlohmann::json(*r.scanId) : nlohmann::json(nullptr);
    j["warnings"] = r.warnings;
    return j.dump(2) + "\n";
}

}  // namespace vigil::engine::report
