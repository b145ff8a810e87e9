// @brief One-line, human wording of an Event ("exec curl -fsSL …", "read $HOME/.npmrc") for lists,
// the timeline's hover text and the scan page's live stream.
#pragma once

#include <string>

#include "engine/collect/event.h"

namespace vigil::ui {

std::string eventSummary(const engine::collect::Event& event);

}  // namespace vigil::ui
