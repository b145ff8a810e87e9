// @brief Stored attribution: fills in a stored analysis document's event attribution from the store's events.
//
// Documents analysed before the attribution existed lack it, but their runs' events were stored
// with the package each runtime event's stack resolved to: the scan computes it from them once and
// saves the document back, so such stores are judged by who did what without re-running anything.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/store/store.h"

namespace vigil::engine::plan {

/// When `document` (the fingerprint JSON of `version`, analysed by `analyzerVersion`) is an
/// analysis document without "attribution", computes it from the stored runs of that analyzer
/// version (the last run of each phase) and adds it. Returns whether it added it. A document of
/// another shape is left as it is.
Result<bool> addStoredAttribution(store::Store& store, store::VersionId version, const std::string& analyzerVersion,
                                  nlohmann::json& document);

}  // namespace vigil::engine::plan
