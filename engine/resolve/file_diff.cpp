#include "engine/resolve/file_diff.h"

#include <map>

namespace vigil::engine::resolve {

namespace {

std::map<std::string, const ExtractedFile*> byPath(const std::vector<ExtractedFile>& files) {
    std::map<std::string, const ExtractedFile*> out;
    for (const auto& f : files) out[f.path] = &f;  // a duplicate path: the later entry wins, as on disk
    return out;
}

bool differs(const ExtractedFile& a, const ExtractedFile& b) {
    return a.sha256 != b.sha256 || a.mode != b.mode || a.symlinkTarget != b.symlinkTarget;
}

}  // namespace

FileDiff diffFileLists(const std::vector<ExtractedFile>& older, const std::vector<ExtractedFile>& newer) {
    const auto before = byPath(older);
    const auto after = byPath(newer);
    FileDiff diff;
    for (const auto& [path, file] : after) {
        auto it = before.find(path);
        if (it == before.end())
            diff.added.push_back(path);
        else if (differs(*it->second, *file))
            diff.changed.push_back(path);
    }
    for (const auto& [path, file] : before)
        if (!after.contains(path)) diff.removed.push_back(path);
    return diff;
}

}  // namespace vigil::engine::resolve
