// @brief Logging set-up: one spdlog logger on stderr, level from config or VIGIL_LOG.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace vigil::engine {

/// Configures the default logger: stderr, "[time] [level] message", level by name
/// ("trace" … "off"); an empty level means VIGIL_LOG or "warn".
void initLogging(std::string_view level = {});

}  // namespace vigil::engine
