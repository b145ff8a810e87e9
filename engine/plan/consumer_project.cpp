// Staging the synthetic consumer project: placement (npm-style hoisting), links, bins.
#include "engine/plan/consumer_project.h"

#include <atomic>
#include <deque>
#include <fstream>
#include <optional>
#include <set>
#include <unistd.h>

#include "engine/core/file_io.h"

namespace vigil::engine::plan {
namespace {

namespace fs = std::filesystem;
using resolve::DependencyType;

/// npm package names: "name" or "@scope/name", no path tricks. Aliases come from manifests and
/// lockfiles a package author wrote: one named "../../x" must not place files outside.
bool safePackageName(const std::string& name) {
    if (name.empty() || name.size() > 214 || name.front() == '.' || name.find('\\') != std::string::npos ||
        name.find('\0') != std::string::npos)
        return false;
    const size_t slash = name.find('/');
    if (slash == std::string::npos)
        return true;
    if (name.front() != '@' || slash == 1 || slash + 1 >= name.size() || name.find('/', slash + 1) != std::string::npos)
        return false;
    return name[slash + 1] != '.';
}

Status linkTree(const fs::path& from, const fs::path& to, const std::vector<std::string>& skipTop) {
    std::error_code ec;
    fs::create_directories(to, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create " + to.string() + ": " + ec.message());
    fs::recursive_directory_iterator it(from, fs::directory_options::none, ec), end;
    if (ec)
        return makeError(ErrorCode::Io, "cannot read " + from.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec)
            return makeError(ErrorCode::Io, "cannot read " + from.string() + ": " + ec.message());
        const fs::path rel = it->path().lexically_relative(from);
        if (it.depth() == 0) {
            const std::string top = rel.string();
            bool skip = false;
            for (const auto& s : skipTop)
                skip = skip || s == top;
            if (skip) {
                it.disable_recursion_pending();
                continue;
            }
        }
        const fs::path dest = to / rel;
        const fs::file_status st = it->symlink_status(ec);
        if (ec)
            return makeError(ErrorCode::Io, "cannot stat " + it->path().string() + ": " + ec.message());
        if (fs::is_symlink(st)) {
            fs::copy_symlink(it->path(), dest, ec);
        } else if (fs::is_directory(st)) {
            fs::create_directory(dest, ec);
        } else if (fs::is_regular_file(st)) {
            // Same file system as the cache: a hard link costs nothing and the overlay keeps it
            // read-only. A user's folder elsewhere is copied.
            fs::create_hard_link(it->path(), dest, ec);
            if (ec) {
                ec.clear();
                fs::copy_file(it->path(), dest, ec);
            }
        }  // sockets, fifos, devices: never part of a package
        if (ec)
            return makeError(ErrorCode::Io, "cannot stage " + dest.string() + ": " + ec.message());
    }
    return {};
}

nlohmann::json readManifest(const fs::path& dir) {
    auto text = readWholeFile(dir / "package.json");
    if (!text)
        return nlohmann::json::object();
    auto j = nlohmann::json::parse(*text, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

/// The ancestors' package locations of `loc`, deepest first, ending with "" (the project).
/// "node_modules/a/node_modules/@s/b" -> {"node_modules/a/node_modules/@s/b", "node_modules/a", ""}.
std::vector<std::string> locationChain(const std::string& loc) {
    std::vector<std::string> chain;
    std::string cur = loc;
    while (!cur.empty()) {
        chain.push_back(cur);
        const size_t nm = cur.rfind("node_modules/");
        cur = nm == 0 ? std::string() : cur.substr(0, nm - 1);
    }
    chain.emplace_back();
    return chain;
}

std::string childLocation(const std::string& parent, const std::string& alias) {
    return (parent.empty() ? std::string() : parent + "/") + "node_modules/" + alias;
}

struct Placed {
    std::size_t node;
    std::string alias;
};

/// npm's bin links: node_modules/.bin/<name> -> ../<alias>/<file>, next to where the package is
/// placed, with the target made executable (npm chmods bin targets on install).
void linkBins(ConsumerProject& project, const std::string& loc, const std::string& alias, const fs::path& source) {
    const nlohmann::json manifest = readManifest(project.dir / loc);
    const auto binIt = manifest.find("bin");
    if (binIt == manifest.end())
        return;
    std::vector<std::pair<std::string, std::string>> bins;
    if (binIt->is_string()) {
        const std::string name = alias.substr(alias.find('/') == std::string::npos ? 0 : alias.find('/') + 1);
        bins.emplace_back(name, binIt->get<std::string>());
    } else if (binIt->is_object()) {
        for (const auto& [name, target] : binIt->items())
            if (target.is_string())
                bins.emplace_back(name, target.get<std::string>());
    }
    const fs::path nmDir = project.dir / loc.substr(0, loc.size() - alias.size() - 1);
    for (const auto& [rawName, target] : bins) {
        const std::string name = rawName.substr(rawName.rfind('/') == std::string::npos ? 0 : rawName.rfind('/') + 1);
        const fs::path rel = fs::path(target).lexically_normal();
        if (name.empty() || name == "." || name == ".." || rel.empty() || rel.is_absolute() ||
            rel.begin()->string() == "..") {
            project.warnings.push_back(alias + ": bin \"" + rawName + "\" -> \"" + target + "\" skipped (outside the package)");
            continue;
        }
        std::error_code ec;
        const fs::path file = project.dir / loc / rel;
        if (fs::is_regular_file(fs::symlink_status(file, ec))) {
            // Replace the hard link by a copy before chmod: the cache's inode must not change.
            fs::remove(file, ec);
            fs::copy_file(source / rel, file, ec);
            fs::permissions(file, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                            fs::perm_options::add, ec);
        }
        fs::create_directories(nmDir / ".bin", ec);
        fs::remove(nmDir / ".bin" / name, ec);
        fs::create_symlink(fs::path("..") / alias / rel, nmDir / ".bin" / name, ec);
        if (ec)
            project.warnings.push_back(alias + ": bin " + name + ": " + ec.message());
    }
}

}  // namespace

Result<ConsumerProject> stageConsumerProject(const StageRequest& request) {
    if (request.graph == nullptr || request.subject >= request.graph->nodes.size())
        return makeError(ErrorCode::Internal, "stageConsumerProject: no graph or subject out of range");
    const resolve::PackageGraph& graph = *request.graph;
    const resolve::PackageNode& subject = graph.nodes[request.subject];
    const auto subjectTree = request.trees.find(request.subject);
    if (subjectTree == request.trees.end())
        return makeError(ErrorCode::Internal, subject.id() + ": no extracted tree to analyse");

    ConsumerProject project;
    project.manifest = readManifest(subjectTree->second);
    project.name = subject.name;
    project.version = subject.version;
    if (project.manifest.contains("name") && project.manifest["name"].is_string())
        project.name = project.manifest["name"].get<std::string>();
    if (project.manifest.contains("version") && project.manifest["version"].is_string())
        project.version = project.manifest["version"].get<std::string>();
    if (!safePackageName(project.name))
        return makeError(ErrorCode::Input, "package name \"" + project.name + "\" is not a valid npm name",
                         "in " + (subjectTree->second / "package.json").string());

    static std::atomic<unsigned> counter{0};
    std::error_code ec;
    fs::create_directories(request.under, ec);
    project.dir = request.under / ("project-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(project.dir, ec);
    if (!fs::create_directory(project.dir, ec) || ec)
        return makeError(ErrorCode::Io, "cannot create " + project.dir.string() + ": " + ec.message());

    const std::string subjectLoc = "node_modules/" + project.name;
    project.packageDir = project.dir / subjectLoc;
    project.sandboxPackageDir = std::string(kSandboxProjectDir) + "/" + subjectLoc;

    // Breadth-first like npm's tree building: shallow dependencies claim the top-level names
    // first, so the common case is a flat node_modules.
    std::map<std::string, std::size_t> at;  // location -> node
    std::vector<std::pair<std::string, Placed>> order;
    std::deque<std::string> queue;
    at[subjectLoc] = request.subject;
    order.push_back({subjectLoc, Placed{request.subject, project.name}});
    queue.push_back(subjectLoc);
    while (!queue.empty()) {
        const std::string loc = queue.front();
        queue.pop_front();
        const std::size_t node = at[loc];
        for (const resolve::DependencyEdge* edge : graph.edgesFrom(node)) {
            if (edge->type == DependencyType::Dev)
                continue;  // a consumer never gets a dependency's devDependencies
            const std::string& alias = edge->alias.empty() ? graph.nodes[edge->to].name : edge->alias;
            if (!safePackageName(alias)) {
                project.warnings.push_back(graph.nodes[node].id() + ": dependency name \"" + alias + "\" refused");
                continue;
            }
            // Node's lookup from `loc`: the first node_modules/<alias> up the chain wins.
            std::optional<std::size_t> found;
            for (const std::string& anc : locationChain(loc)) {
                auto hit = at.find(childLocation(anc, alias));
                if (hit != at.end()) {
                    found = hit->second;
                    break;
                }
            }
            if (found && *found == edge->to)
                continue;
            if (request.trees.find(edge->to) == request.trees.end()) {
                project.warnings.push_back(graph.nodes[edge->to].id() + " (needed by " + graph.nodes[node].id() +
                                           ") has no extracted tree: not installed");
                continue;
            }
            // Free everywhere up the chain: hoist to the top. Shadowed by another version: nest
            // under the dependent, where its lookup starts.
            const std::string target = found ? childLocation(loc, alias) : childLocation("", alias);
            if (at.count(target) != 0) {
                project.warnings.push_back(graph.nodes[node].id() + ": cannot place " + graph.nodes[edge->to].id() +
                                           " at " + target + " (taken)");
                continue;
            }
            if (at.size() >= request.maxPlacements)
                return makeError(ErrorCode::Input, subject.id() + ": more than " +
                                                       std::to_string(request.maxPlacements) +
                                                       " dependency placements; the tree is too large to stage");
            at[target] = edge->to;
            order.push_back({target, Placed{edge->to, alias}});
            queue.push_back(target);
        }
    }

    for (const auto& [loc, placed] : order) {
        const fs::path& tree = request.trees.at(placed.node);
        const std::vector<std::string> none;
        const bool isSubject = placed.node == request.subject && loc == subjectLoc;
        VIGIL_TRY(linkTree(tree, project.dir / loc, isSubject ? request.skipTopLevel : none));
        project.placements[loc] = graph.nodes[placed.node].id();
    }
    for (const auto& [loc, placed] : order)
        linkBins(project, loc, placed.alias, request.trees.at(placed.node));
    project.hasBindingGyp = fs::is_regular_file(project.packageDir / "binding.gyp", ec);

    const nlohmann::json consumer = {{"name", kConsumerName},
                                     {"version", kConsumerVersion},
                                     {"private", true},
                                     {"dependencies", {{project.name, project.version}}}};
    const std::string text = consumer.dump(2) + "\n";
    std::ofstream out(project.dir / "package.json", std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        return makeError(ErrorCode::Io, "cannot write " + (project.dir / "package.json").string());
    return project;
}

void removeConsumerProject(const ConsumerProject& project) {
    std::error_code ec;
    if (!project.dir.empty())
        fs::remove_all(project.dir, ec);
}

}  // namespace vigil::engine::plan
