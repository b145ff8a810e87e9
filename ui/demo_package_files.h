// @brief demoPackageFile: the demo's package contents (fast-setup 3.0.9 and 3.1.0), so the demo's
// version diff can show file content diffs without a tarball cache.
#pragma once

#include <optional>
#include <string>

namespace vigil::ui {

/// The text of `path` in the demo's name@version; nullopt when that version has no such file.
std::optional<std::string> demoPackageFile(const std::string& name, const std::string& version, const std::string& path);

}  // namespace vigil::ui
