// @brief eventSummary: one human line per event ("exec curl -fsSL https://…", "DNS A host") for timelines and evidence tables.
#pragma once

#include <string>

#include "engine/collect/event.h"

namespace vigil::engine::report {

/// Unescaped plain text; callers escape it for their output format.
std::string eventSummary(const collect::Event& event);

/// The timeline lane of an event: its category, with "file" shown as "filesystem" like the heatmap.
std::string eventLane(const collect::Event& event);

}  // namespace vigil::engine::report
