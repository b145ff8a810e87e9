#include "engine/resolve/lockfile.h"

#include "engine/core/file_io.h"

#include <array>
#include <fstream>
#include <sstream>

namespace vigil::engine::resolve {

namespace {

struct Candidate {
    const char* fileName;
    LockfileKind kind;
};

// npm's own precedence first; yarn and pnpm files after it, as npm would ignore them.
constexpr std::array<Candidate, 4> kCandidates{{
    {"npm-shrinkwrap.json", LockfileKind::NpmShrinkwrap},
    {"package-lock.json", LockfileKind::NpmPackageLock},
    {"yarn.lock", LockfileKind::YarnClassic},
    {"pnpm-lock.yaml", LockfileKind::Pnpm},
}};

}  // namespace

const char* lockfileKindName(LockfileKind kind) noexcept {
    switch (kind) {
    case LockfileKind::NpmShrinkwrap: return "npm-shrinkwrap";
    case LockfileKind::NpmPackageLock: return "package-lock";
    case LockfileKind::YarnClassic: return "yarn-classic";
    case LockfileKind::YarnBerry: return "yarn-berry";
    case LockfileKind::Pnpm: return "pnpm";
    }
    return "package-lock";
}

std::optional<std::filesystem::path> findLockfile(const std::filesystem::path& dir) {
    for (const auto& candidate : kCandidates) {
        std::error_code ec;
        const auto path = dir / candidate.fileName;
        if (std::filesystem::is_regular_file(path, ec))
            return path;
    }
    return std::nullopt;
}

Result<PackageGraph> parseLockfile(std::string_view text, const std::string& fileName, const Manifest& root) {
    const std::string base = std::filesystem::path(fileName).filename().string();
    if (base == "yarn.lock")
        return parseYarnLockfile(text, fileName, root);
    if (base == "pnpm-lock.yaml")
        return parsePnpmLockfile(text, fileName, root);
    if (base == "package-lock.json" || base == "npm-shrinkwrap.json")
        return parseNpmLockfile(text, fileName, root);
    return makeError(ErrorCode::Usage, fileName + ": not a lockfile VIGIL knows",
                     "expected npm-shrinkwrap.json, package-lock.json, yarn.lock or pnpm-lock.yaml");
}

Result<PackageGraph> loadProject(const std::filesystem::path& dir) {
    const auto manifestPath = dir / "package.json";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(manifestPath, ec))
        return makeError(ErrorCode::Input, manifestPath.string() + ": not found",
                         "a project folder needs a package.json");
    auto manifestText = readWholeFile(manifestPath);
    if (!manifestText)
        return std::move(manifestText).error();
    auto manifest = parseManifest(*manifestText, manifestPath.string());
    if (!manifest)
        return std::move(manifest).error();

    const auto lockPath = findLockfile(dir);
    if (!lockPath)
        return makeError(ErrorCode::NotFound, dir.string() + ": no lockfile",
                         "no npm-shrinkwrap.json, package-lock.json, yarn.lock or pnpm-lock.yaml; "
                         "dependencies must be resolved from the registry");
    auto lockText = readWholeFile(*lockPath);
    if (!lockText)
        return std::move(lockText).error();
    auto graph = parseLockfile(*lockText, lockPath->string(), *manifest);
    if (!graph)
        return graph;

    // Several lockfiles usually mean a half-finished migration: say which one was not used.
    for (const auto& candidate : kCandidates) {
        const auto other = dir / candidate.fileName;
        if (other != *lockPath && std::filesystem::is_regular_file(other, ec))
            graph->warnings.push_back(other.string() + ": ignored; " + lockPath->filename().string() +
                                      " takes precedence");
    }
    graph->sourceFile = lockPath->string();
    graph->root().name = manifest->name.value_or("");
    graph->root().version = manifest->version.value_or("");
    graph->recomputeFlags();
    return graph;
}

}  // namespace vigil::engine::resolve
