#pragma once

#include <string>
#include <vector>

#include "config/settings.hpp"

namespace salon::app {

// Each returns the process exit code.
int serve(const config::settings& settings);
int migrate(const config::settings& settings);
int seed_demo(const config::settings& settings);

}  // namespace salon::app
