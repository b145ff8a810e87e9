#include "engine/core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <string>

namespace vigil::engine {

void initLogging(std::string_view level) {
    std::string name(level);
    if (name.empty()) {
        const char* env = std::getenv("VIGIL_LOG");
        name = env ? env : "warn";
    }
    auto logger = spdlog::get("vigil");
    if (!logger)
        logger = spdlog::stderr_color_mt("vigil");
    logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
    logger->set_level(spdlog::level::from_str(name));
    spdlog::set_default_logger(logger);
}

}  // namespace vigil::engine
