#pragma once

#include "config/settings.hpp"

namespace salon::config {

// Sets spdlog's default logger: level from LOG_LEVEL, plain text or JSON lines from LOG_FORMAT.
// The level name is checked by the settings loader.
void configure_logging(const std::string& level, log_style format);

}  // namespace salon::config
