#include "engine/plan/package_analyzer.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace vigil::engine::plan {

Result<std::vector<std::string>> parsePhases(const std::string& commaSeparated) {
    std::set<std::string> wanted;
    std::stringstream in(commaSeparated);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item.empty())
            continue;
        if (std::none_of(std::begin(kAllPhases), std::end(kAllPhases), [&](const char* p) { return item == p; }))
            return makeError(ErrorCode::Usage, "unknown phase \"" + item + "\"", "phases are install, import and api");
        wanted.insert(item);
    }
    if (wanted.empty())
        return makeError(ErrorCode::Usage, "no phase given", "phases are install, import and api");
    std::vector<std::string> out;
    for (const char* p : kAllPhases)
        if (wanted.count(p))
            out.emplace_back(p);
    return out;
}

}  // namespace vigil::engine::plan
