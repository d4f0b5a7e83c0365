#pragma once

#include <string>
#include <vector>

#include "config/settings.hpp"

namespace salon::app {

// Each returns the process exit code.
int serve(const config::settings& settings);
int migrate(const config::settings& settings);
int seed_demo(const config::settings& settings);
// A simulated caller playing Twilio against a running server; takes its own flags.
int call(const std::vector<std::string>& args);

}  // namespace salon::app
