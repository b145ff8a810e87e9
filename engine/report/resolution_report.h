// @brief Renders a resolution as an npm-ls-style text tree or as the stable `vigil.resolve/1` JSON.
#pragma once

#include <string>

#include "engine/plan/project_resolver.h"

namespace vigil::engine::report {

/// The schema name and version of resolutionJson(); bump on any incompatible change.
inline constexpr const char* kResolveSchema = "vigil.resolve/1";

/// The dependency tree (subtrees printed once, later occurrences marked "deduped"), then a
/// summary: counts, direct vs transitive, which packages have install scripts, fetch totals.
std::string resolutionText(const plan::Resolution& resolution, const std::string& target);

/// Stable JSON: schema, target, format, root, packages[], edges[], summary, fetch, scan_id, warnings.
std::string resolutionJson(const plan::Resolution& resolution, const std::string& target);

}  // namespace vigil::engine::report
